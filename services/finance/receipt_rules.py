"""收款 allocation rules: how a receipt's money is applied to a deal's schedule lines. Pure.

- A receipt fills the open lines in due order (due date, then line order), each up to what
  remains on it; a receipt aimed at one line (`line_id`) fills that line first and the rest
  goes on in due order.
- A receipt larger than what remains due on the whole deal is refused (over-payment): the
  money on a deal never exceeds its price.
- A void or refund takes back exactly the receipt's own allocations.
- When a schedule is regenerated (换房 price change, 签约 terms), the valid receipts are
  placed again, oldest first, on the new lines; what no longer fits (a price cut below what
  was collected) is left unplaced: a credit the buyer must be refunded.
"""
from dataclasses import dataclass
from decimal import Decimal

ZERO = Decimal("0.00")


class Overpayment(ValueError):
    def __init__(self, amount, due):
        super().__init__(f"{amount} is more than the {due} still due")
        self.amount, self.due = amount, due


class LineNotOpen(ValueError):
    pass


@dataclass(frozen=True)
class OpenLine:
    id: int
    due_on: object  # date
    seq: int
    remaining: Decimal  # amount − paid


def remaining_due(lines):
    return sum((line.remaining for line in lines), ZERO)


def _order(lines, first=None):
    ordered = sorted(lines, key=lambda line: (line.due_on, line.seq, line.id))
    if first is None:
        return ordered
    target = [line for line in ordered if line.id == first and line.remaining > 0]
    if not target:
        raise LineNotOpen(f"line {first} is not an open line of this deal")
    return target + [line for line in ordered if line.id != first]


def place(lines, amount, first=None):
    """([(line_id, part)], left over): `amount` spread over `lines` as the module says."""
    parts, left = [], amount
    for line in _order(lines, first):
        if left <= 0:
            break
        part = min(line.remaining, left)
        if part > 0:
            parts.append((line.id, part))
            left -= part
    return parts, left


def allocate(lines, amount, first=None):
    """A new receipt's allocation [(line_id, part)]; Overpayment if it does not fit."""
    if amount <= 0:
        raise ValueError("a receipt's amount must be positive")
    due = remaining_due(lines)
    if amount > due:
        raise Overpayment(amount, due)
    parts, _ = place(lines, amount, first)
    return parts


def after(lines, parts, sign=1):
    """The lines once `parts` are applied (sign=1) or taken back (sign=-1)."""
    change = {}
    for line_id, part in parts:
        change[line_id] = change.get(line_id, ZERO) + part
    return [OpenLine(line.id, line.due_on, line.seq, line.remaining - sign * change.get(line.id, ZERO))
            for line in lines]


def replace_all(lines, receipts):
    """Place every (receipt_id, amount) again, in the order given, over fresh `lines`:
    ({receipt_id: [(line_id, part)]}, unplaced total)."""
    result, unplaced = {}, ZERO
    for receipt_id, amount in receipts:
        parts, left = place(lines, amount)
        lines = after(lines, parts)
        result[receipt_id] = parts
        unplaced += left
    return result, unplaced
