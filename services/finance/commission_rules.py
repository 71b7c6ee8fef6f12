"""The arithmetic of commissions, pure (no I/O): the developer's agency fee (代理费/结佣) and
the staff's commission (提成). The topic modules read the database into the plain
structures below and write what these functions return.

Rates are percentages (Decimal, "1.2" = 1.2 %); ratios are fractions ("0.8" = 80 %).

Agency fee: a deal's fee = signed price × the rate applying when the statement is drawn,
rounded half-up to the cent, once per deal. The rate is the terms' base rate, replaced by
the tier with the highest `from_ratio` the project's sell-through (去化率: deals signed and
not cancelled by the period end ÷ `total_units`) has reached.

Staff commission: for each signed deal (signed by the month end, not cancelled by it)
- the seller (the deal's advisor) earns by the rule of their entry: per_unit = a fixed
  amount; percent = price × rate; tiered = price × the rate of the tier their signed total
  of the deal's signing month reached, as a ratio of the rule's `monthly_target` (the whole
  deal takes that tier's rate, not only the part above it);
- each account of an entry with an `override_rate` (a supervisor or manager of the site)
  earns price × override_rate on every deal of the project sold by someone else;
- payable only on collected money: each amount above × min(collected, price) ÷ price,
  where collected = receipts received by the month end and not voided/refunded by it;
  so nothing beyond the full commission, and nothing at all for a cancelled deal;
- each (person, deal) amount is summed exactly, then rounded half-up to the cent once.
A statement line is what the rules give now minus what earlier statements already gave;
a cancelled deal's line is therefore minus what was paid (clawback, 回收提成). However
receipts, refunds and cancellations interleave, the lines of all statements add up to the
rules applied to the final state.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from loupan.roles import ADVISOR

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
BILLABLE_CONDITIONS = ("signed", "signed_and_down_payment", "fully_paid")


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount, rate):
    """amount × rate %, exact (round the result where the rules say)."""
    return Decimal(amount) * Decimal(rate) / 100


@dataclass(frozen=True)
class Receipt:
    received_on: date
    amount: Decimal
    ended_on: date | None = None  # voided or refunded on that day

    def counts_on(self, day):
        return self.received_on <= day and (self.ended_on is None or self.ended_on > day)


@dataclass(frozen=True)
class Deal:
    deal_id: int
    advisor_id: int | None
    price: Decimal
    signed_on: date | None = None
    cancelled_on: date | None = None
    receipts: tuple = field(default_factory=tuple)

    def signed_by(self, day):
        """Signed on or before `day` and not cancelled by then."""
        return (self.signed_on is not None and self.signed_on <= day
                and not self.cancelled_by(day))

    def cancelled_by(self, day):
        return self.cancelled_on is not None and self.cancelled_on <= day

    def collected_by(self, day):
        return sum((r.amount for r in self.receipts if r.counts_on(day)), ZERO)


# agency fee (代理费) -------------------------------------------------------------------------
def reached(ratio, signed_units, total_units):
    """Has the sell-through signed_units ÷ total_units reached `ratio`? (exact, no division)"""
    return Decimal(ratio) * total_units <= signed_units


def sell_through(signed_units, total_units):
    """去化率 for display, four decimals."""
    return (Decimal(signed_units) / total_units).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def agency_rate(terms, signed_units):
    """The rate (percent) of the terms at this many signed units."""
    rate = Decimal(terms["base_rate"])
    for tier in sorted(terms.get("tiers") or [], key=lambda t: Decimal(t["from_ratio"])):
        if reached(tier["from_ratio"], signed_units, terms["total_units"]):
            rate = Decimal(tier["rate"])
    return rate


def agency_fee(price, rate):
    return cents(percent_of(price, rate))


def billable(condition, signed, lines):
    """Whether a deal may be billed to the developer. `signed`: signed and not cancelled by
    the period end; `lines`: [(kind, amount, paid by the period end)] of its live schedule.
    signed_and_down_payment: the deposit and down-payment lines are fully paid (a
    full-payment deal has no down payment: its balance line counts instead); fully_paid:
    every line is."""
    if condition not in BILLABLE_CONDITIONS:
        raise ValueError(f"unknown billable condition {condition}")
    if not signed:
        return False
    if condition == "signed":
        return True
    if condition == "signed_and_down_payment":
        kinds = {kind for kind, _, _ in lines}
        needed = {"deposit", "down_payment"} if "down_payment" in kinds else {"deposit", "balance"}
        lines = [line for line in lines if line[0] in needed]
        if not lines:
            return False
    return all(paid >= amount for _, amount, paid in lines)


# staff commission (提成) --------------------------------------------------------------------
def rule_of(rules, account_id):
    """The entry that prices a seller's own deals: the one naming them, else the advisors'
    default entry (role advisor, no account_ids); None if neither has a kind."""
    default = None
    for entry in rules:
        if account_id in (entry.get("account_ids") or ()):
            return entry if entry.get("kind") else None
        if entry["role"] == ADVISOR and not entry.get("account_ids"):
            default = entry
    return default if default and default.get("kind") else None


def tier_rate(entry, month_total):
    rate = ZERO
    target = Decimal(entry["monthly_target"])
    for tier in sorted(entry["tiers"], key=lambda t: Decimal(t["from_ratio"])):
        if Decimal(tier["from_ratio"]) * target <= month_total:
            rate = Decimal(tier["rate"])
    return rate


def full_commission(entry, price, month_total):
    """The whole commission of one deal by one entry, exact (before collection)."""
    kind = entry["kind"]
    if kind == "per_unit":
        return Decimal(entry["amount"])
    if kind == "percent":
        return percent_of(price, entry["rate"])
    if kind == "tiered":
        return percent_of(price, tier_rate(entry, month_total))
    raise ValueError(f"unknown commission kind {kind}")


def month_of(day):
    return day.strftime("%Y-%m")


def due_by_rules(rules, deals, as_of):
    """{(account_id, deal_id): amount} the rules give for the state of `deals` on `as_of`."""
    live = [d for d in deals if d.signed_by(as_of) and d.price > 0]
    month_totals = defaultdict(Decimal)
    for deal in live:
        month_totals[(deal.advisor_id, month_of(deal.signed_on))] += deal.price
    overrides = [e for e in rules if e.get("override_rate")]
    exact = defaultdict(Decimal)
    for deal in live:
        share = min(deal.collected_by(as_of), deal.price) / deal.price
        if share <= 0:
            continue
        entry = rule_of(rules, deal.advisor_id) if deal.advisor_id is not None else None
        if entry is not None:
            total = month_totals[(deal.advisor_id, month_of(deal.signed_on))]
            exact[(deal.advisor_id, deal.deal_id)] += full_commission(entry, deal.price, total) * share
        for entry in overrides:
            for account_id in entry["account_ids"]:
                if account_id != deal.advisor_id:
                    exact[(account_id, deal.deal_id)] += percent_of(deal.price, entry["override_rate"]) * share
    return {key: cents(amount) for key, amount in exact.items() if cents(amount)}


def statement_lines(due, stated):
    """{(account_id, deal_id): amount} still to state: due now minus already stated."""
    lines = {}
    for key in set(due) | set(stated):
        difference = due.get(key, ZERO) - stated.get(key, ZERO)
        if difference:
            lines[key] = difference
    return lines
