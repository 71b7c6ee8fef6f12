"""轮序接待 rules without I/O: eligibility from hr facts, fairness of the queue, joins and
leaves during the day, and the supervisor's reorder (补位)."""
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from services.crm import rotation_rules as rules

DAY = date(2030, 1, 7)
MORNING = datetime(2030, 1, 7, 1, 0, tzinfo=timezone.utc)  # 09:00 in Shanghai


def staff(account_id=1, certified_on=DAY - timedelta(days=3), clocked_in_at=MORNING, clocked_out_at=None,
          left_on=None):
    return rules.Staff(account_id, certified_on, clocked_in_at, clocked_out_at, left_on)


def test_a_certified_advisor_clocked_in_today_is_eligible():
    assert rules.is_eligible(staff(), DAY)


def test_the_certification_day_counts():
    assert rules.is_eligible(staff(certified_on=DAY), DAY)


def test_not_certified_or_certified_later_is_not_eligible():
    assert not rules.is_eligible(staff(certified_on=None), DAY)
    assert not rules.is_eligible(staff(certified_on=DAY + timedelta(days=1)), DAY)


def test_clock_in_must_be_on_the_shanghai_day():
    late_yesterday = datetime(2030, 1, 6, 15, 30, tzinfo=timezone.utc)  # 23:30 on the 6th in Shanghai
    early_today_utc_yesterday = datetime(2030, 1, 6, 16, 30, tzinfo=timezone.utc)  # 00:30 on the 7th
    assert not rules.is_eligible(staff(clocked_in_at=late_yesterday), DAY)
    assert rules.is_eligible(staff(clocked_in_at=early_today_utc_yesterday), DAY)
    assert not rules.is_eligible(staff(clocked_in_at=None), DAY)


def test_clocked_out_after_clocking_in_is_not_eligible_and_clocking_in_again_is():
    assert not rules.is_eligible(staff(clocked_out_at=MORNING + timedelta(hours=3)), DAY)
    assert rules.is_eligible(staff(clocked_in_at=MORNING + timedelta(hours=4),
                                   clocked_out_at=MORNING + timedelta(hours=3)), DAY)


def test_leave_covering_the_day_skip_and_leaving_make_ineligible():
    assert not rules.is_eligible(staff(), DAY, leaves=[rules.Leave(1, DAY, DAY)])
    assert rules.is_eligible(staff(), DAY, leaves=[rules.Leave(1, DAY + timedelta(days=1), DAY + timedelta(days=2))])
    assert rules.is_eligible(staff(), DAY, leaves=[rules.Leave(2, DAY, DAY)])
    assert not rules.is_eligible(staff(), DAY, skipped={1})
    assert not rules.is_eligible(staff(left_on=DAY), DAY)
    assert rules.is_eligible(staff(left_on=DAY + timedelta(days=1)), DAY)


def test_newcomers_join_in_clock_in_order():
    rows = [staff(3, clocked_in_at=MORNING), staff(1, clocked_in_at=MORNING + timedelta(minutes=5)),
            staff(2, clocked_in_at=MORNING)]
    assert rules.eligible_in_arrival_order(rows, DAY) == [2, 3, 1]


def test_the_head_takes_the_walk_in_and_moves_to_the_back():
    assert rules.take_next([1, 2, 3], [1, 2, 3]) == (1, [2, 3, 1])


def test_nobody_eligible_means_nobody_assigned():
    assert rules.take_next([1, 2], []) == (None, [])


def test_a_newly_clocked_in_advisor_joins_the_back_mid_day():
    advisor, queue = rules.take_next([1, 2, 3], [1, 2, 3])
    assert rules.reconcile(queue, [1, 2, 3, 4]) == [2, 3, 1, 4]


def test_an_advisor_who_clocks_out_leaves_and_rejoins_at_the_back():
    queue = rules.reconcile([1, 2, 3], [2, 3])
    assert queue == [2, 3]
    assert rules.reconcile(queue, [1, 2, 3]) == [2, 3, 1]
    assert rules.changes([1, 2, 3], [2, 3, 4]) == ([4], [1])


def test_an_ineligible_head_is_passed_over():
    assert rules.take_next([1, 2, 3], [2, 3]) == (2, [3, 2])


def test_reorder_must_list_exactly_the_queue():
    assert rules.reorder([1, 2, 3], [1, 2, 3], [3, 1, 2]) == ([3, 1, 2], None)
    assert rules.reorder([1, 2, 3], [1, 2, 3], [3, 1])[1].startswith("the order must list exactly")
    assert "not in the queue [9]" in rules.reorder([1, 2, 3], [1, 2, 3], [3, 1, 2, 9])[1]
    assert rules.reorder([1, 2, 3], [1, 2, 3], [3, 3, 1, 2])[1] == "an advisor is listed twice"


advisors = st.lists(st.integers(1, 30), min_size=1, max_size=8, unique=True)


@given(eligible=advisors, start=st.lists(st.integers(1, 40), unique=True, max_size=10),
       walk_ins=st.integers(0, 60))
def test_with_a_fixed_eligible_set_counts_differ_by_at_most_one(eligible, start, walk_ins):
    queue, counts = list(start), Counter()
    for _ in range(walk_ins):
        advisor, queue = rules.take_next(queue, eligible)
        assert advisor in eligible
        counts[advisor] += 1
    totals = [counts[a] for a in eligible]
    assert max(totals) - min(totals) <= 1
    assert sum(totals) == walk_ins


@given(eligible=advisors, start=st.lists(st.integers(1, 40), unique=True, max_size=10),
       walk_ins=st.integers(1, 40))
def test_nobody_takes_a_second_walk_in_before_everyone_had_one(eligible, start, walk_ins):
    queue, seen = list(start), []
    for _ in range(walk_ins):
        advisor, queue = rules.take_next(queue, eligible)
        seen.append(advisor)
    for i in range(0, len(seen), len(eligible)):
        window = seen[i:i + len(eligible)]
        assert len(window) == len(set(window))


@given(eligible=advisors, newcomer=st.integers(31, 40), before=st.integers(0, 20))
def test_a_newcomer_waits_for_everyone_already_queued(eligible, newcomer, before):
    queue = []
    for _ in range(before):
        _, queue = rules.take_next(queue, eligible)
    queue = rules.reconcile(queue, eligible + [newcomer])
    taken = []
    for _ in range(len(eligible) + 1):
        advisor, queue = rules.take_next(queue, eligible + [newcomer])
        taken.append(advisor)
    assert taken[-1] == newcomer and sorted(taken[:-1]) == sorted(eligible)
