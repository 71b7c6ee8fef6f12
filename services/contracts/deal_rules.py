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
