"""摇号: determinism, sensitivity to the list and the seed, priority quotas, and the
verification command's round trip (as a subprocess, as an outsider runs it)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from services.inventory import lottery_rules as rules
from services.inventory.lottery_verify import verify

ROOT = Path(__file__).resolve().parents[3]
SEED = "notary-2026-12-10-7f3a9c"


def entries(n, groups=None):
    groups = groups or {}
    return [{"number": f"RC-{i:04d}", "group": groups.get(i), "name": "张*", "id_number": "110***********1234"}
            for i in range(1, n + 1)]


def numbers(order):
    return [o["number"] for o in order]


def test_the_same_list_and_seed_give_the_same_order():
    a = rules.draw(entries(50), [], SEED, "3D-2026331-527")
    b = rules.draw(entries(50), [], SEED, "3D-2026331-527")
    assert a == b
    assert sorted(numbers(a)) == numbers(entries(50)) and numbers(a) != numbers(entries(50))
    assert [o["position"] for o in a] == list(range(1, 51))


def test_the_order_does_not_depend_on_the_order_of_the_input_beyond_the_digest():
    # the keys are of the digest; the same list published in the same order is the same draw
    listed = entries(20)
    assert rules.draw(listed, [], SEED) == rules.draw([dict(e) for e in listed], [], SEED)


@pytest.mark.parametrize("change", [
    lambda es: es[0].update(name="李*"),
    lambda es: es[7].update(id_number="110***********9999"),
    lambda es: es.pop(),
    lambda es: es[3].update(group="刚需"),
])
def test_changing_one_list_entry_changes_the_order(change):
    base = entries(30)
    changed = entries(30)
    change(changed)
    before, after = rules.draw(base, [], SEED), rules.draw(changed, [], SEED)
    assert rules.list_digest(base, []) != rules.list_digest(changed, [])
    common = set(numbers(after))
    assert [n for n in numbers(before) if n in common] != numbers(after)


def test_changing_the_seed_or_the_public_value_changes_the_order():
    base = numbers(rules.draw(entries(30), [], SEED))
    assert numbers(rules.draw(entries(30), [], SEED + "x")) != base
    assert numbers(rules.draw(entries(30), [], SEED, "527")) != base
    assert numbers(rules.draw(entries(30), [], SEED, "528")) != numbers(rules.draw(entries(30), [], SEED, "527"))


def test_priority_groups_are_drawn_first_by_their_quotas():
    groups = {i: "刚需" for i in range(1, 11)} | {i: "本地" for i in range(11, 16)}
    listed = entries(40, groups)
    quotas = [{"group": "刚需", "quota": 4}, {"group": "本地", "quota": 10}]
    order = rules.draw(listed, quotas, SEED)
    assert [o["round"] for o in order[:4]] == ["刚需"] * 4
    assert all(groups.get(int(o["number"][3:])) == "刚需" for o in order[:4])
    assert [o["round"] for o in order[4:9]] == ["本地"] * 5  # only five 本地: the quota is not filled
    assert {o["round"] for o in order[9:]} == {rules.GENERAL}
    # the 刚需 not drawn in their round are in the general round, by the same keys
    assert len([o for o in order[9:] if groups.get(int(o["number"][3:])) == "刚需"]) == 6
    rest = order[9:]
    assert [o["key"] for o in rest] == sorted(o["key"] for o in rest)
    # a quota changes the list's digest, hence every key
    assert rules.list_digest(listed, quotas) != rules.list_digest(listed, [])


def test_the_key_is_the_documented_hash():
    listed = entries(3)
    digest = rules.list_digest(listed, [])
    text = ("loupan-lottery-list/1\n" + "".join(f"entry|RC-000{i}||张*|110***********1234\n" for i in (1, 2, 3)))
    import hashlib
    assert digest == hashlib.sha256(text.encode()).hexdigest()
    order = rules.draw(listed, [], SEED, "527")
    first = order[0]
    assert first["key"] == hashlib.sha256(f"{SEED}|527|{digest}|{first['number']}".encode()).hexdigest()
    assert first["key"] == min(o["key"] for o in order)
    assert rules.commitment(SEED) == hashlib.sha256(SEED.encode()).hexdigest()


@pytest.mark.parametrize("seed", ["short", "has space in it....", "pipe|is|the|separator", "中文种子中文种子中文种子中文种子"])
def test_weak_or_ambiguous_seeds_are_refused(seed):
    assert rules.seed_problem(seed)
    with pytest.raises(ValueError):
        rules.draw(entries(2), [], seed)


def test_a_field_with_the_separator_is_refused():
    with pytest.raises(ValueError):
        rules.list_digest([{"number": "RC-0001", "group": None, "name": "张|", "id_number": "x"}], [])


def published(listed, quotas, seed):
    return {"format": rules.LIST_FORMAT, "entries": listed, "quotas": quotas,
            "list_digest": rules.list_digest(listed, quotas), "seed_commitment": rules.commitment(seed)}


def test_verify_checks_the_digest_the_commitment_and_the_result():
    quotas = [{"group": "刚需", "quota": 2}]
    listed = entries(12, {1: "刚需", 5: "刚需", 9: "刚需"})
    doc = published(listed, quotas, SEED)
    order = rules.draw(listed, quotas, SEED, "527")
    result = {"order": order, "list_digest": doc["list_digest"], "seed": SEED, "public_value": "527"}
    lines = []
    assert verify(doc, SEED, "527", result, out=lines.append)
    assert "MATCH: the published result is this order" in lines
    assert not verify(doc, SEED + "x", "527", result, out=lambda _: None)  # not the committed seed
    assert not verify(doc, SEED, "528", result, out=lambda _: None)  # another public value
    swapped = dict(result, order=[dict(order[1], position=1), dict(order[0], position=2)] + order[2:])
    lines = []
    assert not verify(doc, SEED, "527", swapped, out=lines.append)
    assert "MISMATCH: the published result differs at position 1" in lines
    tampered = dict(doc, entries=[dict(listed[0], name="李*")] + listed[1:])
    assert not verify(tampered, SEED, "527", result, out=lambda _: None)


def test_the_command_round_trip(tmp_path):
    quotas = [{"group": "刚需", "quota": 1}]
    listed = entries(8, {2: "刚需"})
    doc = published(listed, quotas, SEED)
    order = rules.draw(listed, quotas, SEED, "527")
    (tmp_path / "published.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "result.json").write_text(json.dumps({"order": order, "seed": SEED, "public_value": "527"}),
                                          encoding="utf-8")

    def run(*args):
        return subprocess.run([sys.executable, "-m", "services.inventory.lottery_verify",
                               str(tmp_path / "published.json"), *args], cwd=ROOT, capture_output=True,
                              text=True, timeout=60)

    done = run("--seed", SEED, "--public-value", "527", "--result", str(tmp_path / "result.json"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MATCH" in done.stdout and "verified" in done.stdout
    assert "     1  RC-0002  刚需" in done.stdout
    assert run("--result", str(tmp_path / "result.json")).returncode == 0  # the seed from the result
    assert run("--seed", SEED, "--public-value", "528", "--result", str(tmp_path / "result.json")).returncode == 1
    assert run("--seed", SEED + "-wrong").returncode == 1
    assert run().returncode == 2
