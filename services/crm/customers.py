"""Customers and their ownership over the database: 报备 registration, 撞单 conflicts and
their ruling, 保护期 protection and its lapse to the pool (公客), reassignment, phone
privacy and logged exports. The rules themselves are in customer_rules.py."""
import io
from datetime import datetime

from openpyxl import Workbook
from sqlalchemy import and_, exists, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from loupan import reveals
from loupan.spreadsheet import append_row
from loupan.schemas.crm_customers import MAX_EXPORT_ROWS
from loupan.errors import Conflict as ConflictError
from loupan.errors import Forbidden, Invalid, NotFound, RuleViolated
from loupan.roles import ADVISOR, PERMISSIONS, SYSTEM, require_role
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import SHANGHAI, utcnow
from loupan.validators import mask_mobile
from services.crm import customer_rules as rules
from services.crm.customer_rules import normalise_mobile  # noqa: F401  (the other crm topics import it from here)
from services.crm.models import (Conflict, Customer, CustomerExport, CustomerGrade, CustomerOwner, DealCustomer,
                                 CustomerSetting, data_reveals)

DEFAULT_PROTECTION_DAYS = 30


def default_protection_days(config):
    """保护期 days where a project sets none: the service's PROTECTION_DAYS setting."""
    return int(config.get("PROTECTION_DAYS", DEFAULT_PROTECTION_DAYS))
NEEDS = ("budget_min", "budget_max", "area_min", "area_max", "layout", "district")
EDITABLE = ("name", "notes", "referrer_customer_id") + NEEDS
SWEEP_BATCH = 200


def _project(actor, project_id):
    """crm keeps no project rows: a project is in scope when the actor is assigned to it."""
    check_scope(actor, actor["agency_id"], project_id, "project")


# settings -------------------------------------------------------------------------------
def protection_days(session, agency_id, project_id, default_days=None):
    """保护期 days of a project: its manager's setting, else the service's PROTECTION_DAYS."""
    row = session.get(CustomerSetting, project_id)
    if row is not None and row.agency_id == agency_id:
        return row.protection_days
    return default_days or DEFAULT_PROTECTION_DAYS


def get_settings(session, actor, project_id, default_days=None):
    _project(actor, project_id)
    return {"project_id": project_id,
            "protection_days": protection_days(session, actor["agency_id"], project_id, default_days)}


def set_settings(uow, actor, project_id, data):
    """A manager sets the project's 保护期; it applies from the next registration or follow-up."""
    require_role(actor, PERMISSIONS["customers.settings"])
    _project(actor, project_id)
    session = uow.session
    row = session.get(CustomerSetting, project_id)
    if row is None:
        row = CustomerSetting(project_id=project_id, agency_id=actor["agency_id"])
        session.add(row)
    elif row.agency_id != actor["agency_id"]:
        raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
    row.protection_days = data["protection_days"]
    row.updated_by = actor["account_id"]
    row.updated_at = utcnow()
    session.flush()
    return {"project_id": project_id, "protection_days": row.protection_days}


# views ----------------------------------------------------------------------------------
def can_see_phone(actor, customer):
    return rules.can_see_phone(actor["role"], actor["account_id"], customer.owner_id)


def customer_view(actor, customer):
    """What CustomerOut dumps: the customer with the phone masked unless the actor may see it."""
    shown = can_see_phone(actor, customer)
    view = {c: getattr(customer, c) for c in (
        "id", "project_id", "name", "channel", "partner_name", "referrer_customer_id", "grade", "notes",
        "status", "owner_id", "owner_name", "owned_since", "protected_until", "last_follow_up_at",
        "first_visit_at", "registered_at", "registered_by") + NEEDS}
    view["mobile"] = customer.mobile if shown else mask_mobile(customer.mobile)
    view["mobile_masked"] = not shown
    return view


def log_reveals(session, actor, kind, entrypoint, views):
    """Log the customers whose full number `views` (customer_view dicts) show to a manager or
    director (loupan.reveals), in the caller's transaction; the RPC commits before answering."""
    return reveals.record(session, data_reveals, actor, kind, entrypoint,
                          ({"project_id": v["project_id"], "customer_id": v["id"], "mobile": v["mobile"]}
                           for v in views if not v["mobile_masked"]))


def list_data_reveals(session, actor, query):
    return reveals.list_reveals(session, data_reveals, actor, query, "crm")


def _may_open(actor, customer):
    """Advisors work their own customers and the pool; the site's other roles see every one."""
    if actor["role"] in PERMISSIONS["customers.see_all"]:
        return True
    return customer.owner_id is None or customer.owner_id == actor["account_id"]


def customer_in_scope(session, actor, customer_id):
    customer = get_in_scope(session, actor, Customer, customer_id, "customer")
    if not _may_open(actor, customer):
        raise Forbidden(f"customer {customer_id} belongs to another advisor", "CUSTOMER_NOT_YOURS")
    return customer


def customer_detail(session, actor, customer):
    """The customer with its grade, owner and mobile history (oldest first), its deals and the
    channel that holds it (its attributed report while the protection lasts)."""
    view = customer_view(actor, customer)
    view["grades"] = [{c: getattr(g, c) for c in ("grade", "reason", "by_id", "by_name", "at")}
                      for g in session.execute(select(CustomerGrade).where(CustomerGrade.customer_id == customer.id)
                                               .order_by(CustomerGrade.at, CustomerGrade.id)).scalars()]
    view["owners"] = [{c: getattr(o, c) for c in ("from_owner_id", "to_owner_id", "reason", "note", "by_id",
                                                  "by_name", "at")}
                      for o in session.execute(select(CustomerOwner).where(CustomerOwner.customer_id == customer.id)
                                               .order_by(CustomerOwner.at, CustomerOwner.id)).scalars()]
    # the deals as contracts' events left them: unit after 换房, buyers after 更名
    deals = session.execute(select(DealCustomer).where(DealCustomer.customer_id == customer.id)
                            .order_by(DealCustomer.subscribed_at, DealCustomer.deal_id)).scalars()
    shown = can_see_phone(actor, customer)  # co-buyers' phones as private as the customer's
    view["deals"] = [{"deal_id": d.deal_id, "unit_id": d.unit_id, "unit_label": d.unit_label, "status": d.status,
                      "buyers": None if d.buyers is None else [
                          dict(b, phone=b["phone"] if shown else mask_mobile(b["phone"])) for b in d.buyers]}
                     for d in deals]
    from services.crm import channels, mobile_changes  # both build on customers
    view["mobile_changes"] = mobile_changes.history(session, customer.id)
    view["channel_protection"] = channels.protection_view(session, customer.id, utcnow())
    return view


def get_customer(session, actor, customer_id):
    require_role(actor, PERMISSIONS["customers.read"])
    return customer_detail(session, actor, customer_in_scope(session, actor, customer_id))


def registration_view(actor, customer, conflict, outcome):
    """The answer to a 报备. A 撞单 (outcome conflict) told to someone who may not see the
    customer (not its owner, not a role that sees every customer of the site) says only that
    the number is already protected and until when: no colleague's customer profile (name,
    needs, budget, owner, notes) and no ids to look it up with; the number is masked like any
    other customer's."""
    if outcome == "conflict" and customer.owner_id != actor["account_id"] \
            and actor["role"] not in PERMISSIONS["customers.see_all"]:
        return {"outcome": outcome,
                "customer": {"project_id": customer.project_id, "mobile": mask_mobile(customer.mobile),
                             "mobile_masked": True, "status": customer.status,
                             "protected_until": customer.protected_until},
                "conflict": {c: getattr(conflict, c) for c in (
                    "id", "project_id", "claimant_id", "claimant_name", "partner_name", "channel", "claimed_name",
                    "note", "status", "created_at")}}
    return {"outcome": outcome, "customer": customer_view(actor, customer),
            "conflict": conflict_view(conflict) if conflict is not None else None}


def conflict_view(conflict):
    return {c: getattr(conflict, c) for c in (
        "id", "project_id", "customer_id", "owner_id", "claimant_id", "claimant_name", "partner_name", "channel",
        "claimed_name", "note", "status", "ruling", "ruled_by", "ruled_at", "created_at")}


# ownership changes -----------------------------------------------------------------------
def _by(actor):
    return (actor["account_id"], actor["username"]) if actor else (None, None)


def _set_owner(session, actor, customer, owner_id, owner_name, reason, at, days=None, note=None):
    """Move `customer` to `owner_id` (None: the pool) with a history row; a new owner gets a
    fresh 保护期 of `days`."""
    by_id, by_name = _by(actor)
    if reason in ("claimed", "reassigned", "ruling") and owner_id != customer.owner_id:
        from services.crm import channels  # channels builds on customers
        channels.alert_owner_change(session, actor, customer, owner_id, reason, at)
    session.add(CustomerOwner(customer_id=customer.id, from_owner_id=customer.owner_id, to_owner_id=owner_id,
                              reason=reason, note=note, by_id=by_id, by_name=by_name, at=at))
    customer.owner_id = owner_id
    customer.owner_name = owner_name if owner_id is not None else None
    customer.owned_since = at if owner_id is not None else None
    customer.protected_until = rules.protection_end(at, days) if owner_id is not None else None


def _grade(session, actor, customer, grade, reason, at):
    by_id, by_name = _by(actor)
    session.add(CustomerGrade(customer_id=customer.id, grade=grade, reason=reason, by_id=by_id, by_name=by_name,
                              at=at))
    customer.grade = grade


def touch(session, customer, at, default_days=None):
    """跟进: a follow-up happened at `at`; the owner's 保护期 runs again from then."""
    if customer.last_follow_up_at is None or at > customer.last_follow_up_at:
        customer.last_follow_up_at = at
    if customer.owner_id is not None:
        end = rules.protection_end(at, protection_days(session, customer.agency_id, customer.project_id,
                                                       default_days))
        if customer.protected_until is None or end > customer.protected_until:
            customer.protected_until = end
    customer.updated_at = utcnow()


def _find(session, project_id, mobile, lock=False):
    query = select(Customer).where(Customer.project_id == project_id, Customer.mobile == mobile)
    if lock:  # concurrent claims of one customer queue here (PostgreSQL; SQLite is serialised anyway)
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def _insert_new(session, customer):
    """Insert a new customer unless the unique (project, mobile) refuses it because another
    registration of the same phone committed first: then None, and the caller takes the
    existing path. A savepoint keeps the caller's transaction; on SQLite the engine's green
    lock serialises units of work, so the race cannot happen there."""
    if session.get_bind().dialect.name == "sqlite":
        session.add(customer)
        session.flush()
        return customer
    try:
        with session.begin_nested():
            session.add(customer)
    except IntegrityError:
        return None
    return customer


def register_outcome(uow, actor, project_id, data, owner_id=None, owner_name=None, at=None, default_days=None):
    """报备: like `register`, with the outcome named: "created", "existing", "claimed" or
    "conflict". Returns (customer, conflict or None, outcome)."""
    if actor["role"] != SYSTEM:  # crm's own event handlers register customers too
        require_role(actor, PERMISSIONS["customers.register"], "register customers")
    _project(actor, project_id)
    session = uow.session
    _check_referrer(session, actor, data.get("referrer_customer_id"))
    at = at or utcnow()
    mobile = normalise_mobile(data["mobile"])
    if owner_id is None and actor["role"] in PERMISSIONS["customers.own"]:
        owner_id, owner_name = actor["account_id"], owner_name or actor["username"]
    elif actor["role"] == ADVISOR and owner_id != actor["account_id"]:
        raise Forbidden("an advisor registers customers for themselves", "OWNER_FORBIDDEN")
    if owner_id is not None and owner_id == actor["account_id"]:
        owner_name = owner_name or actor["username"]
    days = protection_days(session, actor["agency_id"], project_id, default_days)
    for _ in range(2):
        existing = _find(session, project_id, mobile, lock=True)
        if existing is not None:
            return _register_existing(uow, actor, existing, data, owner_id, owner_name, at, days)
        customer = _new_customer(actor, project_id, mobile, data, at)
        if _insert_new(session, customer) is not None:
            _set_owner(session, actor, customer, owner_id, owner_name, "registered", at, days)
            if data.get("grade"):
                _grade(session, actor, customer, data["grade"], "registered", at)
            session.flush()
            uow.publish("customer_registered", {"customer_id": customer.id, "advisor_id": owner_id,
                                                "channel": customer.channel, "grade": customer.grade},
                        agency_id=actor["agency_id"], project_id=project_id, actor=event_actor(actor))
            return customer, None, "created"
    raise ConflictError("the customer is being registered by someone else; try again", "CUSTOMER_BUSY")


def _new_customer(actor, project_id, mobile, data, at):
    return Customer(agency_id=actor["agency_id"], project_id=project_id, mobile=mobile, name=data["name"],
                    channel=data["channel"], partner_name=data.get("partner_name"),
                    referrer_customer_id=data.get("referrer_customer_id"), notes=data.get("notes"),
                    registered_at=at, registered_by=actor["account_id"], status="lead",
                    **{k: data.get(k) for k in NEEDS})


def _register_existing(uow, actor, customer, data, owner_id, owner_name, at, days):
    session = uow.session
    from services.crm import channels  # channels builds on customers
    held = channels.attributed_report(session, customer.id, at) is not None
    outcome = rules.registration_outcome(customer.owner_id, customer.status, customer.protected_until, owner_id, at,
                                         channel_held=held)
    if outcome == "claimed":
        _set_owner(session, actor, customer, owner_id, owner_name, "claimed", at, days)
        session.flush()
        return customer, None, outcome
    if outcome == "conflict":
        conflict = Conflict(agency_id=customer.agency_id, project_id=customer.project_id, customer_id=customer.id,
                            owner_id=customer.owner_id, claimant_id=owner_id,
                            claimant_name=owner_name, partner_name=data.get("partner_name"),
                            channel=data["channel"], claimed_name=data["name"], note=(data.get("notes") or "")[:300] or None,
                            status="open", created_at=at)
        session.add(conflict)
        session.flush()
        return customer, conflict, outcome
    return customer, None, outcome


def register(uow, actor, project_id, data, owner_id=None, owner_name=None, at=None, default_days=None):
    """报备 a customer (see docs/domain.md "Customers and leads"). owner_id defaults to the actor for
    advisors and supervisors, else the pool. Returns (customer, conflict or None, created):
    a new phone is a new customer of owner_id; the same owner gets the customer back; a
    pool customer or one whose 保护期 lapsed is claimed; one protected by someone else gets
    a 撞单 Conflict (open) and keeps its owner."""
    customer, conflict, outcome = register_outcome(uow, actor, project_id, data, owner_id, owner_name, at,
                                                   default_days)
    return customer, conflict, outcome == "created"


def _check_referrer(session, actor, referrer_id):
    """老带新: the referrer is a customer of the caller's agency (any of its projects), else
    404 CUSTOMER_NOT_FOUND: another agency's customer does not exist here."""
    if referrer_id is None:
        return
    referrer = session.get(Customer, referrer_id)
    if referrer is None or referrer.agency_id != actor["agency_id"]:
        raise NotFound(f"customer {referrer_id} not found", "CUSTOMER_NOT_FOUND")


def update_customer(uow, actor, customer_id, data):
    """Needs, notes, name, grade (with its reason, kept in the grade history): owner or managers."""
    session = uow.session
    customer = customer_in_scope(session, actor, customer_id)
    if actor["role"] not in PERMISSIONS["customers.edit_any"] and customer.owner_id != actor["account_id"]:
        raise Forbidden("only the owner or a manager may change a customer", "NOT_OWNER")
    _check_referrer(session, actor, data.get("referrer_customer_id"))
    for key in EDITABLE:
        if key in data:
            setattr(customer, key, data[key])
    if data.get("grade") is not None and data["grade"] != customer.grade:
        _grade(session, actor, customer, data["grade"], data.get("grade_reason"), utcnow())
    customer.updated_at = utcnow()
    session.flush()
    return customer_detail(session, actor, customer)


def list_customers(session, actor, project_id, query):
    """A project's customers, newest first; advisors see their own and the pool. `mobile`
    (a full number) finds a customer although lists show masked numbers."""
    q = _customers_query(actor, project_id, query)
    rows = session.execute(q.order_by(Customer.registered_at.desc(), Customer.id.desc())
                           .limit(query.get("limit", 50)).offset(query.get("offset", 0))).scalars()
    return [customer_view(actor, c) for c in rows]


def _customers_query(actor, project_id, query):
    require_role(actor, PERMISSIONS["customers.read"])
    _project(actor, project_id)
    q = select(Customer).where(Customer.agency_id == actor["agency_id"], Customer.project_id == project_id)
    if actor["role"] not in PERMISSIONS["customers.see_all"]:
        q = q.where(or_(Customer.owner_id == actor["account_id"], Customer.owner_id.is_(None)))
    if query.get("pool"):
        q = q.where(Customer.owner_id.is_(None))
    if query.get("owner_id") is not None:  # a leaver's customers are still found by their name
        q = q.where(_owned_or_left_behind(query["owner_id"]))
    for key in ("grade", "status", "channel"):
        if query.get(key) is not None:
            q = q.where(getattr(Customer, key) == query[key])
    if query.get("former_owner_id") is not None:
        q = q.where(left_behind_by(query["former_owner_id"]))
    if query.get("q"):
        q = q.where(Customer.name.contains(query["q"], autoescape=True))
    if query.get("mobile"):
        q = q.where(Customer.mobile == normalise_mobile(query["mobile"]))
    return q


# conflicts --------------------------------------------------------------------------------
def list_conflicts(session, actor, project_id, status=None):
    require_role(actor, PERMISSIONS["conflicts.read"])
    _project(actor, project_id)
    q = select(Conflict).where(Conflict.agency_id == actor["agency_id"], Conflict.project_id == project_id)
    if status is not None:
        q = q.where(Conflict.status == status)
    return [conflict_view(c) for c in session.execute(q.order_by(Conflict.created_at.desc(), Conflict.id.desc()))
            .scalars()]


def rule_conflict(uow, actor, conflict_id, decision, note=None, default_days=None):
    """A manager rules a 撞单 once: "keep" leaves the owner, "transfer" gives the customer
    to the claimant (ownership history "ruling"). A second ruling is refused (409)."""
    require_role(actor, PERMISSIONS["conflicts.rule"])
    session = uow.session
    conflict = get_in_scope(session, actor, Conflict, conflict_id, "conflict")
    now = utcnow()
    status = "kept" if decision == "keep" else "transferred"
    # conditional update: two managers ruling at once, only one wins
    done = session.execute(update(Conflict).where(Conflict.id == conflict.id, Conflict.status == "open")
                           .values(status=status, ruling=note, ruled_by=actor["account_id"], ruled_at=now)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ConflictError(f"conflict {conflict_id} was ruled already", "CONFLICT_RULED")
    session.refresh(conflict)
    if decision == "transfer":
        customer = session.execute(select(Customer).where(Customer.id == conflict.customer_id)
                                   .with_for_update()).scalar_one()
        days = protection_days(session, customer.agency_id, customer.project_id, default_days)
        _set_owner(session, actor, customer, conflict.claimant_id, conflict.claimant_name, "ruling", now, days,
                   note=note)
        if conflict.partner_name:
            customer.partner_name = conflict.partner_name
    session.flush()
    return conflict_view(conflict)


# the pool ---------------------------------------------------------------------------------
def _to_pool(session, customer_id, old_owner, reason, at, actor=None, extra=()):
    """Conditional move to the pool: only if the owner is still `old_owner` (and `extra`
    holds), so that replicas of the sweep and a concurrent follow-up cannot both win."""
    done = session.execute(update(Customer).where(Customer.id == customer_id, Customer.owner_id == old_owner, *extra)
                           .values(owner_id=None, owner_name=None, owned_since=None, protected_until=None,
                                   updated_at=at)
                           .execution_options(synchronize_session=False)).rowcount
    if done == 1:
        by_id, by_name = _by(actor)
        session.add(CustomerOwner(customer_id=customer_id, from_owner_id=old_owner, to_owner_id=None, reason=reason,
                                  by_id=by_id, by_name=by_name, at=at))
    return done == 1


def sweep_lapsed(uow, at=None):
    """保护期 lapse: leads whose protection ended go back to the pool (history "lapsed");
    customers with a deal never lapse. Returns how many moved in this batch."""
    session = uow.session
    at = at or utcnow()
    rows = session.execute(select(Customer.id, Customer.owner_id).where(
        Customer.owner_id.is_not(None), Customer.status == "lead", Customer.protected_until <= at)
        .order_by(Customer.protected_until).limit(SWEEP_BATCH)).all()
    moved = 0
    for customer_id, owner_id in rows:
        moved += _to_pool(session, customer_id, owner_id, "lapsed", at,
                          extra=(Customer.status == "lead", Customer.protected_until <= at))
    session.flush()
    return moved


def release_leaver(uow, agency_id, account_id, at=None):
    """离职: every customer of the leaver in the agency goes to the pool (history "left"),
    ready for the manager's reassignment. Idempotent: a second time finds none."""
    session = uow.session
    at = at or utcnow()
    ids = session.execute(select(Customer.id).where(Customer.agency_id == agency_id,
                                                    Customer.owner_id == account_id)).scalars().all()
    for customer_id in ids:
        _to_pool(session, customer_id, account_id, "left", at)
    session.flush()
    return len(ids)


def left_behind_by(account_id):
    """Customers in the pool because `account_id` left (离职) and nobody has taken since: their
    last ownership move is the leave's, from that person (the history says whose they were)."""
    move, later = aliased(CustomerOwner), aliased(CustomerOwner)
    return and_(Customer.owner_id.is_(None),
                exists().where(move.customer_id == Customer.id, move.reason == "left",
                               move.from_owner_id == account_id,
                               ~exists().where(later.customer_id == move.customer_id, later.id > move.id)))


def reassign(uow, actor, project_id, data, default_days=None):
    """A manager moves customers in one action: those given (or all of `from_owner_id`, or of
    the pool with `from_pool`) are dealt evenly to `to_owners` (history "reassigned").
    `from_owner_id` of someone who left takes the customers their leave put in the pool."""
    require_role(actor, PERMISSIONS["customers.reassign"])
    _project(actor, project_id)
    session = uow.session
    q = select(Customer).where(Customer.agency_id == actor["agency_id"], Customer.project_id == project_id)
    if data.get("customer_ids"):
        q = q.where(Customer.id.in_(data["customer_ids"]))
    elif data.get("from_owner_id") is not None:
        q = q.where(_owned_or_left_behind(data["from_owner_id"]))
    elif data.get("from_pool"):
        q = q.where(Customer.owner_id.is_(None))
    else:
        raise Invalid("give customer_ids, from_owner_id or from_pool", "NOTHING_TO_REASSIGN")
    if data.get("customer_ids") and data.get("from_owner_id") is not None:
        q = q.where(_owned_or_left_behind(data["from_owner_id"]))
    customers = session.execute(q.order_by(Customer.id).with_for_update()).scalars().all()
    if data.get("customer_ids"):
        missing = set(data["customer_ids"]) - {c.id for c in customers}
        if missing:
            raise NotFound(f"customers {sorted(missing)} not found in project {project_id}", "CUSTOMER_NOT_FOUND")
    owners = {o["account_id"]: o.get("name") for o in data["to_owners"]}
    plan = rules.spread([c.id for c in customers], list(owners))
    days = protection_days(session, actor["agency_id"], project_id, default_days)
    now = utcnow()
    for customer in customers:
        to = plan[customer.id]
        if customer.owner_id != to:
            _set_owner(session, actor, customer, to, owners[to], "reassigned", now, days, note=data.get("note"))
    session.flush()
    counts = {o: 0 for o in owners}
    for to in plan.values():
        counts[to] += 1
    return {"project_id": project_id, "moved": len(plan),
            "owners": [{"account_id": o, "name": owners[o], "count": n} for o, n in counts.items()]}


def _owned_or_left_behind(account_id):
    return or_(Customer.owner_id == account_id, left_behind_by(account_id))


# exports ----------------------------------------------------------------------------------
EXPORT_COLUMNS = ("id", "name", "mobile", "channel", "partner_name", "grade", "status", "owner_name",
                  "budget_min", "budget_max", "area_min", "area_max", "layout", "district", "registered_at",
                  "last_follow_up_at", "protected_until")


def export_customers(uow, actor, project_id, query, fmt):
    """Customer rows for an export (managers and directors, full numbers), logged with who,
    when, which filter and how many rows, in the same transaction."""
    require_role(actor, PERMISSIONS["customers.export"])
    session = uow.session
    if not query.get("limit"):
        matching = session.scalar(select(func.count()).select_from(
            _customers_query(actor, project_id, query).subquery()))
        if matching > MAX_EXPORT_ROWS:
            raise RuleViolated(f"{matching:,} customers match; an export takes at most {MAX_EXPORT_ROWS:,}: "
                          "narrow the filter or page with limit and offset", "EXPORT_TOO_LARGE")
    query = dict(query, limit=query.get("limit") or MAX_EXPORT_ROWS, offset=query.get("offset") or 0)
    rows = list_customers(session, actor, project_id, query)
    filters = {k: v for k, v in query.items() if v not in (None, False) and k not in ("limit", "offset")}
    session.add(CustomerExport(agency_id=actor["agency_id"], project_id=project_id, by_id=actor["account_id"],
                               by_name=actor["username"], role=actor["role"], filters=filters,
                               row_count=len(rows), format=fmt, at=utcnow()))
    log_reveals(session, actor, "export", "export_customers", rows)
    session.flush()
    return [{c: r[c] for c in EXPORT_COLUMNS} for r in rows]


def export_log(session, actor, project_id):
    require_role(actor, PERMISSIONS["customers.export"])
    _project(actor, project_id)
    rows = session.execute(select(CustomerExport).where(CustomerExport.agency_id == actor["agency_id"],
                                                        CustomerExport.project_id == project_id)
                           .order_by(CustomerExport.at.desc(), CustomerExport.id.desc())).scalars()
    return [{c: getattr(r, c) for c in ("id", "project_id", "by_id", "by_name", "role", "filters", "row_count",
                                        "format", "at", "kind", "file_name")} for r in rows]



EXPORT_HEADERS = ("编号", "姓名", "手机", "认知途径", "渠道", "等级", "状态", "置业顾问", "预算下限", "预算上限",
                  "面积下限", "面积上限", "户型", "区域", "登记时间", "最近跟进", "保护期至")


def customers_xlsx(project_id, rows):
    """客户表 .xlsx of export rows: (filename, bytes); times in Asia/Shanghai."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    sheet.append(EXPORT_HEADERS)
    for row in rows:
        append_row(sheet, [_cell(row[c]) for c in EXPORT_COLUMNS])  # a name like =cmd|... stays text
    buffer = io.BytesIO()
    workbook.save(buffer)
    return f"project-{project_id}-customers.xlsx", buffer.getvalue()


def _cell(value):
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).replace(tzinfo=None)
    return value
