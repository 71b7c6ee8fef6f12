"""Figures of one project for the gateway's reports (日报/周报/月报): valid receipts (收款)
received in a period and, among them, the banks' mortgage disbursements (放款), per the
deal's advisor."""
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import select

from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from services.finance.models import DealAccount, Receipt

ZERO = Decimal("0.00")


def _tallies(rows):
    tallies = defaultdict(lambda: {"count": 0, "amount": ZERO})
    for advisor_id, amount in rows:
        tallies[advisor_id]["count"] += 1
        tallies[advisor_id]["amount"] += amount
    return [{"advisor_id": a, **tallies[a]} for a in sorted(tallies, key=lambda a: (a is None, a or 0))]


def report_figures(session, actor, project_id, first, last):
    """Receipts of days first..last (their 收款 date) that are still valid, per advisor."""
    require_role(actor, PERMISSIONS["reports.read"], "read report figures")
    check_scope(actor, actor["agency_id"], project_id, "project")
    rows = session.execute(
        select(DealAccount.advisor_id, Receipt.amount, Receipt.method)
        .join(DealAccount, DealAccount.deal_id == Receipt.deal_id)
        .where(Receipt.agency_id == actor["agency_id"], Receipt.project_id == project_id,
               Receipt.status == "valid", Receipt.received_on >= first, Receipt.received_on <= last)).all()
    return {"project_id": project_id, "start": first, "end": last,
            "receipts": _tallies((a, amount) for a, amount, _ in rows),
            "mortgage_disbursements": _tallies((a, amount) for a, amount, method in rows if method == "mortgage")}
