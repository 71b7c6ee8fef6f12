"""Recompute a 摇号 from its published files (docs/launch.md):

    python -m services.inventory.lottery_verify published.json --seed <seed> \\
        [--public-value <value>] [--result result.json]

published.json is the list as published before the draw (GET /api/launches/<id>/lottery/
published); result.json the drawn result (GET .../lottery/result), whose seed and public
value are used when --seed is not given. Prints the checks and the order; exit status 0 when
every check passes (the list's digest, the seed against its commitment, and with --result
the order it publishes), 1 when one fails, 2 when a file cannot be read. Standard library
only (and lottery_rules.py, pure)."""
import argparse
import json
import sys

from services.inventory import lottery_rules as rules


def verify(published, seed, public_value=None, result=None, out=print):
    """The checks of the command, printed with `out`; True when all pass."""
    ok = True
    digest = rules.list_digest(published["entries"], published.get("quotas") or [])
    same = digest == published.get("list_digest")
    ok &= same
    out(f"list digest    {digest}  {'OK' if same else 'DIFFERS from the published ' + str(published.get('list_digest'))}")
    committed = rules.commitment(seed)
    same = committed == published.get("seed_commitment")
    ok &= same
    out(f"seed commitment {committed}  {'OK' if same else 'DIFFERS from the published ' + str(published.get('seed_commitment'))}")
    try:
        order = rules.draw(published["entries"], published.get("quotas") or [], seed, public_value)
    except ValueError as exc:
        out(f"cannot draw: {exc}")
        return False
    out(f"order of {len(order)} ({'public value ' + repr(public_value) if public_value else 'no public value'}):")
    for o in order:
        out(f"{o['position']:>6}  {o['number']}  {o['round']}")
    out(f"result digest  {rules.result_digest(order)}")
    if result is not None:
        at = rules.first_difference(order, result.get("order") or [])
        if at is None and result.get("list_digest", digest) == digest:
            out("MATCH: the published result is this order")
        else:
            ok = False
            out(f"MISMATCH: the published result differs at position {at}" if at
                else "MISMATCH: the result was drawn from another list")
    out("verified" if ok else "NOT verified")
    return ok


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m services.inventory.lottery_verify",
                                     description="Recompute a 摇号 from the published list and the revealed seed.")
    parser.add_argument("published", help="the published list (JSON)")
    parser.add_argument("--seed", help="the revealed seed (default: the result file's)")
    parser.add_argument("--public-value", default=None, help="the public value mixed in (default: the result file's)")
    parser.add_argument("--result", help="the published result (JSON), to compare the order with")
    args = parser.parse_args(argv)
    try:
        with open(args.published, encoding="utf-8") as f:
            published = json.load(f)
        result = None
        if args.result:
            with open(args.result, encoding="utf-8") as f:
                result = json.load(f)
    except (OSError, ValueError) as exc:
        print(f"cannot read: {exc}", file=sys.stderr)
        return 2
    seed = args.seed if args.seed is not None else (result or {}).get("seed")
    public_value = args.public_value if args.public_value is not None else (result or {}).get("public_value")
    if not seed:
        print("give --seed, or --result with the drawn result", file=sys.stderr)
        return 2
    return 0 if verify(published, seed, public_value, result) else 1


if __name__ == "__main__":
    sys.exit(main())
