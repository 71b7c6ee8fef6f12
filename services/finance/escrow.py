"""预售资金监管 (presale funds escrow) over the database: a project's escrow accounts by
from-date, the account a receipt's money is recorded to, the deposit of a receipt to escrow
with the bank's slip, and the monthly report of escrowed against collected house price.
The rules (which account is in force, what is house price, the monthly split) are
escrow_rules.py.

Who: finance sets the accounts and marks deposits (the money desk); managers, directors and
finance read them and the report. Anyone who reads a deal's schedule sees the account in
force today on it (the 收银台 offers it on a receipt).
A deposit is marked once (a conditional update on `escrow_deposited_at` still null: 409
ESCROW_ALREADY_DEPOSITED), on a valid receipt subject to escrow, with a bank slip number
that no other receipt of the project was deposited with (409 ESCROW_SLIP_USED: a slip, the
bank's 进账单, documents one payer's deposit).
"""
from datetime import date, timedelta

from sqlalchemy import select, update

from loupan.errors import Conflict, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope, get_in_scope
from loupan.types import today, utcnow
from services.finance import escrow_rules
from services.finance.models import Allocation, EscrowAccount, Receipt, ScheduleLine

MAX_MONTHS = 60


def _checked_account_no(value):
    digits = escrow_rules.normalise_account_no(value)
    if digits is None:
        raise RuleViolated(f"account number {value!r} is not 8 to 32 digits", "ACCOUNT_NO_INVALID")
    return digits


def account_dict(row):
    return {"id": row.id, "project_id": row.project_id, "bank": row.bank, "account_name": row.account_name,
            "account_no": row.account_no, "from_on": row.from_on, "deposits_escrowed": row.deposits_escrowed,
            "set_by": row.set_by, "set_at": row.set_at}


def _rows(session, project_id):
    return session.execute(select(EscrowAccount).where(EscrowAccount.project_id == project_id)
                           .order_by(EscrowAccount.from_on)).scalars().all()


def _rule_account(row):
    return escrow_rules.Account(row.id, row.account_no, row.from_on, row.deposits_escrowed)


def in_force_row(session, project_id, day):
    """The EscrowAccount row in force on `day`, or None."""
    rows = _rows(session, project_id)
    chosen = escrow_rules.in_force([_rule_account(r) for r in rows], day)
    return next((r for r in rows if chosen is not None and r.id == chosen.id), None)


def in_force_view(session, project_id, day=None):
    row = in_force_row(session, project_id, day or today())
    return account_dict(row) if row is not None else None


def get_accounts(session, actor, project_id):
    """The project's escrow accounts, oldest from-date first, and the one in force today."""
    require_role(actor, PERMISSIONS["escrow.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    return {"project_id": project_id, "in_force": in_force_view(session, project_id),
            "accounts": [account_dict(r) for r in _rows(session, project_id)]}


def set_account(uow, actor, project_id, data):
    """A project's escrow account from a date (a new row of the history; one per from-date)."""
    require_role(actor, PERMISSIONS["escrow.set"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    bank, name = data["bank"].strip(), data["account_name"].strip()
    if not bank:
        raise RuleViolated("the supervising bank is empty", "ESCROW_BANK_REQUIRED")
    if not name:
        raise RuleViolated("the account name is empty", "ESCROW_ACCOUNT_NAME_REQUIRED")
    account_no = _checked_account_no(data["account_no"])
    if data["from_on"] < date(2000, 1, 1):
        raise RuleViolated(f"from_on {data['from_on']} is before 2000-01-01: check the year", "DATE_TOO_EARLY")
    row = EscrowAccount(agency_id=actor["agency_id"], project_id=project_id, bank=bank, account_name=name,
                        account_no=account_no, from_on=data["from_on"],
                        deposits_escrowed=bool(data["deposits_escrowed"]), set_by=actor["account_id"],
                        set_at=utcnow())
    uow.add_unique(row, Conflict(f"project {project_id} already has an escrow account from {data['from_on']}",
                                 "ESCROW_FROM_TAKEN"))
    return account_dict(row)


def receipt_account(session, project_id, received_on, parts, rows, stated):
    """The account number a new receipt is recorded to (None: none named, not subject);
    422 ESCROW_ACCOUNT_MISMATCH for house price named to another account than the escrow
    account in force on its date."""
    if stated is not None:
        stated = _checked_account_no(stated)
    kinds = {r.id: r.kind for r in rows}
    by_kind = {}
    for line_id, part in parts:
        by_kind[kinds[line_id]] = by_kind.get(kinds[line_id], escrow_rules.ZERO) + part
    row = in_force_row(session, project_id, received_on)
    try:
        return escrow_rules.account_for_receipt(by_kind, _rule_account(row) if row else None, stated)
    except escrow_rules.AccountMismatch as exc:
        raise RuleViolated(f"{exc}: house price received on {received_on} goes to the escrow account of "
                           f"{row.bank}", "ESCROW_ACCOUNT_MISMATCH") from None


def _parts_by_kind(session, receipt_ids):
    """{receipt_id: {kind: amount}} of the receipts' allocations."""
    out = {rid: {} for rid in receipt_ids}
    if not receipt_ids:
        return out
    rows = session.execute(select(Allocation.receipt_id, ScheduleLine.kind, Allocation.amount)
                           .join(ScheduleLine, ScheduleLine.id == Allocation.line_id)
                           .where(Allocation.receipt_id.in_(receipt_ids))).all()
    for receipt_id, kind, amount in rows:
        out[receipt_id][kind] = out[receipt_id].get(kind, escrow_rules.ZERO) + amount
    return out


def house_price_of(session, receipt):
    """(account in force on the receipt's date or None, its house-price amount)."""
    row = in_force_row(session, receipt.project_id, receipt.received_on)
    parts = _parts_by_kind(session, [receipt.id])[receipt.id]
    return row, escrow_rules.house_price(parts, _rule_account(row) if row else None)


def mark_deposited(uow, actor, receipt_id, data):
    """A receipt's money deposited to the escrow account, with the bank slip (the body's, else
    the receipt's own slip number): once per receipt."""
    require_role(actor, PERMISSIONS["escrow.deposit"])
    session = uow.session
    receipt = get_in_scope(session, actor, Receipt, receipt_id, "receipt")
    if receipt.status != "valid":
        raise Conflict(f"receipt {receipt.receipt_no} is {receipt.status}, not valid", "RECEIPT_NOT_VALID")
    account, house = house_price_of(session, receipt)
    if account is None or house <= 0:
        raise RuleViolated(f"receipt {receipt.receipt_no} holds no house price under an escrow account "
                           f"(no account in force on {receipt.received_on}, or deposit money only)",
                           "NOT_SUBJECT_TO_ESCROW")
    slip = (data.get("slip_no") or receipt.slip_no or "").strip()
    if not slip:
        raise RuleViolated("the bank slip number of the deposit is required", "ESCROW_SLIP_REQUIRED")
    deposited_on = data.get("deposited_on") or today()
    if deposited_on > today():
        raise RuleViolated(f"deposited_on {deposited_on} is in the future", "DEPOSITED_IN_FUTURE")
    if deposited_on < receipt.received_on:
        raise RuleViolated(f"deposited_on {deposited_on} is before the money was received ({receipt.received_on})",
                           "DATE_OUT_OF_ORDER")
    used = session.execute(select(Receipt.receipt_no).where(
        Receipt.project_id == receipt.project_id, Receipt.escrow_slip_no == slip, Receipt.id != receipt.id)).first()
    if used:
        raise Conflict(f"slip {slip} is already the deposit of receipt {used[0]}", "ESCROW_SLIP_USED")
    moved = session.execute(
        update(Receipt).where(Receipt.id == receipt.id, Receipt.escrow_deposited_at.is_(None))
        .values(escrow_slip_no=slip, escrow_deposited_on=deposited_on, escrow_deposited_by=actor["account_id"],
                escrow_deposited_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(f"receipt {receipt.receipt_no} was already deposited to escrow", "ESCROW_ALREADY_DEPOSITED")
    session.refresh(receipt)
    return receipt


def _months(from_month, to_month):
    to_month = to_month or escrow_rules.month_of(today())
    if from_month is None:
        first, _ = escrow_rules.month_bounds(to_month)
        from_month = escrow_rules.month_of(date(first.year - 1, first.month, 1) + timedelta(days=31))
    if from_month > to_month:
        raise RuleViolated(f"from {from_month} is after to {to_month}", "MONTHS_OUT_OF_ORDER")
    months = escrow_rules.months_between(from_month, to_month)
    if len(months) > MAX_MONTHS:
        raise RuleViolated(f"{len(months)} months asked; at most {MAX_MONTHS}", "RANGE_TOO_LONG")
    return months


def report(session, actor, project_id, from_month=None, to_month=None):
    """Each month's collected house price (valid receipts by received date): escrowed,
    pending, not subject; deposits left out; and the receipts pending deposit."""
    require_role(actor, PERMISSIONS["escrow.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    months = _months(from_month, to_month)
    first, last = escrow_rules.month_bounds(months[0])[0], escrow_rules.month_bounds(months[-1])[1]
    receipts = session.execute(select(Receipt).where(
        Receipt.agency_id == actor["agency_id"], Receipt.project_id == project_id, Receipt.status == "valid",
        Receipt.received_on >= first, Receipt.received_on <= last).order_by(Receipt.received_on, Receipt.id)
    ).scalars().all()
    parts = _parts_by_kind(session, [r.id for r in receipts])
    rows = _rows(session, project_id)
    accounts = [_rule_account(r) for r in rows]
    money = [escrow_rules.ReceiptMoney(r.received_on, parts[r.id], r.escrow_deposited_at is not None)
             for r in receipts]
    figures = escrow_rules.monthly(money, accounts, months)
    pending = []
    for r in receipts:
        account = escrow_rules.in_force(accounts, r.received_on)
        house = escrow_rules.house_price(parts[r.id], account)
        if account is not None and house > 0 and r.escrow_deposited_at is None:
            pending.append({"receipt_id": r.id, "receipt_no": r.receipt_no, "deal_id": r.deal_id,
                            "received_on": r.received_on, "amount": r.amount, "house_price": house,
                            "method": r.method, "payer": r.payer, "slip_no": r.slip_no, "account_no": r.account_no})
    total = escrow_rules.Month("total")
    for m in figures:
        for name in ("collected", "escrowed", "pending", "not_subject", "deposits_excluded", "receipts"):
            setattr(total, name, getattr(total, name) + getattr(m, name))
    return {"project_id": project_id, "from_month": months[0], "to_month": months[-1],
            "in_force": in_force_view(session, project_id),
            "months": [vars(m) for m in figures], "total": {k: v for k, v in vars(total).items() if k != "month"},
            "pending": pending}
