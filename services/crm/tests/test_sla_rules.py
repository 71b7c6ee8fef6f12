"""跟进时效 service levels without I/O: first response in 24 h, needs analysis in 3 days,
a weekly follow-up for A/B leads; who is subject at all; what is overdue when."""
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.crm import sla_rules as rules
from services.crm.sla_rules import Lead

T0 = datetime(2026, 5, 1, 2, 0, tzinfo=timezone.utc)
H = timedelta(hours=1)
D = timedelta(days=1)


def rules_overdue(lead, now):
    return [i.rule for i in rules.overdue(lead, now)]


def test_a_new_lead_owes_nothing_for_24_hours_then_a_first_response():
    lead = Lead(T0, grade="C")
    assert rules_overdue(lead, T0 + 24 * H) == []
    assert rules_overdue(lead, T0 + 24 * H + timedelta(seconds=1)) == [rules.FIRST_RESPONSE]


def test_a_first_follow_up_answers_the_first_response_even_late():
    lead = Lead(T0, grade="C", first_follow_up_at=T0 + 30 * H, last_contact_at=T0 + 30 * H)
    assert rules_overdue(lead, T0 + 2 * D) == []


def test_needs_analysis_is_owed_within_3_days_whatever_the_follow_ups():
    lead = Lead(T0, grade="C", first_follow_up_at=T0 + H, last_contact_at=T0 + 2 * D)
    assert rules_overdue(lead, T0 + 3 * D) == []
    assert rules_overdue(lead, T0 + 3 * D + H) == [rules.NEEDS_ANALYSIS]
    done = Lead(T0, grade="C", first_follow_up_at=T0 + H, needs_analysed_at=T0 + 4 * D, last_contact_at=T0 + 4 * D)
    assert rules_overdue(done, T0 + 5 * D) == []


@pytest.mark.parametrize("grade", ["A", "B"])
def test_a_and_b_leads_owe_a_follow_up_every_7_days_after_the_last(grade):
    last = T0 + 2 * D
    lead = Lead(T0, grade=grade, first_follow_up_at=T0 + H, needs_analysed_at=T0 + H, last_contact_at=last)
    assert rules_overdue(lead, last + 7 * D) == []
    [item] = rules.overdue(lead, last + 7 * D + H)
    assert (item.rule, item.due_at, item.minutes_late(last + 7 * D + H)) == (rules.WEEKLY_FOLLOW_UP, last + 7 * D, 60)


@pytest.mark.parametrize("grade", ["C", None])
def test_c_and_ungraded_leads_owe_no_weekly_follow_up(grade):
    lead = Lead(T0, grade=grade, first_follow_up_at=T0 + H, needs_analysed_at=T0 + H, last_contact_at=T0 + H)
    assert rules_overdue(lead, T0 + 60 * D) == []


def test_an_a_lead_never_contacted_owes_all_three_earliest_first():
    assert rules_overdue(Lead(T0, grade="A"), T0 + 8 * D) == [
        rules.FIRST_RESPONSE, rules.NEEDS_ANALYSIS, rules.WEEKLY_FOLLOW_UP]


@pytest.mark.parametrize("lead", [
    Lead(T0, grade="D"),  # 无效
    Lead(T0, grade="A", owned=False),  # 公客: in the pool
    Lead(T0, grade="A", status="subscribed"),
    Lead(T0, grade="A", status="signed"),
    Lead(T0, grade="A", status="lost"),
])
def test_invalid_pool_and_converted_customers_owe_nothing(lead):
    assert rules.items(lead) == [] and rules.overdue(lead, T0 + 100 * D) == []


# properties --------------------------------------------------------------------------------
offsets = st.integers(min_value=0, max_value=60 * 24 * 60)  # minutes, up to 60 days
maybe_offset = st.none() | offsets


@st.composite
def leads(draw):
    first = draw(maybe_offset)
    needs = draw(maybe_offset) if first is not None else None
    last = None
    if first is not None:
        last = first + draw(st.integers(min_value=0, max_value=60 * 24 * 30))
        if needs is not None:
            needs = max(needs, first)
            last = max(last, needs)

    def at(minutes):
        return None if minutes is None else T0 + timedelta(minutes=minutes)

    return Lead(T0, grade=draw(st.sampled_from(["A", "B", "C", None])), first_follow_up_at=at(first),
                needs_analysed_at=at(needs), last_contact_at=at(last))


@given(leads(), offsets, offsets)
def test_once_overdue_an_item_stays_overdue_until_something_is_done(lead, now, later):
    now = T0 + timedelta(minutes=now)
    later = now + timedelta(minutes=later)
    for item in rules.overdue(lead, now):
        assert item in rules.overdue(lead, later)
        assert item.minutes_late(later) >= item.minutes_late(now)


@given(leads(), offsets)
def test_nothing_is_overdue_before_its_due_or_once_done(lead, now):
    now = T0 + timedelta(minutes=now)
    for item in rules.overdue(lead, now):
        assert item.due_at < now and item.done_at is None
        assert lead.registered_at < rules.registered_before_for_overdue(now)


@given(leads(), offsets, st.integers(min_value=0, max_value=60 * 24 * 7))
def test_a_follow_up_clears_every_rule_it_answers_for_at_least_7_days(lead, at, after):
    """A follow-up flagged needs_analysis at `at`, after what the lead already had."""
    at = T0 + timedelta(minutes=at)
    if lead.last_contact_at is not None:
        at = max(at, lead.last_contact_at)
    followed = Lead(T0, grade=lead.grade, first_follow_up_at=lead.first_follow_up_at or at,
                    needs_analysed_at=lead.needs_analysed_at or at, last_contact_at=at)
    assert rules.overdue(followed, at + timedelta(minutes=after)) == []


@given(leads(), offsets)
def test_overdue_items_are_a_subset_of_the_rules_each_at_most_once(lead, now):
    found = [i.rule for i in rules.overdue(lead, T0 + timedelta(minutes=now))]
    assert set(found) <= set(rules.RULES) and len(found) == len(set(found))
