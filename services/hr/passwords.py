"""Password hashing with scrypt (stdlib): memory-hard, salted, parameters kept in the hash
so they can be raised later without invalidating old hashes.

One hash is ~44 ms of C. Run on eventlet's hub it would stop every other worker of the
process for that long (a login wave stalls hr's RPCs, health checks and broker heartbeats),
so it runs in one of eventlet's OS threads (`tpool`); hashlib releases the GIL meanwhile."""
import base64
import functools
import hashlib
import hmac
import os

from eventlet import tpool

N, R, P = 2**14, 8, 1


def _scrypt(password, salt, n, r, p, dklen):
    """hashlib.scrypt off the hub: the calling greenthread waits, the others run."""
    return tpool.execute(_scrypt_or_none, password, salt, n, r, p, dklen)


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
