"""投诉 complaints: filed by the site's staff for a customer (or anyone), handled by an owner
before a deadline that follows the severity, resolved once with the resolution text.

Escalation: crm keeps no roster of who manages a site (accounts live in hr), so a serious
or critical complaint is not handed to a named manager; it is flagged `escalated` and is
on every site manager's list (`escalated=true`), any of whom may resolve it, while its
owner keeps working it."""
from datetime import timedelta

from sqlalchemy import case, func, or_, select, update

from loupan.errors import Conflict, Forbidden, Invalid
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import utcnow
from services.crm.models import Complaint, Customer

ESCALATED = ("serious", "critical")
DEFAULT_DEADLINE = {"critical": timedelta(days=1), "serious": timedelta(days=3), "normal": timedelta(days=7),
                    "low": timedelta(days=14)}
FILTERS = ("status", "severity", "category", "owner_id", "advisor_id", "customer_id", "escalated")


def view(complaint, customer_name, now):
    out = {c: getattr(complaint, c) for c in (
        "id", "project_id", "customer_id", "advisor_id", "category", "severity", "description", "owner_id",
        "escalated", "deadline", "status", "resolution", "resolved_by", "resolved_at", "filed_by", "filed_by_name",
        "created_at")}
    out["customer_name"] = customer_name
    out["overdue"] = complaint.status == "open" and now > complaint.deadline
    out["minutes_to_resolve"] = (int((complaint.resolved_at - complaint.created_at).total_seconds() // 60)
                                 if complaint.resolved_at else None)
    return out


def file_complaint(uow, actor, project_id, data):
    """投诉 filed: owner defaults to the filer, the advisor concerned to the customer's owner,
    the deadline to the severity's; serious and critical are escalated. Publishes
    complaint_filed."""
    require_role(actor, PERMISSIONS["complaints.file"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    session = uow.session
    now = utcnow()
    customer = None
    if data.get("customer_id") is not None:
        customer = get_in_scope(session, actor, Customer, data["customer_id"], "customer")
        if customer.project_id != project_id:
            raise Invalid(f"customer {customer.id} is not a customer of project {project_id}", "CUSTOMER_NOT_IN_PROJECT")
    deadline = data.get("deadline") or now + DEFAULT_DEADLINE[data["severity"]]
    if deadline <= now:
        raise Invalid("the deadline must be in the future", "DEADLINE_PASSED")
    advisor_id = data.get("advisor_id")
    if advisor_id is None and customer is not None:
        advisor_id = customer.owner_id
    row = Complaint(agency_id=actor["agency_id"], project_id=project_id,
                    customer_id=customer.id if customer else None, advisor_id=advisor_id,
                    category=data["category"], severity=data["severity"], description=data["description"],
                    owner_id=data.get("owner_id") or actor["account_id"], escalated=data["severity"] in ESCALATED,
                    deadline=deadline, status="open", filed_by=actor["account_id"], filed_by_name=actor["username"],
                    created_at=now)
    session.add(row)
    session.flush()
    uow.publish("complaint_filed", {"complaint_id": row.id, "advisor_id": advisor_id, "category": row.category,
                                    "severity": row.severity},
                agency_id=actor["agency_id"], project_id=project_id, actor=event_actor(actor))
    return view(row, customer.name if customer else None, now)


def _in_scope(session, actor, complaint_id):
    complaint = get_in_scope(session, actor, Complaint, complaint_id, "complaint")
    if actor["role"] not in PERMISSIONS["complaints.see_all"] and actor["account_id"] not in (complaint.owner_id, complaint.advisor_id):
        raise Forbidden(f"complaint {complaint_id} is not yours", "COMPLAINT_NOT_YOURS")
    return complaint


def _customer_name(session, customer_id):
    if customer_id is None:
        return None
    return session.execute(select(Customer.name).where(Customer.id == customer_id)).scalar_one_or_none()


def get_complaint(session, actor, complaint_id):
    require_role(actor, PERMISSIONS["complaints.read"])
    complaint = _in_scope(session, actor, complaint_id)
    return view(complaint, _customer_name(session, complaint.customer_id), utcnow())


def resolve_complaint(uow, actor, complaint_id, data):
    """Resolve an open complaint once (its owner, or a manager); the time to resolve is
    from filing to now. A second resolution is refused (409)."""
    session = uow.session
    complaint = _in_scope(session, actor, complaint_id)
    if actor["role"] not in PERMISSIONS["complaints.resolve_any"] and actor["account_id"] != complaint.owner_id:
        raise Forbidden("only the complaint's owner or a manager resolves it", "NOT_OWNER")
    now = utcnow()
    done = session.execute(update(Complaint).where(Complaint.id == complaint.id, Complaint.status == "open")
                           .values(status="resolved", resolution=data["resolution"], resolved_by=actor["account_id"],
                                   resolved_at=now)
                           .execution_options(synchronize_session=False)).rowcount
    if done != 1:
        raise Conflict(f"complaint {complaint_id} is resolved already", "COMPLAINT_NOT_OPEN")
    session.refresh(complaint)
    return view(complaint, _customer_name(session, complaint.customer_id), now)


def list_complaints(session, actor, project_id, query):
    """The site's complaints, newest first, filtered; `overdue` = open past the deadline."""
    require_role(actor, PERMISSIONS["complaints.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    now = utcnow()
    q = (select(Complaint, Customer.name).outerjoin(Customer, Customer.id == Complaint.customer_id)
         .where(Complaint.agency_id == actor["agency_id"], Complaint.project_id == project_id))
    if actor["role"] not in PERMISSIONS["complaints.see_all"]:
        q = q.where(or_(Complaint.owner_id == actor["account_id"], Complaint.advisor_id == actor["account_id"]))
    for key in FILTERS:
        if query.get(key) is not None:
            q = q.where(getattr(Complaint, key) == query[key])
    if query.get("overdue") is not None:
        late = (Complaint.status == "open") & (Complaint.deadline < now)
        q = q.where(late if query["overdue"] else ~late)
    rows = session.execute(q.order_by(Complaint.created_at.desc(), Complaint.id.desc())
                           .limit(query.get("limit", 100)).offset(query.get("offset", 0))).all()
    return [view(c, name, now) for c, name in rows]


def open_counts(session):
    """(open, open past the deadline) complaints over every project, for the gauges."""
    late = func.sum(case((Complaint.deadline < utcnow(), 1), else_=0))
    total, overdue = session.execute(select(func.count(), late).where(Complaint.status == "open")).one()
    return total, int(overdue or 0)
