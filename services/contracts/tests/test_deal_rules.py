"""认购 rules without I/O: the price floor (特价, advisor range, 底价), deposit, loans by
payment method and the buyers' shares."""
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loupan.errors import RuleViolated
from services.contracts import deal_rules as r

LIST, BASE = D("3000000.00"), D("2800000.00")
cents = st.integers(min_value=1, max_value=10**10).map(lambda n: D(n) / 100)


def code(call, *args):
    with pytest.raises(RuleViolated) as err:
        call(*args)
    return err.value.code


def test_without_a_range_nor_a_special_price_the_floor_is_the_list_price():
    assert r.price_floor(LIST, BASE) == (LIST, "the advisor discount range")
    assert r.check_price(LIST, LIST, BASE) == LIST
    assert code(r.check_price, LIST - D("0.01"), LIST, BASE) == "PRICE_BELOW_FLOOR"


def test_the_advisor_range_edge_is_inside_it():
    assert r.check_price(D("2940000.00"), LIST, BASE, None, D("2")) == D("2940000.00")
    assert code(r.check_price, D("2939999.99"), LIST, BASE, None, D("2")) == "PRICE_BELOW_FLOOR"


def test_the_range_never_goes_below_base_price():
    assert r.price_floor(LIST, BASE, None, D("10")) == (BASE, "底价")
    assert code(r.check_price, BASE - D("0.01"), LIST, BASE, None, D("10")) == "PRICE_BELOW_FLOOR"


def test_an_approved_special_price_replaces_the_range_even_below_base_price():
    special = D("2700000.00")
    assert r.check_price(special, LIST, BASE, special, D("0")) == special
    assert code(r.check_price, special - D("0.01"), LIST, BASE, special) == "PRICE_BELOW_FLOOR"


def test_a_special_price_above_the_range_floor_is_still_the_floor():
    assert code(r.check_price, D("2950000.00"), LIST, BASE, D("2990000.00"), D("5")) == "PRICE_BELOW_FLOOR"


@given(list_price=cents, pct=st.integers(0, 100).map(D), price=cents)
def test_the_floor_agrees_with_the_range_compared_exactly(list_price, pct, price):
    base = D("0.01")
    floor, _ = r.price_floor(list_price, base, None, pct)
    within = price * 100 >= list_price * (100 - pct)
    assert (price >= floor) == (within and price >= base)


def test_deposit_is_positive_and_below_the_price():
    r.check_terms(D("100"), D("99.99"), "full")
    for deposit in ("0", "100", "150"):
        assert code(r.check_terms, D("100"), D(deposit), "full") == "DEPOSIT_OUT_OF_RANGE"


@pytest.mark.parametrize("method", ["full", "instalments"])
def test_payment_without_a_bank_takes_no_loan(method):
    r.check_terms(LIST, D("50000"), method)
    assert code(r.check_terms, LIST, D("50000"), method, D("1000")) == "LOAN_NOT_ALLOWED"


@pytest.mark.parametrize("method, limit", [
    ("commercial_mortgage", "2550000.00"),  # 15 % down
    ("provident_fund", "2400000.00"),       # 20 % down
    ("combined", "2400000.00"),
])
def test_mortgage_methods_need_a_loan_that_leaves_the_minimum_down_payment(method, limit):
    assert r.max_loan(LIST, method) == D(limit)
    r.check_terms(LIST, D("50000"), method, D(limit))
    assert code(r.check_terms, LIST, D("50000"), method, D(limit) + D("0.01")) == "LOAN_TOO_HIGH"
    assert code(r.check_terms, LIST, D("50000"), method) == "LOAN_REQUIRED"
    assert code(r.check_terms, LIST, D("50000"), method, D("0")) == "LOAN_REQUIRED"


@given(price=cents, method=st.sampled_from(r.LOAN_METHODS))
def test_the_largest_loan_always_leaves_at_least_the_minimum_down_payment(price, method):
    loan = r.max_loan(price, method)
    assert (price - loan) * 100 >= price * r.MIN_DOWN_PCT[method]
    assert (price - loan - D("0.01")) * 100 < price * r.MIN_DOWN_PCT[method]


def test_the_main_buyer_takes_what_the_co_buyers_leave():
    assert r.buyer_shares([]) == D(100)
    assert r.buyer_shares([D("30"), D("20")]) == D(50)
    for shares in ([D("100")], [D("60"), D("50")], [D("0")], [D("-5")]):
        assert code(r.buyer_shares, shares) == "BUYER_SHARES_INVALID"


def test_minimums_round_up_to_the_cent():
    # docs/money.md: 15 % of 1,000,000.01 is 150,000.0015, so the loan leaves 150,000.01
    assert r.max_loan(D("1000000.01"), "commercial_mortgage") == D("850000.00")
    # 3 % off 1,000,000.01 is 970,000.0097: the floor is the cent above
    assert r.price_floor(D("1000000.01"), D("0.01"), None, D("3"))[0] == D("970000.01")
