"""A short memory of the opaque sessions (buyers' lpb_…, brokers' lpk_…) this gateway process
has read: on launch day a thousand buyers press every few seconds, and reading each request's
session row again queued a thousand checkouts of the gateway's database pool at once (503
SERVICE_BUSY when one waits GATEWAY_DB_POOL_TIMEOUT). A row is kept SESSION_CACHE_SECONDS
(30 s; 0 = off) and never past its own expiry.

What it costs: a session signed out is refused at once by the process that signed it out
(`forget`) and by the other gateway replicas within SESSION_CACHE_SECONDS. Only sessions in
force are kept, so a refused token is read again each time."""
import os
import time

TTL = float(os.environ.get("SESSION_CACHE_SECONDS") or 30)
MAX_ROWS = 100_000  # ~200 bytes a row: a bounded memory whatever the traffic


class SessionCache:
    def __init__(self, ttl=TTL, max_rows=MAX_ROWS, clock=time.monotonic):
        self.ttl, self.max_rows, self.clock = ttl, max_rows, clock
        self._rows = {}  # (kind, token hash) -> (row, kept until: monotonic seconds)

    def get(self, token_hash, now):
        """The row kept for `token_hash` ((kind, hash): a buyer's and a broker's never meet), if
        still fresh and in force at `now` (UTC), else None."""
        kept = self._rows.get(token_hash)
        if kept is None:
            return None
        row, until = kept
        if until <= self.clock() or row.revoked_at is not None or row.expires_at <= now:
            self._rows.pop(token_hash, None)
            return None
        return row

    def put(self, token_hash, row):
        if self.ttl <= 0:
            return
        if len(self._rows) >= self.max_rows:  # full: the oldest half goes (dicts keep insertion order)
            for key in list(self._rows)[:self.max_rows // 2]:
                del self._rows[key]
        self._rows[token_hash] = (row, self.clock() + self.ttl)

    def forget(self, token_hash):
        self._rows.pop(token_hash, None)


sessions = SessionCache()  # this process's
