"""认购 subscription: the saga that turns a hold into a deal, its 审核, and the deal reads.

The saga, each step committed on its own:
1. here: the deal is written `pending` (the unique hold_id makes a retried request find it);
2. inventory.subscribe_hold(hold, deal): hold converted, unit subscribed (idempotent);
3. here: `submitted`, with the unit's figures and the project's next 认购书 number.
A definitive refusal at 2 (the hold ended, 409/404) makes the deal `failed`. Inventory not
answering (503) leaves it `pending`: the caller may retry, and the sweep retries step 2
for every pending deal; both are safe to repeat, and step 3 is a conditional update, so
whoever gets there first numbers the deal and the other finds it done.

A rejected subscription releases the unit through the outbox (`deal_cancelled`, from_status
"submitted"), in the same transaction as the rejection: a crash after the commit loses
nothing, and inventory's handler releases only a unit that still carries the deal.
"""
import logging
from decimal import Decimal

from sqlalchemy import func, insert, select, update

from loupan import bus, deal_dates, reveals
from loupan.errors import Conflict, DomainError, Forbidden, RuleViolated, Unavailable
from loupan.failpoints import failpoint
from loupan.roles import PERMISSIONS, SYSTEM, require_not_own, require_role
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import today, utcnow
from loupan.validators import mask_mobile
from services.contracts import dates
from services.contracts import deal_rules as rules
from services.contracts import numbering
from services.contracts.models import Contract, Deal, DealBuyer, DealHistory, SupplementaryAgreement, data_reveals

log = logging.getLogger(__name__)

def record_history(session, deal_id, from_status, to_status, note, actor):
    """The deal's history row of a step: who (the service itself without an actor), when, why."""
    actor = actor or {}
    session.execute(insert(DealHistory).values(
        deal_id=deal_id, from_status=from_status, to_status=to_status, note=(note or "")[:300] or None,
        by_id=None if actor.get("role") == SYSTEM else actor.get("account_id"), by_name=actor.get("username") or "contracts", at=utcnow()))


def move_deal(session, deal, name, actor, note=None, expected=None, where=(), **values):
    """The deal's move `name` of deal_rules.MOVES, the one writer of a deal's status: one
    conditional UPDATE (status IN the move's sources, or `expected`, the status the caller
    read, when it must be that one; plus the caller's `where`), with the history row;
    Conflict with the move's code when the deal is not (or no longer: a concurrent request
    moved it since it was read) where the move starts. `values`: the other columns it sets."""
    move = rules.deal_move(name)
    condition = [Deal.id == deal.id, Deal.status.in_(move.sources), *where]
    if expected is not None:
        condition.append(Deal.status == expected)
    sets = {"updated_at": utcnow(), **values}
    if move.target is not None:
        sets["status"] = move.target
    moved = session.execute(
        update(Deal).where(*condition).values(**sets).execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        current = session.execute(select(Deal.status).where(Deal.id == deal.id)).scalar_one()
        wanted = (expected,) if expected is not None else move.sources
        if current in wanted and current in move.sources:
            raise Conflict(f"deal {deal.id} changed meanwhile; reload it", move.code)
        raise Conflict(f"deal {deal.id} is {current}, not {' or '.join(wanted)}", move.code)
    if expected is not None:
        from_status = expected
    else:
        from_status = move.sources[0] if len(move.sources) == 1 else deal.status
    record_history(session, deal.id, from_status, move.target or from_status, note, actor)
    session.refresh(deal)
    return deal


def note_deal(session, deal, actor, note):
    """A history row for a step that does not touch the deal's row (a rejected draft)."""
    record_history(session, deal.id, deal.status, deal.status, note, actor)


def saga_actor(deal):
    """Who the sweep acts as when it finishes a deal's step 2: the service itself (SYSTEM,
    sealed by contracts), for the deal's agency and project, never a user (the creator's
    rights were checked when the deal was written)."""
    return bus.system_actor("contracts", deal.agency_id, deal.project_id)


# 1. the pending deal ---------------------------------------------------------------------
def create_subscription(uow, actor, data, inventory, crm):
    """认购 from an active hold (see the module docstring); returns the deal, `submitted`."""
    require_role(actor, PERMISSIONS["deals.sell"], "create subscriptions")
    existing = _deal_of_hold(uow.session, data["hold_id"])
    if existing is not None:
        check_scope(actor, existing.agency_id, existing.project_id, "hold", data["hold_id"])  # as inventory words a hold of nobody
        require_own(actor, existing)
        return _resume(uow, actor, existing, inventory)
    hold = inventory.get_hold(actor, data["hold_id"])
    if hold["status"] != "active":
        raise Conflict(f"hold {hold['hold_id']} is no longer active ({hold['status']})", "HOLD_NOT_ACTIVE")
    if actor["role"] not in PERMISSIONS["holds.act_for_others"] and hold["advisor_id"] != actor["account_id"]:
        raise Forbidden("only the advisor who holds the unit or a supervisor may subscribe it", "NOT_HOLD_OWNER")
    subscribed_on = data.get("subscribed_on") or today()
    dates.check_happened(subscribed_on, "认购")
    deal_dates.check("deal", {"subscribed_on": subscribed_on})
    price = data["price"]
    rules.check_terms(price, data["deposit"], data["payment_method"], data["loan_amount"])
    rules.check_price(price, Decimal(hold["list_price"]), Decimal(hold["base_price"]),
                      _decimal(hold["special_price"]), Decimal(hold["advisor_discount_pct"]))
    main_share = rules.buyer_shares([b["share"] for b in data["co_buyers"]])
    name, phone = _buyer(actor, data, hold, crm)

    session = uow.session
    deal = Deal(agency_id=actor["agency_id"], project_id=hold["project_id"], unit_id=hold["unit_id"],
                hold_id=hold["hold_id"], status="pending", customer_id=data["customer_id"],
                customer_name=name, customer_phone=phone, advisor_id=hold["advisor_id"], price=price,
                discount_request=data["discount_request"], deposit=data["deposit"],
                payment_method=data["payment_method"], loan_amount=data["loan_amount"],
                delivery_date=data["delivery_date"], subscribed_on=subscribed_on, created_by=actor["account_id"],
                launch_registration_id=hold.get("registration_id"))
    try:
        uow.add_unique(deal, Conflict("raced", "DEAL_EXISTS"))
    except Conflict:  # the same request retried concurrently: the first deal stands
        existing = _deal_of_hold(uow.session, data["hold_id"])
        return _resume(uow, actor, existing, inventory)
    buyers = [{"name": name, "phone": phone, "id_number": data["customer_id_number"], "share": main_share}]
    buyers += data["co_buyers"]
    for position, buyer in enumerate(buyers):
        session.add(DealBuyer(deal_id=deal.id, name=buyer["name"], phone=buyer["phone"],
                              id_number=buyer.get("id_number"), share=buyer["share"], position=position))
    record_history(session, deal.id, None, "pending", f"认购 of hold {deal.hold_id}", actor)
    uow.commit()
    failpoint("contracts.subscribe.after_pending")
    return _take_unit(uow, actor, deal, inventory)


def require_own(actor, deal):
    """Advisors act on their own deals only; supervisors and managers on any of the site."""
    if actor["role"] not in PERMISSIONS["holds.act_for_others"] and deal.advisor_id != actor["account_id"]:
        raise Forbidden(f"deal {deal.id} is another advisor's", "NOT_DEAL_OWNER")


def _decimal(value):
    return None if value is None else Decimal(value)


def _deal_of_hold(session, hold_id):
    return session.execute(select(Deal).where(Deal.hold_id == hold_id)).scalar_one_or_none()


def _buyer(actor, data, hold, crm):
    """(name, phone) of the main buyer: the crm customer, the one named, or the hold's. crm
    masks a customer's mobile to whoever does not own it; the hold's number is used then."""
    if data["customer_id"] is not None:
        customer = crm.get_customer(actor, data["customer_id"])
        if customer.get("project_id") not in (None, hold["project_id"]):
            raise RuleViolated(f"customer {data['customer_id']} is not a customer of this project",
                               "CUSTOMER_OTHER_PROJECT")
        mobile = customer.get("mobile") or ""
        masked = customer.get("mobile_masked") or not mobile.isdigit()
        return customer["name"], hold["customer_phone"] if masked else mobile
    if data["customer_name"] is not None:
        return data["customer_name"], data["customer_phone"]
    return hold["customer_name"], hold["customer_phone"]


def _resume(uow, actor, deal, inventory):
    """A retried 认购 finds its deal: a pending one goes on with step 2, a failed one is
    refused again, any other is returned as it is."""
    if deal.status == "pending":
        return _take_unit(uow, actor, deal, inventory)
    if deal.status == "failed":
        raise Conflict(f"the 认购 of hold {deal.hold_id} failed (deal {deal.id}): inventory refused the hold",
                       "SUBSCRIPTION_FAILED")
    return deal


# 2. inventory takes the unit; 3. submitted and numbered ----------------------------------
def _take_unit(uow, actor, deal, inventory):
    deal_id = deal.id
    try:
        unit = inventory.subscribe_hold(actor, deal.hold_id, deal_id)
    except Unavailable:
        raise Unavailable(f"inventory did not answer; deal {deal_id} stays pending and is completed as soon "
                          f"as it does (retrying the request is safe)", "SUBSCRIPTION_PENDING") from None
    except DomainError as exc:
        _fail(uow, actor, deal_id, exc)
        raise
    failpoint("contracts.subscribe.after_inventory")
    return _submit(uow, actor, deal_id, unit)


def _fail(uow, actor, deal_id, exc):
    session = uow.session
    deal = session.get(Deal, deal_id)
    try:
        move_deal(session, deal, "fail", actor, f"inventory refused: {exc.code} {exc.message}")
    except Conflict:  # completed or failed meanwhile by the sweep
        uow.rollback()
        return
    uow.commit()


def _submit(uow, actor, deal_id, unit):
    session = uow.session
    deal = session.get(Deal, deal_id)
    try:
        move_deal(session, deal, "submit", actor, "unit subscribed in inventory; awaiting 审核",
                  unit_id=unit["unit_id"], unit_label=unit["unit_label"], gross_area=_decimal(unit["gross_area"]),
                  list_price=_decimal(unit["list_price"]), base_price=_decimal(unit["base_price"]))
    except Conflict:  # the sweep (or a retry) completed it first
        uow.rollback()
        session.refresh(deal)
        return deal
    number = numbering.next_document_no(session, deal.agency_id, deal.project_id, numbering.SUBSCRIPTION)
    session.execute(update(Deal).where(Deal.id == deal_id).values(subscription_no=number)
                    .execution_options(synchronize_session=False))
    uow.commit()
    session.refresh(deal)
    return deal


def complete_pending(uow, inventory, limit=50):
    """The sweep: step 2 again for deals left pending (inventory was down, or this service
    died between the steps). Returns how many it finished or failed."""
    pending = uow.session.execute(
        select(Deal).where(Deal.status == "pending").order_by(Deal.id).limit(limit)).scalars().all()
    done = 0
    for deal in pending:
        try:
            _take_unit(uow, saga_actor(deal), deal, inventory)
            done += 1
        except Unavailable:
            log.info("inventory still unavailable; %d pending deal(s) wait", len(pending))
            break
        except DomainError as exc:
            log.warning("pending deal %s failed: %s %s", deal.id, exc.code, exc.message)
            done += 1
    return done


# 审核 ------------------------------------------------------------------------------------
def approve(uow, actor, deal_id, note):
    """A manager approves the 认购: subscribed, and `subscription_approved` in the same
    transaction (finance derives the payment schedule from it)."""
    require_role(actor, PERMISSIONS["deals.review"], "review subscriptions")
    session = uow.session
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    require_not_own(actor, deal.created_by, deal.advisor_id, what="认购")  # a manager who sold it too
    move_deal(session, deal, "approve", actor, note or "认购 approved",
              reviewed_by=actor["account_id"], reviewed_at=utcnow(), review_note=note)
    uow.publish("subscription_approved", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "subscription_id": deal.id,
        "subscription_no": deal.subscription_no, "hold_id": deal.hold_id, "customer_id": deal.customer_id,
        "customer_name": deal.customer_name, "customer_phone": deal.customer_phone, "price": deal.price,
        "payment_method": deal.payment_method, "deposit": deal.deposit, "gross_area": deal.gross_area,
        "unit_label": deal.unit_label, "delivery_date": deal.delivery_date, "approved_on": today(),
        "subscribed_on": dates.subscribed_on(deal),
        "launch_registration_id": deal.launch_registration_id,  # 选房: finance turns the 诚意金 into 定金
    }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    return deal


def reject(uow, actor, deal_id, note):
    """A manager rejects the 认购: rejected, and the unit released by `deal_cancelled`
    (from_status "submitted") through the outbox, in the same transaction."""
    require_role(actor, PERMISSIONS["deals.review"], "review subscriptions")
    session = uow.session
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    now = utcnow()
    move_deal(session, deal, "reject", actor, note,
              reviewed_by=actor["account_id"], reviewed_at=now, review_note=note,
              cancelled_at=now, cancel_reason=f"认购 rejected: {note}"[:300])
    uow.publish("deal_cancelled", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id,
        "reason": f"认购 rejected: {note}"[:150], "customer_id": deal.customer_id, "from_status": "submitted",
    }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    return deal


# reads -----------------------------------------------------------------------------------
def phone_for(actor, deal, phone):
    """A buyer's number as the actor may see it (DOMAIN: advisors see their own customers'
    numbers; developer viewers none)."""
    if actor["role"] not in PERMISSIONS["phones.see"]:
        return None
    if actor["role"] in PERMISSIONS["phones.see_all"] or (deal.advisor_id is not None and deal.advisor_id == actor["account_id"]):
        return phone
    return mask_mobile(phone)


def deal_view(actor, deal):
    data = {c.name: getattr(deal, c.name) for c in Deal.__table__.columns}
    data["customer_phone"] = phone_for(actor, deal, deal.customer_phone)
    return data


def log_reveals(session, actor, kind, entrypoint, views):
    """Log the full numbers `views` (deal_view or deal_detail dicts) show to a manager or
    director (loupan.reveals): one row per deal and number, the main buyer's and, on a
    detail, each other buyer's. In the caller's transaction; the RPC commits before answering."""
    revealed = []
    for view in views:
        phones = [view.get("customer_phone")] + [b["phone"] for b in view.get("buyers", ())]
        for phone in dict.fromkeys(p for p in phones if p):
            revealed.append({"project_id": view["project_id"], "deal_id": view["id"], "hold_id": view.get("hold_id"),
                             "customer_id": view.get("customer_id"), "mobile": phone})
    return reveals.record(session, data_reveals, actor, kind, entrypoint, revealed)


def list_data_reveals(session, actor, query):
    return reveals.list_reveals(session, data_reveals, actor, query, "contracts")


def deal_detail(session, actor, deal_id):
    require_role(actor, PERMISSIONS["deals.read"], "read deals")
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    data = deal_view(actor, deal)
    buyers = session.execute(select(DealBuyer).where(DealBuyer.deal_id == deal.id, DealBuyer.active.is_(True))
                             .order_by(DealBuyer.position)).scalars().all()
    data["buyers"] = [{"name": b.name, "phone": phone_for(actor, deal, b.phone), "share": b.share,
                       "position": b.position} for b in buyers]
    data["contract"] = session.execute(select(Contract).where(Contract.deal_id == deal.id)).scalar_one_or_none()
    data["agreements"] = session.execute(
        select(SupplementaryAgreement).where(SupplementaryAgreement.deal_id == deal.id)
        .order_by(SupplementaryAgreement.number)).scalars().all()
    data["history"] = session.execute(
        select(DealHistory).where(DealHistory.deal_id == deal.id).order_by(DealHistory.id)).scalars().all()
    return data


def list_deals(session, actor, project_id, query):
    """Deals of a project, newest first, by status and advisor."""
    require_role(actor, PERMISSIONS["deals.read"], "read deals")
    check_scope(actor, actor["agency_id"], project_id, "project")
    where = [Deal.agency_id == actor["agency_id"], Deal.project_id == project_id]
    if query.get("status"):
        where.append(Deal.status == query["status"])
    if query.get("advisor_id"):
        where.append(Deal.advisor_id == query["advisor_id"])
    if query.get("awaiting") == "contract":  # the manager's inbox: a 签约 to review
        where.append(Deal.id.in_(select(Contract.deal_id).where(Contract.status == "draft")))
    elif query.get("awaiting") == "agreement":
        where.append(Deal.id.in_(select(SupplementaryAgreement.deal_id).where(SupplementaryAgreement.status == "pending")))
    total = session.execute(select(func.count()).select_from(Deal).where(*where)).scalar_one()
    rows = session.execute(select(Deal).where(*where).order_by(Deal.id.desc())
                           .limit(query["limit"]).offset(query["offset"])).scalars().all()
    return {"items": [deal_view(actor, d) for d in rows], "total": total,
            "limit": query["limit"], "offset": query["offset"]}
