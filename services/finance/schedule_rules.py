"""付款计划 payment schedule rules: the lines of a deal derived from its price, deposit (定金),
payment method, loan amount and start date, under the project's payment terms. Pure: no I/O.

Lines by payment method (`loupan.events.PAYMENT_METHODS`):
- full (一次性): deposit on the start date, balance (尾款) `full_payment_days` later.
- instalments (分期): deposit; down payment (首付) `down_payment_days` later; the rest in
  `instalment_count` equal instalments every `instalment_days` after the down payment.
- commercial_mortgage (商贷), provident_fund (公积金), combined (组合贷): deposit; down payment
  `down_payment_days` later; the bank's disbursement (mortgage line) `mortgage_days` after the
  start (never before the down payment). The loan is `loan_amount` when known (from 签约), otherwise the largest loan the minimum
  down payment allows (at 认购 the bank has not decided yet).

Minimum down payment: the deposit counts towards 首付, and deposit + down payment is at least
`down_ratio` % of the price (`provident_down_ratio` % for 公积金, default 30 % and 20 %). A
loan larger than that allows is capped, so the buyer's part never falls below the minimum.

Rounding rules (exact cents, never float):
1. every amount is a Decimal with two places; the price is the only given total;
2. the minimum down payment is price × ratio / 100 rounded UP to the cent (a minimum is never
   missed by rounding);
3. instalments are equal parts rounded DOWN to the cent; the last instalment takes the
   remainder (at most n−1 cents more than the others);
4. the last line of every schedule is the price minus all the lines before it, so the lines
   always sum exactly to the price;
5. lines of zero are left out (a deposit of 0, a 100 % loan is impossible by rule 2).
"""
from dataclasses import dataclass, replace
from datetime import timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
METHODS = ("full", "instalments", "commercial_mortgage", "provident_fund", "combined")
LOAN_METHODS = ("commercial_mortgage", "provident_fund", "combined")
KINDS = ("deposit", "down_payment", "instalment", "mortgage", "balance")


@dataclass(frozen=True)
class Terms:
    """A project's payment terms (finance_settings); the defaults until a manager sets them."""

    down_ratio: Decimal = Decimal("30.00")  # % minimum 首付 for 分期, 商贷, 组合贷
    provident_down_ratio: Decimal = Decimal("20.00")  # % minimum 首付 for 公积金
    down_payment_days: int = 30
    instalment_count: int = 3
    instalment_days: int = 30
    full_payment_days: int = 7
    mortgage_days: int = 90
    reminder_days: int = 7  # the reminders list shows lines due within this many days

    def ratio_for(self, method):
        return self.provident_down_ratio if method == "provident_fund" else self.down_ratio

    def with_values(self, **values):
        return replace(self, **{k: v for k, v in values.items() if v is not None})


@dataclass(frozen=True)
class Line:
    seq: int
    kind: str
    due_on: object  # date
    amount: Decimal


def cents(value):
    """A given amount to the cent, half-up (docs/money.md; Decimal's default would round half-even)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def minimum_down(price, ratio):
    """Smallest buyer's part (deposit + 首付) the ratio allows: rounded up to the cent."""
    return (price * ratio / 100).quantize(CENT, rounding=ROUND_CEILING)


def split_equal(total, parts):
    """`total` in `parts` amounts: equal, rounded down, the last taking the remainder."""
    share = (total / parts).quantize(CENT, rounding=ROUND_FLOOR)
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def loan_for(price, deposit, method, loan_amount, terms):
    """The loan the schedule expects: the one given, capped by the minimum down payment."""
    if method not in LOAN_METHODS:
        return ZERO
    buyer_part = max(minimum_down(price, terms.ratio_for(method)), deposit)
    ceiling = price - buyer_part
    if loan_amount is None:
        return ceiling
    return min(max(cents(loan_amount), ZERO), ceiling)


def derive(price, deposit, method, loan_amount, start, terms=Terms()):
    """The schedule's lines, in due order, summing exactly to `price` (see the module)."""
    price = cents(price)
    if price <= 0:
        raise ValueError("a deal's price must be positive")
    if method not in METHODS:
        raise ValueError(f"unknown payment method {method}")
    deposit = min(max(cents(deposit or 0), ZERO), price)
    parts = []  # (kind, due_on, amount)
    if deposit > 0:
        parts.append(("deposit", start, deposit))
    down_on = start + timedelta(days=terms.down_payment_days)
    if method == "full":
        parts.append(("balance", start + timedelta(days=terms.full_payment_days), price - deposit))
    elif method == "instalments":
        down_total = max(minimum_down(price, terms.down_ratio), deposit)
        parts.append(("down_payment", down_on, down_total - deposit))
        rest = price - down_total
        count = max(terms.instalment_count, 1)
        for i, amount in enumerate(split_equal(rest, count), start=1):
            parts.append(("instalment", down_on + timedelta(days=terms.instalment_days * i), amount))
    else:
        loan = loan_for(price, deposit, method, loan_amount, terms)
        parts.append(("down_payment", down_on, price - loan - deposit))
        # the bank never pays before the buyer's down payment is due
        parts.append(("mortgage", max(start + timedelta(days=terms.mortgage_days), down_on), loan))
    parts = [p for p in parts if p[2] > 0]
    # rule 4: the last line is what the others leave of the price
    kind, due_on, _ = parts[-1]
    parts[-1] = (kind, due_on, price - sum((p[2] for p in parts[:-1]), ZERO))
    return [Line(seq, kind, due_on, amount) for seq, (kind, due_on, amount) in enumerate(parts, start=1)]
