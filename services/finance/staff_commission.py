"""提成 staff commission over the database: the rules per project and role, and the monthly
statements per person; the arithmetic is in commission_rules.py.

A month's statements are drawn once the month is over, once per project and month, and
never for a month before one already drawn. For every (person, deal) they state what the
rules give for the state at the month end (deals signed and not cancelled by then, money
collected by then and not voided or refunded by then) minus what earlier statements
already stated. So a receipt, a refund, a cancellation (退房: clawback) or a rules change
shows up in the next statement, and all statements together always equal the rules applied
to the latest state. The rules in force when a statement is drawn apply to the whole
history.

Each statement is paid out once (who, when; 409 STATEMENT_PAID after) and never changed: a
correction is a line of a later month's statement (a clawback or adjustment). The running
month (or any month not drawn yet) can be previewed at any time: the statements drawing it
would give with the state as of today (or the month end, if over), `provisional`, written
nowhere, so an office sees this month's clawbacks before the month ends.
"""
import calendar
from collections import defaultdict
from datetime import date

from sqlalchemy import func, select

from loupan.schemas import dump, load
from loupan.schemas.finance_commission import CommissionRulesIn, MonthIn
from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import today, utcnow
from services.finance import commission_rules as rules
from services.finance.agency_commission import (UNPAID, ended_on, in_project, mark_paid, paid_dict, project_row,
                                                replace_settings)
from services.finance.models import (CommissionLine, CommissionRules, CommissionRun, CommissionStatement,
                                     DealAccount, Receipt)



def month_end(month):
    year, number = (int(part) for part in month.split("-"))
    return date(year, number, calendar.monthrange(year, number)[1])


# rules -----------------------------------------------------------------------------------
def _rules_row(session, actor, project_id):
    return project_row(session, actor, CommissionRules, project_id)


def rules_dict(row):
    return dict(load(CommissionRulesIn, {"rules": row.rules}), project_id=row.project_id, set_by=row.set_by,
                set_at=row.set_at)


def put_rules(uow, actor, project_id, data):
    """The project's commission rules (replacing earlier ones)."""
    in_project(actor, project_id, PERMISSIONS["commission_rules.set"])
    return rules_dict(replace_settings(uow, actor, CommissionRules, project_id, "rules",
                                       dump(CommissionRulesIn, data)["rules"], "rules"))


def get_rules(session, actor, project_id):
    in_project(actor, project_id, PERMISSIONS["commission_rules.read"])
    row = _rules_row(session, actor, project_id)
    if row is None:
        raise NotFound(f"project {project_id} has no commission rules", "COMMISSION_RULES_NOT_FOUND")
    return rules_dict(row)


# statements ------------------------------------------------------------------------------
def deals_of(session, agency_id, project_id):
    """The project's deals with their receipts, as the rules see them."""
    receipts = defaultdict(list)
    for deal_id, received_on, amount, status, ended_at in session.execute(
            select(Receipt.deal_id, Receipt.received_on, Receipt.amount, Receipt.status, Receipt.ended_at)
            .where(Receipt.project_id == project_id, Receipt.agency_id == agency_id)):
        receipts[deal_id].append(rules.Receipt(received_on, amount, ended_on(status, ended_at)))
    rows = session.execute(select(DealAccount).where(DealAccount.project_id == project_id,
                                                     DealAccount.agency_id == agency_id)).scalars()
    return {d.deal_id: rules.Deal(d.deal_id, d.advisor_id, d.price, d.signed_on, d.cancelled_on,
                                  tuple(receipts[d.deal_id])) for d in rows}


def _stated(session, project_id):
    return {(account_id, deal_id): amount for account_id, deal_id, amount in session.execute(
        select(CommissionLine.account_id, CommissionLine.deal_id, func.sum(CommissionLine.amount))
        .where(CommissionLine.project_id == project_id)
        .group_by(CommissionLine.account_id, CommissionLine.deal_id))}


def _kind(deal, amount, end):
    if deal.cancelled_by(end):
        return "clawback"
    return "accrual" if amount > 0 else "adjustment"


def issue_month(uow, actor, project_id, month):
    """Draw the month's statements for everyone with something to state (once per month;
    409 if drawn already, 422 before the month is over or after a later month was drawn)."""
    in_project(actor, project_id, PERMISSIONS["commission_statements.issue"])
    month = load(MonthIn, {"month": month})["month"]
    session = uow.session
    end = month_end(month)
    if end >= today():
        raise RuleViolated(f"{month} is not over yet; preview it instead", "MONTH_NOT_OVER")
    by_person, deals, due = _draft(session, actor, project_id, month, end)
    run = uow.add_unique(CommissionRun(agency_id=actor["agency_id"], project_id=project_id, month=month,
                                       issued_by=actor["account_id"], issued_at=utcnow()),
                         Conflict(f"the statements of {month} are drawn already", "COMMISSION_MONTH_ISSUED"))
    for account_id, lines in by_person.items():
        statement = CommissionStatement(run_id=run.id, agency_id=actor["agency_id"], project_id=project_id,
                                        month=month, account_id=account_id, issued_at=run.issued_at,
                                        total=sum((amount for _, amount in lines), rules.ZERO))
        session.add(statement)
        session.flush()
        for deal_id, amount in lines:
            deal = deals[deal_id]
            session.add(CommissionLine(
                statement_id=statement.id, agency_id=actor["agency_id"], project_id=project_id,
                account_id=account_id, deal_id=deal_id, kind=_kind(deal, amount, end), price=deal.price,
                collected=deal.collected_by(end), due=due.get((account_id, deal_id), rules.ZERO), amount=amount))
    session.flush()
    statements = _statements(session, select(CommissionStatement).where(CommissionStatement.run_id == run.id))
    return {"project_id": project_id, "month": month, "as_of": end, "provisional": False, "issued_by": run.issued_by,
            "issued_at": run.issued_at, "total": sum((s["total"] for s in statements), rules.ZERO), "statements": statements}


def _draft(session, actor, project_id, month, end):
    """({account: [(deal, amount)]}, deals, due) that drawing `month` with the state at `end` gives."""
    row = _rules_row(session, actor, project_id)
    if row is None:
        raise RuleViolated(f"project {project_id} has no commission rules yet", "NO_COMMISSION_RULES")
    latest = session.execute(select(func.max(CommissionRun.month))
                             .where(CommissionRun.project_id == project_id)).scalar_one()
    if latest is not None and latest > month:
        raise RuleViolated(f"the statements of {latest} are drawn already", "LATER_MONTH_STATED")
    if latest == month:
        raise Conflict(f"the statements of {month} are drawn already", "COMMISSION_MONTH_ISSUED")
    entries = load(CommissionRulesIn, {"rules": row.rules})["rules"]
    deals = deals_of(session, actor["agency_id"], project_id)
    due = rules.due_by_rules(entries, list(deals.values()), end)
    by_person = defaultdict(list)
    for (account_id, deal_id), amount in sorted(rules.statement_lines(due, _stated(session, project_id)).items()):
        by_person[account_id].append((deal_id, amount))
    return by_person, deals, due


def preview_month(session, actor, project_id, month):
    """The statements drawing `month` would give, with the state as of today (the running
    month) or its end: provisional, written nowhere. A month drawn already answers its
    statements as drawn (not provisional)."""
    in_project(actor, project_id, PERMISSIONS["commission_statements.issue"])
    month = load(MonthIn, {"month": month})["month"]
    run = session.execute(select(CommissionRun).where(CommissionRun.project_id == project_id,
                                                      CommissionRun.agency_id == actor["agency_id"],
                                                      CommissionRun.month == month)).scalar_one_or_none()
    if run is not None:
        statements = _statements(session, select(CommissionStatement).where(CommissionStatement.run_id == run.id))
        return {"project_id": project_id, "month": month, "as_of": month_end(month), "provisional": False,
                "issued_by": run.issued_by, "issued_at": run.issued_at,
                "total": sum((s["total"] for s in statements), rules.ZERO), "statements": statements}
    as_of = min(month_end(month), today())
    by_person, deals, due = _draft(session, actor, project_id, month, as_of)
    statements = [{"id": None, "project_id": project_id, "month": month, "account_id": account_id,
                   "total": sum((amount for _, amount in lines), rules.ZERO), "issued_at": None,
                   "provisional": True, **UNPAID,
                   "lines": [{"deal_id": deal_id, "kind": _kind(deals[deal_id], amount, as_of),
                              "price": deals[deal_id].price, "collected": deals[deal_id].collected_by(as_of),
                              "due": due.get((account_id, deal_id), rules.ZERO), "amount": amount}
                             for deal_id, amount in lines]}
                  for account_id, lines in by_person.items()]
    return {"project_id": project_id, "month": month, "as_of": as_of, "provisional": True, "issued_by": None,
            "issued_at": None, "total": sum((s["total"] for s in statements), rules.ZERO), "statements": statements}


def pay_statement(uow, actor, statement_id, data):
    """提成 paid to the person: the statement paid."""
    require_role(actor, PERMISSIONS["commission_statements.issue"])
    row = mark_paid(uow, actor, CommissionStatement, statement_id, data, "commission statement")
    return _statements(uow.session, select(CommissionStatement).where(CommissionStatement.id == row.id))[0]


def _statements(session, query):
    rows = session.execute(query.order_by(CommissionStatement.month, CommissionStatement.project_id,
                                          CommissionStatement.account_id)).scalars().all()
    lines = defaultdict(list)
    if rows:
        for line in session.execute(select(CommissionLine).where(
                CommissionLine.statement_id.in_([r.id for r in rows])).order_by(CommissionLine.id)).scalars():
            lines[line.statement_id].append({"deal_id": line.deal_id, "kind": line.kind, "price": line.price,
                                             "collected": line.collected, "due": line.due, "amount": line.amount})
    return [{"id": r.id, "project_id": r.project_id, "month": r.month, "account_id": r.account_id,
             "total": r.total, "issued_at": r.issued_at, "provisional": False, **paid_dict(r), "lines": lines[r.id]}
            for r in rows]


def list_statements(session, actor, query):
    """Statements by month, person and project; supervisors and advisors see their own only."""
    require_role(actor, PERMISSIONS["commission_statements.read"])
    account_id = query.get("account_id")
    if actor["role"] in PERMISSIONS["commission_statements.only_own"]:  # their own statements only
        if account_id not in (None, actor["account_id"]):
            raise Forbidden("you may read only your own commission statements", "NOT_YOUR_STATEMENT")
        account_id = actor["account_id"]
    statement = select(CommissionStatement).where(CommissionStatement.agency_id == actor["agency_id"])
    if query.get("project_id") is not None:
        check_scope(actor, actor["agency_id"], query["project_id"], "project")
        statement = statement.where(CommissionStatement.project_id == query["project_id"])
    elif actor["project_ids"] is not None:
        statement = statement.where(CommissionStatement.project_id.in_(actor["project_ids"]))
    if account_id is not None:
        statement = statement.where(CommissionStatement.account_id == account_id)
    if query.get("month") is not None:
        statement = statement.where(CommissionStatement.month == query["month"])
    return _statements(session, statement)
