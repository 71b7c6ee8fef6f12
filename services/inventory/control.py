"""销控 control: locks (销控保留), scheduled batch releases (推盘) and hold rules (a hold's
extension is in holds.py). Unit changes are conditional updates whose row counts are checked."""
from sqlalchemy import insert, select, update

from loupan.errors import Conflict, DomainError, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import get_in_scope
from loupan.types import utcnow
from services.inventory import history
from services.inventory.catalog import get_project, release_units
from services.inventory.unit_rules import move
from services.inventory.models import Building, ReleaseSchedule, ReleaseScheduleUnit, Unit

def require_controller(actor):
    """销控 (locks, releases, hold rules) is the managers' call."""
    require_role(actor, PERMISSIONS["units.control"])


def _move_units(uow, actor, project_id, unit_ids, from_status, to_status, reason, code):
    """All listed units go from `from_status` to `to_status`, or none does: one conditional
    update, and if it did not take every unit the transaction is rolled back."""
    from_status, to_status = move(from_status, to_status)
    require_controller(actor)
    session = uow.session
    project = get_project(session, actor, project_id)
    wanted = sorted(set(unit_ids))
    found = set(session.execute(
        select(Unit.id).where(Unit.project_id == project.id, Unit.id.in_(wanted))).scalars())
    missing = sorted(set(wanted) - found)
    if missing:
        raise NotFound(f"units {missing[:50]} are not in project {project.id}", "UNIT_NOT_FOUND")
    now = utcnow()
    moved = set(session.execute(
        update(Unit).where(Unit.project_id == project.id, Unit.id.in_(wanted), Unit.status == from_status)
        .values(status=to_status, status_changed_at=now).returning(Unit.id)
    ).scalars())
    if len(moved) != len(wanted):
        uow.rollback()
        offending = sorted(set(wanted) - moved)
        raise Conflict(f"units {offending[:50]} are not {from_status}; nothing was changed", code)
    history.record(session, wanted, agency_id=project.agency_id, project_id=project.id,
                   from_status=from_status, to_status=to_status, actor=actor, reason=reason, at=now)
    return {"unit_ids": wanted, "status": to_status}


def lock_units(uow, actor, project_id, unit_ids, reason):
    """销控保留: available units are kept off sale (nobody can hold them) until unlocked."""
    return _move_units(uow, actor, project_id, unit_ids, "available", "locked",
                       f"locked: {reason}", "UNIT_NOT_AVAILABLE")


def unlock_units(uow, actor, project_id, unit_ids, reason):
    """Locked units go back on sale."""
    return _move_units(uow, actor, project_id, unit_ids, "locked", "available",
                       f"unlocked: {reason}", "UNIT_NOT_LOCKED")


def update_settings(uow, actor, project_id, changes):
    """Hold duration, per-buyer hold limit and advisor discount range of a project; holds
    already taken keep their expiry."""
    require_controller(actor)
    project = get_project(uow.session, actor, project_id)
    for name, value in changes.items():
        setattr(project, name, value)
    uow.session.flush()
    return project


# 推盘 schedules ---------------------------------------------------------------------------
def schedule_dict(schedule, unit_ids):
    data = {c.name: getattr(schedule, c.name) for c in ReleaseSchedule.__table__.columns}
    data["unit_ids"] = unit_ids or None
    return data


def _unit_lists(session, schedule_ids):
    lists = {sid: [] for sid in schedule_ids}
    rows = session.execute(
        select(ReleaseScheduleUnit.schedule_id, ReleaseScheduleUnit.unit_id)
        .where(ReleaseScheduleUnit.schedule_id.in_(schedule_ids))
        .order_by(ReleaseScheduleUnit.schedule_id, ReleaseScheduleUnit.unit_id)
    ).all()
    for sid, uid in rows:
        lists[sid].append(uid)
    return lists


def schedule_release(uow, actor, project_id, data):
    """推盘计划: release a building (or some of its floors) and/or a unit list at `run_at`.
    The permit is checked when it runs: a permit may be granted between now and then."""
    require_controller(actor)
    session = uow.session
    project = get_project(session, actor, project_id)
    if data["run_at"] <= utcnow():
        raise RuleViolated("run_at must be in the future", "RUN_AT_IN_PAST")
    if data["building_id"] is not None and session.execute(
            select(Building.id).where(Building.id == data["building_id"], Building.project_id == project.id)
    ).scalar_one_or_none() is None:
        raise NotFound(f"building {data['building_id']} is not in project {project.id}", "BUILDING_NOT_FOUND")
    unit_ids = sorted(set(data["unit_ids"] or ()))
    if unit_ids:
        found = set(session.execute(
            select(Unit.id).where(Unit.project_id == project.id, Unit.id.in_(unit_ids))).scalars())
        missing = sorted(set(unit_ids) - found)
        if missing:
            raise NotFound(f"units {missing[:50]} are not in project {project.id}", "UNIT_NOT_FOUND")
    schedule = ReleaseSchedule(
        agency_id=project.agency_id, project_id=project.id, run_at=data["run_at"],
        building_id=data["building_id"], floor_from=data["floor_from"], floor_to=data["floor_to"],
        status="scheduled", created_by=actor["account_id"], created_by_name=actor["username"],
    )
    session.add(schedule)
    session.flush()
    if unit_ids:
        session.execute(insert(ReleaseScheduleUnit), [
            {"schedule_id": schedule.id, "unit_id": uid, "agency_id": project.agency_id,
             "project_id": project.id} for uid in unit_ids
        ])
    return schedule_dict(schedule, unit_ids)


def list_schedules(session, actor, project_id):
    project = get_project(session, actor, project_id)
    schedules = session.execute(
        select(ReleaseSchedule).where(ReleaseSchedule.project_id == project.id)
        .order_by(ReleaseSchedule.run_at, ReleaseSchedule.id)
    ).scalars().all()
    lists = _unit_lists(session, [s.id for s in schedules])
    return [schedule_dict(s, lists[s.id]) for s in schedules]


def cancel_schedule(uow, actor, schedule_id):
    """Cancel a schedule that has not run; the conditional update loses to the timer if the
    timer took it first, and the other way round."""
    require_controller(actor)
    session = uow.session
    schedule = get_in_scope(session, actor, ReleaseSchedule, schedule_id, "schedule")
    cancelled = session.execute(
        update(ReleaseSchedule).where(ReleaseSchedule.id == schedule.id, ReleaseSchedule.status == "scheduled")
        .values(status="cancelled", message=f"cancelled by {actor['username']}")
        .execution_options(synchronize_session=False)
    ).rowcount
    if cancelled != 1:
        uow.rollback()
        status = session.execute(
            select(ReleaseSchedule.status).where(ReleaseSchedule.id == schedule.id)).scalar_one()
        raise Conflict(f"release schedule {schedule_id} is {status}, not scheduled", "SCHEDULE_NOT_PENDING")
    session.refresh(schedule)
    return schedule_dict(schedule, _unit_lists(session, [schedule.id])[schedule.id])


def _selected_units(session, schedule):
    ids = set(_unit_lists(session, [schedule.id])[schedule.id])
    if schedule.building_id is not None:
        query = select(Unit.id).where(Unit.project_id == schedule.project_id,
                                      Unit.building_id == schedule.building_id)
        if schedule.floor_from is not None:
            query = query.where(Unit.floor >= schedule.floor_from)
        if schedule.floor_to is not None:
            query = query.where(Unit.floor <= schedule.floor_to)
        ids.update(session.execute(query).scalars())
    return sorted(ids)


def run_next_schedule(uow):
    """Run the earliest due schedule in the current transaction (the caller commits);
    returns False when none is due. The claim (scheduled -> done) and the release commit
    together, so a crash leaves the schedule due and two replicas never both run it: the
    second one's conditional update finds it no longer scheduled."""
    session = uow.session
    now = utcnow()
    schedule = session.execute(
        select(ReleaseSchedule).where(ReleaseSchedule.status == "scheduled", ReleaseSchedule.run_at <= now)
        .order_by(ReleaseSchedule.run_at, ReleaseSchedule.id).limit(1)
    ).scalar_one_or_none()
    if schedule is None:
        return False
    schedule_id = schedule.id
    claimed = session.execute(
        update(ReleaseSchedule).where(ReleaseSchedule.id == schedule.id, ReleaseSchedule.status == "scheduled")
        .values(status="done", ran_at=now).execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return True
    # the release is made on the authority of the manager who scheduled it
    actor = {"account_id": schedule.created_by, "username": schedule.created_by_name or "system",
             "role": "system", "agency_id": schedule.agency_id, "project_ids": None}
    try:
        result = release_units(uow, actor, schedule.project_id, _selected_units(session, schedule))
    except DomainError as exc:
        uow.rollback()
        session.execute(
            update(ReleaseSchedule).where(ReleaseSchedule.id == schedule_id, ReleaseSchedule.status == "scheduled")
            .values(status="failed", ran_at=now, message=f"{exc.code}: {exc.message}"[:500])
            .execution_options(synchronize_session=False)
        )
        return True
    released, already = len(result["released"]), len(result["already_released"])
    session.execute(
        update(ReleaseSchedule).where(ReleaseSchedule.id == schedule_id)
        .values(released_count=released, message=f"released {released} unit(s), {already} already released")
        .execution_options(synchronize_session=False)
    )
    return True
