"""价目表/折扣 maths without I/O: adjustment methods, floor coefficient, rounding, order,
history steps and discount terms."""
from collections import namedtuple
from datetime import datetime, timedelta, timezone
from decimal import Decimal as D

import pytest

from services.inventory import price_rules as r

U = namedtuple("U", "id building_id floor layout gross_area list_price")


def adj(method, value, selector=None, **extra):
    return {"selector": selector or {}, "method": method, "value": D(value), **extra}


@pytest.mark.parametrize("method, value, expected", [
    ("percent", "3.5", "3105000.00"),       # 3,000,000 × 1.035
    ("percent", "-2", "2940000.00"),
    ("per_m2", "-200", "2980000.00"),       # 3,000,000 − 200 × 100 m²
    ("per_m2", "150.5", "3015050.00"),
])
def test_percent_and_per_m2(method, value, expected):
    assert r.adjusted_price(D("3000000.00"), D("100.00"), 1, adj(method, value)) == D(expected)


@pytest.mark.parametrize("floor, expected", [
    (1, "1000000.00"),    # the base floor: no extra
    (11, "1050000.00"),   # 10 floors × 0.5 % above the base
    (0, "995000.00"),     # below the base: the other way
])
def test_floor_coefficient_counts_from_floor_base(floor, expected):
    rule = adj("percent", "0", floor_coefficient=D("0.5"))
    assert r.adjusted_price(D("1000000.00"), D("100.00"), floor, rule) == D(expected)


def test_floor_coefficient_adds_to_the_percentage_and_applies_after_the_per_m2_amount():
    rule = adj("per_m2", "100", floor_coefficient=D("1"), floor_base=5)
    # (1,000,000 + 100 × 100) × (1 + 2 %)
    assert r.adjusted_price(D("1000000.00"), D("100.00"), 7, rule) == D("1030200.00")


@pytest.mark.parametrize("price, percent, expected", [
    ("100.01", "50", "150.02"),    # 150.015 -> half up
    ("100.03", "50", "150.05"),    # 150.045 -> half up
    ("100.01", "-50", "50.01"),    # 50.005 -> half up
])
def test_totals_round_to_the_cent_half_up(price, percent, expected):
    assert r.adjusted_price(D(price), D("1.00"), 1, adj("percent", percent)) == D(expected)


def test_adjustments_apply_in_order_each_on_the_rounded_result():
    unit = U(1, 1, 1, "3室", D("100.00"), D("1000000.00"))
    up_then_down = r.reprice([unit], [adj("percent", "10"), adj("per_m2", "-1000")])
    down_then_up = r.reprice([unit], [adj("per_m2", "-1000"), adj("percent", "10")])
    assert up_then_down == {1: D("1000000.00")}   # 1,100,000 − 100,000
    assert down_then_up == {1: D("990000.00")}    # 900,000 × 1.1


def test_selectors_combine_building_floors_layouts_and_units():
    units = [U(1, 1, 3, "3室", D(100), D(1000)), U(2, 1, 9, "3室", D(100), D(1000)),
             U(3, 2, 5, "2室", D(100), D(1000)), U(4, 1, 5, "2室", D(100), D(1000))]

    def picked(selector):
        return [u.id for u in units if r.selects(selector, u)]

    assert picked({}) == [1, 2, 3, 4]
    assert picked({"building_id": 1, "floor_from": 4, "floor_to": 9}) == [2, 4]
    assert picked({"layouts": ["2室"]}) == [3, 4]
    assert picked({"unit_ids": [1, 3], "layouts": ["3室"]}) == [1]


def test_an_adjustment_selecting_nothing_is_refused():
    units = [U(1, 1, 3, "3室", D(100), D(1000))]
    with pytest.raises(r.EmptySelection) as err:
        r.reprice(units, [adj("percent", "1"), adj("percent", "1", {"layouts": ["别墅"]})])
    assert err.value.index == 1 and "adjustment 2" in str(err.value)


def test_unit_price_is_total_over_gross_area_half_up():
    assert r.unit_price(D("1000000.00"), D("89.99")) == D("11112.35")


def test_steps_give_direction_number_period_and_size():
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    moves = [(t0, D("100"), D("110")), (t0 + timedelta(days=14), D("110"), D("99"))]
    first, second = r.steps(moves)
    assert first == {"step": 1, "published_at": t0, "old": D("100"), "new": D("110"), "period_days": None,
                     "direction": "up", "amount": D("10"), "percent": D("10.00")}
    assert (second["step"], second["direction"], second["period_days"]) == (2, "down", 14)
    assert (second["amount"], second["percent"]) == (D("-11"), D("-10.00"))
    assert r.change(D("5"), D("5"))["direction"] == "flat"


def test_discount_terms_from_price_or_percentage():
    assert r.discount_terms(D("3000000.00"), price=D("2910000.00")) == (D("2910000.00"), D("3.00"))
    # 1.5 % off 999,999.99 is 984,999.990150: rounded up so the discount stays within 1.5 %
    assert r.discount_terms(D("999999.99"), discount_pct=D("1.5")) == (D("985000.00"), D("1.50"))


@pytest.mark.parametrize("price, inside", [("2910000.00", True), ("2909999.99", False), ("3000000.00", True)])
def test_the_edge_of_the_advisor_range_is_inside_it(price, inside):
    assert r.within_range(D("3000000.00"), D(price), D("3")) is inside
