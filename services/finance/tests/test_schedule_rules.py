"""付款计划 derivation rules, directly (no database): the lines always sum to the price."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.schedule_rules import METHODS, Terms, derive, minimum_down, split_equal

START = date(2026, 5, 1)
D = Decimal


def kinds(lines):
    return [line.kind for line in lines]


def total(lines):
    return sum(line.amount for line in lines)


money = st.integers(min_value=1, max_value=10**11).map(lambda c: (Decimal(c) / 100).quantize(Decimal("0.01")))
terms = st.builds(Terms, down_ratio=st.integers(0, 100).map(Decimal), provident_down_ratio=st.integers(0, 100).map(Decimal),
                  down_payment_days=st.integers(0, 90), instalment_count=st.integers(1, 36),
                  instalment_days=st.integers(1, 90), full_payment_days=st.integers(0, 90),
                  mortgage_days=st.integers(0, 365))


@settings(max_examples=400)
@given(price=money, deposit=st.one_of(st.none(), money), method=st.sampled_from(METHODS),
       loan=st.one_of(st.none(), money), terms=terms)
def test_lines_always_sum_exactly_to_the_price(price, deposit, method, loan, terms):
    lines = derive(price, deposit, method, loan, START, terms)
    assert total(lines) == price
    assert all(line.amount > 0 and line.amount == line.amount.quantize(D("0.01")) for line in lines)
    assert [line.seq for line in lines] == list(range(1, len(lines) + 1))
    assert [line.due_on for line in lines] == sorted(line.due_on for line in lines)
    if method != "full":
        buyer_part = sum(line.amount for line in lines if line.kind in ("deposit", "down_payment"))
        assert buyer_part >= min(minimum_down(price, terms.ratio_for(method)), price)


def test_full_payment_is_the_deposit_then_the_balance_within_the_days():
    lines = derive(D("3000000.00"), D("50000.00"), "full", None, START, Terms(full_payment_days=7))
    assert [(l.kind, l.due_on, l.amount) for l in lines] == [
        ("deposit", START, D("50000.00")), ("balance", START + timedelta(days=7), D("2950000.00"))]


def test_instalments_split_the_rest_equally_with_the_remainder_on_the_last():
    lines = derive(D("1000000.01"), D("20000.00"), "instalments", None, START, Terms(instalment_count=3))
    assert kinds(lines) == ["deposit", "down_payment", "instalment", "instalment", "instalment"]
    # 30 % of 1000000.01 is 300000.003: rounded up to 300000.01 (deposit included)
    assert lines[1].amount == D("280000.01")
    assert [l.amount for l in lines[2:]] == [D("233333.33"), D("233333.33"), D("233333.34")]
    assert [l.due_on for l in lines[2:]] == [date(2026, 6, 30), date(2026, 7, 30), date(2026, 8, 29)]


def test_a_mortgage_deal_before_signing_expects_the_largest_loan_the_minimum_allows():
    lines = derive(D("2000000.00"), D("50000.00"), "commercial_mortgage", None, START)
    assert [(l.kind, l.amount) for l in lines] == [
        ("deposit", D("50000.00")), ("down_payment", D("550000.00")), ("mortgage", D("1400000.00"))]


def test_provident_fund_needs_only_twenty_percent_down():
    lines = derive(D("1000000.00"), None, "provident_fund", None, START)
    assert [(l.kind, l.amount) for l in lines] == [("down_payment", D("200000.00")), ("mortgage", D("800000.00"))]


def test_the_signed_loan_is_used_and_a_loan_beyond_the_minimum_down_payment_is_capped():
    signed = derive(D("2000000.00"), D("50000.00"), "combined", D("1000000.00"), START)
    assert [l.amount for l in signed] == [D("50000.00"), D("950000.00"), D("1000000.00")]
    capped = derive(D("2000000.00"), D("50000.00"), "combined", D("1900000.00"), START)
    assert [l.amount for l in capped] == [D("50000.00"), D("550000.00"), D("1400000.00")]


def test_a_deposit_above_the_minimum_down_payment_leaves_no_down_payment_line():
    lines = derive(D("100000.00"), D("40000.00"), "commercial_mortgage", None, START)
    assert [(l.kind, l.amount) for l in lines] == [("deposit", D("40000.00")), ("mortgage", D("60000.00"))]


def test_split_equal_keeps_every_cent():
    assert split_equal(D("0.02"), 3) == [D("0.00"), D("0.00"), D("0.02")]
    assert split_equal(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]


@pytest.mark.parametrize("price,method", [(D("0"), "full"), (D("100"), "barter")])
def test_a_schedule_needs_a_positive_price_and_a_known_method(price, method):
    with pytest.raises(ValueError):
        derive(price, None, method, None, START)
