"""Rate limits on login (password guessing) and holds (a script grabbing units on launch day).

Counted in the gateway's database (`rate_counters`), which every replica shares: N replicas
behind a balancer allow what one does. Fixed one-minute windows: each rated request is one
atomic upsert (`INSERT … ON CONFLICT DO UPDATE … RETURNING count`, the same statement on
SQLite and PostgreSQL) that starts the key's window afresh or adds one to it; over the limit
the request is refused (429, `Retry-After` = the seconds left in the window) and, the
transaction rolled back, not counted. A window allows the limit, so a client may reach up to
twice the limit across a window's boundary. A timer deletes past windows
(`RATE_SWEEP_SECONDS`).

Limits are per minute, 0 = off:

- `RATE_LOGIN_PER_MINUTE`: failed logins per (username, client IP);
  `RATE_LOGIN_PER_IP_PER_MINUTE`: failed logins per client IP, whatever the username. Only a
  wrong password (a 401 answer) counts: a successful login is given its count back. So
  failures from elsewhere never lock the rightful user out (their own (username, IP) and IP
  counters are untouched), and a locked (username, IP) takes the right password again once
  its window passes. The price: guessing one username from many addresses is limited per
  address only (the scrypt check in hr is what each guess costs).
- `RATE_HOLDS_PER_MINUTE` (per user) and `RATE_HOLDS_PER_IP_PER_MINUTE`: every hold request,
  both counted in the one statement.
- `RATE_BUYER_CODES_PER_IP_PER_MINUTE`: a buyer or a broker asking for a sign-in code or
  trying one (a 全民经纪人 signing up too), per client IP (gateway/routes/buyers.py, brokers.py;
  per mobile the codes' own rules limit them).

The per-IP limits are high because a whole sales office (thirty advisors logging in at 9:00,
all holding at the launch) may share one NAT address."""
import hashlib
import math
import time

from sqlalchemy import bindparam, case, delete, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from gateway.idempotency import write_connection
from gateway.models import RateCounter
from loupan.errors import DomainError
from loupan.timers import every

WINDOW = 60  # seconds
MAX_KEY = 200  # the column's length; longer keys (a forged X-Forwarded-For) are hashed
_TABLE = RateCounter.__table__


class RateLimited(DomainError):
    status = 429

    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(f"too many requests; retry in {self.retry_after} s", "RATE_LIMITED")


# (method, url) of a rate-limited route -> its kind
RATED = {
    ("POST", "/api/auth/login"): "login",
    ("POST", "/api/units/<int:unit_id>/holds"): "holds",
    ("POST", "/api/buyer/codes"): "buyers",  # a buyer's sign-in: texts cost money, codes invite guessing
    ("POST", "/api/buyer/sessions"): "buyers",
    ("POST", "/api/broker/codes"): "buyers",  # a broker's sign-in and a 全民经纪人's sign-up: the same limit
    ("POST", "/api/broker/sessions"): "buyers",
    ("POST", "/api/broker/signup"): "buyers",
}
DEFAULTS = {"RATE_LOGIN_PER_MINUTE": 10, "RATE_LOGIN_PER_IP_PER_MINUTE": 120,
            "RATE_HOLDS_PER_MINUTE": 60, "RATE_HOLDS_PER_IP_PER_MINUTE": 1200,
            "RATE_BUYER_CODES_PER_IP_PER_MINUTE": 300}


def counter_key(kind, scope, value):
    key = f"{kind}:{scope}:{value}"
    if len(key) > MAX_KEY:
        key = key[:MAX_KEY - 65] + "#" + hashlib.sha256(key.encode()).hexdigest()
    return key


def bump_statement(dialect_name, rows):
    """The upsert of `rows` keys (bound as key0, key1, …) in the window `window`."""
    insert = pg_insert if dialect_name == "postgresql" else sqlite_insert
    stmt = insert(_TABLE).values([{"key": bindparam(f"key{i}"), "window_start": bindparam("window"),
                                   "count": 1} for i in range(rows)])
    # a replica whose clock lags adds to the newer window rather than turning it back
    newer = stmt.excluded.window_start > _TABLE.c.window_start
    return stmt.on_conflict_do_update(index_elements=[_TABLE.c.key], set_={
        "count": case((newer, stmt.excluded.count), else_=_TABLE.c.count + stmt.excluded.count),
        "window_start": case((newer, stmt.excluded.window_start), else_=_TABLE.c.window_start),
    }).returning(_TABLE.c.key, _TABLE.c.count)


# On PostgreSQL a counter's commit does not wait for the WAL flush: the row lock of a busy key
# (one office's NAT address on launch day) is held for microseconds, not an fsync; a crash
# may lose the last counts, which a rate limit can afford.
ASYNC_COMMIT = text("SET LOCAL synchronous_commit TO OFF")
REFUND = (update(_TABLE)
          .where(_TABLE.c.key == bindparam("k"), _TABLE.c.window_start == bindparam("window"), _TABLE.c.count > 0)
          .values(count=_TABLE.c.count - 1))


class RateLimits:
    """The limits of one gateway process, counted in its database (shared by replicas).
    `engine`: the engine, or a function returning it (the Database's is made at its setup)."""

    def __init__(self, config, engine, clock=time.time):
        def per_minute(name):
            return int(config.get(name, DEFAULTS[name]) or 0)

        self.limits = {
            ("login", "ip"): per_minute("RATE_LOGIN_PER_IP_PER_MINUTE"),
            ("login", "user"): per_minute("RATE_LOGIN_PER_MINUTE"),
            ("holds", "ip"): per_minute("RATE_HOLDS_PER_IP_PER_MINUTE"),
            ("holds", "user"): per_minute("RATE_HOLDS_PER_MINUTE"),
            ("buyers", "ip"): per_minute("RATE_BUYER_CODES_PER_IP_PER_MINUTE"),
        }
        self._engine = engine
        self.clock = clock
        self.statements = None

    @property
    def engine(self):
        return self._engine() if callable(self._engine) else self._engine

    def hit(self, *counters):
        """Count one request for each (kind, scope, value) whose limit is on, in one
        statement; raise RateLimited (nothing counted) if any is over its limit. Returns
        (window, keys) of what was counted, for `refund`."""
        limits = {}
        for kind, scope, value in counters:
            if self.limits[(kind, scope)] > 0:
                limits[counter_key(kind, scope, value)] = self.limits[(kind, scope)]
        if not limits:
            return None
        now = self.clock()
        window = int(now // WINDOW * WINDOW)
        keys = list(limits)
        params = {f"key{i}": key for i, key in enumerate(keys)}
        engine = self.engine
        if self.statements is None:
            # built once per row count (their compiled forms are reused): the holds' hot path
            self.statements = {rows: bump_statement(engine.dialect.name, rows) for rows in (1, 2)}
        with write_connection(engine) as conn:
            if engine.dialect.name == "postgresql":
                conn.execute(ASYNC_COMMIT)
            counts = conn.execute(self.statements[len(keys)], dict(params, window=window)).all()
            if any(count > limits[key] for key, count in counts):
                raise RateLimited(window + WINDOW - now)  # rolls the transaction back
        return window, keys

    def login_attempt(self, username, ip):
        """Count a login as failed before hr checks it (parallel guesses cannot slip
        through); `refund` gives it back unless the password was wrong."""
        return self.hit(("login", "user", f"{username.lower()}|{ip}"), ("login", "ip", ip))

    def holds(self, account_id, ip):
        return self.hit(("holds", "user", account_id), ("holds", "ip", ip))

    def buyers(self, ip):
        """A buyer asking for a sign-in code or trying one, per client IP (per mobile, the
        codes' own rules limit them: gateway/buyer_codes.py)."""
        return self.hit(("buyers", "ip", ip))

    def refund(self, counted):
        """Give back what `hit` counted (a login that was not a wrong password), if its window
        is still the current one."""
        if counted is None:
            return
        window, keys = counted
        with write_connection(self.engine) as conn:
            for key in keys:
                conn.execute(REFUND, {"k": key, "window": window})


def sweep(engine, now=None):
    """Delete the counters of windows before the current one."""
    current = int((now if now is not None else time.time()) // WINDOW * WINDOW)
    with write_connection(engine) as conn:
        return conn.execute(delete(_TABLE).where(_TABLE.c.window_start < current)).rowcount


class RateCounterSweeper:
    """Mixin for the gateway service: deletes past windows' counters."""

    @every("RATE_SWEEP_SECONDS", 60)
    def sweep_rate_counters(self):
        sweep(self.db.engine)
