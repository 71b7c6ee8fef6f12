"""销售费用 sales expenses: the budget of a project's month per category (advertising also per
channel and medium), the actuals, budget against actual, the ratio to sales, and the spend
per channel that the gateway's channel-effectiveness report divides by visits, leads and
deals.

Directors and managers set budgets; finance and assistants (and directors) record actuals.
Ratio to sales = the month's actual spend ÷ the amount of the deals signed in that month
and not cancelled since, rounded half-up to 4 decimals (0.0213 = 2.13 %); null without sales.
"""
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from loupan.schemas import load
from loupan.schemas.finance_commission import EXPENSE_CATEGORIES, MonthIn
from loupan.errors import Conflict
from loupan.roles import PERMISSIONS
from loupan.types import utcnow
from services.finance.agency_commission import in_project
from services.finance.commission_rules import ZERO
from services.finance.models import DealAccount, Expense, ExpenseBudget
from services.finance.staff_commission import month_end



def _month(month):
    return load(MonthIn, {"month": month})["month"]


def _budget_lines(session, project_id, month):
    return session.execute(select(ExpenseBudget).where(ExpenseBudget.project_id == project_id,
                                                       ExpenseBudget.month == month)
                           .order_by(ExpenseBudget.category, ExpenseBudget.channel, ExpenseBudget.medium)
                           ).scalars().all()


def budget_dict(project_id, month, rows):
    latest = max(rows, key=lambda r: r.set_at) if rows else None
    return {"project_id": project_id, "month": month, "total": sum((r.amount for r in rows), ZERO),
            "set_by": latest.set_by if latest else None, "set_at": latest.set_at if latest else None,
            "lines": [{"category": r.category, "channel": r.channel, "medium": r.medium, "amount": r.amount}
                      for r in rows]}


def put_budget(uow, actor, project_id, month, data):
    """The month's budget, replacing what was set for it."""
    in_project(actor, project_id, PERMISSIONS["expense_budgets.set"])
    month = _month(month)
    session = uow.session
    session.execute(delete(ExpenseBudget).where(ExpenseBudget.project_id == project_id,
                                                ExpenseBudget.agency_id == actor["agency_id"],
                                                ExpenseBudget.month == month))
    now = utcnow()
    session.add_all(ExpenseBudget(agency_id=actor["agency_id"], project_id=project_id, month=month,
                                  category=line["category"], channel=line["channel"], medium=line["medium"],
                                  amount=line["amount"], set_by=actor["account_id"], set_at=now)
                    for line in data["lines"])
    try:
        session.flush()
    except IntegrityError:
        uow.rollback()
        raise Conflict("the budget was set at the same time; try again", "CHANGED_CONCURRENTLY") from None
    return budget_dict(project_id, month, _budget_lines(session, project_id, month))


def expense_dict(row):
    return {"id": row.id, "project_id": row.project_id, "month": row.month, "category": row.category,
            "channel": row.channel, "medium": row.medium, "amount": row.amount, "note": row.note,
            "recorded_by": row.recorded_by, "recorded_at": row.recorded_at}


def record_expense(uow, actor, project_id, data):
    """An actual expense of the month."""
    in_project(actor, project_id, PERMISSIONS["expenses.record"])
    row = Expense(agency_id=actor["agency_id"], project_id=project_id, month=data["month"],
                  category=data["category"], channel=data["channel"], medium=data["medium"], amount=data["amount"],
                  note=data["note"], recorded_by=actor["account_id"], recorded_at=utcnow())
    uow.session.add(row)
    uow.session.flush()
    return expense_dict(row)


def _expenses(session, agency_id, project_id, month):
    return session.execute(select(Expense).where(Expense.project_id == project_id, Expense.agency_id == agency_id,
                                                 Expense.month == month).order_by(Expense.id)).scalars().all()


def signed_amount(session, agency_id, project_id, month):
    """销售额 of the month: deals signed in it and not cancelled."""
    first = month_end(month).replace(day=1)
    return session.execute(
        select(func.coalesce(func.sum(DealAccount.price), ZERO))
        .where(DealAccount.project_id == project_id, DealAccount.agency_id == agency_id,
               DealAccount.signed_on >= first, DealAccount.signed_on <= month_end(month),
               DealAccount.status != "cancelled")
    ).scalar_one()


def _compare(budget, actual, key):
    keys = sorted(set(budget) | set(actual))
    return [dict(key(k), budget=budget.get(k, ZERO), actual=actual.get(k, ZERO),
                 remaining=budget.get(k, ZERO) - actual.get(k, ZERO)) for k in keys]


def report(session, actor, project_id, month):
    """Budget against actual per category and per advertising channel, and the ratio to sales."""
    in_project(actor, project_id, PERMISSIONS["expenses.read"])
    month = _month(month)
    agency_id = actor["agency_id"]
    budgets = [b for b in _budget_lines(session, project_id, month) if b.agency_id == agency_id]
    expenses = _expenses(session, agency_id, project_id, month)
    by_category = ({c: ZERO for c in EXPENSE_CATEGORIES}, defaultdict(lambda: ZERO))
    by_channel = (defaultdict(lambda: ZERO), defaultdict(lambda: ZERO))
    for side, rows in enumerate((budgets, expenses)):
        for row in rows:
            by_category[side][row.category] += row.amount
            if row.category == "advertising":
                by_channel[side][row.channel] += row.amount
    total_actual = sum((e.amount for e in expenses), ZERO)
    sales = signed_amount(session, agency_id, project_id, month)
    ratio = (total_actual / sales).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP) if sales else None
    return {"project_id": project_id, "month": month,
            "categories": _compare(*by_category, key=lambda k: {"category": k, "channel": ""}),
            "channels": _compare(*by_channel, key=lambda k: {"category": "advertising", "channel": k}),
            "total_budget": sum((b.amount for b in budgets), ZERO), "total_actual": total_actual,
            "signed_amount": sales, "ratio_to_sales": ratio, "expenses": [expense_dict(e) for e in expenses]}


def channel_spend(session, actor, project_id, month):
    """The month's advertising spend per channel ("" for spend without a channel)."""
    in_project(actor, project_id, PERMISSIONS["expenses.channel_spend"])
    month = _month(month)
    spend = defaultdict(lambda: ZERO)
    for row in _expenses(session, actor["agency_id"], project_id, month):
        if row.category == "advertising":
            spend[row.channel] += row.amount
    return [{"channel": channel, "amount": amount} for channel, amount in sorted(spend.items())]
