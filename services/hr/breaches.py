"""Whom a missed follow-up deadline (crm's `sla_breached`) concerns: the advisor and their
supervisors. hr owns the teams, so it names them and publishes `sla_breach_routed`; the
gateway turns that into notifications (gateway/routes/breaches.py)."""
from sqlalchemy import select

from loupan.roles import SUPERVISOR
from services.hr.models import Account, AccountProject, TeamMember


def supervisors_of(session, agency_id, project_id, advisor_id):
    """The supervisor of the advisor's team at the site; without a team, the site's active
    supervisors (somebody leads every advisor)."""
    team = session.execute(
        select(TeamMember.supervisor_id).join(Account, Account.id == TeamMember.supervisor_id)
        .where(TeamMember.agency_id == agency_id, TeamMember.project_id == project_id,
               TeamMember.advisor_id == advisor_id, Account.active.is_(True))
    ).scalars().all()
    if team:
        return sorted(team)
    return sorted(session.execute(
        select(Account.id).join(AccountProject, AccountProject.account_id == Account.id)
        .where(AccountProject.agency_id == agency_id, AccountProject.project_id == project_id,
               Account.role == SUPERVISOR, Account.active.is_(True))
    ).scalars())


def route_breach(uow, event):
    """`sla_breached` → `sla_breach_routed` with the supervisors to tell."""
    payload, project_id = event["payload"], event["project_id"]
    if project_id is None:
        return
    advisor = None if payload["advisor_id"] is None else uow.session.get(Account, payload["advisor_id"])
    if advisor is not None and advisor.agency_id != event["agency_id"]:
        advisor = None
    supervisors = [] if advisor is None else supervisors_of(uow.session, event["agency_id"], project_id, advisor.id)
    uow.publish("sla_breach_routed", dict(payload, supervisor_ids=supervisors,
                                          advisor_name=advisor.full_name if advisor is not None else None),
                agency_id=event["agency_id"], project_id=project_id)
