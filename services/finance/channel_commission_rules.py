"""分销佣金, pure (no I/O): what an agency owes a distribution channel (分销商, 全民经纪人) for
the deals it brought, by the channel's terms for the project. channel_commission.py reads the
database into the structures below and writes what these functions return.

Terms (one version in force per channel and project on a day: the latest `effective_from`
on or before it, the highest version among equal dates; a deal is priced by the version in
force on the day it was signed):
- per_unit: a fixed amount (¥) per deal;
- percent: the signed amount × `rate` %;
- tiered (跳点): the signed amount × the rate of the tier reached by the channel's units at
  the project in the deal's tier period (the calendar month, or quarter, of its signing):
  units signed in that period and not cancelled (nor their attribution ended) by the day
  the statement is drawn. The whole period takes the tier reached, as the trade does: the
  6th unit of a month at "1–5 units 1.0 %, 6+ 1.5 %" lifts the five before it to 1.5 % too
  (an adjustment line for those already stated), and a cancellation that drops the month
  back to 5 lowers them again;
- launch bonus (开盘奖励), with any kind: a fixed amount per deal signed within
  [bonus_from, bonus_to].
Each deal's due = its commission + its bonus, exact, rounded half-up to the cent once.

Billable: a deal is due only from the day it became billable (`billable_on`): signed, or
signed and the down payment received in full (the 定金 and 首付 lines paid; a full-payment
deal: its balance line), the project's condition. A deal cancelled (退房) or whose
attribution a ruling ended is due nothing from that day.

A statement's line for a deal is what the rules give now minus what earlier statements
stated (`statement_lines`): the first is a commission, a later one an adjustment (a tier
reached or lost, 换房 to a unit of another price: the difference), and once the deal is due
nothing, a reversal of all that was stated. So however signings, receipts, cancellations and
statements interleave, the lines of all statements of a deal add up to the rules applied to
its final state: 0 for a deal signed then cancelled.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
KINDS = ("per_unit", "percent", "tiered")
TIER_PERIODS = ("month", "quarter")
BILLABLE_CONDITIONS = ("signed", "signed_and_down_payment")


def cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tier:
    from_units: int  # the tier applies from this many units in the period
    rate: Decimal  # percent


@dataclass(frozen=True)
class Terms:
    effective_from: date
    version: int
    kind: str
    amount: Decimal | None = None  # per_unit, ¥
    rate: Decimal | None = None  # percent, "1.0" = 1 %
    tiers: tuple = ()
    tier_period: str = "month"
    bonus_amount: Decimal | None = None  # 开盘奖励, ¥ per deal signed within the range
    bonus_from: date | None = None
    bonus_to: date | None = None
    id: int | None = None  # the stored version's id, carried onto the lines

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown terms kind {self.kind}")
        if self.tier_period not in TIER_PERIODS:
            raise ValueError(f"unknown tier period {self.tier_period}")


def terms_on(versions, day):
    """The version in force on `day`: latest effective_from ≤ day, then highest version; None."""
    candidates = [t for t in versions if t.effective_from <= day]
    return max(candidates, key=lambda t: (t.effective_from, t.version), default=None)


@dataclass(frozen=True)
class ChannelDeal:
    deal_id: int
    channel_id: int
    amount: Decimal  # the signed amount (after 换房: the new unit's)
    signed_on: date
    billable_on: date | None = None
    ended_on: date | None = None  # 退房, or the attribution ended by a ruling

    def live_on(self, day):
        """Signed on or before `day`, and neither cancelled nor taken away by then."""
        return self.signed_on <= day and (self.ended_on is None or self.ended_on > day)

    def billable_by(self, day):
        return self.live_on(day) and self.billable_on is not None and self.billable_on <= day


def period_of(day, tier_period):
    if tier_period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return day.strftime("%Y-%m")


def tier_rate(tiers, units):
    """The rate of the highest tier whose from_units ≤ units; 0 below the first tier."""
    rate = ZERO
    for tier in sorted(tiers, key=lambda t: t.from_units):
        if tier.from_units <= units:
            rate = Decimal(tier.rate)
    return rate


@dataclass(frozen=True)
class Due:
    amount: Decimal  # commission + bonus, rounded once
    basis: Decimal  # the signed amount priced
    rate: Decimal | None  # percent applied (percent, tiered)
    commission: Decimal  # exact, before rounding
    bonus: Decimal
    terms_id: int | None = None
    units_in_period: int | None = None  # tiered: the units that decided the tier


def period_units(deals, tier_period, as_of):
    """{(channel_id, period): units live on `as_of`} for one tier period kind."""
    counts = {}
    for deal in deals:
        if deal.live_on(as_of):
            key = (deal.channel_id, period_of(deal.signed_on, tier_period))
            counts[key] = counts.get(key, 0) + 1
    return counts


def due_of(terms, deal, units_in_period=None):
    """One deal's due under `terms` (the tier decided by `units_in_period` for tiered)."""
    bonus = ZERO
    if terms.bonus_amount and terms.bonus_from is not None and terms.bonus_to is not None \
            and terms.bonus_from <= deal.signed_on <= terms.bonus_to:
        bonus = Decimal(terms.bonus_amount)
    rate = None
    if terms.kind == "per_unit":
        commission = Decimal(terms.amount or 0)
    elif terms.kind == "percent":
        rate = Decimal(terms.rate)
        commission = deal.amount * rate / 100
    else:
        rate = tier_rate(terms.tiers, units_in_period or 0)
        commission = deal.amount * rate / 100
    return Due(cents(commission + bonus), deal.amount, rate, commission, bonus, terms.id,
               units_in_period if terms.kind == "tiered" else None)


def due_by_rules(deals, versions, as_of):
    """{deal_id: Due} of every deal billable by `as_of` that has terms in force on its
    signing day. `deals`: the channels' deals at one project; `versions`: {channel_id:
    [Terms]}. A deal not billable, ended, or without terms is absent (due nothing)."""
    counts = {period: period_units(deals, period, as_of) for period in TIER_PERIODS}
    found = {}
    for deal in deals:
        if not deal.billable_by(as_of):
            continue
        terms = terms_on(versions.get(deal.channel_id, ()), deal.signed_on)
        if terms is None:
            continue
        units = counts[terms.tier_period].get((deal.channel_id, period_of(deal.signed_on, terms.tier_period)), 0)
        due = due_of(terms, deal, units)
        if due.amount:
            found[deal.deal_id] = due
    return found


def statement_lines(due, stated):
    """{deal_id: (kind, amount)} still to state: due now minus stated before. kind:
    commission (nothing stated yet), reversal (nothing due any more), adjustment (else)."""
    lines = {}
    for deal_id in set(due) | set(stated):
        now = due[deal_id].amount if deal_id in due else ZERO
        before = stated.get(deal_id, ZERO)
        if now != before:
            kind = "commission" if before == 0 else "reversal" if now == 0 else "adjustment"
            lines[deal_id] = (kind, now - before)
    return lines


# billable ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """A live schedule line: its kind, amount and the parts paid to it by valid receipts."""
    kind: str
    amount: Decimal
    paid: tuple = field(default_factory=tuple)  # ((received_on, part), ...)


def needed_lines(lines):
    """The lines that are the 'down payment received in full' condition: 定金 and 首付 (a
    full-payment deal has no 首付: its balance line instead)."""
    kinds = {line.kind for line in lines}
    needed = {"deposit", "down_payment"} if "down_payment" in kinds else {"deposit", "balance"}
    return [line for line in lines if line.kind in needed]


def paid_in_full_on(line):
    """The day the line's valid receipts first reached its amount, None if they do not."""
    total = ZERO
    for received_on, part in sorted(line.paid, key=lambda p: p[0]):
        total += part
        if total >= line.amount:
            return received_on
    return None


def billable_on(condition, signed_on, lines):
    """The day a signed deal became billable under `condition`: the signing day, or for
    signed_and_down_payment the later of it and the day the last needed line was paid in
    full; None if not (yet)."""
    if condition not in BILLABLE_CONDITIONS:
        raise ValueError(f"unknown billable condition {condition}")
    if signed_on is None:
        return None
    if condition == "signed":
        return signed_on
    needed = needed_lines(lines)
    if not needed:
        return None
    days = [paid_in_full_on(line) for line in needed]
    if any(day is None for day in days):
        return None
    return max([signed_on, *days])


def attribution_holds(visited_on, protected_until, ended_on, signed_on):
    """Signed while the attribution held: on or after the verified visit's day, on or before
    the protection's last day, and before a ruling ended it."""
    return (visited_on <= signed_on and (protected_until is None or signed_on <= protected_until)
            and (ended_on is None or signed_on < ended_on))


def cost_per_deal(total, deals):
    """A channel's commission per deal, half-up to the cent; None without deals."""
    return cents(Decimal(total) / deals) if deals else None
