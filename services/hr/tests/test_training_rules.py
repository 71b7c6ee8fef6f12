"""培训 training rules without I/O: the pass mark, exact percentages, Shanghai months."""
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from loupan.types import local_day
from services.hr import training_rules as rules


@pytest.mark.parametrize("score,passed", [("79.99", False), ("80.00", True), ("80.01", True), ("0.00", False),
                                          ("100.00", True)])
def test_the_pass_mark_itself_passes(score, passed):
    assert rules.passes(Decimal(score), Decimal("80.00")) is passed


@pytest.mark.parametrize("part,whole,expected", [(2, 3, "66.67"), (1, 3, "33.33"), (1, 8, "12.50"),
                                                 (1, 200, "0.50"), (1, 400, "0.25"), (0, 5, "0.00"),
                                                 (5, 5, "100.00")])
def test_percent_is_exact_with_two_places_half_up(part, whole, expected):
    assert str(rules.percent(part, whole)) == expected


def test_percent_of_nothing_is_none():
    assert rules.percent(0, 0) is None


def test_percent_is_within_half_a_hundredth_of_the_true_share():
    for whole in range(1, 120):
        for part in range(whole + 1):
            value = rules.percent(part, whole)
            assert value == value.quantize(Decimal("0.01"))
            assert abs(value * whole - 100 * part) <= Decimal("0.005") * whole


@pytest.mark.parametrize("text", ["2025-3", "2025-13", "25-03", "2025/03", "abcd-ef", "2025-00", ""])
def test_a_month_is_yyyy_mm(text):
    with pytest.raises(ValueError):
        rules.parse_month(text)


def test_a_month_runs_on_shanghai_time():
    start, end = rules.month_bounds(rules.parse_month("2025-03"))
    assert start == datetime(2025, 2, 28, 16, tzinfo=timezone.utc)
    assert end == datetime(2025, 3, 31, 16, tzinfo=timezone.utc)


def test_december_ends_at_the_new_year():
    start, end = rules.month_bounds(rules.parse_month("2024-12"))
    assert (start.month, end) == (11, datetime(2024, 12, 31, 16, tzinfo=timezone.utc))


def test_a_certification_is_dated_by_the_shanghai_day():
    assert str(local_day(datetime(2025, 3, 31, 16, 30, tzinfo=timezone.utc))) == "2025-04-01"


def test_every_kind_has_its_name():
    assert rules.KINDS["sales_qa"] == "销售百问" and set(rules.KINDS) == {
        "culture", "pitch", "sand_table", "sales_qa", "other"}
