"""日结 daily reconciliation of a sales site's receipts: what was received that day by method,
what was voided or refunded that day, and a check that the money is where it should be:
each receipt of the day is fully allocated (its allocations sum to its amount) and, on each
deal it touched, the lines' paid amounts equal the valid receipts' allocations. A mismatch
is listed, never hidden (a price cut below what was collected leaves money unallocated
until it is refunded).

Days are Asia/Shanghai: receipts by their received_on date, voids and refunds by when they
were done. The developer's viewer gets the figures without the payers' names.
"""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import SHANGHAI, today
from services.finance.models import Allocation, Receipt, ScheduleLine
from services.finance.schedules import ZERO



def _sum(values):
    return sum(values, ZERO)


def _allocated(session, receipt_ids):
    if not receipt_ids:
        return {}
    return dict(session.execute(
        select(Allocation.receipt_id, func.sum(Allocation.amount)).where(Allocation.receipt_id.in_(receipt_ids))
        .group_by(Allocation.receipt_id)).all())


def _deal_mismatches(session, deal_ids):
    """Deals whose lines' paid total differs from their valid receipts' allocations."""
    found = []
    for deal_id in sorted(deal_ids):
        on_lines = session.execute(select(func.coalesce(func.sum(ScheduleLine.paid), ZERO))
                                   .where(ScheduleLine.deal_id == deal_id)).scalar_one()
        allocated = session.execute(
            select(func.coalesce(func.sum(Allocation.amount), ZERO)).join(Receipt, Receipt.id == Allocation.receipt_id)
            .where(Receipt.deal_id == deal_id, Receipt.status == "valid")).scalar_one()
        if on_lines != allocated:
            found.append({"what": "deal", "id": deal_id, "expected": allocated, "found": on_lines})
    return found


def daily(session, actor, project_id, day=None):
    require_role(actor, PERMISSIONS["reconciliation.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    day = day or today()
    start = datetime.combine(day, time(), SHANGHAI)
    in_project = (Receipt.agency_id == actor["agency_id"], Receipt.project_id == project_id)
    received = session.execute(select(Receipt).where(*in_project, Receipt.received_on == day)
                               .order_by(Receipt.id)).scalars().all()
    ended = session.execute(select(Receipt).where(*in_project, Receipt.ended_at >= start,
                                                  Receipt.ended_at < start + timedelta(days=1))
                            .order_by(Receipt.id)).scalars().all()
    valid = [r for r in received if r.status == "valid"]
    methods = sorted({r.method for r in valid})
    by_method = [{"method": m, "count": sum(1 for r in valid if r.method == m),
                  "total": _sum(r.amount for r in valid if r.method == m)} for m in methods]
    allocated = _allocated(session, [r.id for r in received])
    mismatches = [{"what": "receipt", "id": r.id, "expected": r.amount, "found": allocated.get(r.id, ZERO)}
                  for r in received if allocated.get(r.id, ZERO) != r.amount]
    mismatches += _deal_mismatches(session, {r.deal_id for r in received} | {r.deal_id for r in ended})

    def ended_as(status):
        rows = [r for r in ended if r.status == status]
        return {"count": len(rows), "total": _sum(r.amount for r in rows)}

    detail = actor["role"] in PERMISSIONS["reconciliation.detail"]
    return {
        "project_id": project_id, "day": day, "count": len(valid), "total": _sum(r.amount for r in valid),
        "by_method": by_method, "voided": ended_as("voided"), "refunded": ended_as("refunded"),
        "allocated_total": _sum(allocated.get(r.id, ZERO) for r in valid), "balanced": not mismatches,
        "mismatches": mismatches,
        "receipts": [{"id": r.id, "receipt_no": r.receipt_no, "deal_id": r.deal_id, "amount": r.amount,
                      "method": r.method, "payer": r.payer, "status": r.status} for r in received] if detail else [],
    }
