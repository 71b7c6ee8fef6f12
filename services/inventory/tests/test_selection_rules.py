"""选房 rules without a broker or database: windows by position, the window due at a time,
who may act, the early close and race mode's attempt limit."""
from datetime import datetime, timedelta, timezone

import pytest

from services.inventory.launch_rules import (LATE_GRACE_SECONDS, attempt_wait, due_window, selection_refusal,
                                             turn_finished, turn_refusal, turn_status, window_finished,
                                             window_number, windows_total)

T0 = datetime(2030, 5, 1, 1, 0, tzinfo=timezone.utc)


def at(minutes=0, seconds=0):
    return T0 + timedelta(minutes=minutes, seconds=seconds)


@pytest.mark.parametrize("position,size,window", [(1, 10, 1), (10, 10, 1), (11, 10, 2), (3, 1, 3), (20, 20, 1)])
def test_a_buyers_window_follows_their_place(position, size, window):
    assert window_number(position, size) == window


def test_windows_total_and_bad_input():
    assert (windows_total(21, 10), windows_total(20, 10), windows_total(0, 10)) == (3, 2, 0)
    with pytest.raises(ValueError):
        window_number(0, 10)


def test_the_stored_window_stands_while_it_runs():
    assert due_window(1, at(0), 5, 3, at(4, 59))[:2] == (1, at(0))


def test_the_next_window_opens_on_time_when_the_last_one_closes():
    assert due_window(1, at(0), 5, 3, at(5))[:2] == (2, at(5))
    assert due_window(1, at(0), 5, 3, at(5, LATE_GRACE_SECONDS))[:2] == (2, at(5))  # a timer a little late
    assert due_window(2, at(5), 5, 3, at(10, 1))[:2] == (3, at(10))


def test_a_long_outage_gives_the_next_window_its_full_length_from_now():
    # nobody advanced it for an hour: window 2 opens now, not an hour ago (its buyers had no turn yet)
    due = due_window(1, at(0), 5, 3, at(65))
    assert due[:2] == (2, at(65))


def test_past_the_last_window_selection_is_over():
    assert due_window(3, at(10), 5, 3, at(15)).number == 4
    assert due_window(4, at(15), 5, 3, at(500))[:2] == (4, at(15))  # stays over


@pytest.mark.parametrize("own,current,finished,status", [
    (2, 1, False, "waiting"), (1, 1, False, "open"), (1, 2, False, "passed"), (1, 1, True, "done"),
    (3, 1, True, "done")])
def test_turn_status(own, current, finished, status):
    assert turn_status(own, current, finished) == status


def test_who_may_act_in_a_lottery():
    assert turn_refusal(1, 1, False) is None
    assert turn_refusal(2, 1, False) == "NOT_YOUR_WINDOW"
    assert turn_refusal(1, 2, False) == "WINDOW_PASSED"
    assert turn_refusal(1, 1, True) == "TURN_OVER"
    assert turn_finished(True, 0, 1) and turn_finished(False, 2, 2) and not turn_finished(False, 1, 2)


def test_the_launch_must_be_selecting_and_a_race_open():
    assert selection_refusal("selecting", "lottery", at(60), at(0), True) is None  # a lottery starts when started
    assert selection_refusal("selecting", "race", at(0), at(0), True) is None  # the opening second
    assert selection_refusal("selecting", "race", at(0), at(0, -1), True) == "SELECTION_NOT_OPEN"
    assert selection_refusal("paused", "race", at(0), at(1), True) == "LAUNCH_PAUSED"
    assert selection_refusal("drawn", "lottery", at(0), at(1), True) == "SELECTION_NOT_OPEN"
    assert selection_refusal("finished", "lottery", at(0), at(1), True) == "SELECTION_OVER"
    assert selection_refusal("selecting", "race", at(0), at(1), False) == "NOT_ON_THE_LIST"


def test_a_window_closes_early_when_everyone_in_it_finished():
    assert window_finished([True, True]) and not window_finished([True, False]) and not window_finished([])


def test_race_attempts_per_unit_within_the_cooldown():
    assert attempt_wait([], at(0), 2, 30) == 0
    assert attempt_wait([at(0)], at(1), 2, 30) == 0
    assert attempt_wait([at(0), at(1)], at(2), 2, 30) == 28 * 60  # the first of the two frees a place at 30
    assert attempt_wait([at(0), at(1)], at(30), 2, 30) == 0
    assert attempt_wait([at(0), at(1)], at(29, 59.5), 2, 30) == 1  # never a Retry-After of 0
    assert attempt_wait([at(0), at(10), at(20)], at(35), 2, 30) == 5 * 60  # 10 and 20 count (0 left): free at 40
    assert attempt_wait([at(10), at(20), at(25)], at(35), 2, 30) == 15 * 60  # three recent (a raced pair)
