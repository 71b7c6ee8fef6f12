"""算价 mortgage quote: the headline figures a bank calculator shows and a cent-exact monthly
ledger, equal instalment (等额本息) or equal principal (等额本金). Pure functions, no I/O.

Two kinds of figures, two rounding rules (docs/money.md):

Headline (`monthly_payment`, `monthly_decrease`, `last_payment`, `total_interest`,
`total_paid`, `headline_rounding` = "half_up_from_exact"): what bank calculators show for the
same principal, term, rate and method. Each is the closed form computed exactly (40 digits),
rounded half-up (四舍五入) to the cent once, at the end; the totals come from the exact
schedule, never from the rounded lines:
- monthly rate r = annual rate (percent) ÷ 100 ÷ 12, n = years × 12, P the principal;
- 等额本息: payment M = P·r·(1+r)^n ÷ ((1+r)^n − 1) (P ÷ n when r = 0), every month;
  total paid = n·M, total interest = n·M − P;
- 等额本金: month k pays P ÷ n + (P − (k−1)·P ÷ n)·r, so the first is P ÷ n + P·r, each
  month is P·r ÷ n less (`monthly_decrease`), the last is P ÷ n·(1 + r);
  total interest = P·r·(n + 1) ÷ 2.

Schedule (`schedule`, `schedule_total_interest`, `schedule_total_paid`, `schedule_rounding` =
"cent_ledger_remainder_to_last"): what is actually paid in cents, month by month:
- each period's interest = remaining principal × r, rounded half-up to the cent;
- 等额本息: the payment is M rounded half-up; principal part = payment − interest;
- 等额本金: the principal part = P ÷ n rounded DOWN to the cent, so that the parts before the
  last never exceed the principal; payment = principal part + interest;
- the last period takes exactly the remaining principal (it absorbs every rounding), so the
  principal parts add up to the principal and the remaining ends at 0.00;
- a principal part is never more than what remains: with a tiny loan at a high rate the
  rounded payments can repay it before the last period, whose payments then drop to the
  interest-free remainder (0.00 once nothing remains).
So a ledger line may differ from the headline by a cent (等额本金's first month), and the
ledger's totals from the headline totals by the sum of the per-line roundings.
"""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
METHODS = ("equal_instalment", "equal_principal")
HEADLINE_ROUNDING = "half_up_from_exact"
SCHEDULE_ROUNDING = "cent_ledger_remainder_to_last"


def _cents(value, rounding=ROUND_HALF_UP):
    return value.quantize(CENT, rounding=rounding)


def monthly_rate(annual_rate):
    """The exact monthly rate (a fraction) of an annual rate given in percent."""
    with localcontext() as ctx:
        ctx.prec = 40
        return Decimal(annual_rate) / 100 / 12


def exact_level_payment(principal, months, rate):
    """等额本息 payment of `principal` over `months` at monthly `rate`, unrounded (40 digits)."""
    with localcontext() as ctx:
        ctx.prec = 40
        if rate == 0:
            return principal / months
        growth = (1 + rate) ** months
        return principal * rate * growth / (growth - 1)


def level_payment(principal, months, rate):
    """等额本息 payment to the cent, half-up."""
    return _cents(exact_level_payment(principal, months, rate))


def headline(principal, months, rate, method):
    """The bank calculator's figures: exact closed forms, each rounded half-up once."""
    with localcontext() as ctx:
        ctx.prec = 40
        if method == "equal_instalment":
            first = last = exact_level_payment(principal, months, rate)
            decrease = None
            interest = first * months - principal
        else:
            part = principal / months
            first = part + principal * rate
            last = part * (1 + rate)
            decrease = part * rate
            interest = principal * rate * (months + 1) / 2
        figures = {"monthly_payment": first, "last_payment": last, "monthly_decrease": decrease,
                   "total_interest": interest, "total_paid": principal + interest}
    return {key: None if value is None else _cents(value) for key, value in figures.items()}


def ledger(principal, months, rate, method):
    """The month-by-month schedule in cents, the last line taking the remainder."""
    fixed = level_payment(principal, months, rate) if method == "equal_instalment" else None
    part = _cents(principal / months, ROUND_DOWN)
    remaining = principal
    schedule = []
    for period in range(1, months + 1):
        interest = _cents(remaining * rate)
        if period == months:
            principal_part = remaining
        elif fixed is not None:
            principal_part = min(fixed - interest, remaining)
        else:
            principal_part = min(part, remaining)
        remaining -= principal_part
        schedule.append({"period": period, "payment": principal_part + interest, "principal": principal_part,
                         "interest": interest, "remaining": remaining})
    return schedule


def quote(principal, years, annual_rate, method):
    """Headline figures and the ledger of a loan. `principal` Decimal CNY, `years` 1–30,
    `annual_rate` Decimal percent; ranges are the caller's to check."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method}")
    principal = _cents(Decimal(principal))
    months = years * 12
    rate = monthly_rate(annual_rate)
    schedule = ledger(principal, months, rate, method)
    schedule_interest = sum((line["interest"] for line in schedule), Decimal("0.00"))
    return {
        "principal": principal, "years": years, "months": months, "annual_rate": Decimal(annual_rate),
        "method": method,
        **headline(principal, months, rate, method),
        "headline_rounding": HEADLINE_ROUNDING,
        "schedule_rounding": SCHEDULE_ROUNDING,
        "schedule_total_interest": schedule_interest,
        "schedule_total_paid": principal + schedule_interest,
        "schedule": schedule,
    }
