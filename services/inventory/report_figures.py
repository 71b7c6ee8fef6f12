"""Figures of one project for the gateway's reports (日报/周报/月报): holds made per advisor
in a period, units by status now, and what sell-through (去化率) is computed from."""
from sqlalchemy import func, select

from loupan.roles import PERMISSIONS, require_role
from services.inventory.catalog import get_project
from services.inventory.models import Hold, Unit
from services.inventory.pricing import SOLD
from services.inventory.reports import day_bounds



def report_figures(session, actor, project_id, first, last):
    """Holds created on days first..last (Asia/Shanghai) per advisor; units by status."""
    require_role(actor, PERMISSIONS["reports.read"], "read report figures")
    project = get_project(session, actor, project_id)
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    holds = session.execute(
        select(Hold.advisor_id, func.count()).where(Hold.project_id == project.id, Hold.created_at >= start,
                                                    Hold.created_at < end)
        .group_by(Hold.advisor_id)).all()
    statuses = dict(session.execute(
        select(Unit.status, func.count()).where(Unit.project_id == project.id).group_by(Unit.status)).all())
    return {"project_id": project.id, "start": first, "end": last,
            "holds": [{"advisor_id": a, "count": n} for a, n in sorted(holds, key=lambda r: (r[0] is None, r[0] or 0))],
            "units_by_status": [{"status": s, "count": n} for s, n in sorted(statuses.items())],
            "released": sum(n for s, n in statuses.items() if s != "unreleased"),
            "sold": sum(n for s, n in statuses.items() if s in SOLD)}
