"""The audit history of a unit: every status change, who made it, when and why."""
from sqlalchemy import select

from loupan.scope import get_in_scope
from services.inventory.models import Unit, UnitHistory


def unit_history(session, actor, unit_id):
    """Every unit_history row of the unit, oldest first (ids follow the order of writing)."""
    unit = get_in_scope(session, actor, Unit, unit_id, "unit")
    return session.execute(
        select(UnitHistory).where(UnitHistory.unit_id == unit.id).order_by(UnitHistory.id)
    ).scalars().all()
