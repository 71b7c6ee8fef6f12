"""算价: equal instalment (等额本息) and equal principal (等额本金). The headline figures are
checked against the bank calculators' published figures and against the closed forms computed
here, independently, from the exact (unrounded) schedule; the cent ledger by properties over
random loans."""
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.mortgage_quote_rules import quote

D = Decimal


def test_equal_instalment_matches_the_bank_calculators():
    q = quote(D("1000000"), 30, D("4.9"), "equal_instalment")
    assert q["monthly_payment"] == D("5307.27") and q["monthly_decrease"] is None
    assert (q["total_interest"], q["total_paid"]) == (D("910616.19"), D("1910616.19"))
    assert q["headline_rounding"] == "half_up_from_exact"
    assert q["months"] == 360 and len(q["schedule"]) == 360
    first = q["schedule"][0]
    assert first == {"period": 1, "payment": D("5307.27"), "principal": D("1223.94"),
                     "interest": D("4083.33"), "remaining": D("998776.06")}
    assert q["schedule"][-1]["remaining"] == D("0.00")
    assert q["schedule_rounding"] == "cent_ledger_remainder_to_last"
    # the ledger: 359 rounded payments, the last taking the remainder; its interest adds the roundings
    assert q["schedule_total_paid"] == sum(line["payment"] for line in q["schedule"]) == D("1910615.12")
    assert q["schedule"][-1]["payment"] == D("5305.19") and q["last_payment"] == D("5307.27")


def test_equal_principal_matches_the_bank_calculators():
    q = quote(D("1000000"), 30, D("4.9"), "equal_principal")
    # 1000000/360 + 1000000 × 0.049/12 = 6861.111…: the first month the calculators show
    assert q["monthly_payment"] == D("6861.11") and q["monthly_decrease"] == D("11.34")
    assert (q["total_interest"], q["total_paid"]) == (D("737041.67"), D("1737041.67"))
    assert q["last_payment"] == D("2789.12")


def test_equal_principal_ledger_repays_the_same_part_and_less_interest_each_month():
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
    assert q["schedule"][-1]["payment"] == D("8333.37") and q["schedule_total_interest"] == D("0.00")
    assert q["last_payment"] == q["monthly_payment"] == D("8333.33") and q["total_interest"] == D("0.00")


def test_headline_figures_round_half_up_not_to_even():
    # 100.14 / 12 = 8.345 exactly: half-up gives 8.35 (half-even would give 8.34)
    q = quote(D("100.14"), 1, D("0"), "equal_instalment")
    assert q["monthly_payment"] == D("8.35") and q["schedule"][0]["payment"] == D("8.35")
    assert q["total_paid"] == D("100.14")  # 12 × 8.345 exactly, not 12 × 8.35
    equal = quote(D("100.14"), 1, D("0"), "equal_principal")
    assert equal["monthly_payment"] == D("8.35") and equal["monthly_decrease"] == D("0.00")


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
    assert q["schedule_total_paid"] == sum(line["payment"] for line in lines)
    assert q["schedule_total_interest"] == sum(line["interest"] for line in lines)


@settings(max_examples=60)
@given(st.integers(min_value=1_000_000, max_value=10_000_000_000).map(lambda cents: D(cents) / 100), years, rates)
def test_equal_instalment_payments_are_equal_except_the_last(principal, term, rate):
    payments = [line["payment"] for line in quote(principal, term, rate, "equal_instalment")["schedule"]]
    assert len(set(payments[:-1])) <= 1


def _half_up(value):
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def bank_figures(principal, term, annual_rate, method):
    """What a bank calculator shows, written out here from the closed forms: the exact schedule
    (40 digits, nothing rounded) summed month by month, each shown figure rounded half-up."""
    with localcontext() as ctx:
        ctx.prec = 40
        n, r = term * 12, annual_rate / 1200
        if method == "equal_instalment":
            payments = [principal / n if r == 0 else principal * r * (1 + r) ** n / ((1 + r) ** n - 1)] * n
        else:
            payments = [principal / n + (principal - k * principal / n) * r for k in range(n)]
        total = sum(payments, D(0))
        shown = {"monthly_payment": payments[0], "last_payment": payments[-1],
                 "total_paid": total, "total_interest": total - principal}
        if method == "equal_principal":
            shown["monthly_decrease"] = payments[0] - payments[1] if n > 1 else principal / n * r
    return {key: _half_up(value) for key, value in shown.items()}


@settings(max_examples=60)
@given(principals, years, rates, methods)
def test_the_headline_figures_are_the_bank_calculators(principal, term, rate, method):
    q = quote(principal, term, rate, method)
    expected = bank_figures(principal, term, rate, method)
    assert {key: q[key] for key in expected} == expected
