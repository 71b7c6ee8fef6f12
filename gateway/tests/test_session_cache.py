"""The gateway's short memory of buyers' and brokers' sessions (gateway/session_cache.py): a
row in force is kept for its time and never past its own expiry; a revoked or expired one is
not answered; forgetting (a sign-out here) takes effect at once; the memory stays bounded."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from gateway.session_cache import SessionCache

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self):
        self.t = 100.0

    def __call__(self):
        return self.t


def row(expires_in=3600, revoked=False):
    return SimpleNamespace(expires_at=NOW + timedelta(seconds=expires_in), revoked_at=NOW if revoked else None)


def test_a_session_in_force_is_kept_for_its_time_then_read_again():
    clock = Clock()
    cache = SessionCache(ttl=30, clock=clock)
    kept = row()
    cache.put("h1", kept)
    assert cache.get("h1", NOW) is kept
    clock.t += 29
    assert cache.get("h1", NOW) is kept
    clock.t += 2
    assert cache.get("h1", NOW) is None  # stale: the database is asked again


def test_never_past_the_sessions_own_expiry_nor_once_revoked_or_forgotten():
    cache = SessionCache(ttl=30, clock=Clock())
    cache.put("h1", row(expires_in=10))
    assert cache.get("h1", NOW + timedelta(seconds=11)) is None
    cache.put("h2", row(revoked=True))
    assert cache.get("h2", NOW) is None
    cache.put("h3", row())
    cache.forget("h3")  # signed out by this process
    assert cache.get("h3", NOW) is None
    assert cache.get("unknown", NOW) is None
    cache.put(("buyer", "h4"), row())
    assert cache.get(("broker", "h4"), NOW) is None  # keyed by kind: a buyer's row is no broker's


def test_off_with_zero_and_bounded_when_full():
    off = SessionCache(ttl=0, clock=Clock())
    off.put("h", row())
    assert off.get("h", NOW) is None
    full = SessionCache(ttl=30, max_rows=4, clock=Clock())
    for n in range(5):
        full.put(f"h{n}", row())
    assert full.get("h0", NOW) is None and full.get("h1", NOW) is None  # the oldest half went
    assert all(full.get(f"h{n}", NOW) is not None for n in (2, 3, 4))
