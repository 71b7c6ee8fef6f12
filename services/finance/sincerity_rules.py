"""诚意金 (a 认筹's refundable sincerity deposit) rules. Pure.

- The 诚意金 is the launch's amount, to the cent: a receipt of another amount is refused
  (the buyer pays the launch's figure, not a part of it); a launch asking none takes none.
- A registration has at most one live 诚意金 receipt (valid or converted); once refunded it
  may be paid again (the buyer came back before the list closed).
- A refund is by a second person (never the one who took the money, 双人复核), of a valid
  receipt only: once refunded it is not refunded again, once converted into a deal's 定金
  it is the deal's money and leaves by the deal's own refund (退房), never as 诚意金.
- Conversion: a valid receipt becomes the 定金 of the deal made from its registration, once;
  the same deal announced again changes nothing; a refunded one has nothing to convert.
- 诚意金 is not house price (escrow_rules): it is never subject to 预售资金监管. Once
  converted it is 定金, which escrow treats as the deposit line.
"""
from decimal import Decimal

ZERO = Decimal("0.00")
LIVE = ("valid", "converted")


class Refused(ValueError):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def check_amount(amount, due):
    """None if `amount` is the 诚意金 `due`; Refused otherwise (both Decimal cents)."""
    if due <= ZERO:
        raise Refused("NO_SINCERITY_DUE", "this launch asks no 诚意金")
    if amount != due:
        raise Refused("SINCERITY_AMOUNT_MISMATCH", f"the launch's 诚意金 is {due}, not {amount}")


def check_take(statuses):
    """A new receipt for a registration whose receipts have these statuses."""
    if any(s in LIVE for s in statuses):
        raise Refused("SINCERITY_ALREADY_PAID", "this registration's 诚意金 is paid already")


def check_refund(status, recorded_by, actor_id):
    """The refund of a receipt in `status`, recorded by `recorded_by`, by `actor_id`."""
    if recorded_by is not None and recorded_by == actor_id:
        raise Refused("SAME_PERSON", "双人复核: the person who took the 诚意金 may not refund it")
    if status == "refunded":
        raise Refused("SINCERITY_REFUNDED", "this 诚意金 is refunded already")
    if status == "converted":
        raise Refused("SINCERITY_CONVERTED", "this 诚意金 is part of a deal's 定金: refund the deal's receipt")
    if status != "valid":
        raise Refused("SINCERITY_NOT_VALID", f"this 诚意金 is {status}")


def conversion(status, converted_deal_id, deal_id):
    """What converting a receipt into `deal_id` does: "convert", "done" (already converted
    into this deal) or "nothing" (refunded; or another deal's, which is a conflict)."""
    if status == "valid":
        return "convert"
    if status == "converted" and converted_deal_id == deal_id:
        return "done"
    if status == "converted":
        raise Refused("SINCERITY_CONVERTED", f"this 诚意金 is the 定金 of deal {converted_deal_id} already")
    return "nothing"


def standing(due, statuses):
    """A registration's 诚意金 as finance's list shows it: paid (a valid receipt), converted,
    refunded (its last receipt refunded, none live), outstanding (owed, none taken) or
    none (nothing asked)."""
    if "converted" in statuses:
        return "converted"
    if "valid" in statuses:
        return "paid"
    if "refunded" in statuses:
        return "refunded"
    return "outstanding" if due > ZERO else "none"


def totals(rows):
    """{standing: (count, amount)} over [(standing, amount)]: amount is what was taken for
    paid, converted and refunded, what is owed for outstanding."""
    out = {}
    for kind, amount in rows:
        count, total = out.get(kind, (0, ZERO))
        out[kind] = (count + 1, total + amount)
    return out
