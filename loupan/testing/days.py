"""The sales offices' calendar for tests, read at each call.

A suite that runs across midnight in Asia/Shanghai (16:00 UTC, when CI often runs) must
date its requests by the day the services see at that moment, not by the day the module
was imported: a module constant turned "today" into yesterday halfway through a run."""
from datetime import timedelta

from loupan.types import today


def yesterday():
    return today() - timedelta(days=1)


def this_month():
    return today().strftime("%Y-%m")


def last_month_end():
    return today().replace(day=1) - timedelta(days=1)


def last_month_start():
    return last_month_end().replace(day=1)


def last_month():
    return last_month_end().strftime("%Y-%m")


def this_quarter():
    day = today()
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
