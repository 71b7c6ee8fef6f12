"""Rules of a deal's changes (更名/换房/退房), its mortgage steps (按揭报件), its handover
(交房) and its title certificate (房产证). Pure: no I/O."""
from decimal import Decimal

from loupan.errors import Conflict, RuleViolated

# the deal statuses from which each change may be asked and applied
ALLOWED_FROM = {
    "rename": ("subscribed", "signed"),
    "swap": ("subscribed", "signed"),
    "cancel": ("subscribed", "signed", "filed"),
}
# after 备案 the buyers and the unit are registered with the housing authority: changing
# them means undoing the filing there first, which is not a sales-office change
NEEDS_AUTHORITY = {"rename": "filed", "swap": "filed"}
KIND_NAMES = {"rename": "更名", "swap": "换房", "cancel": "退房"}

MAX_BUYERS = 4
FULL_SHARE = Decimal("100.00")

MORTGAGE_PAYMENT_METHODS = ("commercial_mortgage", "provident_fund", "combined")
# a bank case follows the signed contract (按揭 per contract), and may finish after 交房
MORTGAGE_DEAL_STATUSES = ("signed", "filed", "handed_over")
HANDOVER_FROM = "filed"


def check_change_allowed(kind, deal_status):
    """Raise unless a `kind` change may touch a deal in `deal_status`."""
    if deal_status in ALLOWED_FROM[kind]:
        return
    name = KIND_NAMES[kind]
    if NEEDS_AUTHORITY.get(kind) == deal_status:
        raise RuleViolated(f"{name} after 备案 needs the filing undone at the housing authority first",
                           "DEAL_FILED")
    allowed = ", ".join(ALLOWED_FROM[kind])
    raise Conflict(f"{name} is possible only for a deal {allowed}; this one is {deal_status}", "DEAL_STATE")


def check_buyers(buyers):
    """更名: one to four buyers, each with a positive share, the shares summing to exactly
    100, no phone twice."""
    if not 1 <= len(buyers) <= MAX_BUYERS:
        raise RuleViolated(f"a deal has 1 to {MAX_BUYERS} buyers, not {len(buyers)}", "BUYER_COUNT")
    if any(b["share"] <= 0 for b in buyers):
        raise RuleViolated("every buyer's share must be above 0", "BUYER_SHARES")
    total = sum((b["share"] for b in buyers), Decimal("0"))
    if total != FULL_SHARE:
        raise RuleViolated(f"the buyers' shares sum to {total}, not 100", "BUYER_SHARES")
    phones = [b["phone"] for b in buyers]
    if len(set(phones)) != len(phones):
        raise RuleViolated("two buyers have the same phone", "BUYER_DUPLICATE")


def swap_price(deal_price, price_difference, explicit_price=None):
    """换房: the deal's new agreed price. By default the old agreed price moves by the list
    price difference of the two units (the discount stays); a manager may approve an
    explicit price instead."""
    price = explicit_price if explicit_price is not None else deal_price + price_difference
    if price <= 0:
        raise RuleViolated(f"the new price {price} must be above 0", "SWAP_PRICE")
    return price


def next_step(steps, current, to, what):
    """The step after `current` in `steps` must be `to`; 422 `<WHAT>_STEP` otherwise."""
    index = steps.index(current) if current in steps else -1
    if index + 1 >= len(steps) or steps[index + 1] != to:
        expected = steps[index + 1] if index + 1 < len(steps) else "nothing (finished)"
        raise RuleViolated(f"{what} is at {current or 'not started'}; the next step is {expected}, not {to}",
                           f"{what.upper()}_STEP")
    return to


def check_mortgage_allowed(payment_method, deal_status):
    if payment_method not in MORTGAGE_PAYMENT_METHODS:
        raise RuleViolated(f"the deal is paid by {payment_method}, not by a bank loan", "NOT_MORTGAGE")
    if deal_status not in MORTGAGE_DEAL_STATUSES:
        raise Conflict(f"a mortgage case needs a signed contract; the deal is {deal_status}", "DEAL_STATE")


def check_handover_allowed(deal_status):
    """交房 from 备案 only: the housing authority's filing precedes the handover of the keys
    (and inventory moves a unit to delivered only from filed)."""
    if deal_status == HANDOVER_FROM:
        return
    if deal_status in ("subscribed", "signed"):
        raise RuleViolated(f"交房 needs the contract filed (备案); the deal is {deal_status}", "DEAL_NOT_FILED")
    raise Conflict(f"交房 is possible only for a filed deal; this one is {deal_status}", "DEAL_STATE")
