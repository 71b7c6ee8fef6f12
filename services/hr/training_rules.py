"""培训 training rules with no I/O: course kinds, the pass mark, the month of a sales office
and the exact percentages of the coverage and pass-rate report."""
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal

from loupan.types import CENT, SHANGHAI

HUNDRED = Decimal(100)

# stored code -> the name the sales offices use
KINDS = {
    "culture": "企业文化",
    "pitch": "项目说辞",
    "sand_table": "沙盘",
    "sales_qa": "销售百问",
    "other": "其他",
}
DEFAULT_PASS_SCORE = Decimal("80.00")


def passes(score, pass_score):
    """An exam passes when its score reaches the course's pass mark (the mark itself passes)."""
    return score >= pass_score


def percent(part, whole):
    """`part` of `whole` as a percentage with two places, half-up, computed exactly;
    None when there is nothing to divide (no advisors, no exams)."""
    if whole == 0:
        return None
    return (HUNDRED * part / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_month(text):
    """"2025-03" -> date(2025, 3, 1); ValueError for anything else."""
    year, sep, month = text.partition("-")
    if not sep or len(year) != 4 or len(month) != 2 or not (year + month).isdigit():
        raise ValueError(f"{text!r} is not a month YYYY-MM")
    return date(int(year), int(month), 1)


def month_bounds(first_day):
    """[start, end) in UTC of the Shanghai calendar month starting on `first_day`."""
    following = date(first_day.year + first_day.month // 12, first_day.month % 12 + 1, 1)
    return tuple(
        datetime.combine(day, time(0), SHANGHAI).astimezone(timezone.utc) for day in (first_day, following)
    )



