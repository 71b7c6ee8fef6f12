"""The password policy (pure rules, no I/O): at least MIN_LENGTH characters, not one of the
common passwords of `common_passwords.txt` (compared without case), not the username (nor
the username with only digits or punctuation around it). Refused with 422 WEAK_PASSWORD,
whoever sets it: an account made by hr, 入职, the first director, a change of password."""
import functools
import re
from pathlib import Path

from loupan.errors import RuleViolated

MIN_LENGTH = 10
LIST = Path(__file__).with_name("common_passwords.txt")


@functools.lru_cache(maxsize=1)
def common_passwords():
    lines = LIST.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def weakness(password, username=None):
    """Why `password` is refused, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password has at least {MIN_LENGTH} characters"
    lowered = password.lower()
    if lowered in common_passwords():
        return "this password is one of the most common ones"
    if username and username.lower() in lowered and len(re.sub(r"[\W\d_]", "", lowered.replace(
            username.lower(), "", 1))) == 0:
        return "a password is not the username"
    return None


def check_password(password, username=None):
    problem = weakness(password, username)
    if problem:
        raise RuleViolated(problem, "WEAK_PASSWORD")
