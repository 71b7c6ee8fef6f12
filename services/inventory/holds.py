"""Holds (预留), the whole of them: taking one on launch day, extending, cancelling and
expiring it, who may act on it, and the buyer's number as each caller may see it (with the
log of full numbers shown). Every status change is a conditional update whose row count is
checked, so two buyers racing for one unit cannot both win, on PostgreSQL or SQLite."""
from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from loupan import reveals
from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.roles import PERMISSIONS
from loupan.schemas.inventory_catalog import MAX_HOLD_MINUTES
from loupan.scope import check_scope, event_actor, get_in_scope
from loupan.types import utcnow
from loupan.validators import mask_mobile
from services.inventory import history
from services.inventory.control import require_controller
from services.inventory.unit_rules import hold_expiry, is_expired, move, unit_label
from services.inventory.models import Building, Hold, Project, Unit, data_reveals


# Launch day's hot path, built once: prebuilt Core statements skip the ORM's bulk-DML
# machinery and reuse their compiled form (cache key computed once per statement object).
UNITS, HOLDS = Unit.__table__, Hold.__table__
HOLD, HOLD_ENDED = move("available", "held"), move("held", "available")


def _take(scoped):
    where = [UNITS.c.id == bindparam("b_unit_id"), UNITS.c.status == HOLD.source,
             UNITS.c.agency_id == bindparam("b_agency_id")]
    if scoped:
        where.append(UNITS.c.project_id.in_(bindparam("b_project_ids", expanding=True)))
    return (update(UNITS).where(*where).values(status=HOLD.target, status_changed_at=bindparam("b_now"))
            .returning(UNITS.c.agency_id, UNITS.c.project_id, UNITS.c.building_id, UNITS.c.number))


TAKE_UNIT = {False: _take(False), True: _take(True)}
HOLD_CONTEXT = (select(Project.__table__.c.hold_minutes, Project.__table__.c.max_holds_per_buyer,
                       Building.__table__.c.name)
                .where(Project.__table__.c.id == bindparam("project_id"),
                       Building.__table__.c.id == bindparam("building_id"),
                       Building.__table__.c.project_id == Project.__table__.c.id))
BUYER_SLOTS = (select(HOLDS.c.buyer_slot)
               .where(HOLDS.c.project_id == bindparam("project_id"),
                      HOLDS.c.customer_phone == bindparam("phone"), HOLDS.c.status == "active"))
INSERT_HOLD = insert(HOLDS).returning(HOLDS.c.id)


def hold_unit(uow, actor, unit_id, customer, selection=None):
    """预留 a unit for a customer. The conditional update decides the race (the partial
    unique index on active holds backs it up); it comes first and returns what the rest of
    the hold needs, so the hot path is four statements, one outbox row and one commit.
    `selection` (a buyer's own hold in a launch, selection.py): {launch_id, registration_id,
    max_holds: the launch's units per buyer, expires_at: None for the project's hold time}."""
    conn = uow.session.connection()  # Core on the session's connection: no ORM overhead
    now = utcnow()
    scoped = actor.get("project_ids") is not None
    params = {"b_unit_id": unit_id, "b_agency_id": actor["agency_id"], "b_now": now}
    if scoped:
        params["b_project_ids"] = actor["project_ids"]
    taken = conn.execute(TAKE_UNIT[scoped], params).one_or_none()
    if taken is None:
        error = _why_not_holdable(conn, actor, unit_id)  # same connection: no second checkout
        uow.rollback()
        raise error
    hold_minutes, max_holds, building_name = conn.execute(
        HOLD_CONTEXT, {"project_id": taken.project_id, "building_id": taken.building_id}).one()
    if selection is not None:
        max_holds = selection["max_holds"]
    slot = _free_slot(conn, taken.project_id, customer["customer_phone"], max_holds)
    if slot is None:
        uow.rollback()
        raise RuleViolated(f"this buyer already holds {max_holds} unit(s) of the project",
                           "BUYER_HOLD_LIMIT")
    hold = {
        "agency_id": taken.agency_id, "project_id": taken.project_id, "unit_id": unit_id,
        "customer_name": customer["customer_name"], "customer_phone": customer["customer_phone"],
        "advisor_id": actor["account_id"], "status": "active", "created_at": now,
        "expires_at": hold_expiry(now, hold_minutes), "buyer_slot": slot,
    }
    if selection is not None:
        hold.update(launch_id=selection["launch_id"], registration_id=selection["registration_id"])
        hold["expires_at"] = selection["expires_at"] or hold["expires_at"]
    try:
        hold["id"] = conn.execute(INSERT_HOLD, hold).scalar_one()
    except IntegrityError as exc:  # a concurrent hold of the same buyer took the slot
        uow.rollback()
        if "buyer_slot" in str(exc.orig):
            raise RuleViolated(f"this buyer already holds {max_holds} unit(s) of the project",
                               "BUYER_HOLD_LIMIT") from None
        raise Conflict(f"unit {unit_id} is not available", "UNIT_NOT_AVAILABLE") from None
    history.record(conn, [unit_id], agency_id=taken.agency_id, project_id=taken.project_id,
                   from_status=HOLD.source, to_status=HOLD.target, actor=actor, advisor_id=actor["account_id"],
                   reason=f"hold {hold['id']}", at=now)
    uow.publish(
        "unit_held",
        {"hold_id": hold["id"], "unit_id": unit_id, "unit_label": unit_label(building_name, taken.number),
         "customer_name": hold["customer_name"], "customer_phone": hold["customer_phone"],
         "advisor_id": hold["advisor_id"], "expires_at": hold["expires_at"]},
        agency_id=taken.agency_id, project_id=taken.project_id, actor=event_actor(actor),
    )
    return hold


def _free_slot(conn, project_id, phone, max_holds):
    """The lowest of the buyer's 1..max_holds slots not taken by an active hold, or None.
    The partial unique index on (project, phone, slot) settles two concurrent holds."""
    used = set(conn.execute(BUYER_SLOTS, {"project_id": project_id, "phone": phone}).scalars())
    return next((s for s in range(1, max_holds + 1) if s not in used), None)


def _why_not_holdable(conn, actor, unit_id):
    """The error for a hold that did not take: unknown, out of scope, or not available."""
    unit = conn.execute(
        select(Unit.agency_id, Unit.project_id, Unit.status, Building.permit_no)
        .join(Building, Building.id == Unit.building_id).where(Unit.id == unit_id)
    ).one_or_none()
    if unit is None:
        return NotFound(f"unit {unit_id} not found", "UNIT_NOT_FOUND")
    try:
        check_scope(actor, unit.agency_id, unit.project_id, "unit", unit_id)
    except (NotFound, Forbidden) as exc:
        return exc
    if not unit.permit_no:
        return RuleViolated(f"unit {unit_id} is in a building without a presale permit (预售许可证)",
                            "NO_PRESALE_PERMIT")
    return Conflict(f"unit {unit_id} is not available ({unit.status})", "UNIT_NOT_AVAILABLE")


def end_hold(uow, hold, new_status, actor, reason, event_type):
    """Cancel or expire an active hold and give the unit back to sale, both conditionally:
    a hold that already ended (cancelled twice, or expired meanwhile) changes nothing."""
    session = uow.session
    now = utcnow()
    ended = session.execute(
        update(Hold).where(Hold.id == hold.id, Hold.status == "active")
        .values(status=new_status, ended_at=now, ended_reason=reason)
    ).rowcount
    if ended != 1:
        return False
    session.execute(
        update(Unit).where(Unit.id == hold.unit_id, Unit.status == HOLD_ENDED.source)
        .values(status=HOLD_ENDED.target, status_changed_at=now)
    )
    unit = session.get(Unit, hold.unit_id)
    building = session.get(Building, unit.building_id)
    history.record(session, [unit.id], agency_id=unit.agency_id, project_id=unit.project_id,
                   from_status=HOLD_ENDED.source, to_status=HOLD_ENDED.target, actor=actor,
                   reason=f"hold {hold.id} {new_status}: {reason}", at=now)
    uow.publish(
        event_type,
        {"hold_id": hold.id, "unit_id": unit.id, "unit_label": unit_label(building.name, unit.number),
         "customer_name": hold.customer_name, "advisor_id": hold.advisor_id, "reason": reason},
        agency_id=unit.agency_id, project_id=unit.project_id, actor=event_actor(actor),
    )
    return True


def own_hold(session, actor, hold_id, service=False):
    """A hold the actor may act on: their own, or any if they oversee the site, or (`service`:
    loupan.bus.acts_as_service, a SYSTEM actor a service sealed) any of the actor's scope."""
    hold = get_in_scope(session, actor, Hold, hold_id, "hold")
    if service:
        return hold
    if actor["role"] not in PERMISSIONS["holds.act_for_others"] and hold.advisor_id != actor["account_id"]:
        raise Forbidden("only the advisor who holds the unit or a supervisor may do this", "NOT_HOLD_OWNER")
    return hold


def cancel_hold(uow, actor, hold_id):
    hold = own_hold(uow.session, actor, hold_id)
    if not end_hold(uow, hold, "cancelled", actor, "cancelled", "unit_hold_cancelled"):
        raise Conflict(f"hold {hold_id} is no longer active", "HOLD_NOT_ACTIVE")
    return hold


def extend_hold(uow, actor, hold_id, minutes):
    """Push an active hold's expiry back by `minutes`. The update is conditional on the
    hold still being active, unexpired and unchanged, so it cannot revive a hold that the
    expiry timer or a cancellation ended meanwhile, nor lose a concurrent extension."""
    require_controller(actor)
    session = uow.session
    hold = get_in_scope(session, actor, Hold, hold_id, "hold")
    now = utcnow()
    if hold.status != "active" or is_expired(hold.expires_at, now):
        raise Conflict(f"hold {hold_id} is no longer active", "HOLD_NOT_ACTIVE")
    old_expiry = hold.expires_at
    new_expiry = hold_expiry(old_expiry, minutes)
    # the same bound as a fresh hold: no unit kept for one buyer more than a week ahead
    if new_expiry - now > timedelta(minutes=MAX_HOLD_MINUTES):
        raise RuleViolated(f"a hold may not run more than {MAX_HOLD_MINUTES} minutes from now", "HOLD_TOO_LONG")
    changed = session.execute(
        update(Hold).where(Hold.id == hold.id, Hold.status == "active", Hold.expires_at == old_expiry,
                           ~is_expired(Hold.expires_at, now))
        .values(expires_at=new_expiry).execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        uow.rollback()
        raise Conflict(f"hold {hold_id} ended or changed meanwhile", "HOLD_NOT_ACTIVE")
    history.record(session, [hold.unit_id], agency_id=hold.agency_id, project_id=hold.project_id,
                   from_status="held", to_status="held", actor=actor, advisor_id=hold.advisor_id,
                   reason=f"hold {hold.id} extended by {minutes} min", at=now)
    return {**{c.name: getattr(hold, c.name) for c in Hold.__table__.columns},
            "hold_id": hold.id, "expires_at": new_expiry}


def expire_due_holds(uow, limit=500):
    """Expire active holds whose time is up; returns how many. Safe with several replicas
    running it at once: each hold ends once, by conditional update."""
    now = utcnow()
    due = uow.session.execute(
        select(Hold).where(Hold.status == "active", is_expired(Hold.expires_at, now))
        .order_by(Hold.expires_at).limit(limit)
    ).scalars().all()
    count = sum(end_hold(uow, h, "expired", None, "expired", "unit_hold_expired") for h in due)
    return count


# what a caller sees ------------------------------------------------------------------------
def hold_dict(hold):
    return {
        "hold_id": hold.id, "unit_id": hold.unit_id, "project_id": hold.project_id,
        "customer_name": hold.customer_name, "customer_phone": hold.customer_phone,
        "advisor_id": hold.advisor_id, "status": hold.status, "created_at": hold.created_at,
        "expires_at": hold.expires_at,
    }


def hold_phone(actor, hold):
    """A hold's buyer's number as `actor` may see it: in full for the hold's advisor, managers
    and directors, masked for everyone else (DOMAIN: privacy)."""
    if actor["role"] not in PERMISSIONS["phones.see_all"] and hold.advisor_id != actor["account_id"]:
        return mask_mobile(hold.customer_phone)
    return hold.customer_phone


def log_reveals(session, actor, kind, entrypoint, holds):
    """Log the holds whose buyer's full number the answer shows to a manager or director
    (loupan.reveals): `holds` are dicts with project_id, hold_id, deal_id and customer_phone
    as answered. In the caller's transaction; the RPC commits before answering."""
    return reveals.record(session, data_reveals, actor, kind, entrypoint,
                          ({"project_id": h["project_id"], "hold_id": h["hold_id"], "deal_id": h.get("deal_id"),
                            "mobile": h["customer_phone"]} for h in holds))
