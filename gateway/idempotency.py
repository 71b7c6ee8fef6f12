"""`Idempotency-Key` on POSTs: a front-end that lost the answer (flaky site Wi-Fi) retries
with the same key and gets the first answer back, and the effect happened once.

Keys are per account and kept in the gateway's database (all replicas share it). A key is
claimed by inserting its row before the route runs (the primary key makes one request win);
the answer is stored only when it is final: 2xx, or a 4xx the domain gave. A 5xx/503 deletes
the claim, so a retry after an outage runs again."""
import hashlib
import re
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from gateway.models import IdempotencyKey
from loupan.errors import Conflict, Invalid, RuleViolated
from loupan.timers import every
from loupan.types import utcnow

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,128}$")  # printable ASCII, no spaces
DEFAULT_TTL = 24 * 3600
# A claim whose request never finished (the gateway died mid-request) is taken over after
# this long: longer than any request can run (RPC_TIMEOUT is 10 s by default).
STALE_CLAIM_SECONDS = 120
_TABLE = IdempotencyKey.__table__


@contextmanager
def write_connection(engine):
    """A short transaction on a bare connection, holding SQLite's green lock."""
    engine.guard.acquire()
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.guard.release()


def key_of(request):
    """The request's key, or None; 400 if it is malformed."""
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY_PATTERN.match(key):
        raise Invalid("Idempotency-Key must be 1-128 printable ASCII characters", "INVALID_IDEMPOTENCY_KEY")
    return key


def fingerprint(request):
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}?{request.query_string.decode('latin-1')}\n".encode())
    digest.update(request.get_data())
    return digest.hexdigest()


def _where(account_id, key):
    return (_TABLE.c.account_id == account_id) & (_TABLE.c.key == key)


def claim(engine, account_id, key, print_, ttl):
    """None if this request now owns the key (run it), else the stored (status, body) to
    replay. Raises 422 IDEMPOTENCY_KEY_REUSED for another body, 409 while the first runs."""
    for _ in range(3):
        now = utcnow()
        try:
            with write_connection(engine) as conn:
                conn.execute(insert(_TABLE).values(account_id=account_id, key=key, fingerprint=print_,
                                                   created_at=now, expires_at=now + timedelta(seconds=ttl)))
            return None
        except IntegrityError:
            pass
        with write_connection(engine) as conn:
            row = conn.execute(select(_TABLE).where(_where(account_id, key))).first()
            if row is None:
                continue  # swept or released meanwhile: claim again
            stale = row.status is None and row.created_at < now - timedelta(seconds=STALE_CLAIM_SECONDS)
            if row.expires_at <= now or stale:
                same_row = _where(account_id, key) & (_TABLE.c.created_at == row.created_at)
                conn.execute(delete(_TABLE).where(same_row))
                continue
        if row.fingerprint != print_:
            raise RuleViolated("this Idempotency-Key was used for a different request", "IDEMPOTENCY_KEY_REUSED")
        if row.status is None:
            raise Conflict("a request with this Idempotency-Key is still running; retry shortly",
                           "IDEMPOTENCY_IN_PROGRESS")
        return row.status, row.body
    raise Conflict("a request with this Idempotency-Key is still running; retry shortly",
                   "IDEMPOTENCY_IN_PROGRESS")


def finish(engine, account_id, key, response):
    """Keep a final answer; release the key after a server error so a retry runs."""
    with write_connection(engine) as conn:
        if response.status_code < 500:
            conn.execute(update(_TABLE).where(_where(account_id, key))
                         .values(status=response.status_code, body=response.get_data()))
        else:
            conn.execute(delete(_TABLE).where(_where(account_id, key)))


def sweep(engine, now=None):
    with write_connection(engine) as conn:
        return conn.execute(delete(_TABLE).where(_TABLE.c.expires_at <= (now or utcnow()))).rowcount


class IdempotencySweeper:
    """Mixin for the gateway service: deletes expired keys."""

    @every("IDEMPOTENCY_SWEEP_SECONDS", 600)
    def sweep_idempotency_keys(self):
        sweep(self.db.engine)
