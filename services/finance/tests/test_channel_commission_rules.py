"""分销佣金 arithmetic without a database: per unit, percent, tiers over the period's units
(the whole period at the tier reached), the launch bonus, the terms version in force, the
billable day, attribution windows, and the invariant that the lines of all statements of a
deal add up to the rules on its final state (0 for a deal signed then cancelled)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.finance.channel_commission_rules import (ChannelDeal, Line, Terms, Tier, attribution_holds,
                                                       billable_on, cost_per_deal, due_by_rules, period_of,
                                                       statement_lines, terms_on, tier_rate)

D = Decimal
C = 7  # the channel
MAR = date(2026, 3, 1)
TIERED = Terms(date(2026, 1, 1), 1, "tiered", tiers=(Tier(1, D("1.0")), Tier(6, D("1.5"))))


def deal(deal_id, amount="1000000", signed_on=date(2026, 3, 5), billable=True, ended_on=None, channel=C):
    return ChannelDeal(deal_id, channel, D(amount), signed_on, signed_on if billable else None, ended_on)


def amounts(due):
    return {deal_id: str(d.amount) for deal_id, d in due.items()}


def test_per_unit_and_percent_exact_to_the_cent():
    per_unit = Terms(date(2026, 1, 1), 1, "per_unit", amount=D("8000"))
    percent = Terms(date(2026, 1, 1), 1, "percent", rate=D("1.25"))
    deals = [deal(1, "1234567.00"), deal(2, "2000000.00")]
    assert amounts(due_by_rules(deals, {C: [per_unit]}, MAR + timedelta(days=30))) == {1: "8000.00", 2: "8000.00"}
    due = due_by_rules(deals, {C: [percent]}, date(2026, 3, 31))
    assert amounts(due) == {1: "15432.09", 2: "25000.00"}  # 15432.0875 half-up
    assert due[1].rate == D("1.25") and due[1].basis == D("1234567.00")


def test_tiers_apply_to_the_whole_period_at_the_tier_reached():
    five = [deal(i, "1000000", date(2026, 3, i)) for i in range(1, 6)]
    assert set(amounts(due_by_rules(five, {C: [TIERED]}, date(2026, 3, 31))).values()) == {"10000.00"}
    six = five + [deal(6, "2000000", date(2026, 3, 20))]
    due = due_by_rules(six, {C: [TIERED]}, date(2026, 3, 31))
    assert amounts(due) == {1: "15000.00", 2: "15000.00", 3: "15000.00", 4: "15000.00", 5: "15000.00", 6: "30000.00"}
    assert due[1].units_in_period == 6
    # a sixth unit in April is another period: March stays at 1.0 %, April's one unit too
    april = five + [deal(6, "2000000", date(2026, 4, 2))]
    assert amounts(due_by_rules(april, {C: [TIERED]}, date(2026, 4, 30)))[6] == "20000.00"
    assert amounts(due_by_rules(april, {C: [TIERED]}, date(2026, 4, 30)))[1] == "10000.00"
    # by quarter, the six are one period
    quarterly = Terms(date(2026, 1, 1), 1, "tiered", tiers=TIERED.tiers, tier_period="quarter")
    assert amounts(due_by_rules(april, {C: [quarterly]}, date(2026, 4, 30)))[1] == "10000.00"  # Q1 has 5, Q2 1
    assert period_of(date(2026, 3, 31), "quarter") == "2026-Q1" and period_of(date(2026, 4, 1), "month") == "2026-04"
    # a deal not yet billable counts towards the tier, it is not due itself
    pending = five + [deal(6, "2000000", date(2026, 3, 20), billable=False)]
    due = due_by_rules(pending, {C: [TIERED]}, date(2026, 3, 31))
    assert 6 not in due and due[1].amount == D("15000.00")
    # a cancelled unit does not count
    cancelled = five + [deal(6, "2000000", date(2026, 3, 20), ended_on=date(2026, 3, 25))]
    assert amounts(due_by_rules(cancelled, {C: [TIERED]}, date(2026, 3, 31)))[1] == "10000.00"
    # other channels' units count for their own channel only
    other = five + [deal(6, "2000000", date(2026, 3, 20), channel=8)]
    assert amounts(due_by_rules(other, {C: [TIERED], 8: [TIERED]}, date(2026, 3, 31)))[1] == "10000.00"
    assert tier_rate(TIERED.tiers, 0) == 0


def test_the_launch_bonus_is_for_deals_signed_within_its_dates():
    terms = Terms(date(2026, 1, 1), 1, "percent", rate=D("1"), bonus_amount=D("3000"),
                  bonus_from=date(2026, 3, 1), bonus_to=date(2026, 3, 7))
    deals = [deal(1, "1000000", date(2026, 3, 7)), deal(2, "1000000", date(2026, 3, 8)),
             deal(3, "1000000", date(2026, 2, 28))]
    due = due_by_rules(deals, {C: [terms]}, date(2026, 3, 31))
    assert amounts(due) == {1: "13000.00", 2: "10000.00", 3: "10000.00"}
    assert due[1].bonus == D("3000")


def test_the_version_in_force_on_the_signing_day_prices_the_deal():
    v1 = Terms(date(2026, 1, 1), 1, "per_unit", amount=D("5000"), id=11)
    v2 = Terms(date(2026, 3, 10), 2, "per_unit", amount=D("6000"), id=12)
    v3 = Terms(date(2026, 3, 10), 3, "per_unit", amount=D("6500"), id=13)  # a correction of the same day
    assert terms_on([v1, v2, v3], date(2026, 3, 9)) is v1
    assert terms_on([v1, v2, v3], date(2026, 3, 10)) is v3
    assert terms_on([v2], date(2026, 3, 9)) is None
    due = due_by_rules([deal(1, signed_on=date(2026, 3, 9)), deal(2, signed_on=date(2026, 3, 12))],
                       {C: [v1, v2, v3]}, date(2026, 3, 31))
    assert (amounts(due), due[1].terms_id, due[2].terms_id) == ({1: "5000.00", 2: "6500.00"}, 11, 13)
    # no terms on the signing day: nothing due (yet)
    assert due_by_rules([deal(1, signed_on=date(2025, 12, 31))], {C: [v1]}, date(2026, 3, 31)) == {}


def test_statement_lines_commission_adjustment_reversal():
    percent = {C: [Terms(date(2026, 1, 1), 1, "percent", rate=D("1"))]}
    first = due_by_rules([deal(1)], percent, date(2026, 3, 31))
    assert statement_lines(first, {}) == {1: ("commission", D("10000.00"))}
    assert statement_lines(first, {1: D("10000.00")}) == {}
    swapped = due_by_rules([deal(1, "1200000")], percent, date(2026, 4, 30))  # 换房 to a dearer unit
    assert statement_lines(swapped, {1: D("10000.00")}) == {1: ("adjustment", D("2000.00"))}
    gone = due_by_rules([deal(1, ended_on=date(2026, 4, 3))], percent, date(2026, 4, 30))
    assert statement_lines(gone, {1: D("12000.00")}) == {1: ("reversal", D("-12000.00"))}


def test_billable_on_the_day_the_down_payment_is_complete():
    signed = date(2026, 3, 5)
    lines = [Line("deposit", D("50000"), ((date(2026, 3, 1), D("50000")),)),
             Line("down_payment", D("250000"), ((date(2026, 3, 4), D("100000")), (date(2026, 3, 12), D("150000")))),
             Line("mortgage", D("700000"))]
    assert billable_on("signed", signed, []) == signed
    assert billable_on("signed_and_down_payment", signed, lines) == date(2026, 3, 12)
    assert billable_on("signed_and_down_payment", date(2026, 3, 20), lines) == date(2026, 3, 20)  # paid before signing
    short = lines[:1] + [Line("down_payment", D("250000"), ((date(2026, 3, 4), D("249999.99")),))]
    assert billable_on("signed_and_down_payment", signed, short) is None
    full = [Line("deposit", D("50000"), ((date(2026, 3, 1), D("50000")),)), Line("balance", D("950000"))]
    assert billable_on("signed_and_down_payment", signed, full) is None
    assert billable_on("signed_and_down_payment", None, lines) is None
    assert billable_on("signed_and_down_payment", signed, []) is None
    with pytest.raises(ValueError):
        billable_on("when_pigs_fly", signed, lines)


def test_the_attribution_holds_from_the_visit_to_the_protections_end_until_a_ruling():
    visit, until = date(2026, 3, 1), date(2026, 3, 31)
    assert attribution_holds(visit, until, None, date(2026, 3, 1))
    assert attribution_holds(visit, until, None, date(2026, 3, 31))
    assert not attribution_holds(visit, until, None, date(2026, 4, 1))
    assert not attribution_holds(visit, until, None, date(2026, 2, 28))
    assert not attribution_holds(visit, until, date(2026, 3, 10), date(2026, 3, 10))
    assert attribution_holds(visit, None, None, date(2027, 1, 1))


def test_cost_per_deal():
    assert cost_per_deal(D("10000.00"), 3) == D("3333.33")
    assert cost_per_deal(D("20000.00"), 3) == D("6666.67")
    assert cost_per_deal(D("0.00"), 0) is None


# the invariant over statements -------------------------------------------------------------
DAY0 = date(2026, 3, 1)


@st.composite
def histories(draw):
    """Deals of one channel signed in March or April, some becoming billable later, some
    cancelled (or taken away) later still; statements drawn on some days in between."""
    n = draw(st.integers(1, 8))
    deals = []
    for deal_id in range(1, n + 1):
        signed = DAY0 + timedelta(days=draw(st.integers(0, 60)))
        billable = signed + timedelta(days=draw(st.integers(0, 20))) if draw(st.booleans()) else None
        ended = signed + timedelta(days=draw(st.integers(1, 40))) if draw(st.booleans()) else None
        amount = D(draw(st.integers(100_000_00, 5_000_000_00))) / 100
        deals.append(ChannelDeal(deal_id, C, amount, signed, billable, ended))
    kind = draw(st.sampled_from(["per_unit", "percent", "tiered"]))
    terms = Terms(date(2026, 1, 1), 1, kind, amount=D("5000"), rate=D("1.35"),
                  tiers=(Tier(1, D("1.0")), Tier(3, D("1.25")), Tier(5, D("1.6"))),
                  tier_period=draw(st.sampled_from(["month", "quarter"])),
                  bonus_amount=D("1000"), bonus_from=date(2026, 3, 10), bonus_to=date(2026, 3, 20))
    days = sorted(draw(st.lists(st.integers(0, 120), min_size=1, max_size=6, unique=True)))
    return deals, {C: [terms]}, [DAY0 + timedelta(days=d) for d in days]


@settings(max_examples=200, deadline=None)
@given(histories())
def test_the_lines_of_all_statements_add_up_to_the_rules_on_the_final_state(history):
    deals, versions, days = history
    stated = {}
    for day in days:
        for deal_id, (_, amount) in statement_lines(due_by_rules(deals, versions, day), stated).items():
            stated[deal_id] = stated.get(deal_id, D("0.00")) + amount
    final = date(2027, 1, 1)
    for deal_id, (_, amount) in statement_lines(due_by_rules(deals, versions, final), stated).items():
        stated[deal_id] = stated.get(deal_id, D("0.00")) + amount
    due = due_by_rules(deals, versions, final)
    for d in deals:
        assert stated.get(d.deal_id, 0) == (due[d.deal_id].amount if d.deal_id in due else 0)
        if d.ended_on is not None:  # signed, then cancelled: the statements of the deal sum to 0
            assert stated.get(d.deal_id, 0) == 0
