"""预售资金监管 rules, directly: which account is in force on a day, what is house price, which
account a receipt is recorded with, and the monthly split of collected house price."""
from datetime import date
from decimal import Decimal

import pytest

from services.finance.escrow_rules import (Account, AccountMismatch, ReceiptMoney, account_for_receipt,
                                           house_price, in_force, monthly, months_between,
                                           normalise_account_no)

D = Decimal
FIRST = Account(1, "6222020200000001", date(2026, 3, 1))
SECOND = Account(2, "6222020200000002", date(2026, 6, 1), deposits_escrowed=True)


@pytest.mark.parametrize("typed, digits", [
    ("6222 0202 0000 0001", "6222020200000001"), ("6222-0202-0000-0001", "6222020200000001"),
    ("12345678", "12345678"), ("1" * 32, "1" * 32),
    ("1234567", None), ("1" * 33, None), ("6222O20200000001", None), ("", None), ("   ", None), (None, None)])
def test_an_account_number_is_8_to_32_digits_once_spaces_and_hyphens_are_dropped(typed, digits):
    assert normalise_account_no(typed) == digits


def test_the_account_in_force_is_the_latest_from_date_on_or_before_the_day():
    accounts = [SECOND, FIRST]
    assert in_force(accounts, date(2026, 2, 28)) is None
    assert in_force(accounts, date(2026, 3, 1)) == FIRST
    assert in_force(accounts, date(2026, 5, 31)) == FIRST
    assert in_force(accounts, date(2026, 6, 1)) == SECOND
    assert in_force([], date(2026, 6, 1)) is None


def test_house_price_leaves_the_deposit_out_unless_the_account_escrows_deposits():
    parts = {"deposit": D("50000.00"), "down_payment": D("30000.00"), "mortgage": D("1.00")}
    assert house_price(parts, None) == D("30001.00")
    assert house_price(parts, FIRST) == D("30001.00")
    assert house_price(parts, SECOND) == D("80001.00")
    assert house_price({"deposit": D("50000.00")}, FIRST) == D("0.00")


def test_a_subject_receipt_names_the_escrow_account_or_none_and_is_recorded_against_it():
    house = {"down_payment": D("100.00")}
    assert account_for_receipt(house, FIRST, FIRST.account_no) == FIRST.account_no
    assert account_for_receipt(house, FIRST, None) == FIRST.account_no
    with pytest.raises(AccountMismatch) as refused:
        account_for_receipt(house, FIRST, "6222020299999999")
    assert (refused.value.stated, refused.value.account_no) == ("6222020299999999", FIRST.account_no)


def test_a_receipt_not_subject_keeps_what_it_stated():
    # before the first from-date, or deposit money only under an account that does not escrow it
    assert account_for_receipt({"balance": D("100.00")}, None, "6222020299999999") == "6222020299999999"
    assert account_for_receipt({"balance": D("100.00")}, None, None) is None
    assert account_for_receipt({"deposit": D("100.00")}, FIRST, "6222020299999999") == "6222020299999999"
    # the same deposit is house price where the account escrows deposits
    with pytest.raises(AccountMismatch):
        account_for_receipt({"deposit": D("100.00")}, SECOND, "6222020299999999")


def test_a_mixed_receipt_is_subject_for_its_house_price_part():
    with pytest.raises(AccountMismatch):
        account_for_receipt({"deposit": D("100.00"), "down_payment": D("0.01")}, FIRST, "6222020299999999")


def test_months_between_crosses_the_year():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert months_between("2026-03", "2026-03") == ["2026-03"]
    assert months_between("2026-04", "2026-03") == []


def test_the_monthly_split_of_collected_house_price():
    receipts = [
        ReceiptMoney(date(2026, 2, 10), {"deposit": D("10000.00"), "down_payment": D("5000.00")}),  # before any account
        ReceiptMoney(date(2026, 3, 1), {"down_payment": D("200000.00")}, deposited=True),
        ReceiptMoney(date(2026, 3, 15), {"balance": D("30000.00")}),
        ReceiptMoney(date(2026, 3, 20), {"deposit": D("20000.00")}),  # deposit, not escrowed by FIRST
        ReceiptMoney(date(2026, 6, 2), {"deposit": D("20000.00")}, deposited=True),  # escrowed by SECOND
        ReceiptMoney(date(2026, 7, 1), {"mortgage": D("1.00")}),  # outside the months asked
    ]
    rows = {m.month: m for m in monthly(receipts, [FIRST, SECOND], ["2026-02", "2026-03", "2026-04", "2026-06"])}
    assert list(rows) == ["2026-02", "2026-03", "2026-04", "2026-06"]
    feb, mar, apr, jun = rows.values()
    assert (feb.collected, feb.escrowed, feb.pending, feb.not_subject, feb.deposits_excluded, feb.receipts) == \
        (D("5000.00"), D("0.00"), D("0.00"), D("5000.00"), D("10000.00"), 1)
    assert (mar.collected, mar.escrowed, mar.pending, mar.not_subject, mar.deposits_excluded, mar.receipts) == \
        (D("230000.00"), D("200000.00"), D("30000.00"), D("0.00"), D("20000.00"), 3)
    assert (apr.collected, apr.receipts) == (D("0.00"), 0)
    assert (jun.collected, jun.escrowed, jun.deposits_excluded) == (D("20000.00"), D("20000.00"), D("0.00"))
    for row in rows.values():
        assert row.collected == row.escrowed + row.pending + row.not_subject
