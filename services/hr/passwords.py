"""Password hashing with scrypt (stdlib): memory-hard, salted, parameters kept in the hash
so they can be raised later without invalidating old hashes.

One hash is ~44 ms of C. Run on eventlet's hub it would stop every other worker of the
process for that long (a login wave stalls hr's RPCs, health checks and broker heartbeats),
so it runs in one of eventlet's OS threads (`tpool`); hashlib releases the GIL meanwhile.

Memory is bounded (issue 30: ~400 MB after a burst of logins): one scrypt at n=2**14, r=8
takes ~16 MB, and tpool has 20 threads. `GATE` lets at most `HASH_CONCURRENCY` hashes run at
once (hr's config, default 2); the others wait their turn up to `HASH_WAIT_SECONDS` (8 s),
past which the call is 503 SERVICE_BUSY. And glibc is told to serve big blocks by mmap
always (`M_MMAP_THRESHOLD`): its default raises the threshold after the first 16 MB block is
freed, after which each tpool thread's arena keeps its 16 MB for good."""
import base64
import ctypes
import ctypes.util
import functools
import hashlib
import hmac
import os

from eventlet import semaphore, tpool
from nameko.extensions import DependencyProvider
from prometheus_client import Gauge

from loupan.errors import Busy

N, R, P = 2**14, 8, 1
DEFAULT_CONCURRENCY = 2
DEFAULT_WAIT_SECONDS = 8  # under the gateway's RPC_TIMEOUT (10 s): a login that waits is told 503 by hr, not timed out
M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def _mmap_big_blocks(threshold=1 << 20):
    """Blocks of `threshold` bytes or more are mmapped and unmapped when freed (glibc only;
    elsewhere nothing to do). Fixing the threshold also stops glibc raising it by itself."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, threshold))
    except (OSError, AttributeError):
        return False


_mmap_big_blocks()


class HashGate:
    """At most `limit` scrypt computations at once in the process; a caller waits its turn up
    to `wait_seconds`, then Busy (503 SERVICE_BUSY). `running` and `peak` (the most at once
    since `reset_peak`) are what a test or /metrics reads."""

    def __init__(self, limit=DEFAULT_CONCURRENCY, wait_seconds=DEFAULT_WAIT_SECONDS):
        self.configure(limit, wait_seconds)

    def configure(self, limit, wait_seconds):
        self.limit = max(1, int(limit))
        self.wait_seconds = float(wait_seconds)
        self._slots = semaphore.Semaphore(self.limit)
        self.running = 0
        self.peak = 0

    def reset_peak(self):
        self.peak = self.running

    def run(self, fn, *args):
        slots = self._slots  # the one acquired is the one released, even if reconfigured meanwhile
        if not slots.acquire(timeout=self.wait_seconds):
            raise Busy(f"too many logins at once: no password check slot within {self.wait_seconds:g}s; retry",
                       "SERVICE_BUSY")
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            return fn(*args)
        finally:
            self.running -= 1
            slots.release()


GATE = HashGate()


class HashLimit(DependencyProvider):
    """Sizes `GATE` from the service's config: HASH_CONCURRENCY, HASH_WAIT_SECONDS."""

    def setup(self):
        config = self.container.config
        GATE.configure(config.get("HASH_CONCURRENCY") or DEFAULT_CONCURRENCY,
                       config.get("HASH_WAIT_SECONDS") or DEFAULT_WAIT_SECONDS)
        from loupan.ops import metric

        metric(Gauge, "loupan_hr_password_hashes_running",
               "scrypt computations running now (at most HASH_CONCURRENCY)").set_function(lambda: GATE.running)

    def get_dependency(self, worker_ctx):
        return GATE


def _scrypt(password, salt, n, r, p, dklen):
    """hashlib.scrypt off the hub, at most GATE.limit at once: the calling greenthread waits,
    the others run."""
    return GATE.run(tpool.execute, _scrypt_or_none, password, salt, n, r, p, dklen)


def _scrypt_or_none(password, salt, n, r, p, dklen):
    # None for parameters scrypt refuses: an error raised through tpool is printed with its
    # traceback, and a damaged stored hash is an expected case, not an incident
    try:
        return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=dklen)
    except ValueError:
        return None


def hash_password(password):
    salt = os.urandom(16)
    digest = _scrypt(password.encode(), salt, N, R, P, 32)
    return "scrypt${}${}${}${}${}".format(
        N, R, P, base64.b64encode(salt).decode(), base64.b64encode(digest).decode()
    )


def verify_password(password, stored):
    """True if `password` matches; a damaged stored hash never matches (and never raises)."""
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt" or not (1 < int(n) <= 2**20 and 0 < int(r) <= 32 and 0 < int(p) <= 16):
            return False
        expected = base64.b64decode(digest, validate=True)
        actual = _scrypt(password.encode(), base64.b64decode(salt, validate=True),
                         int(n), int(r), int(p), len(expected))
    except ValueError:  # binascii.Error is a ValueError too
        return False
    return actual is not None and hmac.compare_digest(actual, expected)


@functools.lru_cache(maxsize=1)
def dummy_hash():
    """A hash of a random password with today's parameters, computed once per process."""
    return hash_password(base64.b64encode(os.urandom(24)).decode())


def check_login(password, stored):
    """`verify_password` against the account's hash, or against the dummy hash when there is
    no usable account (stored None): an unknown or disabled username costs the same scrypt
    work as a wrong password, so the answer's timing does not tell which accounts exist."""
    if stored is None:
        verify_password(password, dummy_hash())
        return False
    return verify_password(password, stored)
