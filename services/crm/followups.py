"""跟进 follow-ups: dated notes of a contact with a customer (call, visit, message). Each one
renews the owner's 保护期 (customers.touch) and answers the service levels (sla_rules)."""
from datetime import timedelta

from sqlalchemy import select

from loupan.errors import Forbidden, Invalid
from loupan.roles import PERMISSIONS, require_role
from loupan.types import utcnow
from services.crm import customers
from services.crm.models import FollowUp

CLOCK_SKEW = timedelta(minutes=2)  # a phone's clock a little ahead is not a note from the future


def _view(row):
    return {c: getattr(row, c) for c in ("id", "project_id", "customer_id", "kind", "note", "needs_analysis",
                                         "at", "by_id", "by_name", "created_at")}


def add_follow_up(uow, actor, customer_id, data, default_days=None):
    """A follow-up by the customer's owner (or a manager, e.g. covering for someone away);
    `at` defaults to now and may be earlier (written up later), never in the future."""
    session = uow.session
    customer = customers.customer_in_scope(session, actor, customer_id)
    if actor["role"] not in PERMISSIONS["follow_ups.write_any"] and (customer.owner_id is None or customer.owner_id != actor["account_id"]):
        raise Forbidden("only the customer's owner or a manager records follow-ups", "NOT_OWNER")
    now = utcnow()
    at = data.get("at") or now
    if at > now + CLOCK_SKEW:
        raise Invalid("a follow-up cannot be in the future", "FOLLOW_UP_IN_FUTURE")
    if at < customer.registered_at:
        raise Invalid("a follow-up cannot be before the customer was registered", "FOLLOW_UP_BEFORE_REGISTRATION")
    at = min(at, now)
    row = FollowUp(agency_id=customer.agency_id, project_id=customer.project_id, customer_id=customer.id,
                   kind=data["kind"], note=data["note"], needs_analysis=data.get("needs_analysis", False), at=at,
                   by_id=actor["account_id"], by_name=actor["username"], created_at=now)
    session.add(row)
    customers.touch(session, customer, at, default_days)
    session.flush()
    return _view(row)


def list_follow_ups(session, actor, customer_id):
    """The customer's follow-ups, newest first (advisors: their own customers and the pool)."""
    require_role(actor, PERMISSIONS["follow_ups.read"], "read follow-ups")
    customer = customers.customer_in_scope(session, actor, customer_id)
    rows = session.execute(select(FollowUp).where(FollowUp.customer_id == customer.id)
                           .order_by(FollowUp.at.desc(), FollowUp.id.desc())).scalars()
    return [_view(r) for r in rows]
