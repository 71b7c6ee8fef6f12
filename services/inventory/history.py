"""The audit history of a unit (房源履历): every status change, who made it, when and why.
`record` is the one writer of unit_history rows; every status change calls it."""
from sqlalchemy import insert, select

from loupan.roles import SYSTEM
from loupan.scope import get_in_scope
from services.inventory.models import Unit, UnitHistory

INSERT = insert(UnitHistory.__table__)  # prebuilt: the hold's hot path writes through it too


def record(conn, unit_ids, *, agency_id, project_id, from_status, to_status, actor, reason, at,
           advisor_id=None, default_name="system"):
    """One history row per unit of one change. `actor` is None, or has no name, when a timer
    or another service's event made the change: `default_name` says which."""
    actor = actor or {}
    rows = [{"agency_id": agency_id, "project_id": project_id, "unit_id": unit_id,
             "from_status": from_status, "to_status": to_status, "actor_id": None if actor.get("role") == SYSTEM else actor.get("account_id"),
             "actor_name": actor.get("username") or default_name, "advisor_id": advisor_id,
             "reason": reason[:200], "at": at} for unit_id in unit_ids]
    if rows:
        # one row as one execute: an executemany of one costs more on the hold's hot path
        conn.execute(INSERT, rows[0] if len(rows) == 1 else rows)


def unit_history(session, actor, unit_id):
    """Every unit_history row of the unit, oldest first (ids follow the order of writing)."""
    unit = get_in_scope(session, actor, Unit, unit_id, "unit")
    return session.execute(
        select(UnitHistory).where(UnitHistory.unit_id == unit.id).order_by(UnitHistory.id)
    ).scalars().all()
