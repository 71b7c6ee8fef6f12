"""The pure rules of changes, mortgage steps, handover and title (no broker, no database)."""
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from loupan.schemas.contracts_changes import MORTGAGE_STEPS, TITLE_STEPS
from loupan.errors import Conflict, RuleViolated
from services.contracts.change_rules import (check_buyers, check_change_allowed, check_handover_allowed,
                                             check_mortgage_allowed, next_step, swap_price)

STATUSES = ("pending", "submitted", "subscribed", "signed", "filed", "handed_over", "rejected", "cancelled", "failed")


@pytest.mark.parametrize("kind,allowed", [("rename", {"subscribed", "signed"}), ("swap", {"subscribed", "signed"}),
                                          ("cancel", {"subscribed", "signed", "filed"})])
def test_each_change_is_allowed_exactly_from_its_states(kind, allowed):
    for status in STATUSES:
        if status in allowed:
            check_change_allowed(kind, status)
            continue
        with pytest.raises((Conflict, RuleViolated)) as refused:
            check_change_allowed(kind, status)
        expected = "DEAL_FILED" if status == "filed" else "DEAL_STATE"
        assert refused.value.code == expected
        assert isinstance(refused.value, RuleViolated if expected == "DEAL_FILED" else Conflict)


def buyers(shares):
    return [{"name": f"买受人{i}", "phone": f"1381234560{i}", "share": s} for i, s in enumerate(shares)]


cents = st.integers(min_value=1, max_value=10000).map(lambda c: Decimal(c) / 100)


@given(st.lists(cents, min_size=1, max_size=4))
def test_buyer_shares_must_sum_to_exactly_100(shares):
    if sum(shares) == 100:
        check_buyers(buyers(shares))
    else:
        with pytest.raises(RuleViolated) as refused:
            check_buyers(buyers(shares))
        assert refused.value.code == "BUYER_SHARES"


@given(st.integers(min_value=1, max_value=9999))
def test_any_split_of_100_into_two_shares_is_accepted(cents_first):
    first = Decimal(cents_first) / 100
    check_buyers(buyers([first, Decimal(100) - first]))


def test_buyer_count_zero_shares_and_twice_the_same_phone_are_refused():
    with pytest.raises(RuleViolated, match="1 to 4"):
        check_buyers(buyers([20] * 5))
    with pytest.raises(RuleViolated) as zero:
        check_buyers(buyers([100, 0]))
    assert zero.value.code == "BUYER_SHARES"
    twice = buyers([50, 50])
    twice[1]["phone"] = twice[0]["phone"]
    with pytest.raises(RuleViolated) as dup:
        check_buyers(twice)
    assert dup.value.code == "BUYER_DUPLICATE"


@given(st.integers(min_value=100_000_00, max_value=10_000_000_00), st.integers(min_value=-50_000_00,
                                                                              max_value=50_000_00))
def test_swap_price_moves_by_the_list_price_difference(price_cents, difference_cents):
    price, difference = Decimal(price_cents) / 100, Decimal(difference_cents) / 100
    assert swap_price(price, difference) == price + difference
    assert swap_price(price, difference, Decimal("1.00")) == Decimal("1.00")


def test_swap_price_must_stay_positive():
    with pytest.raises(RuleViolated) as refused:
        swap_price(Decimal("100.00"), Decimal("-100.00"))
    assert refused.value.code == "SWAP_PRICE"


def test_steps_go_forward_one_at_a_time():
    for current, following in zip(MORTGAGE_STEPS, MORTGAGE_STEPS[1:]):
        assert next_step(MORTGAGE_STEPS, current, following, "mortgage") == following
        for other in set(MORTGAGE_STEPS) - {following}:
            with pytest.raises(RuleViolated) as refused:
                next_step(MORTGAGE_STEPS, current, other, "mortgage")
            assert refused.value.code == "MORTGAGE_STEP"
    assert next_step(TITLE_STEPS, None, "applied", "title") == "applied"
    with pytest.raises(RuleViolated, match="finished"):
        next_step(TITLE_STEPS, "delivered", "delivered", "title")


def test_mortgage_needs_a_loan_method_and_a_signed_contract():
    check_mortgage_allowed("combined", "signed")
    with pytest.raises(RuleViolated, match="full"):
        check_mortgage_allowed("full", "signed")
    with pytest.raises(Conflict):
        check_mortgage_allowed("commercial_mortgage", "subscribed")


def test_handover_only_from_filed():
    check_handover_allowed("filed")
    with pytest.raises(RuleViolated) as early:
        check_handover_allowed("signed")
    assert early.value.code == "DEAL_NOT_FILED"
    for status in ("handed_over", "cancelled", "pending"):
        with pytest.raises(Conflict):
            check_handover_allowed(status)
