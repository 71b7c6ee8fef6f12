"""Rate limits counted in the gateway's database (SQLite and PostgreSQL), so replicas share
them: fixed one-minute windows, `Retry-After` the rest of the window, a refused request not
counted, 0 = off; the login policy (failed logins per username and IP, and per IP; a success
given back); a sweep of past windows."""
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.models import RateCounter
from gateway.ratelimit import MAX_KEY, RateLimited, RateLimits, counter_key, sweep
from loupan.migrate import upgrade
from loupan.uow import make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
OFF = {"RATE_LOGIN_PER_MINUTE": 0, "RATE_LOGIN_PER_IP_PER_MINUTE": 0,
       "RATE_HOLDS_PER_MINUTE": 0, "RATE_HOLDS_PER_IP_PER_MINUTE": 0}


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0  # a window's start (a multiple of 60)

    def __call__(self):
        return self.now


@pytest.fixture
def engine(database_url):
    upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock():
    return Clock()


def limits_of(engine, clock, **settings):
    return RateLimits(dict(OFF, **settings), engine, clock)


def allowed(call):
    try:
        call()
    except RateLimited:
        return False
    return True


def rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(RateCounter.__table__)).scalar_one()


def test_a_window_allows_the_limit_then_429_until_it_ends(engine, clock):
    limits = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=3)
    assert [allowed(lambda: limits.holds(7, "10.0.0.1")) for _ in range(4)] == [True, True, True, False]
    clock.now += 20.5
    with pytest.raises(RateLimited) as refused:
        limits.holds(7, "10.0.0.1")
    assert refused.value.status == 429 and refused.value.code == "RATE_LIMITED"
    assert refused.value.retry_after == 40  # whole seconds, rounded up
    clock.now += 39.5  # the next window
    assert [allowed(lambda: limits.holds(7, "10.0.0.1")) for _ in range(4)] == [True, True, True, False]


def test_keys_are_counted_apart_and_zero_is_off(engine, clock):
    limits = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=1)
    assert allowed(lambda: limits.holds(1, "10.0.0.1")) and allowed(lambda: limits.holds(2, "10.0.0.1"))
    assert not allowed(lambda: limits.holds(1, "10.0.0.1"))
    off = limits_of(engine, clock)
    assert all(allowed(lambda: off.login_attempt("boss", "10.0.0.9")) for _ in range(50))
    assert rows(engine) == 2  # nothing written for limits that are off


def test_a_refused_request_is_not_counted(engine, clock):
    limits = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=5, RATE_HOLDS_PER_IP_PER_MINUTE=2)
    assert allowed(lambda: limits.holds(1, "10.0.0.1")) and allowed(lambda: limits.holds(2, "10.0.0.1"))
    assert not any(allowed(lambda: limits.holds(1, "10.0.0.1")) for _ in range(10))  # the IP is full
    with engine.connect() as conn:
        counts = dict(conn.execute(select(RateCounter.key, RateCounter.count)).all())
    assert counts == {"holds:user:1": 1, "holds:user:2": 1, "holds:ip:10.0.0.1": 2}


def test_replicas_on_one_database_share_the_count(engine, clock):
    first = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=4)
    second = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=4)
    answers = [allowed(lambda: (first if i % 2 else second).holds(7, "10.0.0.1")) for i in range(6)]
    assert answers == [True, True, True, True, False, False]


def test_a_replica_with_a_lagging_clock_adds_to_the_newer_window(engine, clock):
    ahead, behind = Clock(), Clock()
    ahead.now = clock.now + 61
    behind.now = clock.now + 59
    assert allowed(lambda: limits_of(engine, ahead, RATE_HOLDS_PER_MINUTE=2).holds(7, "ip"))
    assert allowed(lambda: limits_of(engine, behind, RATE_HOLDS_PER_MINUTE=2).holds(7, "ip"))
    assert not allowed(lambda: limits_of(engine, ahead, RATE_HOLDS_PER_MINUTE=2).holds(7, "ip"))


def login(limits, username, ip, right):
    """What the gateway does around hr's check: count first, give back unless a 401."""
    counted = limits.login_attempt(username, ip)
    if right:
        limits.refund(counted)


def test_failures_elsewhere_never_lock_the_rightful_user_out(engine, clock):
    limits = limits_of(engine, clock, RATE_LOGIN_PER_MINUTE=3, RATE_LOGIN_PER_IP_PER_MINUTE=5)
    guesses = [allowed(lambda: login(limits, "boss", "203.0.113.9", False)) for _ in range(10)]
    assert guesses == [True] * 3 + [False] * 7  # the guesser's (username, IP) is locked
    assert all(allowed(lambda: login(limits, "boss", "10.0.0.7", True)) for _ in range(20))  # successes: free
    others = [allowed(lambda: login(limits, f"user{i}", "203.0.113.9", False)) for i in range(4)]
    assert others == [True, True, False, False]  # 5 failures from that IP, whatever the username
    assert allowed(lambda: login(limits, "boss", "10.0.0.7", False))  # the rightful IP still has its own


def test_a_locked_username_and_ip_takes_the_right_password_once_the_window_passes(engine, clock):
    limits = limits_of(engine, clock, RATE_LOGIN_PER_MINUTE=2)
    for _ in range(2):
        login(limits, "Boss", "10.0.0.7", False)
    assert not allowed(lambda: login(limits, "boss", "10.0.0.7", True))  # usernames counted case-blind
    clock.now += 60
    assert allowed(lambda: login(limits, "boss", "10.0.0.7", True))
    assert allowed(lambda: login(limits, "boss", "10.0.0.7", True))  # a success costs nothing


def test_the_sweep_deletes_past_windows(engine, clock):
    limits = limits_of(engine, clock, RATE_HOLDS_PER_MINUTE=9)
    limits.holds(1, "ip")
    clock.now += 60
    limits.holds(2, "ip")
    assert rows(engine) == 2
    assert sweep(engine, clock.now) == 1
    with engine.connect() as conn:
        assert conn.execute(select(RateCounter.key)).scalars().all() == ["holds:user:2"]


def test_long_keys_fit_the_column():
    key = counter_key("login", "user", "x" * 500)
    assert len(key) <= MAX_KEY and key != counter_key("login", "user", "x" * 499)
    assert counter_key("holds", "ip", "10.0.0.1") == "holds:ip:10.0.0.1"


def test_settings_of_zero_or_empty_are_off(engine, clock):
    limits = RateLimits({"RATE_HOLDS_PER_MINUTE": 2, "RATE_HOLDS_PER_IP_PER_MINUTE": 0,
                         "RATE_LOGIN_PER_MINUTE": "0", "RATE_LOGIN_PER_IP_PER_MINUTE": "",
                         "RATE_BUYER_CODES_PER_IP_PER_MINUTE": "0"}, engine, clock)
    assert limits.limits == {("login", "ip"): 0, ("login", "user"): 0, ("holds", "ip"): 0, ("holds", "user"): 2,
                             ("buyers", "ip"): 0}
    assert RateLimits({}, engine, clock).limits[("login", "user")] == 10  # the defaults
