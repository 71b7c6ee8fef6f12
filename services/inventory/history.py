"""The audit history of a unit: every status change, who made it, when and why."""
from sqlalchemy import select

from loupan.errors import NotFound
from loupan.scope import check_scope
from services.inventory.models import Unit, UnitHistory


def unit_history(session, actor, unit_id):
    """Every unit_history row of the unit, oldest first (ids follow the order of writing)."""
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(f"unit {unit_id} not found", "UNIT_NOT_FOUND")
    check_scope(actor, unit.agency_id, unit.project_id, "unit")
    return session.execute(
        select(UnitHistory).where(UnitHistory.unit_id == unit.id).order_by(UnitHistory.id)
    ).scalars().all()
