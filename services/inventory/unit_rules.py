"""销控 rules, pure: the unit status machine and hold expiry. No I/O here.

MOVES is the one table of the status machine: every conditional update of a unit's status
in this service takes its expected and new status from `move()`, so a move the table does
not have fails where it is written, not in a sales office."""
from datetime import timedelta
from typing import NamedTuple

from loupan.schemas.inventory_catalog import MAX_HOLD_MINUTES, MIN_HOLD_MINUTES, STATUSES

# unreleased 未推 -> available 待售 -> held 预留 -> subscribed 认购 -> signed 签约 -> filed 备案
# -> delivered 交付; locked 销控保留 is a manager's hold on an available unit.
MOVES = {
    ("unreleased", "available"): "推盘: released for sale",
    ("available", "locked"): "销控保留: a manager keeps it off sale",
    ("locked", "available"): "the manager gives it back",
    ("available", "held"): "预留: a hold for a buyer",
    ("held", "available"): "the hold was cancelled or lapsed",
    ("held", "subscribed"): "认购 from the hold",
    # a deal that reaches a unit without passing its hold: 认购 approved after the hold
    # lapsed (the approval is the fact), or 换房 carrying the deal's status to the new unit
    ("available", "subscribed"): "认购 approved after its hold ended, or 换房 of a subscribed deal",
    ("available", "signed"): "换房 of a signed deal",
    ("subscribed", "signed"): "签约",
    ("signed", "filed"): "网签/备案",
    ("filed", "delivered"): "交付",
    ("subscribed", "available"): "退房, or 换房 away",
    ("signed", "available"): "退房, or 换房 away",
    ("filed", "available"): "退房 (the filing is undone first)",
}
TRANSITIONS = {status: {to for (frm, to) in MOVES if frm == status} for status in STATUSES}
SELLABLE = "available"
# 换房 after 备案 would need the filing undone at the housing authority first
SWAPPABLE = ("subscribed", "signed")


def can_move(from_status, to_status):
    return (from_status, to_status) in MOVES


class Move(NamedTuple):
    source: str  # the status the conditional UPDATE expects
    target: str  # the status it writes


def move(from_status, to_status):
    """The Move of a pair the table has; ValueError for one it has not (a coding error)."""
    if not can_move(from_status, to_status):
        raise ValueError(f"a unit does not move from {from_status} to {to_status}")
    return Move(from_status, to_status)


def hold_expiry(now, hold_minutes):
    """When a hold taken at `now` lapses; the project's setting is bounded so that a typo
    cannot take a unit off the market for a year."""
    if not MIN_HOLD_MINUTES <= hold_minutes <= MAX_HOLD_MINUTES:
        raise ValueError(f"hold minutes must be between {MIN_HOLD_MINUTES} and {MAX_HOLD_MINUTES}")
    return now + timedelta(minutes=hold_minutes)


def is_expired(expires_at, now):
    """A hold lapses at its expiry instant, not a moment later. `expires_at` may be a value
    or a column: `is_expired(Hold.expires_at, now)` is the same rule as SQL."""
    return now >= expires_at


def unit_label(building_name, number):
    """How a sales office names a unit: building and number, e.g. 1号楼-1201."""
    return f"{building_name}-{number}"


def below_base(list_price, base_price):
    """A 表价 under the 底价: only a director sets one (price_lists.approve), in a price list
    they approve or in the units they create; for anyone else it is a mistake to refuse."""
    return list_price < base_price
