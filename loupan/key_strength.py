"""Whether a configured key looks random, from its bytes alone (issue 30: 36 x "a" started the
gateway). A floor, not a proof: a passphrase of words passes. Every key the project makes
passes (`secrets.token_urlsafe(48)`: scripts/run.sh, the test system), and so do
token_urlsafe(32) and hex keys of 16 or 32 random bytes; a hex key has 16 symbols only, so
"at least 16 distinct bytes" would refuse a quarter of token_hex(32), hence the lower floor
and the entropy estimate below (token_hex(16) never measured under 90 bits, token_urlsafe(32)
never under 150)."""
import math
from collections import Counter

MIN_KEY_BYTES = 32
MIN_DISTINCT_BYTES = 8
MIN_ESTIMATED_BITS = 80


def estimated_bits(key):
    """The key's length times the Shannon entropy of its byte frequencies."""
    counts, n = Counter(key), len(key)
    return -sum(c * math.log2(c / n) for c in counts.values()) if n else 0.0


def repeated_part(key):
    """The shortest part that, repeated, makes the whole key (None if there is none)."""
    for size in range(1, len(key) // 2 + 1):
        if len(key) % size == 0 and key[:size] * (len(key) // size) == key:
            return key[:size]
    return None


def weakness(secret, name):
    """Why the key `secret` (named `name` in the message) is too weak to sign with, or None:
    shorter than 32 bytes, one part repeated, fewer than 8 distinct bytes, or under 80 bits
    by its byte frequencies."""
    key = str(secret).encode()
    if len(key) < MIN_KEY_BYTES:
        return (f"{name} is {len(key)} bytes: a key shorter than {MIN_KEY_BYTES} bytes can be "
                "guessed offline from anything it signed")
    part = repeated_part(key)
    if part is not None:
        return (f"{name} is one {len(part)}-byte part repeated {len(key) // len(part)} times: "
                "a key must be random, not only long")
    distinct = len(set(key))
    if distinct < MIN_DISTINCT_BYTES:
        return (f"{name} has {distinct} distinct bytes (at least {MIN_DISTINCT_BYTES}): a key must be "
                "random, not only long")
    bits = estimated_bits(key)
    if bits < MIN_ESTIMATED_BITS:
        return (f"{name} has about {bits:.0f} bits of entropy by its byte frequencies (at least "
                f"{MIN_ESTIMATED_BITS}): a key must be random, not only long")
    return None
