"""催款/回款 collections: overdue lines by ageing bucket, the reminders list, and the monthly
collection target (回款目标) against what was actually collected.

Days are Asia/Shanghai dates: a line due on the 1st is 1 day overdue on the 2nd. Each line
belongs to its deal's advisor, who chases it; an advisor sees only their own lines, everyone
else the whole project (or one advisor's with `advisor_id`). Cancelled deals owe nothing.
"""
import calendar
from datetime import date, timedelta

from sqlalchemy import func, select

from loupan.errors import Conflict
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import today
from services.finance.models import CollectionTarget, DealAccount, Receipt, ScheduleLine
from services.finance.schedules import ZERO, terms_of

BUCKETS = (("1-30", 1, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def bucket_of(days_overdue):
    """The ageing bucket of a line `days_overdue` days past due (None: not overdue)."""
    for name, low, high in BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return name
    return None


def _advisor_filter(actor, advisor_id):
    return actor["account_id"] if actor["role"] == ADVISOR else advisor_id


def _lines_due(session, actor, project_id, until, advisor_id):
    """Open lines with money left, due on or before `until`, of the project's live deals."""
    query = (
        select(ScheduleLine, DealAccount).join(DealAccount, DealAccount.deal_id == ScheduleLine.deal_id)
        .where(DealAccount.agency_id == actor["agency_id"], DealAccount.project_id == project_id,
               DealAccount.status != "cancelled", ScheduleLine.status == "open",
               ScheduleLine.amount > ScheduleLine.paid, ScheduleLine.due_on <= until)
        .order_by(ScheduleLine.due_on, ScheduleLine.deal_id, ScheduleLine.seq)
    )
    advisor_id = _advisor_filter(actor, advisor_id)
    if advisor_id is not None:
        query = query.where(DealAccount.advisor_id == advisor_id)
    return session.execute(query).all()


def _item(line, deal, as_of):
    days = (as_of - line.due_on).days
    return {"line_id": line.id, "deal_id": deal.deal_id, "unit_id": deal.unit_id, "unit_label": deal.unit_label,
            "customer_name": deal.customer_name, "advisor_id": deal.advisor_id, "kind": line.kind,
            "due_on": line.due_on, "amount": line.amount, "paid": line.paid, "remaining": line.amount - line.paid,
            "days_overdue": max(days, 0), "bucket": bucket_of(days)}


def overdue(session, actor, project_id, as_of=None, advisor_id=None):
    """Overdue lines as of a day, with the count and amount of each ageing bucket."""
    require_role(actor, PERMISSIONS["collections.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    as_of = as_of or today()
    items = [_item(line, deal, as_of)
             for line, deal in _lines_due(session, actor, project_id, as_of - timedelta(days=1), advisor_id)]
    buckets = [{"bucket": name, "count": sum(1 for i in items if i["bucket"] == name),
                "amount": sum((i["remaining"] for i in items if i["bucket"] == name), ZERO)}
               for name, _, _ in BUCKETS]
    return {"project_id": project_id, "as_of": as_of, "total": sum((b["amount"] for b in buckets), ZERO),
            "buckets": buckets, "lines": items}


def reminders(session, actor, project_id, as_of=None, days=None, advisor_id=None):
    """催款提醒: lines overdue or due within `days` (the project's reminder_days by default)."""
    require_role(actor, PERMISSIONS["collections.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    as_of = as_of or today()
    days = terms_of(session, project_id).reminder_days if days is None else days
    items = [dict(_item(line, deal, as_of), state="overdue" if line.due_on < as_of else "due_soon")
             for line, deal in _lines_due(session, actor, project_id, as_of + timedelta(days=days), advisor_id)]
    return {"project_id": project_id, "as_of": as_of, "days": days, "lines": items}


def overdue_total(session, as_of=None):
    """What is overdue on every project (the business gauge)."""
    as_of = as_of or today()
    due, paid = session.execute(
        select(func.coalesce(func.sum(ScheduleLine.amount), ZERO), func.coalesce(func.sum(ScheduleLine.paid), ZERO))
        .join(DealAccount, DealAccount.deal_id == ScheduleLine.deal_id)
        .where(DealAccount.status != "cancelled", ScheduleLine.status == "open", ScheduleLine.due_on < as_of)
    ).one()
    return due - paid


# monthly target ----------------------------------------------------------------------------
def month_bounds(month):
    year, number = int(month[:4]), int(month[5:7])
    return date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])


def _actual(session, actor, project_id, month):
    first, last = month_bounds(month)
    return session.execute(
        select(func.coalesce(func.sum(Receipt.amount), ZERO))
        .where(Receipt.agency_id == actor["agency_id"], Receipt.project_id == project_id,
               Receipt.status == "valid", Receipt.received_on >= first, Receipt.received_on <= last)
    ).scalar_one()


def _target_row(session, actor, project_id, month):
    return session.execute(
        select(CollectionTarget).where(CollectionTarget.agency_id == actor["agency_id"],
                                       CollectionTarget.project_id == project_id, CollectionTarget.month == month)
    ).scalar_one_or_none()


def get_target(session, actor, project_id, month):
    """回款 target of a month against the valid receipts received in it."""
    require_role(actor, PERMISSIONS["collection_targets.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    row = _target_row(session, actor, project_id, month)
    target = row.amount if row is not None else None
    actual = _actual(session, actor, project_id, month)
    ratio = (actual * 100 / target).quantize(ZERO) if target else None
    return {"project_id": project_id, "month": month, "target": target, "actual": actual,
            "remaining": max(target - actual, ZERO) if target is not None else None, "achieved_percent": ratio}


def put_target(uow, actor, project_id, month, amount):
    require_role(actor, PERMISSIONS["collection_targets.set"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    session = uow.session
    row = _target_row(session, actor, project_id, month)
    if row is None:
        row = CollectionTarget(agency_id=actor["agency_id"], project_id=project_id, month=month, amount=amount,
                               set_by=actor["account_id"])
        uow.add_unique(row, Conflict(f"the {month} target was set at the same time; try again", "TARGET_BUSY"))
    else:
        row.amount, row.set_by = amount, actor["account_id"]
        session.flush()
    return get_target(session, actor, project_id, month)
