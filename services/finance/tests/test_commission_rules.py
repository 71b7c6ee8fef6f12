"""The commission arithmetic without a database: agency rates and billable conditions,
staff commission by rule kind, accrual on collected money, clawback, and the invariant that
statements drawn at any points add up to the rules applied to the final state."""
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.commission_rules import (Deal, Receipt, agency_fee, agency_rate, billable,
                                               due_by_rules, rule_of, sell_through, statement_lines)

D = Decimal
MAY_END = date(2026, 5, 31)
ADVISOR = {"role": "advisor", "kind": "percent", "rate": D("0.5")}
OVERRIDE = {"role": "supervisor", "account_ids": [9], "override_rate": D("0.1")}


def deal(deal_id=1, advisor_id=1, price="1000000", signed_on=date(2026, 5, 3), cancelled_on=None, paid=()):
    receipts = tuple(r if isinstance(r, Receipt) else Receipt(date(2026, 5, 4), D(r)) for r in paid)
    return Deal(deal_id, advisor_id, D(price), signed_on, cancelled_on, receipts)


# agency ------------------------------------------------------------------------------------
TERMS = {"base_rate": D("1.0"), "total_units": 100,
         "tiers": [{"from_ratio": D("0.8"), "rate": D("1.2")}, {"from_ratio": D("0"), "rate": D("1.0")}]}


@pytest.mark.parametrize("signed, rate", [(0, "1.0"), (79, "1.0"), (80, "1.2"), (100, "1.2")])
def test_the_agency_rate_is_the_tier_reached_by_sell_through(signed, rate):
    assert agency_rate(TERMS, signed) == D(rate)


def test_without_tiers_the_base_rate_applies_and_the_fee_is_rounded_half_up():
    assert agency_rate({"base_rate": D("1.25"), "total_units": 10, "tiers": []}, 10) == D("1.25")
    assert agency_fee(D("1234567.00"), D("1.25")) == D("15432.09")  # 15432.0875
    assert sell_through(2, 3) == D("0.6667")


LINES = [("deposit", D("50000"), D("50000")), ("down_payment", D("250000"), D("250000")),
         ("mortgage", D("700000"), D("0"))]


def test_billable_conditions():
    assert billable("signed", True, []) and not billable("signed", False, LINES)
    assert billable("signed_and_down_payment", True, LINES)
    assert not billable("signed_and_down_payment", True, [LINES[0], ("down_payment", D("250000"), D("249999.99"))])
    assert not billable("fully_paid", True, LINES)
    assert billable("fully_paid", True, LINES[:2])
    # full payment: no down payment line, the balance counts instead
    assert not billable("signed_and_down_payment", True, [("deposit", D("1"), D("1")), ("balance", D("9"), D("0"))])
    assert not billable("signed_and_down_payment", True, [])
    with pytest.raises(ValueError):
        billable("paid_in_gold", True, LINES)


# staff -------------------------------------------------------------------------------------
def test_percent_commission_accrues_on_collected_money_only_and_is_capped():
    assert due_by_rules([ADVISOR], [deal(paid=["300000"])], MAY_END) == {(1, 1): D("1500.00")}
    assert due_by_rules([ADVISOR], [deal(paid=["1000000", "50000"])], MAY_END) == {(1, 1): D("5000.00")}
    assert due_by_rules([ADVISOR], [deal()], MAY_END) == {}


def test_each_persons_commission_on_a_deal_is_rounded_half_up_once():
    # 0.5 % of the 101.00 collected = 0.505: half-up gives 0.51 (banker's rounding would give 0.50)
    assert due_by_rules([ADVISOR], [deal(paid=["101"])], MAY_END) == {(1, 1): D("0.51")}
    # the share of a tiered/percent commission is exact until the end: 1/3 collected
    third = {"role": "advisor", "kind": "per_unit", "amount": D("1000")}
    assert due_by_rules([third], [deal(price="3", paid=["1"])], MAY_END) == {(1, 1): D("333.33")}


def test_per_unit_and_override():
    rules = [{"role": "advisor", "kind": "per_unit", "amount": D("3000")}, OVERRIDE]
    due = due_by_rules(rules, [deal(paid=["500000"]), deal(2, advisor_id=9, paid=["1000000"])], MAY_END)
    # 9's own entry has no kind: no commission on a deal they sold, and no override on it either
    assert due == {(1, 1): D("1500.00"), (9, 1): D("500.00")}


def test_tiered_commission_takes_the_rate_of_the_tier_the_month_reached():
    tiered = {"role": "advisor", "kind": "tiered", "monthly_target": D("2000000"),
              "tiers": [{"from_ratio": D("0"), "rate": D("0.3")}, {"from_ratio": D("1"), "rate": D("0.6")}]}
    one = [deal(1, paid=["1000000"])]
    assert due_by_rules([tiered], one, MAY_END) == {(1, 1): D("3000.00")}
    two = one + [deal(2, signed_on=date(2026, 5, 20))]
    assert due_by_rules([tiered], two, MAY_END) == {(1, 1): D("6000.00")}
    # the second deal cancelled: the month falls back below target
    cancelled = one + [deal(2, signed_on=date(2026, 5, 20), cancelled_on=date(2026, 5, 25))]
    assert due_by_rules([tiered], cancelled, MAY_END) == {(1, 1): D("3000.00")}


def test_an_account_named_in_an_entry_takes_that_entry():
    senior = {"role": "advisor", "account_ids": [2], "kind": "percent", "rate": D("1")}
    assert rule_of([ADVISOR, senior], 2) is senior and rule_of([ADVISOR, senior], 1) is ADVISOR
    assert rule_of([OVERRIDE], 1) is None and rule_of([OVERRIDE], 9) is None


def test_state_is_read_as_of_the_month_end():
    late = deal(paid=[Receipt(date(2026, 6, 2), D("1000000"))])
    assert due_by_rules([ADVISOR], [late], MAY_END) == {}
    refunded = deal(paid=[Receipt(date(2026, 5, 4), D("1000000"), ended_on=date(2026, 6, 1))])
    assert due_by_rules([ADVISOR], [refunded], MAY_END) == {(1, 1): D("5000.00")}
    assert due_by_rules([ADVISOR], [refunded], date(2026, 6, 30)) == {}
    unsigned = deal(signed_on=date(2026, 6, 1), paid=["100"])
    assert due_by_rules([ADVISOR], [unsigned], MAY_END) == {}


def test_a_cancelled_deal_is_clawed_back_by_the_next_statement():
    paid = deal(paid=["1000000"])
    first = statement_lines(due_by_rules([ADVISOR], [paid], MAY_END), {})
    assert first == {(1, 1): D("5000.00")}
    cancelled = deal(paid=["1000000"], cancelled_on=date(2026, 6, 10))
    assert statement_lines(due_by_rules([ADVISOR], [cancelled], date(2026, 6, 30)), first) == {(1, 1): D("-5000.00")}


# the invariant -----------------------------------------------------------------------------
START = date(2026, 1, 1)
RULES = [{"role": "advisor", "kind": "tiered", "monthly_target": D("3000000"),
          "tiers": [{"from_ratio": D("0"), "rate": D("0.35")}, {"from_ratio": D("0.5"), "rate": D("0.7")}]},
         {"role": "advisor", "account_ids": [2], "kind": "per_unit", "amount": D("2500.50")},
         {"role": "advisor", "account_ids": [3], "kind": "percent", "rate": D("0.333")},
         {"role": "supervisor", "account_ids": [9], "override_rate": D("0.05")},
         {"role": "manager", "account_ids": [8, 1], "override_rate": D("0.013")}]

operation = st.one_of(
    st.tuples(st.just("receipt"), st.integers(0, 3), st.integers(1, 900_000_00)),
    st.tuples(st.just("refund"), st.integers(0, 3), st.integers(0, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 3), st.just(0)),
    st.tuples(st.just("statement"), st.just(0), st.just(0)),
)


def month_end_before(day):
    return day.replace(day=1) - timedelta(days=1)


@settings(max_examples=150)
@given(prices=st.lists(st.integers(100_000_00, 5_000_000_00), min_size=4, max_size=4),
       sellers=st.lists(st.sampled_from([1, 2, 3, 9, None]), min_size=4, max_size=4),
       signed=st.lists(st.integers(0, 120), min_size=4, max_size=4),
       steps=st.lists(st.tuples(st.integers(1, 6), operation), max_size=40))
def test_statements_at_any_points_add_up_to_the_rules_applied_to_the_final_state(prices, sellers, signed, steps):
    signed_on = [START + timedelta(days=s) for s in signed]
    receipts = defaultdict(list)  # deal index -> [received_on, amount, ended_on]
    cancelled = {}
    stated = defaultdict(Decimal)
    stated_months = []
    today = START

    def deals():
        return [Deal(i, sellers[i], D(prices[i]) / 100, signed_on[i], cancelled.get(i),
                     tuple(Receipt(*r) for r in receipts[i])) for i in range(4)]

    def draw(as_of):
        for key, amount in statement_lines(due_by_rules(RULES, deals(), as_of), dict(stated)).items():
            stated[key] += amount
        stated_months.append(as_of)

    for gap, (kind, i, value) in steps:
        today += timedelta(days=gap)
        if kind == "receipt" and i not in cancelled:
            receipts[i].append([today, D(value) / 100, None])
        elif kind == "refund":
            live = [r for r in receipts[i] if r[2] is None]
            if live:
                live[value % len(live)][2] = today
        elif kind == "cancel" and i not in cancelled:
            cancelled[i] = today
            for r in receipts[i]:
                r[2] = r[2] or today  # 退房 refunds what was paid
        elif kind == "statement":
            as_of = month_end_before(today)
            if not stated_months or as_of > stated_months[-1]:
                draw(as_of)
    final = date(2027, 1, 31)
    draw(final)
    due = due_by_rules(RULES, deals(), final)
    assert {k: v for k, v in stated.items() if v} == due
    for i in cancelled:
        assert all(v == 0 for (_, deal_id), v in stated.items() if deal_id == i)
    for (account_id, deal_id), amount in due.items():
        assert amount > 0
        assert amount <= D(prices[deal_id]) / 100  # never more than the whole deal, whatever the rule
