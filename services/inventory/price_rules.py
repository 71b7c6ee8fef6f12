"""价目表 and 折扣 maths, pure: bulk price adjustment (调价), price history steps and discounts.
No I/O here.

Adjustment (调价), for each unit its selector picks, in the order given:
    percent  = value (method "percent") + floor_coefficient × (floor − floor_base)
    addition = value × gross area (method "per_m2"), else 0
    new      = (old + addition) × (1 + percent / 100)
A floor below floor_base gets the coefficient the other way (a lower floor is cheaper);
floor_base defaults to 1. Rounding: every adjustment's result is rounded to the cent,
ROUND_HALF_UP, and the next adjustment starts from that rounded total, so the sequence
composes on the prices a buyer would see. Per-m² prices (单价) are total ÷ gross area,
rounded the same way. Discount percentages are (list − price) ÷ list × 100, to 0.01 %; a
discount asked as a percentage gives a price rounded up to the cent, so it never exceeds
the percentage asked.
"""
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
DEFAULT_FLOOR_BASE = 1


class EmptySelection(ValueError):
    """An adjustment whose selector picks no unit on sale."""

    def __init__(self, index):
        super().__init__(f"adjustment {index + 1} selects no unit on sale")
        self.index = index


def cents(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def unit_price(total, gross_area):
    """单价: total price per m² of gross area."""
    return cents(total / gross_area)


def selects(selector, unit):
    """Whether `selector` (building_id, floor_from, floor_to, layouts, unit_ids; all optional,
    all must hold) picks `unit`. An empty selector picks every unit."""
    if selector.get("building_id") is not None and unit.building_id != selector["building_id"]:
        return False
    if selector.get("floor_from") is not None and unit.floor < selector["floor_from"]:
        return False
    if selector.get("floor_to") is not None and unit.floor > selector["floor_to"]:
        return False
    if selector.get("layouts") and unit.layout not in selector["layouts"]:
        return False
    if selector.get("unit_ids") and unit.id not in selector["unit_ids"]:
        return False
    return True


def adjusted_price(price, gross_area, floor, adjustment):
    """One adjustment applied to one unit's total `price` (see the module docstring)."""
    value = adjustment["value"]
    percent = value if adjustment["method"] == "percent" else Decimal(0)
    addition = value * gross_area if adjustment["method"] == "per_m2" else Decimal(0)
    coefficient = adjustment.get("floor_coefficient")
    if coefficient is not None:
        base = adjustment.get("floor_base")
        percent += coefficient * (floor - (DEFAULT_FLOOR_BASE if base is None else base))
    return cents((price + addition) * (1 + percent / HUNDRED))


def reprice(units, adjustments):
    """New totals {unit id: price} for `units` (each with id, building_id, floor, layout,
    gross_area, list_price) after `adjustments` in order. Raises EmptySelection when an
    adjustment picks none of them."""
    prices = {u.id: u.list_price for u in units}
    for index, adjustment in enumerate(adjustments):
        chosen = [u for u in units if selects(adjustment["selector"], u)]
        if not chosen:
            raise EmptySelection(index)
        for u in chosen:
            prices[u.id] = adjusted_price(prices[u.id], u.gross_area, u.floor, adjustment)
    return prices


def change(old, new):
    """Direction and size (调价幅度) of a move from `old` to `new`."""
    amount = new - old
    direction = "up" if amount > 0 else "down" if amount < 0 else "flat"
    percent = cents(amount / old * HUNDRED) if old else Decimal(0)
    return {"direction": direction, "amount": amount, "percent": percent}


def steps(moves):
    """调价步骤/调价周期: `moves` are (published_at, old, new) in publishing order; each gets its
    step number, direction and size, and the days since the previous move (None for the first)."""
    out, previous_at = [], None
    for n, (at, old, new) in enumerate(moves, start=1):
        period = None if previous_at is None else (at - previous_at).days
        out.append({"step": n, "published_at": at, "old": old, "new": new, "period_days": period,
                    **change(old, new)})
        previous_at = at
    return out


def discount_terms(list_price, price=None, discount_pct=None):
    """(agreed total, discount %) from either the agreed total or the discount percentage."""
    if price is None:
        price = (list_price * (HUNDRED - discount_pct) / HUNDRED).quantize(CENT, rounding=ROUND_CEILING)
    return price, cents((list_price - price) / list_price * HUNDRED)


def within_range(list_price, price, range_pct):
    """Whether `price` is no deeper than `range_pct` below `list_price`, compared exactly
    (not on the rounded percentage), so the edge of the range is inside it."""
    return price * HUNDRED >= list_price * (HUNDRED - range_pct)
