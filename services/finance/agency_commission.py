"""代理费/结佣 agency commission over the database: the developer's terms per project and the
settlement statements drawn from finance's deal accounts; the arithmetic is in
commission_rules.py.

A statement for a period lists
- every deal billable by the period end (its condition held by then, see
  commission_rules.billable; the receipts counted are those received by the period end and
  not voided or refunded by it) that no earlier statement settled and that is not cancelled
  now: its fee = price × the rate the project's sell-through has reached at the period end;
- every deal settled earlier and cancelled since: a reversal line of minus what was settled.
Statements are never changed once issued; a later change of price (换房) is not re-billed.
Statements are numbered per project; their period ends never go backwards.

Paid out (结清): a statement is marked paid once, with who, when recorded and the day paid
(409 STATEMENT_PAID the second time); nothing of it changes after, a correction being a line
of the next statement (a reversal). The same holds for 提成 statements (staff_commission.py).

Preview: the statement a period would give, the running one included (period_to today or
later: the state as of today), computed exactly as issue_statement does, written nowhere,
`provisional` true and without a number.
"""
from collections import defaultdict

from sqlalchemy import func, select, update

from loupan.schemas import dump, load
from loupan.schemas.finance_commission import AgencyTermsIn
from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope, get_in_scope
from loupan.types import SHANGHAI, local_day, today, utcnow
from services.finance import commission_rules as rules
from services.finance.models import (AgencyStatement, AgencyStatementLine, AgencyTerms, Allocation, DealAccount,
                                     Receipt, ScheduleLine)



def in_project(actor, project_id, roles):
    require_role(actor, roles)
    check_scope(actor, actor["agency_id"], project_id, "project")


def ended_on(receipt_status, ended_at):
    """The day (Asia/Shanghai) a voided or refunded receipt stopped counting; None if valid."""
    if receipt_status == "valid" or ended_at is None:
        return None
    return ended_at.astimezone(SHANGHAI).date()


# terms -----------------------------------------------------------------------------------
def project_row(session, actor, model, project_id):
    """The project's settings row of `model` (agency terms, commission rules); None if unset."""
    row = session.get(model, project_id)
    if row is not None and row.agency_id != actor["agency_id"]:
        raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
    return row


def replace_settings(uow, actor, model, project_id, field, stored, what):
    """The project's settings row of `model` with `field` = `stored`, replacing earlier ones."""
    row = project_row(uow.session, actor, model, project_id)
    if row is None:
        return uow.add_unique(model(project_id=project_id, agency_id=actor["agency_id"], set_by=actor["account_id"],
                                    set_at=utcnow(), **{field: stored}),
                              Conflict(f"the {what} were set at the same time; try again", "CHANGED_CONCURRENTLY"))
    setattr(row, field, stored)
    row.set_by, row.set_at = actor["account_id"], utcnow()
    uow.session.flush()
    return row


def _terms_row(session, actor, project_id):
    return project_row(session, actor, AgencyTerms, project_id)


def terms_dict(row):
    return dict(load(AgencyTermsIn, row.terms), project_id=row.project_id, set_by=row.set_by, set_at=row.set_at)


def put_terms(uow, actor, project_id, data):
    """The developer's terms for the project (replacing earlier ones; issued statements keep
    the rate they were drawn with)."""
    in_project(actor, project_id, PERMISSIONS["agency_terms.set"])
    return terms_dict(replace_settings(uow, actor, AgencyTerms, project_id, "terms", dump(AgencyTermsIn, data),
                                       "terms"))


def get_terms(session, actor, project_id):
    in_project(actor, project_id, PERMISSIONS["agency_commission.read"])
    row = _terms_row(session, actor, project_id)
    if row is None:
        raise NotFound(f"project {project_id} has no agency terms", "AGENCY_TERMS_NOT_FOUND")
    return terms_dict(row)


# statements ------------------------------------------------------------------------------
def _paid_by(session, project_id, day):
    """{line_id: paid by `day`} of the project's live schedule lines."""
    paid = defaultdict(lambda: rules.ZERO)
    rows = session.execute(
        select(Allocation.line_id, Allocation.amount, Receipt.received_on, Receipt.status, Receipt.ended_at)
        .join(Receipt, Receipt.id == Allocation.receipt_id).where(Receipt.project_id == project_id)
    ).all()
    for line_id, amount, received_on, status, ended_at in rows:
        if rules.Receipt(received_on, amount, ended_on(status, ended_at)).counts_on(day):
            paid[line_id] += amount
    return paid


def _lines_by_deal(session, project_id, day):
    """{deal_id: [(kind, amount, paid by day)]} of the live (not closed) schedule lines."""
    paid = _paid_by(session, project_id, day)
    by_deal = defaultdict(list)
    rows = session.execute(
        select(ScheduleLine.id, ScheduleLine.deal_id, ScheduleLine.kind, ScheduleLine.amount)
        .join(DealAccount, DealAccount.deal_id == ScheduleLine.deal_id)
        .where(DealAccount.project_id == project_id, ScheduleLine.status != "closed")
    ).all()
    for line_id, deal_id, kind, amount in rows:
        by_deal[deal_id].append((kind, amount, paid[line_id]))
    return by_deal


def _signed_by(deal, day):
    return rules.Deal(deal.deal_id, deal.advisor_id, deal.price, deal.signed_on, deal.cancelled_on).signed_by(day)


def _draft(session, actor, project_id, period_to):
    """(terms, signed units, rate, lines) of a statement to `period_to`: what issuing it gives."""
    terms_row = _terms_row(session, actor, project_id)
    if terms_row is None:
        raise RuleViolated(f"project {project_id} has no agency terms yet", "NO_AGENCY_TERMS")
    terms = load(AgencyTermsIn, terms_row.terms)
    last = session.execute(select(AgencyStatement).where(AgencyStatement.project_id == project_id)
                           .order_by(AgencyStatement.number.desc()).limit(1)).scalar_one_or_none()
    if last is not None and period_to < last.period_to:
        raise RuleViolated(f"statement {last.number} already runs to {last.period_to}", "PERIOD_BEFORE_LAST")
    deals = session.execute(select(DealAccount).where(DealAccount.project_id == project_id,
                                                      DealAccount.agency_id == actor["agency_id"])
                            .order_by(DealAccount.deal_id)).scalars().all()
    signed_units = sum(1 for d in deals if _signed_by(d, period_to))
    rate = rules.agency_rate(terms, signed_units)
    settled = defaultdict(list)
    for line in session.execute(select(AgencyStatementLine).where(AgencyStatementLine.project_id == project_id)
                                .order_by(AgencyStatementLine.id)).scalars():
        settled[line.deal_id].append(line)
    schedule = _lines_by_deal(session, project_id, period_to)
    lines = []
    for deal in deals:
        earlier = settled.get(deal.deal_id)
        net = sum((line.amount for line in earlier or ()), rules.ZERO)
        if deal.status == "cancelled":
            if net:
                lines.append(("reversal", deal, earlier[-1].price, earlier[0].rate, -net))
        elif earlier is None and rules.billable(terms["billable_when"], _signed_by(deal, period_to),
                                                schedule.get(deal.deal_id, [])):
            lines.append(("fee", deal, deal.price, str(rate), rules.agency_fee(deal.price, rate)))
    return terms, signed_units, rate, lines


def _line_dicts(lines):
    return [{"deal_id": deal.deal_id, "kind": kind, "unit_label": deal.unit_label, "price": price, "rate": line_rate,
             "amount": amount} for kind, deal, price, line_rate, amount in lines]


def preview_statement(session, actor, project_id, data):
    """The statement the period would give now, the running period included (as of today):
    provisional, unnumbered, written nowhere."""
    in_project(actor, project_id, PERMISSIONS["agency_statements.issue"])
    as_of = min(data["period_to"], today())
    terms, signed_units, rate, lines = _draft(session, actor, project_id, as_of)
    return {"id": None, "project_id": project_id, "number": None, "period_from": data["period_from"],
            "period_to": data["period_to"], "as_of": as_of, "provisional": True, "signed_units": signed_units,
            "total_units": terms["total_units"], "sell_through": rules.sell_through(signed_units, terms["total_units"]),
            "rate": str(rate), "total": sum((amount for *_, amount in lines), rules.ZERO), "issued_by": None,
            "issued_at": None, **UNPAID, "lines": _line_dicts(lines)}


def issue_statement(uow, actor, project_id, data):
    """结佣 statement for a period: new fees of the deals billable by its end, reversals of
    settled deals cancelled since. 422 without terms, with nothing to settle, for a period
    ending in the future or before the last statement's."""
    in_project(actor, project_id, PERMISSIONS["agency_statements.issue"])
    session = uow.session
    period_to = data["period_to"]
    if period_to >= today():
        raise RuleViolated(f"the period must be over: {period_to} is not before today; preview it instead",
                           "PERIOD_NOT_OVER")
    terms, signed_units, rate, lines = _draft(session, actor, project_id, period_to)
    if not lines:
        raise RuleViolated(f"nothing to settle by {period_to}", "NOTHING_TO_SETTLE")
    number = session.execute(select(func.coalesce(func.max(AgencyStatement.number), 0))
                             .where(AgencyStatement.project_id == project_id)).scalar_one() + 1
    statement = uow.add_unique(
        AgencyStatement(agency_id=actor["agency_id"], project_id=project_id, number=number,
                        period_from=data["period_from"], period_to=period_to, signed_units=signed_units,
                        total_units=terms["total_units"], rate=str(rate),
                        total=sum((amount for *_, amount in lines), rules.ZERO),
                        issued_by=actor["account_id"], issued_at=utcnow()),
        Conflict("another statement was issued at the same time; try again", "STATEMENT_RACE"))
    session.add_all(AgencyStatementLine(statement_id=statement.id, agency_id=actor["agency_id"],
                                        project_id=project_id, deal_id=deal.deal_id, kind=kind,
                                        unit_label=deal.unit_label, price=price, rate=line_rate, amount=amount)
                    for kind, deal, price, line_rate, amount in lines)
    session.flush()
    return statement_dict(session, statement)


UNPAID = {"paid": False, "paid_by": None, "paid_at": None, "paid_on": None, "payment_ref": None}


def paid_dict(row):
    return {"paid": row.paid_at is not None, "paid_by": row.paid_by, "paid_at": row.paid_at, "paid_on": row.paid_on,
            "payment_ref": row.payment_ref}


def mark_paid(uow, actor, model, statement_id, data, what):
    """A statement paid out, once: who, when recorded, the day paid (default today, not in the
    future nor before it was issued). 409 STATEMENT_PAID if it was paid already."""
    session = uow.session
    row = get_in_scope(session, actor, model, statement_id, what)
    paid_on = data.get("paid_on") or today()
    if paid_on > today():
        raise RuleViolated(f"paid_on {paid_on} is in the future", "DATE_IN_FUTURE")
    if paid_on < local_day(row.issued_at):
        raise RuleViolated(f"paid_on {paid_on} is before the statement was issued ({local_day(row.issued_at)})",
                           "DATE_OUT_OF_ORDER")
    moved = session.execute(
        update(model).where(model.id == row.id, model.paid_at.is_(None))
        .values(paid_by=actor["account_id"], paid_at=utcnow(), paid_on=paid_on, payment_ref=data.get("payment_ref"))
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        session.refresh(row)
        raise Conflict(f"{what} {statement_id} was paid on {row.paid_on}; a paid statement is not changed, "
                       "a correction goes in the next statement", "STATEMENT_PAID")
    session.refresh(row)
    return row


def pay_statement(uow, actor, statement_id, data):
    """结佣 received from the developer: the statement paid."""
    require_role(actor, PERMISSIONS["agency_statements.issue"])
    return statement_dict(uow.session, mark_paid(uow, actor, AgencyStatement, statement_id, data, "agency statement"))


def statement_dict(session, row):
    lines = session.execute(select(AgencyStatementLine).where(AgencyStatementLine.statement_id == row.id)
                            .order_by(AgencyStatementLine.id)).scalars().all()
    return {"id": row.id, "project_id": row.project_id, "number": row.number, "period_from": row.period_from,
            "period_to": row.period_to, "as_of": row.period_to, "provisional": False, "signed_units": row.signed_units,
            "total_units": row.total_units,
            "sell_through": rules.sell_through(row.signed_units, row.total_units), "rate": row.rate,
            "total": row.total, "issued_by": row.issued_by, "issued_at": row.issued_at, **paid_dict(row),
            "lines": [{"deal_id": x.deal_id, "kind": x.kind, "unit_label": x.unit_label, "price": x.price,
                       "rate": x.rate, "amount": x.amount} for x in lines]}


def list_statements(session, actor, project_id):
    in_project(actor, project_id, PERMISSIONS["agency_commission.read"])
    rows = session.execute(select(AgencyStatement).where(AgencyStatement.project_id == project_id,
                                                         AgencyStatement.agency_id == actor["agency_id"])
                           .order_by(AgencyStatement.number)).scalars().all()
    return [statement_dict(session, row) for row in rows]


def get_statement(session, actor, statement_id):
    require_role(actor, PERMISSIONS["agency_commission.read"])
    return statement_dict(session, get_in_scope(session, actor, AgencyStatement, statement_id, "agency statement"))
