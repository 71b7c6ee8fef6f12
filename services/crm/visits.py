"""来电/来访登记 registration of calls and visits over the database, the same day they happen,
with the advisor, channel and visitor kind; a customer's call or visit links to (or
registers, 报备) the customer. A new walk-in with no owner goes to the rotation's head
(rotation.py); a returning customer goes to their owner. Also the lists and the daily
counts (上客量) the reports use."""
from collections import defaultdict

from sqlalchemy import select

from loupan.errors import Invalid, RuleViolated
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.types import local_day, today, utcnow
from services.crm import customers, rotation
from services.crm.models import Customer, Visit

DEFAULT_CHANNEL = {"call": "phone", "visit": "walk_in"}
COLUMNS = ("id", "project_id", "kind", "visitor_kind", "day", "at", "advisor_id", "assignment", "channel",
           "customer_id", "customer_name", "new_customer", "party_size", "note", "registered_by",
           "registered_by_name")


def visit_dict(visit, conflict=None):
    return {c: getattr(visit, c) for c in COLUMNS} | {"conflict_id": conflict.id if conflict is not None else None}


def _existing_customer(session, actor, project_id, mobile):
    customer = session.execute(
        select(Customer).where(Customer.project_id == project_id, Customer.mobile == mobile)).scalar_one_or_none()
    if customer is not None and customer.agency_id != actor["agency_id"]:
        return None
    return customer


def _advisor(uow, actor, project_id, kind, data, customer, day):
    """(advisor_id, assignment, queue after the rotation moved or None)."""
    if data["advisor_id"] is not None:
        return data["advisor_id"], "chosen", None
    owner = customer.owner_id if customer is not None else None
    if kind == "visit" and data["visitor_kind"] == "customer":
        if owner is not None:
            return owner, "owner", None
        advisor, queue = rotation.take_walk_in(uow, actor, project_id, day)
        return advisor, "rotation", queue
    if actor["role"] in PERMISSIONS["visits.take"]:
        return actor["account_id"], "chosen", None
    if owner is not None:
        return owner, "owner", None
    if kind == "call":
        raise Invalid("say which advisor took the call (advisor_id)", "ADVISOR_REQUIRED")
    return None, None, None


def _link_customer(uow, actor, project_id, data, customer, advisor_id, channel, at):
    """The customer behind a customer's call or visit: a known one with an owner is touched
    (the contact keeps the 保护期 running); otherwise 报备 through customers.register, owned
    by the advisor who took it. An advisor registering someone else's walk-in leaves the
    报备 to that advisor (an advisor may only register customers for themselves)."""
    if customer is not None and customer.owner_id is not None:
        if customer.owner_id == advisor_id:
            customers.touch(uow.session, customer, at)
        return customer, None, False
    if actor["role"] == ADVISOR and advisor_id != actor["account_id"]:
        return customer, None, False
    name = data["customer_name"] or (customer.name if customer is not None else None)
    if name is None:
        raise Invalid("give the new customer's name (customer_name) with the mobile", "CUSTOMER_NAME_REQUIRED")
    register = {"mobile": data["mobile"], "name": name, "channel": channel, "partner_name": data["partner_name"]}
    customer, conflict, created = customers.register(uow, actor, project_id, register, owner_id=advisor_id, at=at)
    return customer, conflict, created


def register(uow, actor, project_id, kind, data):
    """来电 (kind "call") or 来访 (kind "visit") registered today. RuleViolated NOT_TODAY for
    another day; NO_ADVISOR_ON_DUTY for a new walk-in when nobody is on the rotation."""
    require_role(actor, PERMISSIONS["visits.register"])
    rotation.project_scope(actor, project_id)
    session = uow.session
    now = utcnow()
    day = local_day(now)
    if data["day"] is not None and data["day"] != day:
        raise RuleViolated(f"calls and visits are registered the same day: today is {day}, not {data['day']}",
                           "NOT_TODAY")
    channel = data["channel"] or DEFAULT_CHANNEL[kind]
    customer = None
    mobile = None
    if data["mobile"] is not None:
        mobile = customers.normalise_mobile(data["mobile"])
        if data["visitor_kind"] != "customer":
            raise Invalid("only a customer's call or visit carries a mobile", "MOBILE_NOT_FOR_VISITOR")
        customer = _existing_customer(session, actor, project_id, mobile)
    advisor_id, assignment, queue = _advisor(uow, actor, project_id, kind, data, customer, day)
    conflict, created = None, False
    if mobile is not None:
        customer, conflict, created = _link_customer(uow, actor, project_id, dict(data, mobile=mobile), customer,
                                                     advisor_id, channel, now)
    if kind == "visit" and customer is not None and customer.first_visit_at is None:
        customer.first_visit_at = now
    visit = Visit(agency_id=actor["agency_id"], project_id=project_id, kind=kind, visitor_kind=data["visitor_kind"],
                  day=day, at=now, advisor_id=advisor_id, assignment=assignment, channel=channel,
                  customer_id=customer.id if customer is not None else None,
                  customer_name=data["customer_name"] or (customer.name if customer is not None else None),
                  new_customer=created, party_size=data["party_size"], note=data["note"],
                  registered_by=actor["account_id"], registered_by_name=actor["username"])
    session.add(visit)
    session.flush()
    if assignment == "rotation":
        rotation.record_assignment(uow, actor, visit, queue)
    return visit_dict(visit, conflict)


def _period(query):
    first = query.get("start") or today()
    return first, query.get("end") or first


def list_visits(session, actor, project_id, kind, query):
    """The site's calls or visits of a period (default today), newest first."""
    require_role(actor, PERMISSIONS["visits.read"])
    rotation.project_scope(actor, project_id)
    first, last = _period(query)
    q = select(Visit).where(Visit.agency_id == actor["agency_id"], Visit.project_id == project_id,
                            Visit.kind == kind, Visit.day >= first, Visit.day <= last)
    for key in ("advisor_id", "visitor_kind", "channel"):
        if query.get(key) is not None:
            q = q.where(getattr(Visit, key) == query[key])
    rows = session.execute(q.order_by(Visit.at.desc(), Visit.id.desc())
                           .limit(query.get("limit", 200)).offset(query.get("offset", 0))).scalars()
    return [visit_dict(v) for v in rows]


def daily_counts(session, actor, project_id, query):
    """上客量 per day and advisor of a period (default today): calls, customers' visits,
    市调 and 参观 visits, and the new customers they registered. Only non-zero rows."""
    require_role(actor, PERMISSIONS["visits.counts"])
    rotation.project_scope(actor, project_id)
    first, last = _period(query)
    rows = session.execute(
        select(Visit.day, Visit.advisor_id, Visit.kind, Visit.visitor_kind, Visit.new_customer)
        .where(Visit.agency_id == actor["agency_id"], Visit.project_id == project_id,
               Visit.day >= first, Visit.day <= last)).all()
    counts = defaultdict(lambda: {"calls": 0, "visits": 0, "market_researchers": 0, "visitors": 0,
                                  "new_customers": 0})
    column = {"customer": "visits", "market_researcher": "market_researchers", "visitor": "visitors"}
    for day, advisor_id, kind, visitor_kind, new_customer in rows:
        row = counts[(day, advisor_id)]
        row["calls" if kind == "call" else column[visitor_kind]] += 1
        row["new_customers"] += int(bool(new_customer))
    return [{"project_id": project_id, "day": day, "advisor_id": advisor_id, **row}
            for (day, advisor_id), row in sorted(counts.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0))]
