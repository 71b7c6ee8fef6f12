"""开盘报告's arithmetic (launch_report_rules.py): each window's buyers in exactly one outcome,
the registrations counted, units sold and left, the time to sell out, refusals by code."""
from datetime import datetime, timedelta, timezone

import pytest

from services.inventory.launch_report_rules import (Buyer, outcome, refusals_by_code, registration_figures,
                                                    sell_out_seconds, units_figures, window_figures)

AT = datetime(2030, 6, 1, 9, 0, tzinfo=timezone.utc)


def test_each_buyer_has_one_outcome_and_they_add_up_to_the_window():
    buyers = [Buyer(1, False), Buyer(2, True), Buyer(0, True), Buyer(0, False), Buyer(0, False)]
    closed = window_figures(buyers, window_closed=True)
    assert closed == {"members": 5, "chose": 2, "gave_up": 1, "no_shows": 2, "pending": 0, "sold": 3}
    still_open = window_figures(buyers, window_closed=False)
    assert (still_open["no_shows"], still_open["pending"]) == (0, 2)
    for figures in (closed, still_open):
        assert figures["members"] == figures["chose"] + figures["gave_up"] + figures["no_shows"] + figures["pending"]
    assert outcome(Buyer(1, True), True) == "chose"  # confirmed one, then gave up the rest of the turn
    assert window_figures([], True) == {"members": 0, "chose": 0, "gave_up": 0, "no_shows": 0, "pending": 0,
                                        "sold": 0}


def test_registrations_count_the_live_ones_for_eligible_and_paid():
    rows = [("registered", "eligible", True), ("registered", "eligible", False), ("registered", "ineligible", True),
            ("registered", "pending", False), ("cancelled", "eligible", True)]
    assert registration_figures(rows, deposit_required=True) == \
        {"total": 5, "cancelled": 1, "eligible": 2, "sincerity_paid": 2}
    assert registration_figures(rows, deposit_required=False)["sincerity_paid"] is None
    assert registration_figures([], True) == {"total": 0, "cancelled": 0, "eligible": 0, "sincerity_paid": 0}


def test_units_sold_and_left():
    assert units_figures(10, 7) == {"total": 10, "sold": 7, "left": 3}
    assert units_figures(3, 3)["left"] == 0
    with pytest.raises(ValueError):
        units_figures(3, 4)


def test_time_to_sell_out_only_once_nothing_is_left():
    assert sell_out_seconds(AT, AT + timedelta(minutes=42, seconds=7), left=0) == 42 * 60 + 7
    assert sell_out_seconds(AT, AT + timedelta(minutes=42), left=1) is None
    assert sell_out_seconds(None, AT, left=0) is None  # selection never started
    assert sell_out_seconds(AT, None, left=0) is None  # a launch of no units sold nothing


def test_refusals_by_code_most_frequent_first():
    codes = ["UNIT_NOT_AVAILABLE", "HOLD_ATTEMPTS_EXCEEDED", "UNIT_NOT_AVAILABLE", "BUYER_UNIT_LIMIT",
             "HOLD_ATTEMPTS_EXCEEDED", "UNIT_NOT_AVAILABLE"]
    assert refusals_by_code(codes) == [{"code": "UNIT_NOT_AVAILABLE", "count": 3},
                                       {"code": "HOLD_ATTEMPTS_EXCEEDED", "count": 2},
                                       {"code": "BUYER_UNIT_LIMIT", "count": 1}]
    assert refusals_by_code([]) == []
