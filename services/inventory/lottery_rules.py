"""摇号 (lottery) rules, pure and standard library only, so that anyone can run them: the
published list's digest, the seed's commitment and the order drawn from both. docs/launch.md
describes the same algorithm in words for an outsider to reimplement; lottery_verify.py is
the command that recomputes a draw from the published files.

- list_text: "loupan-lottery-list/1\\n", then one line per entry in the published order,
  "entry|<认筹 number>|<group or empty>|<masked name>|<masked ID>\\n", then one line per
  priority quota in priority order, "quota|<group>|<count>\\n"; list_digest = SHA-256 of its
  UTF-8 bytes, in lowercase hex.
- commitment = SHA-256(UTF-8 seed), lowercase hex, published with the list before the draw.
- key(number) = SHA-256(UTF-8 "<seed>|<public value or empty>|<list_digest>|<number>"), hex.
- The order: for each quota in order, the entries of its group still undrawn, sorted by key
  (then number), the first <count> of them (round = the group); then every entry left,
  sorted by key (then number) (round = "general"). Positions count from 1.
"""
import hashlib
import re

LIST_FORMAT = "loupan-lottery-list/1"
RESULT_FORMAT = "loupan-lottery-result/1"
GENERAL = "general"
# a seed is printable ASCII without "|" (the key's separator), long enough that nobody finds
# it from its published commitment before the draw
SEED = re.compile(r"^[!-{}~]{16,200}$")
TEXT = re.compile(r"^[^|\x00-\x1f\x7f]*$")  # a field of the list's lines: no separator, no control


def sha256_hex(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def commitment(seed):
    """SHA-256 of the seed: what is published before the draw."""
    return sha256_hex(seed)


def seed_problem(seed):
    """Why `seed` cannot be a lottery seed, or None."""
    if not isinstance(seed, str) or not SEED.match(seed):
        return "a seed is 16 to 200 printable ASCII characters, spaces and | excepted"
    return None


def text_problem(value, what):
    if not isinstance(value, str) or not TEXT.match(value):
        return f"{what} must not contain | or control characters"
    return None


def list_text(entries, quotas):
    """The text the list digest is taken of: entries are dicts with number, group (or None),
    name and id_number (both masked), in the published order; quotas are dicts with group and
    quota, in priority order."""
    lines = [LIST_FORMAT]
    for e in entries:
        fields = [e["number"], e.get("group") or "", e["name"], e["id_number"]]
        for field in fields:
            problem = text_problem(field, "a list field")
            if problem:
                raise ValueError(f"{problem}: {field!r}")
        lines.append("entry|" + "|".join(fields))
    for q in quotas:
        if text_problem(q["group"], "a group") or not q["group"]:
            raise ValueError(f"bad group name {q['group']!r}")
        lines.append(f"quota|{q['group']}|{int(q['quota'])}")
    return "\n".join(lines) + "\n"


def list_digest(entries, quotas):
    return sha256_hex(list_text(entries, quotas))


def key(seed, public_value, digest, number):
    return sha256_hex(f"{seed}|{public_value or ''}|{digest}|{number}")


def draw(entries, quotas, seed, public_value=None):
    """The order of `entries` drawn with `seed` (and the public value): a list of dicts with
    position, number, round and key. Deterministic: the same list, quotas, seed and public
    value give the same order, anywhere."""
    problem = seed_problem(seed) or (public_value and text_problem(public_value, "the public value"))
    if problem:
        raise ValueError(problem)
    numbers = [e["number"] for e in entries]
    if len(set(numbers)) != len(numbers):
        raise ValueError("a 认筹 number appears twice in the list")
    digest = list_digest(entries, quotas)
    keys = {e["number"]: key(seed, public_value, digest, e["number"]) for e in entries}

    def by_key(e):
        return keys[e["number"]], e["number"]

    left = list(entries)
    order = []
    for q in quotas:
        members = sorted((e for e in left if e.get("group") == q["group"]), key=by_key)
        chosen = members[:max(int(q["quota"]), 0)]
        taken = {e["number"] for e in chosen}
        order += [(e, q["group"]) for e in chosen]
        left = [e for e in left if e["number"] not in taken]
    order += [(e, GENERAL) for e in sorted(left, key=by_key)]
    return [{"position": i, "number": e["number"], "round": rnd, "key": keys[e["number"]]}
            for i, (e, rnd) in enumerate(order, start=1)]


def result_digest(order):
    """SHA-256 of the drawn order: "loupan-lottery-result/1\\n" then
    "<position>|<number>|<round>\\n" per place."""
    return sha256_hex(RESULT_FORMAT + "\n" + "".join(f"{o['position']}|{o['number']}|{o['round']}\n"
                                                      for o in order))


def first_difference(mine, theirs):
    """The first position (1-based) where two orders differ, or None when they are equal."""
    for i, (a, b) in enumerate(zip(mine, theirs), start=1):
        if (a["number"], a["round"]) != (b["number"], b["round"]):
            return i
    if len(mine) != len(theirs):
        return min(len(mine), len(theirs)) + 1
    return None
