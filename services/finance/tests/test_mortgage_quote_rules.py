"""算价: equal instalment (等额本息) and equal principal (等额本金) schedules, exact to the cent,
checked against known bank figures and by properties over random loans."""
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.mortgage_quote_rules import quote

D = Decimal


def test_equal_instalment_matches_the_bank_figure():
    q = quote(D("1000000"), 30, D("4.9"), "equal_instalment")
    assert q["monthly_payment"] == D("5307.27")
    assert q["months"] == 360 and len(q["schedule"]) == 360
    first = q["schedule"][0]
    assert first == {"period": 1, "payment": D("5307.27"), "principal": D("1223.94"),
                     "interest": D("4083.33"), "remaining": D("998776.06")}
    assert q["schedule"][-1]["remaining"] == D("0.00")
    assert q["total_paid"] == D("1000000.00") + q["total_interest"]
    assert abs(q["last_payment"] - q["monthly_payment"]) < D("5.00")  # the rounding of 359 payments, repaid in the last


def test_equal_principal_repays_the_same_part_and_less_interest_each_month():
    q = quote(D("1000000"), 30, D("4.9"), "equal_principal")
    first, second, last = q["schedule"][0], q["schedule"][1], q["schedule"][-1]
    assert first["principal"] == D("2777.77")  # rounded down: 1000000 / 360 = 2777.777…
    assert first["interest"] == D("4083.33") and first["payment"] == D("6861.10")
    assert second["interest"] == D("4071.99")
    assert last["principal"] == D("1000000.00") - 359 * D("2777.77") == D("2780.57")
    assert last["remaining"] == D("0.00")


def test_a_zero_rate_splits_the_principal_and_the_last_month_absorbs_the_cents():
    q = quote(D("100000"), 1, D("0"), "equal_instalment")
    assert [line["payment"] for line in q["schedule"]][:11] == [D("8333.33")] * 11
    assert q["last_payment"] == D("8333.37") and q["total_interest"] == D("0.00")


def test_an_unknown_method_is_refused():
    with pytest.raises(ValueError):
        quote(D("1000"), 1, D("3"), "balloon")


principals = st.integers(min_value=1, max_value=10_000_000_000).map(lambda cents: D(cents) / 100)
rates = st.integers(min_value=0, max_value=2000).map(lambda bp: D(bp) / 100)  # 0–20 %, two decimals
years = st.integers(min_value=1, max_value=30)
methods = st.sampled_from(["equal_instalment", "equal_principal"])


@settings(max_examples=60)
@given(principals, years, rates, methods)
def test_the_principal_parts_add_up_to_the_principal_and_nothing_remains(principal, term, rate, method):
    q = quote(principal, term, rate, method)
    lines = q["schedule"]
    assert sum(line["principal"] for line in lines) == principal
    assert lines[-1]["remaining"] == 0
    assert all(line["principal"] >= 0 and line["interest"] >= 0 for line in lines)
    assert all(line["payment"] == line["principal"] + line["interest"] for line in lines)
    assert all(line["payment"].as_tuple().exponent == -2 for line in lines)
    remaining = principal
    for line in lines:
        remaining -= line["principal"]
        assert line["remaining"] == remaining
    assert q["total_paid"] == sum(line["payment"] for line in lines)


@settings(max_examples=60)
@given(st.integers(min_value=1_000_000, max_value=10_000_000_000).map(lambda cents: D(cents) / 100), years, rates)
def test_equal_instalment_payments_are_equal_except_the_last(principal, term, rate):
    payments = [line["payment"] for line in quote(principal, term, rate, "equal_instalment")["schedule"]]
    assert len(set(payments[:-1])) <= 1
