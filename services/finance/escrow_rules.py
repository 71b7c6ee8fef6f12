"""预售资金监管 (presale funds escrow) rules. Pure.

- A project records its escrow accounts (监管账户) as a history: each has a from-date; the
  account in force on a day is the one with the latest from-date on or before that day. A
  day before the first from-date has no account in force: money received then is not subject.
- House price (房款) is the money of the schedule lines other than the deposit (定金/诚意金):
  down payment, instalments, balance, mortgage. The deposit is house price only where the
  account in force says deposits are escrowed too (`deposits_escrowed`).
- A receipt is subject to escrow when an account is in force on its date and some of its
  money is house price. A subject receipt must name the escrow account (ESCROW_ACCOUNT_MISMATCH
  otherwise); one that names no account is recorded against it: the law sends every yuan of
  house price to that account, the 收银台 offers it, and whether the money reached it is
  proved separately, by marking the receipt deposited with the bank slip.
- Account numbers are compared as digits: spaces and hyphens the cashier types are dropped.
- The monthly report splits each month's collected house price (valid receipts, by their
  received date) into escrowed (marked deposited), pending (subject, not yet deposited) and
  not subject (no account in force then); deposit money not escrowed is shown apart.
"""
import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ZERO = Decimal("0.00")
DEPOSIT = "deposit"
ACCOUNT_NO = re.compile(r"^\d{8,32}$")
SEPARATORS = re.compile(r"[\s-]+")


class AccountMismatch(ValueError):
    def __init__(self, stated, account_no):
        super().__init__(f"house-price money must go to the escrow account {account_no}, not {stated}")
        self.stated, self.account_no = stated, account_no


def normalise_account_no(value):
    """The account number as digits only, or None if it is not 8 to 32 digits once spaces
    and hyphens are dropped."""
    if value is None:
        return None
    digits = SEPARATORS.sub("", str(value))
    return digits if ACCOUNT_NO.match(digits) else None


@dataclass(frozen=True)
class Account:
    id: int
    account_no: str
    from_on: date
    deposits_escrowed: bool = False


def in_force(accounts, day):
    """The account in force on `day`: the latest from-date on or before it; None before the
    first. Two accounts never share a from-date (the table refuses it)."""
    applicable = [a for a in accounts if a.from_on <= day]
    return max(applicable, key=lambda a: a.from_on) if applicable else None


def house_price(parts_by_kind, account):
    """The part of a receipt's money that is house price under `account` (None: no account,
    the same split as one that does not escrow deposits)."""
    escrow_deposits = account is not None and account.deposits_escrowed
    return sum((amount for kind, amount in parts_by_kind.items() if kind != DEPOSIT or escrow_deposits), ZERO)


def account_for_receipt(parts_by_kind, account, stated):
    """The account number a new receipt is recorded with: `stated` (normalised) when the
    receipt is not subject to escrow; the escrow account's when it is and it named that
    account or none; AccountMismatch when it named another."""
    if account is None or house_price(parts_by_kind, account) <= 0:
        return stated
    if stated is not None and stated != account.account_no:
        raise AccountMismatch(stated, account.account_no)
    return account.account_no


@dataclass(frozen=True)
class ReceiptMoney:
    """A valid receipt as the report sees it: its date, its money by line kind, whether it
    was marked deposited to escrow."""
    received_on: date
    parts_by_kind: dict
    deposited: bool = False


@dataclass
class Month:
    month: str
    collected: Decimal = ZERO  # house price received in the month
    escrowed: Decimal = ZERO  # of which marked deposited to the escrow account
    pending: Decimal = ZERO  # of which subject to escrow and not yet deposited
    not_subject: Decimal = ZERO  # of which received when no account was in force
    deposits_excluded: Decimal = ZERO  # deposit (定金) money, not house price then
    receipts: int = 0  # valid receipts received in the month


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month):
    """(first day, last day) of a month YYYY-MM."""
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def months_between(first, last):
    """Every month YYYY-MM from `first` to `last` (both YYYY-MM), in order."""
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def monthly(receipts, accounts, months):
    """[Month] for each month in `months`, from the valid receipts (ReceiptMoney) and the
    project's accounts; receipts outside those months are ignored."""
    table = {m: Month(m) for m in months}
    for receipt in receipts:
        row = table.get(month_of(receipt.received_on))
        if row is None:
            continue
        account = in_force(accounts, receipt.received_on)
        house = house_price(receipt.parts_by_kind, account)
        row.collected += house
        row.deposits_excluded += sum(receipt.parts_by_kind.values(), ZERO) - house
        row.receipts += 1
        if account is None:
            row.not_subject += house
        elif receipt.deposited:
            row.escrowed += house
        else:
            row.pending += house
    return [table[m] for m in months]
