"""The unit status machine and hold expiry rules, without a broker or database."""
from datetime import datetime, timedelta, timezone

import pytest

from services.inventory.models import Hold
from services.inventory.unit_rules import (MOVES, STATUSES, TRANSITIONS, can_move, hold_expiry, is_expired, move,
                                           unit_label)

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("path", [
    ["unreleased", "available", "held", "subscribed", "signed", "filed", "delivered"],
    ["available", "locked", "available"],
    ["held", "available"],
    ["subscribed", "available"],
])
def test_sales_path_moves_are_allowed(path):
    for a, b in zip(path, path[1:]):
        assert can_move(a, b), (a, b)


@pytest.mark.parametrize("a,b", [
    ("unreleased", "held"),      # must be released (推盘) first
    ("locked", "held"),          # 销控保留 units cannot be held
    ("available", "filed"),      # 换房 after 备案 would undo a filing
    ("held", "held"),            # no second hold on a held unit
    ("delivered", "available"),  # delivered is final
    ("signed", "held"),
])
def test_forbidden_moves(a, b):
    assert not can_move(a, b)


def test_every_target_is_a_known_status():
    for targets in TRANSITIONS.values():
        assert targets <= set(STATUSES)
    assert {s for pair in MOVES for s in pair} <= set(STATUSES)


def test_move_refuses_what_the_table_lacks():
    assert move("available", "held") == ("available", "held")
    with pytest.raises(ValueError):
        move("locked", "held")


def test_expiry_is_the_same_rule_in_sql():
    sql = str(is_expired(Hold.expires_at, NOW).compile(compile_kwargs={"literal_binds": True}))
    assert sql.startswith("holds.expires_at <=")
    assert str(~is_expired(Hold.expires_at, NOW)).startswith("holds.expires_at >")


def test_hold_expires_after_the_project_minutes():
    assert hold_expiry(NOW, 30) == NOW + timedelta(minutes=30)
    assert hold_expiry(NOW, 1440) == NOW + timedelta(days=1)


@pytest.mark.parametrize("minutes", [0, -5, 7 * 24 * 60 + 1])
def test_hold_minutes_out_of_bounds_are_refused(minutes):
    with pytest.raises(ValueError):
        hold_expiry(NOW, minutes)


def test_hold_lapses_exactly_at_expiry():
    expires = NOW + timedelta(minutes=30)
    assert not is_expired(expires, expires - timedelta(microseconds=1))
    assert is_expired(expires, expires)
    assert is_expired(expires, expires + timedelta(seconds=1))


def test_unit_label_reads_like_the_sales_office():
    assert unit_label("1号楼", "1201") == "1号楼-1201"
