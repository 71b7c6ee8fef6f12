"""招聘 rules without I/O: the candidate stage machine, requisition seats, the 试用期 calendar
with end-of-month clamping, and when a 转正 review may be decided."""
from datetime import date, timedelta

import pytest

from services.hr import recruiting_rules as rules


@pytest.mark.parametrize("from_stage,to_stage", [
    ("applied", "screened"), ("screened", "interview_1"), ("interview_1", "interview_2"),
    ("interview_2", "offer"), ("offer", "hired"),
    ("interview_1", "offer"),  # 复试 is optional
])
def test_forward_moves_along_the_path_are_allowed(from_stage, to_stage):
    assert rules.can_move(from_stage, to_stage)


@pytest.mark.parametrize("from_stage,to_stage", [
    ("screened", "applied"), ("offer", "interview_2"), ("interview_2", "interview_1"),  # backwards
    ("applied", "interview_1"), ("screened", "offer"), ("applied", "hired"),  # skipping
    ("interview_1", "hired"), ("applied", "applied"), ("offer", "offer"),
    ("applied", "promoted"), ("nowhere", "screened"),
])
def test_backward_skipping_and_unknown_moves_are_refused(from_stage, to_stage):
    assert not rules.can_move(from_stage, to_stage)


@pytest.mark.parametrize("from_stage", rules.PATH[:-1])
@pytest.mark.parametrize("ending", rules.ENDINGS)
def test_reject_or_withdraw_from_every_open_stage(from_stage, ending):
    assert rules.can_move(from_stage, ending)


@pytest.mark.parametrize("closed", rules.CLOSED)
@pytest.mark.parametrize("to_stage", rules.STAGES)
def test_nothing_moves_after_hired_rejected_or_withdrawn(closed, to_stage):
    assert not rules.can_move(closed, to_stage)


def test_only_moves_past_screening_need_an_approved_requisition():
    needing = [s for s in rules.STAGES if rules.needs_approved_requisition(s)]
    assert needing == ["interview_1", "interview_2", "offer", "hired"]


@pytest.mark.parametrize("headcount,taken,available", [(1, 0, True), (1, 1, False), (3, 2, True), (3, 3, False)])
def test_offers_never_exceed_the_headcount(headcount, taken, available):
    assert rules.seat_available(headcount, taken) is available


def test_requisition_is_filled_when_hires_reach_the_headcount():
    assert not rules.is_filled(2, 1) and rules.is_filled(2, 2)


@pytest.mark.parametrize("start,months,end", [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2026, 8, 31), 3, date(2026, 11, 30)),
    (date(2026, 11, 15), 3, date(2027, 2, 15)),  # over the year end
    (date(2026, 3, 1), 6, date(2026, 9, 1)),
    (date(2026, 12, 31), 2, date(2027, 2, 28)),
])
def test_probation_end_clamps_to_the_end_of_the_month(start, months, end):
    assert rules.probation_end(start, months) == end


@pytest.mark.parametrize("months", [0, 7, -1])
def test_probation_lasts_one_to_six_months(months):
    with pytest.raises(ValueError):
        rules.probation_end(date(2026, 1, 1), months)


def test_add_months_clamps_every_day_of_a_year_into_its_target_month():
    day = date(2026, 1, 1)
    while day.year == 2026:
        for months in range(0, 13):
            result = rules.add_months(day, months)
            assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
            assert result.day == day.day or (result.day < day.day and (result + timedelta(days=1)).day == 1)
        day += timedelta(days=1)


END = date(2026, 6, 30)


@pytest.mark.parametrize("today,problem", [
    (END - timedelta(days=15), "REVIEW_TOO_EARLY"),
    (END - timedelta(days=14), None),
    (END, None),
    (END + timedelta(days=20), None),  # a late review is still a review
])
def test_review_opens_two_weeks_before_the_end(today, problem):
    assert rules.review_problem("in_probation", END, today, "confirm", None) == problem


@pytest.mark.parametrize("status", ["confirmed", "terminated"])
def test_a_decided_probation_takes_no_more_decisions(status):
    assert rules.review_problem(status, END, END, "confirm", None) == "PROBATION_DECIDED"


def test_extension_at_most_once_by_up_to_three_months():
    assert rules.review_problem("in_probation", END, END, "extend", 3) is None
    assert rules.review_problem("in_probation", END, END, "extend", 4) == "EXTENSION_TOO_LONG"
    assert rules.review_problem("in_probation", END, END, "extend", None) == "EXTENSION_TOO_LONG"
    assert rules.review_problem("extended", END, END, "extend", 1) == "ALREADY_EXTENDED"
    assert rules.review_problem("extended", END, END, "confirm", None) is None
    assert rules.review_problem("extended", END, END, "terminate", None) is None


def test_decisions_lead_to_their_status():
    assert [rules.outcome(d) for d in rules.DECISIONS] == ["confirmed", "extended", "terminated"]
