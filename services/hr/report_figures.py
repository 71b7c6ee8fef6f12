"""Figures of one project for the gateway's reports: the names of its staff (for the
per-advisor lines and the ranking; names only, no phone numbers) and the month's
销售目标 against what was signed (销售完成率)."""
from decimal import Decimal

from sqlalchemy import select, union

from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from services.hr.evaluation import _signed
from services.hr.models import Account, AccountProject, AdvisorFact, Target

ZERO = Decimal("0.00")


def report_figures(session, actor, project_id, month):
    """Names of whoever is assigned to the project or has sold in it (a leaver's sales still
    count); the month's project-level target and signed figures (None: no month asked)."""
    require_role(actor, PERMISSIONS["reports.read"], "read report figures")
    agency_id = actor["agency_id"]
    check_scope(actor, agency_id, project_id, "project")
    ids = union(
        select(AccountProject.account_id).where(AccountProject.agency_id == agency_id,
                                                AccountProject.project_id == project_id),
        select(AdvisorFact.account_id).where(AdvisorFact.agency_id == agency_id,
                                             AdvisorFact.project_id == project_id)).subquery()
    names = session.execute(
        select(Account.id, Account.full_name).where(Account.agency_id == agency_id, Account.id.in_(select(ids)))
        .order_by(Account.id)).all()
    return {"project_id": project_id, "names": [{"account_id": i, "full_name": n} for i, n in names],
            "sales_target": _sales_target(session, agency_id, project_id, month) if month else None}


def _sales_target(session, agency_id, project_id, month):
    """The project's target of the month (None if not set) and what was signed in it."""
    row = session.execute(
        select(Target).where(Target.agency_id == agency_id, Target.project_id == project_id,
                             Target.month == month, Target.level == "project")).scalar_one_or_none()
    signed = _signed(session, agency_id, project_id, month).values()
    return {"month": month, "target_units": row.units if row else None, "target_amount": row.amount if row else None,
            "actual_units": sum(u for u, _ in signed), "actual_amount": sum((a or ZERO for _, a in signed), ZERO)}
