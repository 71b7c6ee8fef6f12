"""销售漏斗 funnel of a site over a period, by day, advisor or channel: 上客量 (customers'
visits), new leads (customers registered), A-grade (customers graded A), subscribed and
signed (customers whose status became so, from the status history the deal facts write).

Days are Asia/Shanghai. Attribution: a visit counts for its advisor and channel; a lead,
an A grade and a deal for the customer's channel, and for the advisor who owns the
customer now (leads, A grades) or the advisor credited with the deal.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from loupan.roles import PERMISSIONS, require_role
from loupan.types import SHANGHAI, local_day
from services.crm import rotation
from services.crm.models import Customer, CustomerGrade, CustomerStatusChange, Visit

COUNTS = ("visits", "new_leads", "a_grade", "subscribed", "signed")


def _bounds(first, last):
    """[start, end) instants of the Asia/Shanghai days first..last."""
    start = datetime.combine(first, time(0), SHANGHAI)
    return start, datetime.combine(last + timedelta(days=1), time(0), SHANGHAI)


def _facts(session, agency_id, project_id, first, last):
    """(what, day, advisor_id, channel) for every fact of the period."""
    start, end = _bounds(first, last)
    for day, advisor_id, channel in session.execute(
            select(Visit.day, Visit.advisor_id, Visit.channel)
            .where(Visit.agency_id == agency_id, Visit.project_id == project_id, Visit.kind == "visit",
                   Visit.visitor_kind == "customer", Visit.day >= first, Visit.day <= last)):
        yield "visits", day, advisor_id, channel
    for at, owner_id, channel in session.execute(
            select(Customer.registered_at, Customer.owner_id, Customer.channel)
            .where(Customer.agency_id == agency_id, Customer.project_id == project_id,
                   Customer.registered_at >= start, Customer.registered_at < end)):
        yield "new_leads", local_day(at), owner_id, channel
    graded = {}
    for customer_id, at, owner_id, channel in session.execute(
            select(CustomerGrade.customer_id, CustomerGrade.at, Customer.owner_id, Customer.channel)
            .join(Customer, Customer.id == CustomerGrade.customer_id)
            .where(Customer.agency_id == agency_id, Customer.project_id == project_id, CustomerGrade.grade == "A",
                   CustomerGrade.at >= start, CustomerGrade.at < end)
            .order_by(CustomerGrade.at, CustomerGrade.id)):
        graded.setdefault(customer_id, (local_day(at), owner_id, channel))  # once per customer
    for day, owner_id, channel in graded.values():
        yield "a_grade", day, owner_id, channel
    deals = {}
    for customer_id, to_status, at, advisor_id, channel in session.execute(
            select(CustomerStatusChange.customer_id, CustomerStatusChange.to_status, CustomerStatusChange.at,
                   CustomerStatusChange.advisor_id, Customer.channel)
            .join(Customer, Customer.id == CustomerStatusChange.customer_id)
            .where(CustomerStatusChange.agency_id == agency_id, CustomerStatusChange.project_id == project_id,
                   CustomerStatusChange.to_status.in_(("subscribed", "signed")),
                   CustomerStatusChange.at >= start, CustomerStatusChange.at < end)
            .order_by(CustomerStatusChange.at, CustomerStatusChange.id)):
        deals.setdefault((customer_id, to_status), (local_day(at), advisor_id, channel))
    for (_, to_status), (day, advisor_id, channel) in deals.items():
        yield to_status, day, advisor_id, channel


def _row(by, key):
    row = {"key": "none" if key is None else str(key), "day": None, "advisor_id": None, "channel": None}
    row[{"day": "day", "advisor": "advisor_id", "channel": "channel"}[by]] = key
    return row | {c: 0 for c in COUNTS}


def funnel(session, actor, project_id, query):
    """The funnel of days query["start"]..query["end"], one row per key of `by` that has a
    fact (by day: every day of the period), and the total."""
    require_role(actor, PERMISSIONS["funnel.read"])
    rotation.project_scope(actor, project_id)
    first, last, by = query["start"], query["end"], query["by"]
    rows = {}
    if by == "day":
        rows = {first + timedelta(days=i): _row(by, first + timedelta(days=i)) for i in range((last - first).days + 1)}
    total = {c: 0 for c in COUNTS}
    for what, day, advisor_id, channel in _facts(session, actor["agency_id"], project_id, first, last):
        key = {"day": day, "advisor": advisor_id, "channel": channel}[by]
        if key not in rows:
            rows[key] = _row(by, key)
        rows[key][what] += 1
        total[what] += 1
    ordered = sorted(rows.items(), key=lambda kv: (kv[0] is None, str(kv[0]) if by != "advisor" else kv[0] or 0))
    return {"project_id": project_id, "start": first, "end": last, "by": by,
            "rows": [r for _, r in ordered], "total": total}

