"""销控 rules, pure: the unit status machine and hold expiry. No I/O here."""
from datetime import timedelta

# unreleased 未推 -> available 待售 -> held 预留 -> subscribed 认购 -> signed 签约 -> filed 备案
# -> delivered 交付; locked 销控保留 is a manager's hold on an available unit.
TRANSITIONS = {
    "unreleased": {"available"},
    "available": {"held", "locked"},
    "locked": {"available"},
    "held": {"available", "subscribed"},
    "subscribed": {"signed", "available"},
    "signed": {"filed", "available"},
    "filed": {"delivered", "available"},
    "delivered": set(),
}
STATUSES = tuple(TRANSITIONS)
SELLABLE = "available"

MIN_HOLD_MINUTES = 1
MAX_HOLD_MINUTES = 7 * 24 * 60


def can_move(from_status, to_status):
    return to_status in TRANSITIONS.get(from_status, ())


def hold_expiry(now, hold_minutes):
    """When a hold taken at `now` lapses; the project's setting is bounded so that a typo
    cannot take a unit off the market for a year."""
    if not MIN_HOLD_MINUTES <= hold_minutes <= MAX_HOLD_MINUTES:
        raise ValueError(f"hold minutes must be between {MIN_HOLD_MINUTES} and {MAX_HOLD_MINUTES}")
    return now + timedelta(minutes=hold_minutes)


def is_expired(expires_at, now):
    """A hold lapses at its expiry instant, not a moment later."""
    return now >= expires_at


def unit_label(building_name, number):
    """How a sales office names a unit: building and number, e.g. 1号楼-1201."""
    return f"{building_name}-{number}"
