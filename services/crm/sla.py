"""跟进时效 service levels over the database: the overdue lists of an advisor and of a site,
and the sweep that publishes `sla_breached` once per overdue item. The rules are in
sla_rules.py; the facts are the customer row and its follow-ups."""
import logging

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from loupan.errors import Forbidden
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import utcnow
from services.crm import sla_rules
from services.crm.models import CareTask, Customer, FollowUp, SlaBreach

log = logging.getLogger(__name__)
SWEEP_BATCH = 500


def _follow_up_at(aggregate, *conditions):
    """A correlated lookup on the (customer_id, at) index: cheap per lead, however many
    follow-ups the other customers have."""
    return (select(aggregate(FollowUp.at)).where(FollowUp.customer_id == Customer.id, *conditions)
            .correlate(Customer).scalar_subquery())


def _leads(now, *conditions):
    """Leads that may have something overdue at `now`, with their first follow-up, first
    needs analysis and last follow-up."""
    return (select(Customer, _follow_up_at(func.min), _follow_up_at(func.min, FollowUp.needs_analysis.is_(True)),
                   _follow_up_at(func.max))
            .where(Customer.status == "lead", Customer.owner_id.is_not(None),
                   or_(Customer.grade.is_(None), Customer.grade.not_in(sla_rules.NO_SERVICE_GRADES)),
                   Customer.registered_at < sla_rules.registered_before_for_overdue(now), *conditions))


def _lead_facts(customer, first_at, needs_at, last_at):
    last = max((t for t in (last_at, customer.last_follow_up_at) if t is not None), default=None)
    return sla_rules.Lead(registered_at=customer.registered_at, status=customer.status, grade=customer.grade,
                          owned=customer.owner_id is not None, first_follow_up_at=first_at,
                          needs_analysed_at=needs_at, last_contact_at=last)


def _advisor_filter(actor, advisor_id):
    """Advisors see their own items only; the site's leaders any advisor's, or all."""
    require_role(actor, PERMISSIONS["follow_ups.overdue"], "read an overdue list")
    if actor["role"] in PERMISSIONS["follow_ups.overdue_site"]:
        return advisor_id
    if advisor_id is not None and advisor_id != actor["account_id"]:
        raise Forbidden("an advisor sees only their own overdue items", "NOT_YOUR_LIST")
    return actor["account_id"]


def overdue_list(session, actor, project_id, advisor_id=None, now=None):
    """What is overdue now at the site (or for one advisor): every service-level item past
    its due, and every satisfaction visit (回访) past its 30 days; most overdue first."""
    check_scope(actor, actor["agency_id"], project_id, "project")
    advisor_id = _advisor_filter(actor, advisor_id)
    now = now or utcnow()
    where = [Customer.agency_id == actor["agency_id"], Customer.project_id == project_id]
    if advisor_id is not None:
        where.append(Customer.owner_id == advisor_id)
    found = []
    for customer, first_at, needs_at, last_at in session.execute(_leads(now, *where)):
        for item in sla_rules.overdue(_lead_facts(customer, first_at, needs_at, last_at), now):
            found.append(_entry(customer, customer.owner_id, item.rule, item.due_at, now))
    tasks = select(CareTask, Customer).join(Customer, Customer.id == CareTask.customer_id).where(
        CareTask.agency_id == actor["agency_id"], CareTask.project_id == project_id, CareTask.status == "open",
        CareTask.due_at < now)
    if advisor_id is not None:
        tasks = tasks.where(CareTask.owner_id == advisor_id)
    for task, customer in session.execute(tasks):
        found.append(_entry(customer, task.owner_id, task.kind, task.due_at, now))
    return sorted(found, key=lambda e: (e["due_at"], e["customer_id"], e["rule"]))


def _entry(customer, advisor_id, rule, due_at, now):
    return {"customer_id": customer.id, "customer_name": customer.name, "grade": customer.grade,
            "advisor_id": advisor_id, "advisor_name": customer.owner_name if advisor_id == customer.owner_id else None,
            "rule": rule, "due_at": due_at, "minutes_late": sla_rules.Item(rule, due_at).minutes_late(now)}


def _candidates(session, now, after_id):
    """Overdue items of one batch of leads (by id after `after_id`) not yet recorded as
    breaches; returns (items, last id seen or None when done)."""
    rows = session.execute(_leads(now, Customer.id > after_id).order_by(Customer.id).limit(SWEEP_BATCH)).all()
    if not rows:
        return [], None
    ids = [r[0].id for r in rows]
    known = set(session.execute(select(SlaBreach.customer_id, SlaBreach.rule, SlaBreach.due_at)
                                .where(SlaBreach.customer_id.in_(ids))).all())
    items = []
    for customer, first_at, needs_at, last_at in rows:
        for item in sla_rules.overdue(_lead_facts(customer, first_at, needs_at, last_at), now):
            if (customer.id, item.rule, item.due_at) not in known:
                items.append({"agency_id": customer.agency_id, "project_id": customer.project_id,
                              "customer_id": customer.id, "advisor_id": customer.owner_id, "rule": item.rule,
                              "due_at": item.due_at, "customer_name": customer.name})
    return items, ids[-1]


def sweep(uow, now=None):
    """Record and publish `sla_breached` for every item overdue now, each in its own
    transaction (committed here): the unique (customer, rule, due_at) of sla_breaches
    refuses a second insert, so a re-run or another replica never publishes it twice.
    Returns how many were published."""
    now = now or utcnow()
    published, after_id = 0, 0
    while after_id is not None:
        items, after_id = _candidates(uow.session, now, after_id)
        uow.rollback()  # the reads end here; each breach below is a transaction of its own
        for item in items:
            published += _record(uow, item, now)
    return published


def _record(uow, item, now):
    try:
        uow.session.add(SlaBreach(detected_at=now, **{k: v for k, v in item.items() if k != "customer_name"}))
        uow.session.flush()
    except IntegrityError:  # another replica recorded it first
        uow.rollback()
        return 0
    uow.publish("sla_breached", {k: item[k] for k in ("customer_id", "advisor_id", "rule", "due_at", "customer_name")},
                agency_id=item["agency_id"], project_id=item["project_id"])
    uow.commit()
    log.info("sla breached: customer %s %s due %s", item["customer_id"], item["rule"], item["due_at"])
    return 1
