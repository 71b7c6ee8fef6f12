"""排班/考勤 rules (services/hr/rota_rules.py) as domain tests, no broker and no database: the
planner's guarantees checked over hundreds of generated sites (hypothesis, derandomized by
the suite's profile in conftest.py so that a commit always gives the same verdict; a failure
is shrunk to the smallest site), the hand-edit checker's violations one by one, and the
lateness rules."""
import math
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from loupan.errors import Invalid, RuleViolated
from services.hr.rota_rules import (GRACE, SHANGHAI, WEEKEND, Entry, Shift, judge_day, plan_week, validate_rota,
                              weekend_resters)

MONDAY = date(2026, 11, 23)
DAY_SHIFTS = [Shift(1, "早班", time(9), time(17), 2), Shift(2, "晚班", time(13), time(21), 1)]


@st.composite
def sites(draw, rest_days=st.integers(0, 3)):
    """(staff, shifts, rest days) of a site whose shifts the staff can cover with even rest days."""
    n = draw(st.integers(1, 25))
    rest = draw(rest_days)
    minimums = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    shifts = [Shift(i + 1, f"s{i}", time(8 + 2 * i), time(16 + 2 * i), m) for i, m in enumerate(minimums)]
    assume(sum(minimums) <= n - math.ceil(n * rest / 7) and (rest < 6 or n > 7))
    staff = draw(st.lists(st.integers(1, 999), min_size=n, max_size=n, unique=True))
    return staff, shifts, rest


def check_plan(entries, staff, shifts, rest_days, weekend_rested=(), fixed_rest=None, even=True):
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    assert sorted((e.day, e.account_id) for e in entries) == sorted((d, p) for d in week for p in staff)
    for person in staff:
        mine = [e for e in entries if e.account_id == person]
        assert sum(e.rest for e in mine) == rest_days
        for weekday in (fixed_rest or {}).get(person, ()):
            assert mine[weekday].rest
        if person in weekend_rested:
            assert not any(e.rest for e in mine if e.day.weekday() in WEEKEND)
    for e in entries:
        if e.rest:
            assert e.shift_id is None and not e.duty
        else:
            assert e.shift_id in {s.id for s in shifts}
    for day in week:
        today = [e for e in entries if e.day == day]
        for shift in shifts:
            assert sum(1 for e in today if e.shift_id == shift.id) >= shift.min_staff
        assert sum(e.duty for e in today) == 1
    resting = Counter(e.day for e in entries if e.rest)
    if even:
        assert max(resting[d] for d in week) - min(resting[d] for d in week) <= 1
    duties = Counter(e.account_id for e in entries if e.duty)
    assert max(duties[p] for p in staff) - min(duties[p] for p in staff) <= 1
    assert validate_rota(entries, staff, shifts, rest_days) == []


@settings(max_examples=300)
@given(sites())
def test_a_planned_week_keeps_every_rule(site):
    staff, shifts, rest_days = site
    entries = plan_week(staff, shifts, MONDAY, rest_days)
    check_plan(entries, staff, shifts, rest_days)


@settings(max_examples=100)
@given(sites(rest_days=st.just(1)))
def test_weeks_in_a_row_give_nobody_two_weekend_rests_running(site):
    staff, shifts, rest_days = site
    previous = set()
    for week in range(6):
        monday = MONDAY + timedelta(weeks=week)
        entries = plan_week(staff, shifts, monday, rest_days, weekend_rested=previous)
        shifted = [e._replace(day=e.day - timedelta(weeks=week)) for e in entries]
        check_plan(shifted, staff, shifts, rest_days, weekend_rested=previous)
        this_week = weekend_resters(entries)
        assert not this_week & previous
        previous = this_week


@settings(max_examples=100)
@given(sites(rest_days=st.integers(1, 3)), st.data())
def test_fixed_rest_days_are_kept(site, data):
    staff, shifts, rest_days = site
    resters = data.draw(st.lists(st.sampled_from(staff), unique=True))
    fixed = {p: [data.draw(st.integers(0, 6))] for p in resters}
    try:
        entries = plan_week(staff, shifts, MONDAY, rest_days, fixed_rest=fixed)
    except RuleViolated as exc:
        # only when the fixed rests pile up on a day beyond what the shifts leave free
        assert exc.code == "ROTA_NOT_COVERABLE"
        needed = sum(s.min_staff for s in shifts)
        assert max(Counter(d for days in fixed.values() for d in days).values()) > len(staff) - needed
        return
    check_plan(entries, staff, shifts, rest_days, fixed_rest=fixed, even=False)


def test_the_plan_is_the_same_every_time():
    staff = [5, 3, 9, 1, 7, 2, 8]
    assert plan_week(staff, DAY_SHIFTS, MONDAY) == plan_week(list(reversed(staff)), DAY_SHIFTS, MONDAY)


def test_extra_rest_days_go_to_weekdays_not_the_weekend():
    """Nine people, one rest day each: the two extra rests fall on Monday and Tuesday."""
    entries = plan_week(range(1, 10), DAY_SHIFTS, MONDAY)
    resting = Counter(e.day.weekday() for e in entries if e.rest)
    assert [resting[d] for d in range(7)] == [2, 2, 1, 1, 1, 1, 1]


@pytest.mark.parametrize("staff,shifts,rest_days,code", [
    ([1, 2], DAY_SHIFTS, 1, "ROTA_NOT_COVERABLE"),          # shifts need 3 people a day
    ([1, 2, 3], DAY_SHIFTS, 1, "ROTA_NOT_COVERABLE"),       # 3 a day leaves nobody a rest day
    (list(range(1, 8)), DAY_SHIFTS, 6, "ROTA_NOT_COVERABLE"),
    ([1, 2, 3], [], 1, "NO_SHIFTS"),
    ([], DAY_SHIFTS, 1, "NO_STAFF"),
])
def test_a_site_that_cannot_be_covered_is_refused(staff, shifts, rest_days, code):
    with pytest.raises(RuleViolated) as err:
        plan_week(staff, shifts, MONDAY, rest_days)
    assert err.value.code == code


def test_the_week_starts_on_a_monday():
    with pytest.raises(Invalid) as err:
        plan_week([1, 2, 3, 4], DAY_SHIFTS, MONDAY + timedelta(days=1))
    assert err.value.code == "NOT_A_MONDAY"


@pytest.mark.parametrize("fixed", [{1: [0, 1]}, {1: [7]}, {99: [0]}])
def test_bad_fixed_rest_is_invalid(fixed):
    with pytest.raises(Invalid) as err:
        plan_week([1, 2, 3, 4], DAY_SHIFTS, MONDAY, fixed_rest=fixed)
    assert err.value.code == "BAD_FIXED_REST"


def test_a_fixed_weekend_rest_two_weeks_running_is_refused():
    with pytest.raises(RuleViolated) as err:
        plan_week([1, 2, 3, 4], DAY_SHIFTS, MONDAY, fixed_rest={1: [6]}, weekend_rested={1})
    assert err.value.code == "WEEKEND_REST_TWICE"


# validate_rota: a valid plan, then one hand edit at a time ------------------------------
STAFF = list(range(1, 8))


@pytest.fixture
def week():
    return plan_week(STAFF, DAY_SHIFTS, MONDAY)


def edit(entries, day_index, account_id, **changes):
    day = MONDAY + timedelta(days=day_index)
    return [e._replace(**changes) if (e.day, e.account_id) == (day, account_id) else e for e in entries]


def codes(violations):
    return sorted({v["code"] for v in violations})


def worker(entries, day_index, shift_id=None, duty=False):
    day = MONDAY + timedelta(days=day_index)
    return next(e.account_id for e in entries if e.day == day and not e.rest and e.duty == duty
                and (shift_id is None or e.shift_id == shift_id))


def test_a_rest_day_with_a_shift_is_reported(week):
    resting = next(e for e in week if e.rest)
    changed = [e._replace(shift_id=1) if e == resting else e for e in week]
    assert "WORKS_ON_REST_DAY" in codes(validate_rota(changed, STAFF, DAY_SHIFTS))


def test_an_understaffed_shift_is_reported(week):
    late = [e for e in week if e.day == MONDAY and e.shift_id == 2 and not e.duty]
    changed = week
    for e in late:
        changed = edit(changed, 0, e.account_id, shift_id=1)
    found = validate_rota(changed, STAFF, DAY_SHIFTS)
    assert codes(found) == ["SHIFT_UNDERSTAFFED"] and found[0]["day"] == MONDAY


def test_a_day_without_duty_or_with_two_is_reported(week):
    on_duty = worker(week, 2, duty=True)
    assert codes(validate_rota(edit(week, 2, on_duty, duty=False), STAFF, DAY_SHIFTS)) == ["DUTY_COUNT"]
    other = worker(week, 2)
    assert codes(validate_rota(edit(week, 2, other, duty=True), STAFF, DAY_SHIFTS)) == ["DUTY_COUNT"]


def test_a_week_without_a_rest_day_is_reported(week):
    resting = next(e for e in week if e.rest and e.day.weekday() == 3)
    changed = edit(week, 3, resting.account_id, rest=False, shift_id=2)
    found = validate_rota(changed, STAFF, DAY_SHIFTS)
    assert codes(found) == ["TOO_FEW_REST_DAYS"] and found[0]["account_id"] == resting.account_id


@pytest.mark.parametrize("changes,code", [
    ({"account_id": 99}, "NOT_SITE_STAFF"),
    ({"shift_id": 42}, "UNKNOWN_SHIFT"),
    ({"shift_id": None}, "NO_SHIFT"),
])
def test_bad_entries_are_reported(week, changes, code):
    target = next(e for e in week if not e.rest and not e.duty and e.shift_id == 1 and e.day == MONDAY)
    extra = target._replace(**changes)
    assert code in codes(validate_rota(week + [extra], STAFF, DAY_SHIFTS))


def test_duty_on_a_rest_day_and_a_duplicate_are_reported(week):
    resting = next(e for e in week if e.rest)
    changed = [e._replace(duty=True) if e == resting else e for e in week]
    assert "DUTY_ON_REST_DAY" in codes(validate_rota(changed, STAFF, DAY_SHIFTS))
    assert "DUPLICATE_ENTRY" in codes(validate_rota(week + [week[0]], STAFF, DAY_SHIFTS))


def test_working_on_approved_leave_is_reported(week):
    person = worker(week, 4, shift_id=1)
    found = validate_rota(week, STAFF, DAY_SHIFTS, on_leave={(person, MONDAY + timedelta(days=4))})
    assert "WORKS_ON_LEAVE" in codes(found)


def test_a_single_day_is_checked_without_a_rest_quota():
    day = [Entry(MONDAY, 1, 1, False, True), Entry(MONDAY, 2, 1, False, False), Entry(MONDAY, 3, 2, False, False)]
    assert validate_rota(day, [1, 2, 3], DAY_SHIFTS) == []


# lateness, early leave, absence --------------------------------------------------------
NINE_TO_FIVE = Shift(1, "早班", time(9), time(17), 1)
NIGHT = Shift(2, "夜班", time(22), time(6), 1)
DAY = date(2026, 11, 24)


def at(hour, minute=0, second=0, day=DAY):
    """An aware Asia/Shanghai instant handed over in UTC, as the database gives it."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=SHANGHAI).astimezone(timezone.utc)


LATER = at(23)


@pytest.mark.parametrize("clock_in,late", [
    (at(8, 30), False), (at(9), False), (at(9, 5), False), (at(9, 5, 1), True), (at(11), True),
])
def test_a_clock_in_after_the_grace_is_late(clock_in, late):
    assert GRACE == timedelta(minutes=5)
    result = judge_day(DAY, NINE_TO_FIVE, [clock_in, at(12)], [at(17, 30)], LATER)
    assert (result.present, result.late, result.early_leave, result.absent) == (True, late, False, False)


@pytest.mark.parametrize("outs,now,early", [
    ([at(17)], LATER, False), ([at(16, 59)], LATER, True), ([at(12), at(18)], LATER, False),
    ([], LATER, True), ([], at(16), False), ([at(8)], LATER, True),
])
def test_leaving_before_the_shift_end_is_early_leave(outs, now, early):
    assert judge_day(DAY, NINE_TO_FIVE, [at(8, 55)], outs, now).early_leave is early


def test_no_clock_in_is_an_absence_once_the_grace_is_over():
    assert judge_day(DAY, NINE_TO_FIVE, [], [], LATER).absent
    assert not judge_day(DAY, NINE_TO_FIVE, [], [], at(9, 4)).absent
    assert judge_day(DAY, NINE_TO_FIVE, [], [], at(9, 4)).scheduled


def test_an_approved_leave_day_is_neither_work_nor_absence():
    result = judge_day(DAY, NINE_TO_FIVE, [], [], LATER, on_leave=True)
    assert result.leave and not (result.scheduled or result.absent or result.late)


def test_an_overnight_shift_ends_the_next_morning():
    next_morning = DAY + timedelta(days=1)
    done = judge_day(DAY, NIGHT, [at(21, 58)], [at(6, 1, day=next_morning)], at(9, day=next_morning))
    assert (done.late, done.early_leave) == (False, False)
    left = judge_day(DAY, NIGHT, [at(22, 10)], [at(2, day=next_morning)], at(9, day=next_morning))
    assert (left.late, left.early_leave) == (True, True)


def test_shift_times_are_shanghai_wall_clock():
    """09:00 in Shanghai is 01:00 UTC: a clock-in at 01:04 UTC is on time, 01:06 is late."""
    on_time = datetime(2026, 11, 24, 1, 4, tzinfo=timezone.utc)
    late = datetime(2026, 11, 24, 1, 6, tzinfo=timezone.utc)
    assert not judge_day(DAY, NINE_TO_FIVE, [on_time], [at(18)], LATER).late
    assert judge_day(DAY, NINE_TO_FIVE, [late], [at(18)], LATER).late


@given(sites(rest_days=st.integers(0, 2)), st.data())
@settings(max_examples=150)
def test_nobody_is_planned_before_joining_or_after_leaving(site, data):
    """With people joining or leaving within the week, each is planned exactly on the days
    they are employed, every shift is still covered, and the days not employed count towards
    their rest (never more rest than the plan's)."""
    staff, shifts, rest = site
    week = [MONDAY + timedelta(days=i) for i in range(7)]
    employed = {}
    for person in staff:
        first = data.draw(st.one_of(st.none(), st.sampled_from(week)))
        last = data.draw(st.one_of(st.none(), st.sampled_from(week)))
        if first and last and last < first:
            first, last = last, first
        employed[person] = (first, last)
    try:
        entries = plan_week(staff, shifts, MONDAY, rest, employed=employed)
    except RuleViolated as exc:
        # the people employed on some day may be too few for the shifts: that refusal only
        assert exc.code == "ROTA_NOT_COVERABLE", exc
        assume(False)
    for person in staff:
        first, last = employed[person]
        days = {e.day for e in entries if e.account_id == person}
        assert days == {d for d in week if (first is None or d >= first) and (last is None or d <= last)}
        absent = 7 - len(days)
        assert sum(e.rest for e in entries if e.account_id == person) == max(0, rest - absent)
    for day in week:
        working = [e for e in entries if e.day == day and not e.rest]
        for shift in shifts:
            assert sum(e.shift_id == shift.id for e in working) >= shift.min_staff
        assert sum(e.duty for e in working) == 1


def test_a_hand_edit_before_joining_is_a_violation():
    shift = Shift(1, "全天", time(9), time(18), 1)
    entries = [Entry(MONDAY, 1, 1, False, True), Entry(MONDAY, 2, 1, False, False)]
    violations = validate_rota(entries, [1, 2], [shift], employed={2: (MONDAY + timedelta(days=1), None)})
    assert [(v["code"], v["account_id"]) for v in violations] == [("NOT_EMPLOYED", 2)]
