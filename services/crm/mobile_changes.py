"""更正手机号 (issue 19): a customer's mobile corrected by its owner or a manager, with the
reason, kept in the customer's history. The rules are in mobile_change_rules.py; in a site
manager's words in docs/domain.md "Channels".

A customer no channel holds changes number at once. One a channel holds (its attributed
report in protection, or a report of its number waiting for the visit: channels.holding_report)
changes only with a manager's approval: an advisor's request waits for a manager who did not
ask it; a manager's own change applies as approved by them. Every change of a held customer
(requested, approved, applied) is a 渠道风控 alert `mobile_change`.

What crm keys on the number stays one: the number is the customer's identity in its project
(another customer's number is 409 MOBILE_TAKEN; of two changes to one number at once exactly
one applies, ordered by the new number's key lock, and uq_customers_project_mobile refuses it
when a 报备 of the number committed meanwhile), and the channel reports that follow the
customer (the ones that brought it, and those of its full number waiting for the visit) move
to the new number and its 前三后四, under the locks the 判客 takes (channels.lock_reports_of,
lock_keys), so a report of the new number is judged against the channel that holds the
customer and the old number holds nobody. A hidden-number report stays on its 3+4: it may be
another person's. crm publishes no event that carries a customer's mobile, so none is
published here."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict as ConflictError
from loupan.errors import Forbidden
from loupan.roles import PERMISSIONS, require_not_own, require_role
from loupan.scope import check_scope, get_in_scope
from loupan.types import utcnow
from loupan.validators import mask_mobile
from services.crm import channels, customers
from services.crm import mobile_change_rules as rules
from services.crm.models import ChannelReport, Customer, CustomerMobileChange

FIELDS = ("id", "project_id", "customer_id", "reason", "status", "held", "report_id", "requested_by",
          "requested_by_name", "requested_at", "decided_by", "decided_by_name", "decided_at", "note", "applied_at")


def change_views(session, changes):
    """What MobileChangeOut dumps: the numbers masked (138****5678) as every history shows
    them, with the customer's name and the channel of the report that held it."""
    changes = list(changes)
    names = dict(session.execute(select(Customer.id, Customer.name).where(
        Customer.id.in_({c.customer_id for c in changes}))).all()) if changes else {}
    held_by = {r.id: r for r in session.execute(select(ChannelReport).where(
        ChannelReport.id.in_({c.report_id for c in changes if c.report_id}))).scalars()} if changes else {}
    views = []
    for change in changes:
        report = held_by.get(change.report_id)
        views.append({**{c: getattr(change, c) for c in FIELDS}, "customer_name": names.get(change.customer_id),
                      "old_mobile": mask_mobile(change.old_mobile), "new_mobile": mask_mobile(change.new_mobile),
                      "channel_name": (report.channel_name or channels.INDIVIDUAL) if report else None,
                      "broker_name": report.broker_name if report else None})
    return views


def history(session, customer_id):
    """The customer's changes, oldest first (customers.customer_detail)."""
    return change_views(session, session.execute(select(CustomerMobileChange).where(
        CustomerMobileChange.customer_id == customer_id).order_by(CustomerMobileChange.requested_at,
                                                                 CustomerMobileChange.id)).scalars())


def _lock(session, customer_id, new_mobile):
    """The customer locked for a change of its number, with what follows the number: in the
    order a 带看 takes its locks (its report, the 前三后四 key, the customer), the customer's
    reports, the keys of both numbers, then the reports again (none can be filed on the keys
    now) and the customer. Its number changed meanwhile: 409 CUSTOMER_BUSY."""
    customer = session.get(Customer, customer_id)
    old = customer.mobile
    channels.lock_reports_of(session, customer)
    keys = channels.lock_keys(session, customer.agency_id, customer.project_id, (old, new_mobile))
    reports = channels.lock_reports_of(session, customer)
    session.execute(select(Customer).where(Customer.id == customer_id).with_for_update()
                    .execution_options(populate_existing=True)).scalar_one()
    if customer.mobile != old:
        raise ConflictError("the customer's mobile is being changed by someone else; try again", "CUSTOMER_BUSY")
    return customer, reports, keys


def _pending(session, customer_id):
    return session.execute(select(CustomerMobileChange.id).where(
        CustomerMobileChange.customer_id == customer_id, CustomerMobileChange.status == "pending")).scalar()


def _check_free(session, customer, mobile):
    """The number is nobody else's in the project: the customer's identity (409 MOBILE_TAKEN)."""
    other = session.execute(select(Customer.id).where(Customer.project_id == customer.project_id,
                                                      Customer.mobile == mobile, Customer.id != customer.id)).scalar()
    if other is not None:
        raise ConflictError("another customer of the project has this mobile: open that customer instead",
                            "MOBILE_TAKEN")


def _apply(session, change, customer, reports, keys, at):
    """The number changes, and the reports that follow it move with it. Under the locks of
    `_lock` (two changes to one number wait for each other on its key); the unique (project,
    mobile) refuses the number if a 报备 of it committed meanwhile."""
    _check_free(session, customer, change.new_mobile)
    channels.move_reports(session, customer, reports, keys, change.new_mobile, at)
    try:
        with session.begin_nested():  # a 报备 of the new number committed a moment ago
            done = session.execute(update(Customer).where(Customer.id == customer.id,
                                                          Customer.mobile == change.old_mobile)
                                   .values(mobile=change.new_mobile, updated_at=at)
                                   .execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        raise ConflictError("another customer of the project has this mobile: open that customer instead",
                            "MOBILE_TAKEN") from None
    if done != 1:
        raise ConflictError(f"customer {customer.id}'s mobile is no longer the one this change corrects",
                            "MOBILE_CHANGE_STALE")
    session.refresh(customer)
    change.applied_at = at


def request_change(uow, actor, customer_id, data, now=None):
    """更正手机号 {mobile, reason} by the customer's owner or a manager: applied at once, or
    pending for a manager when a channel holds the customer and the asker is no manager."""
    require_role(actor, PERMISSIONS["mobile_changes.request"], "correct a customer's mobile")
    session = uow.session
    now = now or utcnow()
    customer = customers.customer_in_scope(session, actor, customer_id)
    manager = actor["role"] in PERMISSIONS["mobile_changes.decide"]
    if not manager and customer.owner_id != actor["account_id"]:
        raise Forbidden("only the owner or a manager may correct a customer's mobile", "NOT_OWNER")
    new = customers.normalise_mobile(data["mobile"])
    rules.check_new_mobile(customer.mobile, new)
    customer, reports, keys = _lock(session, customer.id, new)
    rules.check_new_mobile(customer.mobile, new)
    pending = _pending(session, customer.id)
    if pending is not None:
        raise ConflictError(f"mobile change {pending} of this customer waits for a manager", "MOBILE_CHANGE_PENDING")
    _check_free(session, customer, new)
    report = channels.holding_report(session, customer, now)
    status = rules.outcome(report is not None, manager)
    change = CustomerMobileChange(agency_id=customer.agency_id, project_id=customer.project_id, customer_id=customer.id,
                                  old_mobile=customer.mobile, new_mobile=new, reason=data["reason"].strip(),
                                  status=status, held=report is not None, report_id=report.id if report else None,
                                  requested_by=actor["account_id"], requested_by_name=actor["username"],
                                  requested_at=now)
    if status == "approved":  # a manager's own change of a held customer: approved by them
        change.decided_by, change.decided_by_name, change.decided_at = actor["account_id"], actor["username"], now
    session.add(change)
    session.flush()
    if status == "pending":
        channels.check_move(session, customer, reports, new, now)  # told now, not at the approval
    else:
        _apply(session, change, customer, reports, keys, now)
    if report is not None:
        channels.alert_mobile_change(session, customer, change, report,
                                     rules.alert_stage(status, asked_by_decider=True), now)
    session.flush()
    return change_views(session, [change])[0]


def list_changes(session, actor, project_id, query):
    """The project's mobile changes, newest first (`status`: pending for the manager's queue)."""
    require_role(actor, PERMISSIONS["mobile_changes.decide"], "read mobile changes")
    check_scope(actor, actor["agency_id"], project_id, "project")
    q = select(CustomerMobileChange).where(CustomerMobileChange.agency_id == actor["agency_id"],
                                           CustomerMobileChange.project_id == project_id)
    if query.get("status"):
        q = q.where(CustomerMobileChange.status == query["status"])
    return change_views(session, session.execute(q.order_by(CustomerMobileChange.requested_at.desc(),
                                                            CustomerMobileChange.id.desc())).scalars())


def _decide(session, actor, change_id, status, note, now):
    """A manager who did not ask it decides a pending change once (a conditional update: two
    managers at once, one wins; 409 MOBILE_CHANGE_DECIDED)."""
    require_role(actor, PERMISSIONS["mobile_changes.decide"], "decide mobile changes")
    change = get_in_scope(session, actor, CustomerMobileChange, change_id, "mobile change")
    require_not_own(actor, change.requested_by, what="mobile change")
    done = session.execute(update(CustomerMobileChange).where(CustomerMobileChange.id == change.id,
                                                              CustomerMobileChange.status == "pending")
                           .values(status=status, decided_by=actor["account_id"], decided_by_name=actor["username"],
                                   decided_at=now, note=note)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise ConflictError(f"mobile change {change_id} was decided already", "MOBILE_CHANGE_DECIDED")
    session.refresh(change)
    return change


def approve_change(uow, actor, change_id, data, now=None):
    """A manager approves a pending change: the number changes now (409 MOBILE_TAKEN if another
    customer took it meanwhile: the request stays pending, to be rejected), with its alert."""
    session = uow.session
    now = now or utcnow()
    change = _decide(session, actor, change_id, "approved", data.get("note"), now)
    customer, reports, keys = _lock(session, change.customer_id, change.new_mobile)
    _apply(session, change, customer, reports, keys, now)
    report = session.get(ChannelReport, change.report_id) if change.report_id else None
    if change.held and report is not None:
        channels.alert_mobile_change(session, customer, change, report,
                                     rules.alert_stage("approved", asked_by_decider=False), now)
    session.flush()
    return change_views(session, [change])[0]


def reject_change(uow, actor, change_id, data, now=None):
    """A manager turns a pending change down with a note: the number stays."""
    session = uow.session
    change = _decide(session, actor, change_id, "rejected", data["note"], now or utcnow())
    session.flush()
    return change_views(session, [change])[0]
