"""Figures of one project for the gateway's reports (日报/周报/月报): 认购 approved and 签约
(contract approved) in a period, per advisor, each with count, area and amount.

The moment is the deal's status change in its history (审核 passed), on Asia/Shanghai days;
a deal cancelled later still counts on the day it was approved."""
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import SHANGHAI
from services.contracts.models import Contract, Deal, DealHistory

ZERO = Decimal("0.00")
# (report key, the status change that makes it)
MOVES = (("subscriptions", "submitted", "subscribed"), ("contracts", "subscribed", "signed"))


def _tallies(rows):
    tallies = defaultdict(lambda: {"count": 0, "area": ZERO, "amount": ZERO})
    for advisor_id, area, amount in rows:
        tally = tallies[advisor_id]
        tally["count"] += 1
        tally["area"] += area or ZERO
        tally["amount"] += amount or ZERO
    return [{"advisor_id": a, **tallies[a]} for a in sorted(tallies, key=lambda a: (a is None, a or 0))]


def report_figures(session, actor, project_id, first, last):
    """认购 and 签约 of days first..last per advisor; a contract's amount is its own price."""
    require_role(actor, PERMISSIONS["reports.read"], "read report figures")
    check_scope(actor, actor["agency_id"], project_id, "project")
    start = datetime.combine(first, time(0), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(0), SHANGHAI)
    result = {"project_id": project_id, "start": first, "end": last}
    for key, from_status, to_status in MOVES:
        price = Contract.price if key == "contracts" else Deal.price
        query = (select(Deal.advisor_id, Deal.gross_area, price)
                 .join(DealHistory, DealHistory.deal_id == Deal.id)
                 .where(Deal.agency_id == actor["agency_id"], Deal.project_id == project_id,
                        DealHistory.from_status == from_status, DealHistory.to_status == to_status,
                        DealHistory.at >= start, DealHistory.at < end))
        if key == "contracts":
            query = query.join(Contract, Contract.deal_id == Deal.id)
        result[key] = _tallies(session.execute(query).all())
    return result
