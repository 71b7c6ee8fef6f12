"""Rate limits on login (password guessing) and holds (a script grabbing units on launch day).

Token buckets in this process's memory: each gateway instance limits on its own, so with N
replicas behind a balancer a client may get up to N times the configured rate. That is
enough against one runaway client and costs no shared store on the hot path.

Limits are per minute, 0 = off: `RATE_LOGIN_PER_MINUTE` (per username) and
`RATE_LOGIN_PER_IP_PER_MINUTE`, `RATE_HOLDS_PER_MINUTE` (per user) and
`RATE_HOLDS_PER_IP_PER_MINUTE`. The per-IP limits are high because a whole sales office
(thirty advisors logging in at 9:00, all holding at the launch) may share one NAT address."""
import math
import time

from loupan.errors import DomainError

MAX_BUCKETS = 100_000  # bounded memory against a flood of distinct IPs or usernames


class RateLimited(DomainError):
    status = 429

    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"too many requests; retry in {self.retry_after} s", "RATE_LIMITED")


class Bucket:
    __slots__ = ("tokens", "stamp")

    def __init__(self, tokens, stamp):
        self.tokens = tokens
        self.stamp = stamp


class Limiter:
    """`per_minute` requests per key per minute, in bursts of up to `per_minute`."""

    def __init__(self, per_minute, clock=time.monotonic):
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.clock = clock
        self.buckets = {}

    def check(self, key):
        """Take one token for `key`; None if allowed, else the seconds until one is free."""
        if self.capacity <= 0:
            return None
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= MAX_BUCKETS:
                self._forget_full(now)
            bucket = self.buckets[key] = Bucket(self.capacity, now)
        bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return (1 - bucket.tokens) / self.rate

    def _forget_full(self, now):
        full = [k for k, b in self.buckets.items() if b.tokens + (now - b.stamp) * self.rate >= self.capacity]
        for key in full:
            del self.buckets[key]
        if len(self.buckets) >= MAX_BUCKETS:
            self.buckets.clear()


# (method, url) of a rate-limited route -> its kind
RATED = {
    ("POST", "/api/auth/login"): "login",
    ("POST", "/api/units/<int:unit_id>/holds"): "holds",
}
DEFAULTS = {"RATE_LOGIN_PER_MINUTE": 10, "RATE_LOGIN_PER_IP_PER_MINUTE": 120,
            "RATE_HOLDS_PER_MINUTE": 60, "RATE_HOLDS_PER_IP_PER_MINUTE": 1200}


class RateLimits:
    """The limiters of one gateway process."""

    def __init__(self, config):
        def per_minute(name):
            return int(config.get(name, DEFAULTS[name]) or 0)

        self.limiters = {
            ("login", "ip"): Limiter(per_minute("RATE_LOGIN_PER_IP_PER_MINUTE")),
            ("login", "user"): Limiter(per_minute("RATE_LOGIN_PER_MINUTE")),
            ("holds", "ip"): Limiter(per_minute("RATE_HOLDS_PER_IP_PER_MINUTE")),
            ("holds", "user"): Limiter(per_minute("RATE_HOLDS_PER_MINUTE")),
        }

    def check(self, kind, scope, key):
        """Raise RateLimited if `key` (an IP, a username, an account id) is over the limit."""
        wait = self.limiters[(kind, scope)].check(key)
        if wait is not None:
            raise RateLimited(wait)
