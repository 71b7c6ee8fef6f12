"""Changes of a deal: 更名 (rename: a new buyer set), 换房 (swap: another unit of the project)
and 退房 (cancel), each a request asked by sales staff and decided by a manager, kept with
its history.

Approving commits the decision first (with the approver's actor), then applies it:
- 更名 and 退房 are local: one transaction changes the deal, writes its history, marks the
  request applied and puts the event (buyers_changed / deal_cancelled) in the outbox;
  inventory releases the unit of a cancelled deal when the event reaches it.
- 换房 is a saga: inventory moves the deal from its unit to the new one in one transaction
  of its own (idempotent by deal and new unit; never both units lost or both taken), then
  one local transaction moves the deal's unit and price and publishes deal_unit_swapped.
A crash between the steps leaves the request approved; `sweep_approved` applies it again
later, and every step is safe to repeat (conditional updates on the expected state).
"""
import logging
from datetime import timedelta

from sqlalchemy import select, update

from loupan import bus
from loupan.errors import Conflict, DomainError, Forbidden, Invalid, RuleViolated, Unavailable
from loupan.failpoints import failpoint
from loupan.roles import ADVISOR, PERMISSIONS, require_not_own, require_role
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import to_decimal2, utcnow
from services.contracts.change_rules import ALLOWED_FROM, KIND_NAMES, check_buyers, check_change_allowed, swap_price
from services.contracts.models import ChangeRequest, Deal, DealBuyer
from services.contracts.subscriptions import log_reveals as log_deal_reveals
from services.contracts.subscriptions import move_deal, phone_for

log = logging.getLogger(__name__)


# asking -----------------------------------------------------------------------------------
def request_change(uow, inventory, actor, deal_id, data):
    """A change request on a deal in a state that allows it; a 换房 is priced now (the
    difference of the two units' list prices) so the manager decides on the figures."""
    require_role(actor, PERMISSIONS["changes.request"], "ask for a change")
    deal = get_in_scope(uow.session, actor, Deal, deal_id, "deal")
    if actor["role"] == ADVISOR and deal.advisor_id != actor["account_id"]:
        raise Forbidden(f"deal {deal.id} is another advisor's", "NOT_DEAL_OWNER")
    kind = data["kind"]
    check_change_allowed(kind, deal.status)
    change = ChangeRequest(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.id, kind=kind,
                           status="requested", requested_by=actor["account_id"],
                           requested_by_name=actor["username"], requested_at=utcnow())
    note = data.get("note")
    if kind == "rename":
        check_buyers(data["buyers"])
        change.payload = {"buyers": [_buyer_json(b) for b in data["buyers"]], "note": note}
    elif kind == "swap":
        quote = _swap_quote(inventory, actor, deal, data["to_unit_id"])
        change.from_unit_id = deal.unit_id
        change.price_difference = quote["price_difference"]
        change.new_price = swap_price(deal.price, quote["price_difference"], data.get("new_price"))
        change.payload = {"to_unit_id": data["to_unit_id"], "to_unit_label": quote["label"],
                          "to_list_price": str(quote["to_list_price"]), "note": note}
    else:
        change.payload = {"reason": data["reason"].strip(), "note": note}
    uow.session.add(change)
    uow.session.flush()
    return change


def _buyer_json(buyer):
    return {"name": buyer["name"].strip(), "phone": buyer["phone"], "share": str(to_decimal2(buyer["share"])),
            "id_number": buyer.get("id_number")}


def _swap_quote(inventory, actor, deal, to_unit_id):
    """Both units as inventory sees them: the target must be an available unit of the
    deal's project; the difference is by list price (表价)."""
    if to_unit_id == deal.unit_id:
        raise RuleViolated("换房 needs another unit than the deal's own", "SAME_UNIT")
    target = inventory.get_unit(actor, to_unit_id)
    current = inventory.get_unit(actor, deal.unit_id)
    if target["project_id"] != deal.project_id:
        raise RuleViolated("换房 moves a deal within its project", "SWAP_ACROSS_PROJECTS")
    if target["status"] != "available":
        raise Conflict(f"unit {to_unit_id} is {target['status']}, not available", "UNIT_NOT_AVAILABLE")
    label = target["number"]
    if target["building_id"] == current["building_id"] and deal.unit_label and "-" in deal.unit_label:
        label = f"{deal.unit_label.rsplit('-', 1)[0]}-{target['number']}"  # 1号楼-1201: same building
    to_price, from_price = to_decimal2(target["list_price"]), to_decimal2(current["list_price"])
    return {"price_difference": to_price - from_price, "to_list_price": to_price, "label": label}


# deciding ---------------------------------------------------------------------------------
def reject_change(uow, actor, change_id, data):
    require_role(actor, PERMISSIONS["changes.decide"], "decide a change")
    change = get_in_scope(uow.session, actor, ChangeRequest, change_id, "change")
    _decide(uow, change, actor, "rejected", note=data.get("note"))
    return _reload(uow.session, change.id)


def approve_change(uow, inventory, actor, change_id, data):
    """Approve and apply. The decision is committed before anything else, so a crash at any
    later point leaves an approved request that the sweep finishes. A refusal while
    applying (the deal or the target unit changed) is recorded as failed, then raised."""
    require_role(actor, PERMISSIONS["changes.decide"], "decide a change")
    session = uow.session
    change = get_in_scope(session, actor, ChangeRequest, change_id, "change")
    if change.status != "requested":
        raise Conflict(f"change {change.id} is {change.status}, not awaiting a decision", "CHANGE_NOT_REQUESTED")
    require_not_own(actor, change.requested_by, what="change")
    deal = session.get(Deal, change.deal_id)
    check_change_allowed(change.kind, deal.status)
    values = {}
    if data.get("new_price") is not None:
        if change.kind != "swap":
            raise Invalid("new_price is for a 换房 only", "NEW_PRICE_NOT_SWAP")
        values["new_price"] = swap_price(deal.price, change.price_difference, data["new_price"])
    approver = dict(event_actor(actor), agency_id=actor["agency_id"], project_ids=actor.get("project_ids"))
    _decide(uow, change, actor, "approved", note=data.get("note"), approver=approver, **values)
    failpoint(f"contracts.{change.kind}.after_approve")
    change, error = apply_change(uow, inventory, change.id, actor=approver)
    if error is not None:
        raise error
    return change


def _decide(uow, change, actor, status, note=None, **values):
    decided = uow.session.execute(
        update(ChangeRequest).where(ChangeRequest.id == change.id, ChangeRequest.status == "requested")
        .values(status=status, decided_by=actor["account_id"], decided_by_name=actor["username"],
                decided_at=utcnow(), note=note, **values)
        .execution_options(synchronize_session=False)).rowcount
    if decided != 1:
        uow.rollback()
        raise Conflict(f"change {change.id} was decided meanwhile", "CHANGE_NOT_REQUESTED")
    uow.commit()


def _reload(session, change_id):
    return session.execute(select(ChangeRequest).where(ChangeRequest.id == change_id)
                           .execution_options(populate_existing=True)).scalar_one()


def _deal_now(session, deal_id):
    return session.execute(select(Deal).where(Deal.id == deal_id)
                           .execution_options(populate_existing=True)).scalar_one()


# applying ---------------------------------------------------------------------------------
def apply_change(uow, inventory, change_id, actor=None):
    """Apply an approved change; (change, None) when applied (or no longer approved: someone
    else finished it), (change, error) when it failed and was recorded as failed.
    Unavailable (inventory did not answer) propagates and leaves it approved. `actor` is who
    calls inventory: the approver in the approval's own worker, else (the sweep) the service
    itself (SYSTEM, for the change's agency and project); the deal's history names the approver."""
    change = _reload(uow.session, change_id)
    if change.status != "approved":
        return change, None
    apply = {"rename": _apply_rename, "swap": _apply_swap, "cancel": _apply_cancel}[change.kind]
    caller = actor or bus.system_actor("contracts", change.agency_id, change.project_id)
    error = apply(uow, inventory, change, caller)
    if error is None:
        failpoint(f"contracts.{change.kind}.after_apply")
    return _reload(uow.session, change.id), error


def _claim(uow, change):
    """approved → applied, in the transaction that applies it: of two workers applying the
    same request (a retry and the sweep) one does it, the other finds it done."""
    return uow.session.execute(
        update(ChangeRequest).where(ChangeRequest.id == change.id, ChangeRequest.status == "approved")
        .values(status="applied", applied_at=utcnow(), error_code=None, error=None)
        .execution_options(synchronize_session=False)).rowcount == 1


def _fail(uow, change, error):
    """Record why an approved change could not be applied (committed); returns the error."""
    uow.rollback()
    uow.session.execute(
        update(ChangeRequest).where(ChangeRequest.id == change.id, ChangeRequest.status == "approved")
        .values(status="failed", error_code=error.code, error=error.message[:300])
        .execution_options(synchronize_session=False))
    uow.commit()
    log.info("change %s (%s of deal %s) failed: %s", change.id, change.kind, change.deal_id, error.code)
    return error


def _refusal(kind, status):
    try:
        check_change_allowed(kind, status)
    except DomainError as exc:
        return exc
    return Conflict(f"deal changed while the {KIND_NAMES[kind]} was applied; ask again", "DEAL_CHANGED")


def _apply_rename(uow, inventory, change, caller):
    """更名: the deal's buyers are replaced (the old ones kept inactive), its main buyer is
    the first of the new set."""
    session = uow.session
    deal = _deal_now(session, change.deal_id)
    buyers = change.payload["buyers"]
    if not _claim(uow, change):
        uow.rollback()
        return None
    names = "、".join(b["name"] for b in buyers)
    try:
        move_deal(session, deal, "rename", change.approver, f"更名 to {names} (change {change.id})",
                  expected=deal.status, customer_name=buyers[0]["name"], customer_phone=buyers[0]["phone"])
    except Conflict:
        return _fail(uow, change, _refusal("rename", _deal_now(session, deal.id).status))
    session.execute(update(DealBuyer).where(DealBuyer.deal_id == deal.id, DealBuyer.active.is_(True))
                    .values(active=False).execution_options(synchronize_session=False))
    for position, buyer in enumerate(buyers):
        session.add(DealBuyer(deal_id=deal.id, name=buyer["name"], phone=buyer["phone"],
                              id_number=buyer.get("id_number"), share=to_decimal2(buyer["share"]),
                              position=position, active=True))
    uow.publish("buyers_changed", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id,
        "buyers": [{"name": b["name"], "phone": b["phone"], "share": to_decimal2(b["share"])} for b in buyers],
    }, deal.agency_id, deal.project_id, actor=event_actor(change.approver))
    uow.commit()
    return None


def _apply_cancel(uow, inventory, change, caller):
    """退房: the deal is cancelled and deal_cancelled (with the status it had) goes out in
    the same transaction; inventory puts the unit back on sale when it receives it."""
    session = uow.session
    deal = _deal_now(session, change.deal_id)
    if deal.status not in ALLOWED_FROM["cancel"]:
        return _fail(uow, change, _refusal("cancel", deal.status))
    if not _claim(uow, change):
        uow.rollback()
        return None
    reason = change.payload["reason"]
    now = utcnow()
    from_status = deal.status
    try:
        move_deal(session, deal, "cancel", change.approver, f"退房: {reason} (change {change.id})",
                  expected=from_status, where=[Deal.unit_id == deal.unit_id],
                  cancelled_at=now, cancel_reason=reason[:300], updated_at=now)
    except Conflict:
        return _fail(uow, change, _refusal("cancel", _deal_now(session, deal.id).status))
    uow.publish("deal_cancelled", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "reason": reason,
        "customer_id": deal.customer_id, "from_status": from_status,
    }, deal.agency_id, deal.project_id, actor=event_actor(change.approver))
    uow.commit()
    return None


def _apply_swap(uow, inventory, change, caller):
    """换房 saga: inventory first (as `caller`: the approver, or the service itself in the
    sweep), then the deal here. Inventory
    refusing (the target was taken meanwhile) fails the request and changes nothing."""
    to_unit_id = change.payload["to_unit_id"]
    try:
        inventory.swap_unit(caller, change.deal_id, change.from_unit_id, to_unit_id)
    except Unavailable:
        raise
    except DomainError as exc:
        return _fail(uow, change, exc)
    failpoint("contracts.swap.after_inventory")
    session = uow.session
    deal = _deal_now(session, change.deal_id)
    if not _claim(uow, change):
        uow.rollback()
        return None
    now = utcnow()
    # the unit moved in inventory whatever the deal's step since (签约/备案 events follow the
    # deal, not the unit), so only a deal that is over or on another unit is refused here
    try:
        move_deal(session, deal, "swap", change.approver,
                  f"换房 unit {change.from_unit_id} → {to_unit_id}, price {deal.price} → {change.new_price} "
                  f"(change {change.id})", where=[Deal.unit_id == change.from_unit_id],
                  unit_id=to_unit_id, unit_label=change.payload.get("to_unit_label"), price=change.new_price,
                  list_price=to_decimal2(change.payload["to_list_price"]), updated_at=now)
    except Conflict:
        current = _deal_now(session, deal.id)
        return _fail(uow, change, Conflict(
            f"deal {deal.id} is {current.status} on unit {current.unit_id} now", "DEAL_CHANGED"))
    uow.publish("deal_unit_swapped", {
        "deal_id": deal.id, "from_unit_id": change.from_unit_id, "to_unit_id": to_unit_id,
        "advisor_id": deal.advisor_id, "new_price": change.new_price, "price_difference": change.price_difference,
        "to_unit_label": change.payload.get("to_unit_label"), "deal_status": deal.status,
    }, deal.agency_id, deal.project_id, actor=event_actor(change.approver))
    uow.commit()
    return None


def sweep_approved(uow, inventory, grace_seconds, limit=20):
    """Finish approved changes left by a crash (or an inventory that did not answer): each
    is applied again, idempotently. `grace_seconds` leaves in-flight approvals to their own
    worker. Returns how many it looked at."""
    due = utcnow() - timedelta(seconds=grace_seconds)
    ids = uow.session.execute(
        select(ChangeRequest.id).where(ChangeRequest.status == "approved", ChangeRequest.decided_at <= due)
        .order_by(ChangeRequest.id).limit(limit)).scalars().all()
    uow.rollback()
    for change_id in ids:
        try:
            apply_change(uow, inventory, change_id)
        except Unavailable as exc:
            uow.rollback()
            log.warning("change %s stays approved: %s", change_id, exc.message)
            break
        except Exception:  # one broken change must not stop the others; it is retried next sweep
            uow.rollback()
            log.exception("change %s could not be applied; it stays approved", change_id)
    return len(ids)


# reading ----------------------------------------------------------------------------------
def deal_changes(session, actor, deal_id):
    require_role(actor, PERMISSIONS["changes.read"], "see changes")
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    rows = session.execute(select(ChangeRequest).where(ChangeRequest.deal_id == deal.id)
                           .order_by(ChangeRequest.id)).scalars().all()
    return [change_view(actor, change, deal) for change in rows]


def project_changes(session, actor, project_id, status=None):
    require_role(actor, PERMISSIONS["changes.list_project"], "list a project's changes")
    check_scope(actor, actor["agency_id"], project_id, "project")
    where = [ChangeRequest.agency_id == actor["agency_id"], ChangeRequest.project_id == project_id]
    if status is not None:
        where.append(ChangeRequest.status == status)
    rows = session.execute(select(ChangeRequest, Deal).join(Deal, Deal.id == ChangeRequest.deal_id)
                           .where(*where).order_by(ChangeRequest.id)).all()
    return [change_view(actor, change, deal) for change, deal in rows]


def log_reveals(session, actor, kind, entrypoint, views):
    """Log the new buyers' full numbers that 更名 changes (change_view dicts) show to a manager
    or director, one row per change's deal and number (subscriptions.log_reveals)."""
    return log_deal_reveals(session, actor, kind, entrypoint, [
        {"id": v["deal_id"], "project_id": v["project_id"], "buyers": v["payload"]["buyers"]}
        for v in views if v["kind"] == "rename" and v.get("payload")])


def change_view(actor, change, deal):
    """A change as the actor may see it: the new buyers' phones shown as the deal's are."""
    view = {column.name: getattr(change, column.name) for column in ChangeRequest.__table__.columns}
    if change.kind == "rename":
        view["payload"] = dict(change.payload, buyers=[dict(b, phone=phone_for(actor, deal, b["phone"]))
                                                       for b in change.payload["buyers"]])
    return view
