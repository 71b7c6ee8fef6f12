"""Password hashing with scrypt (stdlib): memory-hard, salted, parameters kept in the hash
so they can be raised later without invalidating old hashes."""
import base64
import functools
import hashlib
import hmac
import os

N, R, P = 2**14, 8, 1


def hash_password(password):
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)
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
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt, validate=True),
                                n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except ValueError:  # binascii.Error is a ValueError too
        return False
    return hmac.compare_digest(actual, expected)


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
