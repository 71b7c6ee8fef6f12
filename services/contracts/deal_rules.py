"""认购 rules, pure (no I/O): the lowest price a subscription may take, the deposit, the bank
loan of each payment method, and the buyers' shares.

Price floor (成交价下限), from what inventory decides on the hold:
- the hold carries an approved special price (特价, a discount a manager or director
  approved, or one within the advisor range recorded at once): price ≥ that price;
- otherwise the advisor's own discount range applies, and never below 底价:
  price ≥ max(表价 × (100 − advisor_discount_pct) / 100, 底价), compared exactly as inventory
  does (no rounding of the range edge). With no range (0 %) that is the list price: any
  discount goes through a discount request on the hold first.

Loans: commercial mortgage (商贷), provident fund (公积金) and combined (组合贷) need the
bank's amount, and the buyer pays at least the minimum down payment (首付) of the method:
loan ≤ price − price × min_down_pct / 100. Full payment and instalments take no loan.
"""
from decimal import ROUND_CEILING, Decimal
from typing import NamedTuple

from loupan.errors import RuleViolated

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
LOAN_METHODS = ("commercial_mortgage", "provident_fund", "combined")
# 首付 minimums (percent of the price); combined takes the stricter of its two parts
MIN_DOWN_PCT = {"commercial_mortgage": Decimal(15), "provident_fund": Decimal(20), "combined": Decimal(20)}


def price_floor(list_price, base_price, special_price=None, advisor_discount_pct=Decimal(0)):
    """(floor, why): the lowest agreed price the subscription may take."""
    if special_price is not None:
        return special_price, "the hold's approved special price"
    in_range = list_price * (HUNDRED - advisor_discount_pct) / HUNDRED
    if base_price > in_range:
        return base_price, "底价"
    return in_range.quantize(CENT, rounding=ROUND_CEILING), "the advisor discount range"


def check_price(price, list_price, base_price, special_price=None, advisor_discount_pct=Decimal(0)):
    floor, why = price_floor(list_price, base_price, special_price, advisor_discount_pct)
    if price < floor:
        raise RuleViolated(f"price {price} is below {why} ({floor}); ask for a discount on the hold first",
                           "PRICE_BELOW_FLOOR")
    return floor


def max_loan(price, payment_method):
    """The largest bank loan the method allows on `price`, or None when it takes no loan."""
    if payment_method not in LOAN_METHODS:
        return None
    down = (price * MIN_DOWN_PCT[payment_method] / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)
    return price - down


def check_terms(price, deposit, payment_method, loan_amount=None):
    """定金 and loan of a subscription; RuleViolated (422) with the rule's code."""
    if price <= 0:
        raise RuleViolated("price must be greater than 0", "PRICE_INVALID")
    if not 0 < deposit < price:
        raise RuleViolated(f"deposit {deposit} must be greater than 0 and less than the price {price}",
                           "DEPOSIT_OUT_OF_RANGE")
    limit = max_loan(price, payment_method)
    if limit is None:
        if loan_amount is not None:
            raise RuleViolated(f"{payment_method} takes no bank loan", "LOAN_NOT_ALLOWED")
        return
    if loan_amount is None or loan_amount <= 0:
        raise RuleViolated(f"{payment_method} needs the loan amount", "LOAN_REQUIRED")
    if loan_amount > limit:
        raise RuleViolated(f"loan {loan_amount} leaves less than the minimum down payment of "
                           f"{MIN_DOWN_PCT[payment_method]}% (at most {limit})", "LOAN_TOO_HIGH")


def buyer_shares(co_buyer_shares):
    """The main buyer's share (percent) once the co-buyers took theirs; all must be > 0."""
    rest = HUNDRED - sum(co_buyer_shares, Decimal(0))
    if any(s <= 0 for s in co_buyer_shares) or rest <= 0:
        raise RuleViolated("co-buyers' shares must be positive and leave the main buyer a share "
                           "(all sum to 100)", "BUYER_SHARES_INVALID")
    return rest


# the deal's status machine --------------------------------------------------------------
class DealMove(NamedTuple):
    sources: tuple  # the statuses the conditional UPDATE expects (status IN sources)
    target: str | None  # the status it writes; None: the status stays (a step on the deal)
    code: str  # the 409 when the deal is not (or no longer) in a source status


# A deal is born `pending` (the 认购's insert, with its history row). MOVES is the one table of
# its moves: every conditional update of a deal in this service takes its expected and new
# status from `deal_move()` (subscriptions.move_deal performs it and writes the history row),
# so a move the table does not have fails where it is written. The moves with no target
# change other columns of the deal on its expected status (网签 serialises with a 退房 so).
LIVE = ("pending", "submitted", "subscribed", "signed", "filed", "handed_over")  # carries a unit
OVER = ("rejected", "cancelled", "failed")
MOVES = {
    "fail": DealMove(("pending",), "failed", "DEAL_NOT_PENDING"),  # inventory refused the hold
    "submit": DealMove(("pending",), "submitted", "DEAL_NOT_PENDING"),  # inventory took the unit
    "approve": DealMove(("submitted",), "subscribed", "DEAL_NOT_SUBMITTED"),  # 认购 审核 passed
    "reject": DealMove(("submitted",), "rejected", "DEAL_NOT_SUBMITTED"),  # 认购 审核 failed
    "sign": DealMove(("subscribed",), "signed", "DEAL_NOT_SUBSCRIBED"),  # 合同 审核 passed
    "online_sign": DealMove(("signed",), None, "DEAL_NOT_SIGNED"),  # 网签
    "file": DealMove(("signed",), "filed", "DEAL_NOT_SIGNED"),  # 备案
    "hand_over": DealMove(("filed",), "handed_over", "DEAL_CHANGED"),  # 交房
    "rename": DealMove(("subscribed", "signed"), None, "DEAL_CHANGED"),  # 更名 applied
    # 换房 applied: the unit moved in inventory whatever the deal's step since (签约/备案
    # events follow the deal), so only a deal that is over is refused
    "swap": DealMove(LIVE, None, "DEAL_CHANGED"),
    "cancel": DealMove(("subscribed", "signed", "filed"), "cancelled", "DEAL_CHANGED"),  # 退房 applied
}

def deal_move(name):
    """The DealMove `name` of the table; ValueError for one it has not (a coding error)."""
    try:
        return MOVES[name]
    except KeyError:
        raise ValueError(f"a deal has no move {name!r}") from None


def can_move(from_status, to_status):
    """True if some move of the table takes a deal from `from_status` to `to_status` (equal
    for the moves that keep the status)."""
    return any(from_status in m.sources and (m.target or from_status) == to_status for m in MOVES.values())
