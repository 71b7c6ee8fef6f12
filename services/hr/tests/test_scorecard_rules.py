"""Scorecard maths (pure, no broker): normalisation of each component, weights, half-up
rounding, cards that add up to their total, ranking ties and the quarter's 销售之星."""
import random
from decimal import Decimal

import pytest

from loupan.errors import RuleViolated
from services.hr.scorecard_rules import (COMPONENTS, DEFAULT_WEIGHTS, AdvisorMonth, Attendance, check_weights,
                                   half_up, median, quarter_months, ranking, sales_star)

D = Decimal


def component(card, name):
    return next(c for c in card["components"] if c["name"] == name)


def only_card(advisor, weights=DEFAULT_WEIGHTS, others=()):
    cards = ranking([advisor, *others], weights)
    return next(c for c in cards if c["account_id"] == advisor.account_id)


def test_default_weights_add_up_to_100_and_cover_every_component():
    assert sum(DEFAULT_WEIGHTS.values()) == 100 and set(DEFAULT_WEIGHTS) == set(COMPONENTS)


@pytest.mark.parametrize("units,target,score", [(3, 5, "60.00"), (7, 5, "100.00"), (0, 5, "0.00"),
                                                (1, 3, "33.33"), (2, 3, "66.67"),
                                                (0, None, "0.00"), (2, None, "100.00"), (1, 0, "100.00")])
def test_units_are_scored_against_the_target_and_capped_at_100(units, target, score):
    c = component(only_card(AdvisorMonth(1, units=units, target_units=target)), "units")
    assert c["score"] == D(score) and c["raw"] == units
    assert c["reference"] == (D(target) if target else None)


def test_amount_is_scored_against_the_amount_target_exactly():
    advisor = AdvisorMonth(1, amount=D("1000000.00"), target_amount=D("3000000.00"))
    c = component(only_card(advisor), "amount")
    assert c["score"] == D("33.33") and c["raw"] == D("1000000.00") and c["reference"] == D("3000000.00")


def test_leads_are_scored_against_the_site_median():
    advisors = [AdvisorMonth(1, leads=2), AdvisorMonth(2, leads=4), AdvisorMonth(3, leads=10)]
    cards = {c["account_id"]: component(c, "leads") for c in ranking(advisors, DEFAULT_WEIGHTS)}
    assert {a: c["reference"] for a, c in cards.items()} == {1: 4, 2: 4, 3: 4}
    assert [cards[a]["score"] for a in (1, 2, 3)] == [D("50.00"), D("100.00"), D("100.00")]


def test_a_site_median_of_zero_gives_100_for_any_lead():
    advisors = [AdvisorMonth(1, leads=0), AdvisorMonth(2, leads=0), AdvisorMonth(3, leads=1)]
    scores = {c["account_id"]: component(c, "leads")["score"] for c in ranking(advisors, DEFAULT_WEIGHTS)}
    assert scores == {1: 0, 2: 0, 3: 100}


@pytest.mark.parametrize("values,expected", [([], "0"), ([3], "3"), ([5, 1, 3], "3"), ([4, 1, 3, 10], "3.5")])
def test_median(values, expected):
    assert median(values) == D(expected)


@pytest.mark.parametrize("complaints,score", [(0, "100"), (1, "75"), (3, "25"), (4, "0"), (9, "0")])
def test_complaints_fewer_is_better(complaints, score):
    assert component(only_card(AdvisorMonth(1, complaints=complaints)), "complaints")["score"] == D(score)


def test_satisfaction_is_the_average_on_a_five_point_scale():
    c = component(only_card(AdvisorMonth(1, satisfaction_sum=9, satisfaction_count=2)), "satisfaction")
    assert c["raw"] == D("4.50") and c["reference"] == 5 and c["score"] == D("90.00")


def test_no_survey_takes_the_site_average_and_no_survey_at_all_scores_100():
    surveyed = [AdvisorMonth(1, satisfaction_sum=5, satisfaction_count=1),
                AdvisorMonth(2, satisfaction_sum=6, satisfaction_count=2)]
    c = component(only_card(AdvisorMonth(3), others=surveyed), "satisfaction")
    assert c["raw"] is None and c["score"] == D("80.00") and "4.00" in c["basis"]  # (5 + 3) / 2 = 4
    assert component(only_card(AdvisorMonth(3), others=[AdvisorMonth(4)]), "satisfaction")["score"] == 100


@pytest.mark.parametrize("attendance,score", [(Attendance(20, 1, 2), "90.00"), (Attendance(20, 0, 0), "100.00"),
                                              (Attendance(3, 3, 1), "0.00"), (Attendance(0, 0, 0), "100.00"),
                                              (Attendance(22, 0, 1), "97.73")])
def test_attendance_counts_a_late_as_half_an_absence(attendance, score):
    assert component(only_card(AdvisorMonth(1, attendance=attendance)), "attendance")["score"] == D(score)


def test_weights_must_add_up_to_100():
    with pytest.raises(RuleViolated) as err:
        check_weights(dict(DEFAULT_WEIGHTS, units=24))
    assert err.value.code == "WEIGHTS_NOT_100"
    with pytest.raises(RuleViolated) as err:
        ranking([AdvisorMonth(1)], {k: v for k, v in DEFAULT_WEIGHTS.items() if k != "leads"})
    assert err.value.code == "WEIGHTS_INCOMPLETE"


def test_contributions_round_half_up_and_the_total_is_their_sum():
    # 1 of 200 units = 0.50 points; × 25 % = 0.125, half-up 0.13 (banker's rounding would say 0.12)
    weights = {"units": 25, "amount": 0, "leads": 0, "complaints": 75, "satisfaction": 0, "attendance": 0}
    card = only_card(AdvisorMonth(1, units=1, target_units=200, complaints=4), weights)
    assert component(card, "units")["score"] == D("0.50")
    assert component(card, "units")["contribution"] == D("0.13")
    assert card["total"] == D("0.13")
    assert half_up(D("2.675")) == D("2.68") and half_up(D("-0.005")) == D("-0.01")


def test_a_full_card_explains_every_number():
    advisor = AdvisorMonth(7, units=3, amount=D("2400000.00"), leads=6, complaints=1, satisfaction_sum=9,
                           satisfaction_count=2, attendance=Attendance(20, 1, 2), target_units=5,
                           target_amount=D("4000000.00"))
    card = only_card(advisor, others=[AdvisorMonth(8, leads=4), AdvisorMonth(9, leads=8)])
    explained = {c["name"]: (c["raw"], c["reference"], c["score"], c["weight"], c["contribution"])
                 for c in card["components"]}
    assert explained == {
        "units": (3, 5, D("60.00"), 25, D("15.00")),
        "amount": (D("2400000.00"), D("4000000.00"), D("60.00"), 25, D("15.00")),
        "leads": (6, 6, D("100.00"), 15, D("15.00")),
        "complaints": (1, 0, D("75.00"), 10, D("7.50")),
        "satisfaction": (D("4.50"), 5, D("90.00"), 10, D("9.00")),
        "attendance": (D("18.0"), 20, D("90.00"), 15, D("13.50")),
    }
    assert card["total"] == D("75.00")
    assert all(c["basis"] and c["label"] for c in card["components"])


def test_random_cards_always_add_up_to_their_total():
    rng = random.Random(7)
    for _ in range(300):
        cut = sorted(rng.sample(range(1, 100), 5))
        weights = dict(zip(COMPONENTS, [b - a for a, b in zip([0, *cut], [*cut, 100])]))
        advisors = [AdvisorMonth(
            i, units=rng.randint(0, 9), amount=D(rng.randint(0, 10**9)) / 100, leads=rng.randint(0, 30),
            complaints=rng.randint(0, 5), satisfaction_sum=rng.randint(0, 50), satisfaction_count=rng.randint(0, 10),
            attendance=Attendance(rng.randint(0, 26), rng.randint(0, 3), rng.randint(0, 5)),
            target_units=rng.choice([None, 0, rng.randint(1, 12)]),
            target_amount=rng.choice([None, D(rng.randint(1, 10**10)) / 100]),
        ) for i in range(1, 6)]
        for card in ranking(advisors, weights):
            assert sum(c["contribution"] for c in card["components"]) == card["total"]
            assert card["total"] == card["total"].quantize(D("0.01"))
            for c in card["components"]:
                assert 0 <= c["score"] <= 100
                assert c["contribution"] == half_up(c["score"] * c["weight"] / 100)


def test_ranking_breaks_ties_by_amount_then_units_then_account_id():
    weights = {"units": 0, "amount": 0, "leads": 0, "complaints": 100, "satisfaction": 0, "attendance": 0}
    advisors = [
        AdvisorMonth(5, units=1, amount=D("100.00")),
        AdvisorMonth(4, units=2, amount=D("100.00")),
        AdvisorMonth(3, units=0, amount=D("900.00")),
        AdvisorMonth(2, units=1, amount=D("100.00")),
        AdvisorMonth(1, complaints=1, units=9, amount=D("99999.00")),
    ]
    expected = [3, 4, 2, 5, 1]
    for seed in range(5):  # whatever order they come in
        shuffled = advisors[:]
        random.Random(seed).shuffle(shuffled)
        cards = ranking(shuffled, weights)
        assert [c["account_id"] for c in cards] == expected
        assert [c["rank"] for c in cards] == [1, 2, 3, 4, 5]


def test_sales_star_is_the_best_average_over_the_quarter():
    def c(account_id, total, units=0, amount="0"):
        return {"account_id": account_id, "total": D(total), "units_signed": units, "amount_signed": D(amount)}

    monthly = {
        "2026-04": [c(1, "90.00", 2, "200"), c(2, "60.00", 1, "100"), c(3, "80.00")],
        "2026-05": [c(1, "30.00"), c(2, "90.00", 1, "300"), c(3, "80.00")],
        "2026-06": [c(2, "90.00"), c(3, "80.00", 1, "50")],  # 1 left: the month counts 0
    }
    standings = sales_star(monthly)
    assert [s["account_id"] for s in standings] == [2, 3, 1]  # 240 each: 2 signed the larger amount
    assert standings[0]["average_total"] == D("80.00") and standings[1]["average_total"] == D("80.00")
    assert standings[2]["average_total"] == D("40.00")
    assert standings[2]["month_totals"][2] == {"month": "2026-06", "total": D("0")}
    assert [s["rank"] for s in standings] == [1, 2, 3]


def test_sales_star_ties_go_to_the_larger_amount_then_units():
    def c(account_id, units, amount):
        return {"account_id": account_id, "total": D("50.00"), "units_signed": units, "amount_signed": D(amount)}

    monthly = {"2026-01": [c(1, 1, "100"), c(2, 1, "200"), c(3, 2, "100")], "2026-02": [], "2026-03": []}
    assert [s["account_id"] for s in sales_star(monthly)] == [2, 3, 1]
    assert sales_star({"2026-01": [], "2026-02": [], "2026-03": []}) == []


@pytest.mark.parametrize("quarter,months", [("2026-Q1", ["2026-01", "2026-02", "2026-03"]),
                                            ("2025-Q4", ["2025-10", "2025-11", "2025-12"])])
def test_quarter_months(quarter, months):
    assert quarter_months(quarter) == months
