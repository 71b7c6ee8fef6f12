"""Token buckets: a burst of the per-minute limit, then one request per 60/limit seconds,
`Retry-After` the wait for the next token, limits per key, 0 = off."""
import pytest
from hypothesis import given, strategies as st

from gateway.ratelimit import Limiter, RateLimited, RateLimits


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_burst_of_the_limit_then_one_per_interval():
    clock = Clock()
    limiter = Limiter(6, clock)  # one token every 10 s
    assert [limiter.check("ip") for _ in range(6)] == [None] * 6
    assert limiter.check("ip") == pytest.approx(10)
    clock.now += 4
    assert limiter.check("ip") == pytest.approx(6)
    clock.now += 6
    assert limiter.check("ip") is None
    assert limiter.check("ip") == pytest.approx(10)


def test_keys_have_their_own_buckets_and_zero_is_off():
    limiter = Limiter(1, Clock())
    assert limiter.check("a") is None and limiter.check("b") is None
    assert limiter.check("a") is not None
    off = Limiter(0, Clock())
    assert all(off.check("a") is None for _ in range(1000))


@given(st.integers(1, 600), st.lists(st.floats(0, 30), max_size=60))
def test_never_more_than_the_burst_plus_what_time_refilled(per_minute, gaps):
    clock = Clock()
    limiter = Limiter(per_minute, clock)
    allowed = 0
    for gap in gaps:
        clock.now += gap
        allowed += limiter.check("k") is None
    assert allowed <= per_minute + sum(gaps) * per_minute / 60 + 1e-6


def test_rate_limits_from_config_raise_with_whole_seconds():
    limits = RateLimits({"RATE_HOLDS_PER_MINUTE": 2, "RATE_HOLDS_PER_IP_PER_MINUTE": 0,
                         "RATE_LOGIN_PER_MINUTE": "0", "RATE_LOGIN_PER_IP_PER_MINUTE": ""})
    limits.check("holds", "user", 7)
    limits.check("holds", "user", 7)
    with pytest.raises(RateLimited) as refused:
        limits.check("holds", "user", 7)
    assert refused.value.status == 429 and refused.value.code == "RATE_LIMITED"
    assert refused.value.retry_after == 30
    for _ in range(100):
        limits.check("holds", "ip", "10.0.0.1")
        limits.check("login", "user", "boss")
        limits.check("login", "ip", "10.0.0.1")
