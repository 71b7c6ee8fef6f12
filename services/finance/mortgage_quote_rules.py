"""算价 mortgage quote: the monthly schedule of a loan, equal instalment (等额本息) or equal
principal (等额本金), exact to the cent. Pure functions, no I/O.

Rounding rules (money is Decimal, cents, half-up unless said otherwise):
- monthly rate = annual rate (percent) ÷ 100 ÷ 12, kept exact (no rounding);
- each period's interest = remaining principal × monthly rate, rounded half-up to the cent;
- equal instalment: the payment = P·r·(1+r)^n ÷ ((1+r)^n − 1), computed with 40 digits and
  rounded half-up to the cent (P ÷ n when the rate is 0); principal part = payment − interest;
- equal principal: the principal part = P ÷ n rounded DOWN to the cent, so that the parts
  before the last never exceed the principal; payment = principal part + interest;
- the last period takes exactly the remaining principal (it absorbs every rounding), so the
  principal parts always add up to the principal and the remaining ends at 0.00. Its payment
  is therefore a few cents off the others;
- a principal part is never more than what remains: with a tiny loan at a high rate the
  rounded payments can repay it before the last period, whose payments then drop to the
  interest-free remainder (0.00 once nothing remains).
"""
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext

CENT = Decimal("0.01")
METHODS = ("equal_instalment", "equal_principal")


def _cents(value, rounding=ROUND_HALF_UP):
    return value.quantize(CENT, rounding=rounding)


def monthly_rate(annual_rate):
    """The exact monthly rate (a fraction) of an annual rate given in percent."""
    return Decimal(annual_rate) / 100 / 12


def level_payment(principal, months, rate):
    """等额本息 payment of `principal` over `months` at monthly `rate`, to the cent."""
    if rate == 0:
        return _cents(principal / months)
    with localcontext() as ctx:
        ctx.prec = 40
        growth = (1 + rate) ** months
        exact = principal * rate * growth / (growth - 1)
    return _cents(exact)


def quote(principal, years, annual_rate, method):
    """The full schedule and totals of a loan. `principal` Decimal CNY, `years` 1–30,
    `annual_rate` Decimal percent; ranges are the caller's to check."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method}")
    principal = _cents(Decimal(principal))
    months = years * 12
    rate = monthly_rate(annual_rate)
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
    total_interest = sum((line["interest"] for line in schedule), Decimal("0.00"))
    return {
        "principal": principal, "years": years, "months": months, "annual_rate": Decimal(annual_rate),
        "method": method,
        "monthly_payment": schedule[0]["payment"],
        "last_payment": schedule[-1]["payment"],
        "total_interest": total_interest,
        "total_paid": principal + total_interest,
        "schedule": schedule,
    }
