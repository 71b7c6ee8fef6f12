"""Pure ownership rules: mobile identity, 保护期, 报备 outcomes, lapse, phone privacy, spread."""
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loupan.errors import Invalid
from services.crm import customer_rules as rules

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.mark.parametrize("raw", ["13812345678", "138 1234 5678", "138-1234-5678", "+8613812345678",
                                 "+86 138 1234 5678", "8613812345678", " 13812345678 "])
def test_mobile_is_normalised(raw):
    assert rules.normalise_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["", None, "1381234567", "138123456789", "23812345678", "1381234567a",
                                 "+8523812345678", "86-138"])
def test_anything_else_is_an_invalid_mobile(raw):
    with pytest.raises(Invalid) as info:
        rules.normalise_mobile(raw)
    assert info.value.code == "INVALID_MOBILE"


@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.sampled_from(["", "+86", "86", "+86 "]),
       st.booleans())
def test_any_mainland_number_survives_its_decorations(rest, prefix, dashed):
    number = "1" + rest
    shown = f"{number[:3]}-{number[3:7]}-{number[7:]}" if dashed else number
    assert rules.normalise_mobile(prefix + shown) == number


@given(st.text(max_size=20))
def test_normalised_numbers_are_always_eleven_digits_from_one(raw):
    try:
        mobile = rules.normalise_mobile(raw)
    except Invalid:
        return
    assert len(mobile) == 11 and mobile.isdigit() and mobile[0] == "1"


def test_registration_outcomes():
    until = T0 + 30 * DAY
    assert rules.registration_outcome(7, "lead", until, 7, T0) == "existing"
    assert rules.registration_outcome(7, "lead", until, 8, T0) == "conflict"
    assert rules.registration_outcome(7, "lead", until, None, T0) == "conflict"  # a partner's 报备 into the pool
    assert rules.registration_outcome(None, "lead", None, 8, T0) == "claimed"
    assert rules.registration_outcome(None, "lead", None, None, T0) == "existing"
    assert rules.registration_outcome(7, "lead", until, 8, until) == "claimed"  # lapsed at the instant it ends
    assert rules.registration_outcome(7, "signed", T0 - DAY, 8, T0) == "conflict"  # a deal never lapses


def test_lapse_only_for_leads_whose_protection_ended():
    assert rules.lapses(7, "lead", T0, T0)
    assert not rules.lapses(7, "lead", T0 + DAY, T0)
    assert not rules.lapses(None, "lead", T0 - DAY, T0)
    for status in ("subscribed", "signed"):
        assert not rules.lapses(7, status, T0 - DAY, T0)


@pytest.mark.parametrize("role,account,owner,shown", [
    ("advisor", 7, 7, True), ("advisor", 8, 7, False), ("advisor", 8, None, False),
    ("supervisor", 9, 7, False), ("supervisor", 9, 9, True), ("assistant", 3, 7, False),
    ("manager", 2, 7, True), ("director", 1, None, True), ("developer_viewer", 5, 5, False),
])
def test_who_sees_full_phone_numbers(role, account, owner, shown):
    assert rules.can_see_phone(role, account, owner) is shown


@given(st.lists(st.integers(1, 10**6), unique=True, max_size=200),
       st.lists(st.integers(1, 1000), unique=True, min_size=1, max_size=12))
def test_spread_deals_customers_evenly(customer_ids, owner_ids):
    plan = rules.spread(customer_ids, owner_ids)
    assert set(plan) == set(customer_ids)
    counts = Counter(plan.values())
    per_owner = [counts.get(o, 0) for o in owner_ids]
    assert max(per_owner) - min(per_owner) <= 1


# a 报备 or a follow-up by an advisor (None: a partner's 报备 into the pool), some days later
steps = st.lists(st.tuples(st.sampled_from(["register", "follow_up", "sweep"]), st.sampled_from([1, 2, 3, None]),
                           st.integers(0, 40)), max_size=40)


@given(steps, st.integers(1, 30))
def test_an_owner_loses_a_customer_only_after_the_protection_lapsed(sequence, days):
    """Model of one customer over time: at every step there is one owner or the pool, and
    the owner changes to someone else only when their 保护期 had ended."""
    owner, until, at, conflicts = None, None, T0, 0
    for action, who, gap in sequence:
        at += gap * DAY
        protected_before = rules.is_protected(owner, "lead", until, at)
        previous = owner
        if action == "register":
            outcome = rules.registration_outcome(owner, "lead", until, who, at)
            if outcome == "claimed":
                owner, until = who, rules.protection_end(at, days)
            conflicts += outcome == "conflict"
            if outcome == "conflict":
                assert protected_before and who != owner
        elif action == "follow_up" and owner is not None and who == owner:
            until = max(until, rules.protection_end(at, days))
        elif action == "sweep" and rules.lapses(owner, "lead", until, at):
            owner, until = None, None
        if previous is not None and owner != previous:
            assert not protected_before
