"""满意度 satisfaction: surveys (score 1–5) after the 回访 visit, the visit tasks handover
leaves on the owner's list, and the site's figures.

好评率 (share of good reviews) = surveys scoring 4 or 5 ÷ surveys, in percent.
投诉率 (complaint rate) = complaints filed ÷ deals made (认购 approved, cancelled ones
included: they were customers served), in percent. Both over the same period (Asia/Shanghai
days, inclusive), per advisor and for the site; None when the divisor is zero. A complaint
counts against the advisor it is about; a deal for the advisor who made it."""
from collections import defaultdict
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select, update

from loupan.errors import Forbidden, Invalid
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor
from loupan.types import SHANGHAI, utcnow
from services.crm import customers
from services.crm.models import CareTask, Complaint, Customer, DealCustomer, Survey

GOOD_SCORE = 4
MAX_REPORT_DAYS = 366
PERCENT = Decimal("0.01")


def _view(row):
    return {c: getattr(row, c) for c in ("id", "project_id", "customer_id", "advisor_id", "deal_id", "score",
                                         "comments", "by_id", "by_name", "at")}


def record_survey(uow, actor, customer_id, data):
    """A survey of the customer; it closes their open satisfaction visit (of the deal
    given, else the earliest due). Publishes satisfaction_recorded for the advisor served."""
    require_role(actor, PERMISSIONS["surveys.record"])
    session = uow.session
    customer = customers.customer_in_scope(session, actor, customer_id)
    advisor_id = customer.owner_id
    deal_id = data.get("deal_id")
    if deal_id is not None:
        deal = session.get(DealCustomer, deal_id)
        if deal is None or deal.customer_id != customer.id:
            raise Invalid(f"deal {deal_id} is not a deal of customer {customer.id}", "DEAL_NOT_OF_CUSTOMER")
        advisor_id = deal.advisor_id or advisor_id
    now = utcnow()
    row = Survey(agency_id=customer.agency_id, project_id=customer.project_id, customer_id=customer.id,
                 advisor_id=advisor_id, deal_id=deal_id, score=data["score"], comments=data.get("comments"),
                 by_id=actor["account_id"], by_name=actor["username"], at=now)
    session.add(row)
    session.flush()
    _close_visit(session, customer.id, deal_id, row.id, now)
    uow.publish("satisfaction_recorded", {"survey_id": row.id, "advisor_id": advisor_id, "score": row.score},
                agency_id=customer.agency_id, project_id=customer.project_id, actor=event_actor(actor))
    return _view(row)


def _close_visit(session, customer_id, deal_id, survey_id, now):
    q = select(CareTask.id).where(CareTask.customer_id == customer_id, CareTask.status == "open")
    if deal_id is not None:
        q = q.where(CareTask.deal_id == deal_id)
    task_id = session.execute(q.order_by(CareTask.due_at, CareTask.id).limit(1)).scalar_one_or_none()
    if task_id is not None:  # conditional: two surveys at once close it once
        session.execute(update(CareTask).where(CareTask.id == task_id, CareTask.status == "open")
                        .values(status="done", survey_id=survey_id, done_at=now)
                        .execution_options(synchronize_session=False))


def list_surveys(session, actor, customer_id):
    require_role(actor, PERMISSIONS["surveys.read"])
    customer = customers.customer_in_scope(session, actor, customer_id)
    rows = session.execute(select(Survey).where(Survey.customer_id == customer.id)
                           .order_by(Survey.at.desc(), Survey.id.desc())).scalars()
    return [_view(r) for r in rows]


def list_visit_tasks(session, actor, project_id, query):
    """回访 tasks of the site (advisors: their own), earliest due first."""
    require_role(actor, PERMISSIONS["care_tasks.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    owner_id = query.get("owner_id")
    if actor["role"] not in PERMISSIONS["care_tasks.see_all"]:
        if owner_id is not None and owner_id != actor["account_id"]:
            raise Forbidden("an advisor sees only their own visit tasks", "NOT_YOUR_LIST")
        owner_id = actor["account_id"]
    q = (select(CareTask, Customer.name).join(Customer, Customer.id == CareTask.customer_id)
         .where(CareTask.agency_id == actor["agency_id"], CareTask.project_id == project_id))
    if owner_id is not None:
        q = q.where(CareTask.owner_id == owner_id)
    if query.get("status") is not None:
        q = q.where(CareTask.status == query["status"])
    now = utcnow()
    return [dict({c: getattr(t, c) for c in ("id", "project_id", "customer_id", "deal_id", "kind", "owner_id",
                                             "due_at", "status", "survey_id", "done_at")},
                 customer_name=name, overdue=t.status == "open" and now > t.due_at)
            for t, name in session.execute(q.order_by(CareTask.due_at, CareTask.id))]


# the report -------------------------------------------------------------------------------
def _bounds(first, last):
    if last < first:
        raise Invalid("to is before from", "BAD_PERIOD")
    if (last - first).days >= MAX_REPORT_DAYS:
        raise Invalid(f"a period of at most {MAX_REPORT_DAYS} days", "PERIOD_TOO_LONG")
    return (datetime.combine(first, time(0), SHANGHAI),
            datetime.combine(last + timedelta(days=1), time(0), SHANGHAI))


def percent(part, whole):
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(PERCENT, rounding=ROUND_HALF_UP)


def figures(surveys=0, good=0, score_sum=0, complaints=0, deals=0):
    """One line of the report from its counts."""
    return {"surveys": surveys, "good": good, "good_rate": percent(good, surveys),
            "average_score": (Decimal(score_sum) / surveys).quantize(PERCENT, rounding=ROUND_HALF_UP)
            if surveys else None,
            "complaints": complaints, "deals": deals, "complaint_rate": percent(complaints, deals)}


def satisfaction(session, actor, project_id, first, last):
    """好评率 and 投诉率 of the site and of each advisor over the period (see module doc)."""
    require_role(actor, PERMISSIONS["satisfaction.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    start, end = _bounds(first, last)
    scope = {"agency_id": actor["agency_id"], "project_id": project_id}

    def grouped(model, at, *columns):
        return session.execute(select(model.advisor_id, *columns).where(
            model.agency_id == scope["agency_id"], model.project_id == scope["project_id"],
            at >= start, at < end).group_by(model.advisor_id)).all()

    counts = defaultdict(lambda: defaultdict(int))
    for advisor_id, n, good, total in grouped(Survey, Survey.at, func.count(),
                                              func.sum(case((Survey.score >= GOOD_SCORE, 1), else_=0)),
                                              func.sum(Survey.score)):
        counts[advisor_id].update(surveys=n, good=int(good or 0), score_sum=int(total or 0))
    for advisor_id, n in grouped(Complaint, Complaint.created_at, func.count()):
        counts[advisor_id]["complaints"] = n
    for advisor_id, n in grouped(DealCustomer, DealCustomer.subscribed_at, func.count()):
        counts[advisor_id]["deals"] = n
    site = defaultdict(int)
    for line in counts.values():
        for key, n in line.items():
            site[key] += n
    advisors = sorted(a for a in counts if a is not None)
    if actor["role"] == ADVISOR:
        advisors = [a for a in advisors if a == actor["account_id"]]
    return {"project_id": project_id, "from": first, "to": last, "site": figures(**site),
            "advisors": [dict(figures(**counts[a]), advisor_id=a) for a in advisors]}
