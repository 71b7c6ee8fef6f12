"""收款 receipts: numbered receipt documents (票据) allocated to a deal's schedule, and their
void (作废) or refund (退款) by a second person (双人复核).

Who records: the cashier side (finance, assistant) and managers/directors. Advisors collect
定金 from buyers but hand it to the cashier, who records it: the person who touches the
money is never the only one to account for it.
Who voids or refunds: finance, manager or director, never the person who recorded the
receipt (403 SAME_PERSON). A receipt of a cancelled deal may still be refunded (退房).
Numbers: `SK-<project>-000001`, per project, with no gaps: the project's counter row moves
by conditional update in the receipt's own transaction, so a failed receipt takes its
number back with it (the unique constraint on (project, number) backs it up).
"""
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loupan import deal_dates
from loupan.errors import Conflict, Forbidden, Invalid, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import today, utcnow
from services.finance import channel_commission, escrow, receipt_rules
from services.finance.models import Allocation, DealAccount, Receipt, ReceiptCounter, ScheduleLine
from services.finance.schedules import (ZERO, DealNotKnownYet, apply_parts, collected, deal_in_scope,
                                        live_lines, open_lines)

COUNTER_TRIES = 5


def next_receipt_no(session, agency_id, project_id):
    """The project's next receipt number: the counter row is created if missing (insert or
    nothing, never an error that would undo the transaction), then moved from the value read
    to the next by conditional update; losing a race means reading again."""
    dialect_insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(dialect_insert(ReceiptCounter).values(project_id=project_id, agency_id=agency_id, last_no=0)
                    .on_conflict_do_nothing(index_elements=["project_id"]))
    for _ in range(COUNTER_TRIES):
        last = session.execute(select(ReceiptCounter.last_no)
                               .where(ReceiptCounter.project_id == project_id)).scalar_one()
        moved = session.execute(
            update(ReceiptCounter).where(ReceiptCounter.project_id == project_id, ReceiptCounter.last_no == last)
            .values(last_no=last + 1).execution_options(synchronize_session=False)
        ).rowcount
        if moved == 1:
            return last + 1
    raise Conflict("receipt numbers are busy; try again", "RECEIPT_NUMBER_BUSY")


def receipt_no(project_id, number):
    return f"SK-{project_id}-{number:06d}"


def receipt_dict(row, allocations=()):
    return {"id": row.id, "receipt_no": row.receipt_no, "deal_id": row.deal_id, "project_id": row.project_id,
            "amount": row.amount, "method": row.method, "payer": row.payer, "slip_no": row.slip_no,
            "received_on": row.received_on, "account_no": row.account_no, "escrow_slip_no": row.escrow_slip_no,
            "escrow_deposited_on": row.escrow_deposited_on, "escrow_deposited_by": row.escrow_deposited_by,
            "status": row.status, "recorded_by": row.recorded_by, "recorded_at": row.recorded_at,
            "ended_by": row.ended_by, "ended_at": row.ended_at, "end_reason": row.end_reason,
            "allocations": [{"line_id": a.line_id, "amount": a.amount} for a in allocations]}


def _allocations(session, receipt_id):
    return session.execute(select(Allocation).where(Allocation.receipt_id == receipt_id)
                           .order_by(Allocation.id)).scalars().all()


def _record(uow, deal, amount, method, payer, received_on, line_id, recorded_by, actor, slip_no=None,
            account_no=None):
    """The receipt, its allocation and payment_received, in one transaction."""
    session = uow.session
    number = next_receipt_no(session, deal.agency_id, deal.project_id)
    if deal.status == "cancelled":
        raise RuleViolated(f"deal {deal.deal_id} is cancelled: nothing is due", "DEAL_CANCELLED")
    rows = live_lines(session, deal.deal_id)
    try:
        parts = receipt_rules.allocate(open_lines(rows), amount, first=line_id)
    except receipt_rules.Overpayment as exc:
        raise RuleViolated(f"over-payment: {exc.amount} received but only {exc.due} is due on deal "
                           f"{deal.deal_id}", "OVERPAYMENT") from None
    except receipt_rules.LineNotOpen as exc:
        raise RuleViolated(str(exc), "LINE_NOT_OPEN") from None
    account_no = escrow.receipt_account(session, deal.project_id, received_on, parts, rows, account_no)
    receipt = Receipt(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.deal_id,
                      receipt_no=receipt_no(deal.project_id, number), amount=amount, method=method,
                      payer=payer[:50], slip_no=slip_no, account_no=account_no, received_on=received_on,
                      status="valid",
                      recorded_by=recorded_by,
                      recorded_at=utcnow())
    session.add(receipt)
    session.flush()  # uq_receipts_no backs the counter up: a duplicate number fails the whole receipt
    allocations = [Allocation(receipt_id=receipt.id, line_id=line, amount=part) for line, part in parts]
    session.add_all(allocations)
    apply_parts(session, rows, parts)
    session.flush()
    channel_commission.refresh_billable(session, deal.deal_id)  # 首付 in: the channel's deal billable
    uow.publish("payment_received", {
        "deal_id": deal.deal_id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id,
        "receipt_id": receipt.id, "receipt_no": receipt.receipt_no, "amount": amount, "method": method,
        "received_on": received_on, "collected_total": collected(session, deal.deal_id),
    }, deal.agency_id, deal.project_id, actor=actor)
    return receipt_dict(receipt, allocations)


def record_receipt(uow, actor, deal_id, data):
    """收款: a receipt for the deal, allocated to its lines (to `line_id` first if given)."""
    require_role(actor, PERMISSIONS["receipts.record"])
    deal = deal_in_scope(uow.session, actor, deal_id)
    received_on = data["received_on"] or today()
    if received_on > today():
        raise Invalid(f"received_on {received_on} is in the future", "RECEIVED_IN_FUTURE")
    # no money for a deal before its 认购 (the date contracts announced), nor a year typed wrong
    deal_dates.check("receipt", {"subscribed_on": deal.subscribed_on, "received_on": received_on})
    payer = data["payer"] or deal.customer_name or "-"
    return _record(uow, deal, data["amount"], data["method"], payer, received_on, data["line_id"],
                   actor["account_id"], event_actor(actor), slip_no=data.get("slip_no"),
                   account_no=data.get("account_no"))


def record_disbursement(uow, event):
    """放款: the bank's loan received against the mortgage line (method "mortgage", no human
    recorder). A disbursement larger than what is due cannot be applied: it raises, is
    retried and ends in the dead letters for finance to sort out with the bank."""
    p = event["payload"]
    deal = uow.session.get(DealAccount, p["deal_id"])
    if deal is None:
        raise DealNotKnownYet(f"deal {p['deal_id']} has no schedule here yet")
    mortgage = [r for r in live_lines(uow.session, deal.deal_id) if r.kind == "mortgage" and r.status == "open"]
    _record(uow, deal, p["amount"], "mortgage", p["bank"], p["disbursed_on"],
            mortgage[0].id if mortgage else None, None, None)


def end_receipt(uow, actor, receipt_id, status, reason):
    """作废 (status voided) or 退款 (refunded): by a second person; allocations taken back."""
    require_role(actor, PERMISSIONS["receipts.reverse"])
    session = uow.session
    receipt = get_in_scope(session, actor, Receipt, receipt_id, "receipt")
    if receipt.recorded_by is not None and receipt.recorded_by == actor["account_id"]:
        raise Forbidden("双人复核: the person who recorded a receipt may not void or refund it", "SAME_PERSON")
    ended_at = utcnow()
    moved = session.execute(
        update(Receipt).where(Receipt.id == receipt_id, Receipt.status == "valid")
        .values(status=status, ended_by=actor["account_id"], ended_at=ended_at, end_reason=reason[:300])
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict(f"receipt {receipt.receipt_no} is {receipt.status}, not valid", "RECEIPT_NOT_VALID")
    session.refresh(receipt)
    deal = session.get(DealAccount, receipt.deal_id)
    allocations = _allocations(session, receipt_id)
    parts = [(a.line_id, a.amount) for a in allocations]
    rows = session.execute(select(ScheduleLine).where(ScheduleLine.id.in_([p[0] for p in parts]))).scalars().all()
    apply_parts(session, rows, parts, sign=-1, closed=deal.status == "cancelled")
    channel_commission.refresh_billable(session, deal.deal_id)
    uow.publish("payment_refunded", {
        "deal_id": deal.deal_id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "receipt_id": receipt.id,
        "amount": receipt.amount, "refunded_on": today(), "reason": f"{status}: {reason}"[:300],
    }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    return receipt_dict(receipt, allocations)


def list_receipts(session, actor, deal_id):
    deal_in_scope(session, actor, deal_id)
    rows = session.execute(select(Receipt).where(Receipt.deal_id == deal_id).order_by(Receipt.id)).scalars().all()
    return [receipt_dict(r, _allocations(session, r.id)) for r in rows]


def receipts_total(session):
    """Sum of the valid receipts of every project (the business gauge)."""
    return session.execute(select(func.coalesce(func.sum(Receipt.amount), ZERO))
                           .where(Receipt.status == "valid")).scalar_one()


def deposit_to_escrow(uow, actor, receipt_id, data):
    """存入监管账户: the receipt marked deposited to the escrow account (escrow.mark_deposited)."""
    receipt = escrow.mark_deposited(uow, actor, receipt_id, data)
    return receipt_dict(receipt, _allocations(uow.session, receipt.id))
