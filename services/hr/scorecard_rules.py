"""考核 scorecard maths: an advisor's month as six components scored 0–100, weighted into a
total, ranked per site; the quarter's 销售之星. Pure functions, no I/O.

Components and how each is normalised to 0–100 (scores rounded half-up to 2 decimals):
- units: units signed ÷ the advisor's units target × 100, capped at 100. Without a positive
  target any sale scores 100 and none scores 0.
- amount: amount signed ÷ the advisor's amount target, the same way.
- leads: new leads ÷ the site median of new leads (over the advisors on the card) × 100,
  capped at 100; with a median of 0, any lead scores 100 and none 0.
- complaints: fewer is better: 100 − 25 per complaint naming the advisor, never below 0.
- satisfaction: average survey score ÷ 5 (the survey scale's top) × 100. An advisor with no
  survey in the month gets the site's average survey score (neutral); if no one at the site
  has one, every advisor scores 100 (nothing to mark them down for).
- attendance: (days scheduled − absences − ½ × lates) ÷ days scheduled × 100, never below 0;
  with no days scheduled (no rota yet) it scores 100.

Weights are whole percentages per component that add up to exactly 100; the defaults are
units 25, amount 25, leads 15, complaints 10, satisfaction 10, attendance 15.
A component's contribution is score × weight ÷ 100, rounded half-up to 2 decimals, and the
total is the sum of the contributions, so every card adds up exactly to its total.

Ranking per site and month: total, then amount signed, then units signed (both higher
first), then account id (lower first), so ties are decided the same way every time.
销售之星 of a quarter: the best average of the three monthly totals (a month without a card
counts 0), ties broken the same way on the quarter's amount and units signed.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from loupan.errors import RuleViolated

COMPONENTS = ("units", "amount", "leads", "complaints", "satisfaction", "attendance")
LABELS = {
    "units": "签约套数 units signed",
    "amount": "签约金额 amount signed",
    "leads": "新增客户 new leads",
    "complaints": "投诉 complaints",
    "satisfaction": "满意度 satisfaction",
    "attendance": "出勤 attendance",
}
DEFAULT_WEIGHTS = {"units": 25, "amount": 25, "leads": 15, "complaints": 10, "satisfaction": 10,
                   "attendance": 15}
COMPLAINT_PENALTY = Decimal(25)
SATISFACTION_TOP = Decimal(5)
LATE_AS_ABSENCE = Decimal("0.5")
HUNDRED = Decimal(100)
ZERO = Decimal(0)
POINT = Decimal("0.01")


@dataclass(frozen=True)
class Attendance:
    days_scheduled: int = 0
    absences: int = 0
    lates: int = 0


@dataclass(frozen=True)
class AdvisorMonth:
    """Everything the card of one advisor and month is built from."""

    account_id: int
    units: int = 0
    amount: Decimal = ZERO
    leads: int = 0
    complaints: int = 0
    satisfaction_sum: int = 0
    satisfaction_count: int = 0
    attendance: Attendance = field(default_factory=Attendance)
    target_units: int | None = None
    target_amount: Decimal | None = None


def half_up(value):
    return Decimal(value).quantize(POINT, rounding=ROUND_HALF_UP)


def check_weights(weights):
    """The weights of every component, whole numbers 0–100 adding up to exactly 100."""
    if set(weights) != set(COMPONENTS):
        raise RuleViolated(f"give a weight for each of {', '.join(COMPONENTS)}", "WEIGHTS_INCOMPLETE")
    total = sum(weights.values())
    if total != 100:
        raise RuleViolated(f"the weights add up to {total}, not 100", "WEIGHTS_NOT_100")
    return dict(weights)


def median(values):
    ordered = sorted(Decimal(v) for v in values)
    if not ordered:
        return ZERO
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def ratio_score(raw, reference):
    """raw ÷ reference × 100 capped at 100; a reference of 0 (or none) gives 100 for anything
    above 0 and 0 otherwise."""
    raw = Decimal(raw)
    if not reference:
        return HUNDRED if raw > 0 else ZERO
    return half_up(min(HUNDRED, raw / Decimal(reference) * HUNDRED))


def _component(name, raw, reference, score, basis):
    return {"name": name, "label": LABELS[name], "raw": raw, "reference": reference,
            "score": half_up(score), "basis": basis}


def _against_target(name, raw, target, unit):
    score = ratio_score(raw, target)
    if not target:
        return _component(name, raw, None, score, f"no {unit} target: any sale scores 100, none 0")
    return _component(name, raw, Decimal(target), score,
                      f"{raw} ÷ target {target} × 100, capped at 100")


def _leads(advisor, site_median):
    score = ratio_score(advisor.leads, site_median)
    if not site_median:
        return _component("leads", Decimal(advisor.leads), ZERO, score,
                          "site median is 0: any lead scores 100, none 0")
    return _component("leads", Decimal(advisor.leads), site_median, score,
                      f"{advisor.leads} ÷ site median {site_median} × 100, capped at 100")


def _complaints(advisor):
    score = max(ZERO, HUNDRED - COMPLAINT_PENALTY * advisor.complaints)
    return _component("complaints", Decimal(advisor.complaints), ZERO, score,
                      f"100 − {COMPLAINT_PENALTY} × {advisor.complaints} complaints, not below 0")


def _satisfaction(advisor, site_average):
    if advisor.satisfaction_count:
        average = Decimal(advisor.satisfaction_sum) / advisor.satisfaction_count
        return _component("satisfaction", half_up(average), SATISFACTION_TOP,
                          min(HUNDRED, average / SATISFACTION_TOP * HUNDRED),
                          f"average of {advisor.satisfaction_count} surveys ÷ {SATISFACTION_TOP} × 100")
    if site_average is None:
        return _component("satisfaction", None, SATISFACTION_TOP, HUNDRED,
                          "no survey at the site this month: 100")
    return _component("satisfaction", None, SATISFACTION_TOP,
                      min(HUNDRED, site_average / SATISFACTION_TOP * HUNDRED),
                      f"no survey: the site average {half_up(site_average)} is used")


def _attendance(advisor):
    a = advisor.attendance
    if a.days_scheduled <= 0:
        return _component("attendance", ZERO, ZERO, HUNDRED, "no days scheduled: 100")
    present = Decimal(a.days_scheduled) - a.absences - LATE_AS_ABSENCE * a.lates
    score = max(ZERO, present / a.days_scheduled * HUNDRED)
    return _component("attendance", half_up(present), Decimal(a.days_scheduled), score,
                      f"({a.days_scheduled} days − {a.absences} absences − ½ × {a.lates} lates)"
                      f" ÷ {a.days_scheduled} × 100")


def site_references(advisors):
    """The figures every card of a site is compared with: median leads, average survey score."""
    surveyed = [a for a in advisors if a.satisfaction_count]
    site_average = None
    if surveyed:
        site_average = (sum(Decimal(a.satisfaction_sum) / a.satisfaction_count for a in surveyed)
                        / len(surveyed))
    return median(a.leads for a in advisors), site_average


def card(advisor, weights, site_median, site_average):
    """The explained card of one advisor: each component with its raw figure, reference,
    score, weight and contribution; the total is the sum of the contributions."""
    components = [
        _against_target("units", Decimal(advisor.units), advisor.target_units, "units"),
        _against_target("amount", Decimal(advisor.amount), advisor.target_amount, "amount"),
        _leads(advisor, site_median),
        _complaints(advisor),
        _satisfaction(advisor, site_average),
        _attendance(advisor),
    ]
    for component in components:
        component["weight"] = weights[component["name"]]
        component["contribution"] = half_up(component["score"] * component["weight"] / HUNDRED)
    return {
        "account_id": advisor.account_id,
        "units_signed": advisor.units,
        "amount_signed": Decimal(advisor.amount),
        "total": sum((c["contribution"] for c in components), ZERO),
        "components": components,
    }


def rank_key(entry):
    return (-entry["score_key"], -entry["amount_signed"], -entry["units_signed"], entry["account_id"])


def _ranked(entries):
    ordered = sorted(entries, key=rank_key)
    for position, entry in enumerate(ordered, start=1):
        entry["rank"] = position
        del entry["score_key"]
    return ordered


def ranking(advisors, weights):
    """Cards of a site's advisors for a month, best first (rank 1, 2, … with ties broken)."""
    weights = check_weights(weights)
    site_median, site_average = site_references(advisors)
    cards = [card(a, weights, site_median, site_average) for a in advisors]
    for c in cards:
        c["score_key"] = c["total"]
    return _ranked(cards)


def sales_star(monthly_cards):
    """销售之星 standings of a quarter from {month: cards of that month} (three months)."""
    months = sorted(monthly_cards)
    by_account = {}
    for month in months:
        for c in monthly_cards[month]:
            entry = by_account.setdefault(c["account_id"], {
                "account_id": c["account_id"], "units_signed": 0, "amount_signed": ZERO,
                "month_totals": {m: ZERO for m in months}})
            entry["month_totals"][month] = c["total"]
            entry["units_signed"] += c["units_signed"]
            entry["amount_signed"] += c["amount_signed"]
    for entry in by_account.values():
        quarter_sum = sum(entry["month_totals"].values(), ZERO)
        entry["score_key"] = quarter_sum  # same order as the average, without rounding it
        entry["average_total"] = half_up(quarter_sum / len(months)) if months else ZERO
        entry["month_totals"] = [{"month": m, "total": t} for m, t in entry["month_totals"].items()]
    return _ranked(list(by_account.values()))


def quarter_months(quarter):
    """'2026-Q2' -> ['2026-04', '2026-05', '2026-06']."""
    year, q = quarter.split("-Q")
    first = (int(q) - 1) * 3 + 1
    return [f"{year}-{m:02d}" for m in range(first, first + 3)]
