"""The periods of the reports, in Asia/Shanghai days: a day, a week from its Monday, a
calendar month."""
import calendar
from datetime import date, timedelta

from loupan.types import today


def daily(day=None):
    day = day or today()
    return day, day


def weekly(week_start=None):
    first = week_start or today() - timedelta(days=today().weekday())
    return first, first + timedelta(days=6)


def monthly(month=None):
    """month "YYYY-MM" (default this month) → its first and last day."""
    if month is None:
        first = today().replace(day=1)
    else:
        first = date(int(month[:4]), int(month[5:7]), 1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def month_of(day):
    return f"{day.year:04d}-{day.month:02d}"
