"""考勤 attendance over the database: shifts, the weekly rota (排班), clock in/out, leave
requests (请假) and the monthly statistics. The rules themselves are in rota_rules.py."""
import calendar
from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor
from loupan.types import local_day, utcnow
from services.hr import rota_rules
from services.hr.models import Account, AccountProject, ClockEvent, LeaveRequest, RotaEntry
from services.hr.models import Shift as ShiftRow

MIN_REST_DAYS = 1  # 轮休: a hand-edited week still gives everyone at least one rest day
CLOCKED_IN_HOURS = 24  # a clock-in older than this without a clock-out is forgotten, not open


def _project(actor, project_id):
    """hr keeps no project rows: a project is in scope when the actor is assigned to it
    (directors: every project of their agency); rows are written under the actor's agency."""
    check_scope(actor, actor["agency_id"], project_id, "project")


def _shift_dict(row):
    return {"id": row.id, "project_id": row.project_id, "name": row.name, "starts": row.starts,
            "ends": row.ends, "min_staff": row.min_staff}


def add_shift(uow, actor, project_id, data):
    """班次: a new shift of the site; names are unique per site."""
    require_role(actor, PERMISSIONS["rota.plan"])
    _project(actor, project_id)
    row = ShiftRow(agency_id=actor["agency_id"], project_id=project_id, **data)
    uow.add_unique(row, Conflict(f"shift {data['name']} exists already", "SHIFT_EXISTS"))
    return _shift_dict(row)


def _shift_rows(session, actor, project_id):
    return session.execute(
        select(ShiftRow).where(ShiftRow.agency_id == actor["agency_id"], ShiftRow.project_id == project_id)
        .order_by(ShiftRow.starts, ShiftRow.id)
    ).scalars().all()


def list_shifts(session, actor, project_id):
    _project(actor, project_id)
    return [_shift_dict(r) for r in _shift_rows(session, actor, project_id)]


def _rules_shifts(session, actor, project_id):
    return [rota_rules.Shift(r.id, r.name, r.starts, r.ends, r.min_staff) for r in _shift_rows(session, actor, project_id)]


def site_staff(session, agency_id, project_id):
    """{account_id: full_name} of the active staff the site's rota is planned over
    (PERMISSIONS["rota.members"]: supervisors, advisors, assistants) assigned to the site."""
    rows = session.execute(
        select(Account.id, Account.full_name).join(AccountProject, AccountProject.account_id == Account.id)
        .where(AccountProject.project_id == project_id, AccountProject.agency_id == agency_id,
               Account.agency_id == agency_id, Account.active.is_(True), Account.role.in_(PERMISSIONS["rota.members"]))
    ).all()
    return dict(rows)


def employment(session, agency_id, account_ids):
    """{account_id: (joined_on, left_on)} of `account_ids` (either None when not recorded)."""
    if not account_ids:
        return {}
    rows = session.execute(select(Account.id, Account.joined_on, Account.left_on)
                           .where(Account.agency_id == agency_id, Account.id.in_(set(account_ids)))).all()
    return {account_id: (joined, left) for account_id, joined, left in rows}


def _entries(session, agency_id, project_id, first, last):
    rows = session.execute(
        select(RotaEntry).where(RotaEntry.agency_id == agency_id, RotaEntry.project_id == project_id,
                                RotaEntry.day >= first, RotaEntry.day <= last)
    ).scalars()
    return [rota_rules.Entry(r.day, r.account_id, r.shift_id, r.rest, r.duty) for r in rows]


def _monday(week_start):
    if week_start.weekday() != 0:
        raise Invalid(f"week_start {week_start} is not a Monday", "NOT_A_MONDAY")
    return week_start


def _store(uow, actor, project_id, first, last, entries):
    """Replace the site's rota from `first` to `last` with `entries`; two planners saving
    the same days at once: the primary key refuses the second."""
    session = uow.session
    session.execute(delete(RotaEntry).where(RotaEntry.agency_id == actor["agency_id"],
                                            RotaEntry.project_id == project_id,
                                            RotaEntry.day >= first, RotaEntry.day <= last))
    if not entries:
        return
    try:
        session.execute(insert(RotaEntry), [
            {"agency_id": actor["agency_id"], "project_id": project_id, "day": e.day,
             "account_id": e.account_id, "shift_id": e.shift_id, "rest": e.rest, "duty": e.duty}
            for e in entries])
    except IntegrityError:
        uow.rollback()
        raise Conflict("the rota was changed by someone else at the same time; try again", "ROTA_BUSY") from None


def plan_rota(uow, actor, project_id, week_start, rest_days):
    """排班 plan a week over the site's staff (rota.members), replacing that week; nobody is
    planned before their 入职 day or after their 离职 day."""
    require_role(actor, PERMISSIONS["rota.plan"])
    _project(actor, project_id)
    session = uow.session
    week_start = _monday(week_start)
    staff = site_staff(session, actor["agency_id"], project_id)
    last_week = _entries(session, actor["agency_id"], project_id, week_start - timedelta(days=7),
                         week_start - timedelta(days=1))
    entries = rota_rules.plan_week(list(staff), _rules_shifts(session, actor, project_id), week_start, rest_days,
                                   weekend_rested=rota_rules.weekend_resters(last_week),
                                   employed=employment(session, actor["agency_id"], list(staff)))
    _store(uow, actor, project_id, week_start, week_start + timedelta(days=6), entries)
    return get_rota(session, actor, project_id, week_start)


def set_rota_day(uow, actor, project_id, day, rows):
    """Hand edit of one day of the rota: the week with the new day must break no rota rule
    (RuleViolated ROTA_INVALID listing the violations; nothing is changed then)."""
    require_role(actor, PERMISSIONS["rota.plan"])
    _project(actor, project_id)
    session = uow.session
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    staff = site_staff(session, actor["agency_id"], project_id)
    new = [rota_rules.Entry(day, r["account_id"], r["shift_id"], r["rest"], r["duty"]) for r in rows]
    week = [e for e in _entries(session, actor["agency_id"], project_id, monday, sunday) if e.day != day] + new
    leave = leave_days(session, actor["agency_id"], project_id, list(staff), monday, sunday)
    violations = rota_rules.validate_rota(week, staff, _rules_shifts(session, actor, project_id),
                                          MIN_REST_DAYS, on_leave=leave,
                                          employed=employment(session, actor["agency_id"], list(staff)))
    if violations:
        raise RuleViolated("; ".join(v["message"] for v in violations), "ROTA_INVALID")
    _store(uow, actor, project_id, day, day, new)
    return get_rota(session, actor, project_id, monday)


def get_rota(session, actor, project_id, week_start):
    """The site's rota of one week, by day and person, with names."""
    _project(actor, project_id)
    week_start = _monday(week_start)
    rows = session.execute(
        select(RotaEntry, Account.full_name, ShiftRow.name)
        .join(Account, Account.id == RotaEntry.account_id)
        .outerjoin(ShiftRow, ShiftRow.id == RotaEntry.shift_id)
        .where(RotaEntry.agency_id == actor["agency_id"], RotaEntry.project_id == project_id,
               RotaEntry.day >= week_start, RotaEntry.day <= week_start + timedelta(days=6))
        .order_by(RotaEntry.day, RotaEntry.account_id)
    ).all()
    return {"project_id": project_id, "week_start": week_start, "entries": [
        {"day": e.day, "account_id": e.account_id, "full_name": name, "shift_id": e.shift_id,
         "shift_name": shift_name, "rest": e.rest, "duty": e.duty} for e, name, shift_name in rows]}


def clock(uow, actor, project_id, kind):
    """打卡 the caller in or out at a site they are assigned to; publishes staff_clocked_in /
    staff_clocked_out (the crm rotation puts them in or takes them out of the queue)."""
    _project(actor, project_id)
    session = uow.session
    assigned = session.get(AccountProject, (actor["account_id"], project_id))
    if assigned is None or assigned.agency_id != actor["agency_id"]:
        raise Forbidden(f"you are not assigned to project {project_id}", "NOT_ASSIGNED")
    now = utcnow()
    last = session.execute(
        select(ClockEvent).where(ClockEvent.account_id == actor["account_id"], ClockEvent.project_id == project_id)
        .order_by(ClockEvent.at.desc(), ClockEvent.id.desc()).limit(1)
    ).scalar_one_or_none()
    clocked_in = last is not None and last.kind == "in" and last.at > now - timedelta(hours=CLOCKED_IN_HOURS)
    if kind == "in" and clocked_in:
        raise Conflict("you are clocked in already", "ALREADY_CLOCKED_IN")
    if kind == "out" and not clocked_in:
        raise Conflict("you are not clocked in", "NOT_CLOCKED_IN")
    row = ClockEvent(agency_id=actor["agency_id"], project_id=project_id, account_id=actor["account_id"],
                     kind=kind, at=now)
    session.add(row)
    session.flush()
    uow.publish("staff_clocked_in" if kind == "in" else "staff_clocked_out",
                {"account_id": actor["account_id"], "project_id": project_id, "at": now},
                agency_id=actor["agency_id"], project_id=project_id, actor=event_actor(actor))
    return {"id": row.id, "project_id": project_id, "account_id": row.account_id, "kind": kind, "at": now}


def _leave_dict(row):
    return {c: getattr(row, c) for c in ("id", "account_id", "project_ids", "kind", "start_on", "end_on", "status",
                                         "reason", "created_at", "decided_by", "decided_at", "decision_note")}


def request_leave(uow, actor, data):
    """请假 for the caller, over their projects (or the ones given, each in their scope)."""
    session = uow.session
    project_ids = data["project_ids"]
    if project_ids is None:
        project_ids = sorted(session.execute(
            select(AccountProject.project_id).where(AccountProject.account_id == actor["account_id"])
        ).scalars())
    if not project_ids:
        raise Invalid("give the project_ids the leave is for", "NO_PROJECTS")
    for project_id in project_ids:
        _project(actor, project_id)
    row = LeaveRequest(agency_id=actor["agency_id"], account_id=actor["account_id"],
                       project_ids=sorted(set(project_ids)), kind=data["kind"], start_on=data["start_on"],
                       end_on=data["end_on"], reason=data["reason"], status="pending")
    session.add(row)
    session.flush()
    return _leave_dict(row)


def decide_leave(uow, actor, leave_id, approve, note):
    """Approve or reject a pending leave request (a conditional update: decided once);
    approval publishes staff_leave_approved."""
    require_role(actor, PERMISSIONS["leave.decide"])
    session = uow.session
    row = session.get(LeaveRequest, leave_id)
    if row is None or row.agency_id != actor["agency_id"]:
        raise NotFound(f"leave request {leave_id} not found", "LEAVE_REQUEST_NOT_FOUND")
    for project_id in row.project_ids:
        _project(actor, project_id)
    if row.account_id == actor["account_id"]:
        raise Forbidden("nobody decides their own leave", "OWN_LEAVE")
    status, now = ("approved" if approve else "rejected"), utcnow()
    done = session.execute(
        update(LeaveRequest).where(LeaveRequest.id == leave_id, LeaveRequest.status == "pending")
        .values(status=status, decided_by=actor["account_id"], decided_at=now, decision_note=note)
    ).rowcount
    if done != 1:
        raise Conflict(f"leave request {leave_id} is {row.status}, not pending", "LEAVE_NOT_PENDING")
    session.refresh(row)
    if approve:
        uow.publish("staff_leave_approved",
                    {"account_id": row.account_id, "project_ids": row.project_ids, "start_on": row.start_on,
                     "end_on": row.end_on, "kind": row.kind},
                    agency_id=row.agency_id, actor=event_actor(actor))
    return _leave_dict(row)


def leave_days(session, agency_id, project_id, account_ids, first, last):
    """{(account_id, day)} of approved leave at the site between `first` and `last`."""
    rows = session.execute(
        select(LeaveRequest).where(LeaveRequest.agency_id == agency_id, LeaveRequest.status == "approved",
                                   LeaveRequest.account_id.in_(account_ids),
                                   LeaveRequest.start_on <= last, LeaveRequest.end_on >= first)
    ).scalars()
    days = set()
    for row in rows:
        if project_id not in row.project_ids:  # JSON lists: filtered here, alike on both databases
            continue
        day = max(row.start_on, first)
        while day <= min(row.end_on, last):
            days.add((row.account_id, day))
            day += timedelta(days=1)
    return days


def month_stats(session, actor, project_id, month):
    """考勤统计 of a month (Asia/Shanghai) per person of the site: working rota days, present,
    late, early leave, absent, and approved leave days that were not rest days. A rota day
    before the person's 入职 or after their 离职 is not a working day (nor an absence)."""
    require_role(actor, PERMISSIONS["attendance.stats"])
    _project(actor, project_id)
    year, number = (int(part) for part in month.split("-"))
    first, last = date(year, number, 1), date(year, number, calendar.monthrange(year, number)[1])
    agency_id = actor["agency_id"]
    entries = _entries(session, agency_id, project_id, first, last)
    names = site_staff(session, agency_id, project_id)
    missing = {e.account_id for e in entries} - set(names)
    if missing:
        names.update(session.execute(select(Account.id, Account.full_name).where(Account.id.in_(missing))).all())
    shifts = {s.id: s for s in _rules_shifts(session, actor, project_id)}
    window_start = datetime.combine(first, time(), rota_rules.SHANGHAI)
    window_end = datetime.combine(last + timedelta(days=2), time(), rota_rules.SHANGHAI)  # overnight shifts
    clocks = {}
    for row in session.execute(
        select(ClockEvent).where(ClockEvent.agency_id == agency_id, ClockEvent.project_id == project_id,
                                 ClockEvent.at >= window_start, ClockEvent.at < window_end)
    ).scalars():
        clocks.setdefault((row.account_id, row.kind), []).append(row.at)
    on_leave = leave_days(session, agency_id, project_id, list(names), first, last)
    employed = employment(session, agency_id, list(names))
    entries = [e for e in entries if rota_rules.employed_on(e.day, employed.get(e.account_id, (None, None)))]
    rests = {(e.account_id, e.day) for e in entries if e.rest}
    now = utcnow()
    people = {p: {"account_id": p, "full_name": names[p], "scheduled": 0, "present": 0, "late": 0,
                  "early_leave": 0, "absent": 0,
                  "leave_days": sum(1 for a, d in on_leave if a == p and (a, d) not in rests)}
              for p in names}
    for e in entries:
        if e.rest or e.shift_id not in shifts:
            continue
        starts, ends = rota_rules.shift_window(e.day, shifts[e.shift_id])
        ins = [t for t in clocks.get((e.account_id, "in"), ()) if local_day(t) == e.day]
        outs = [t for t in clocks.get((e.account_id, "out"), ()) if starts - timedelta(hours=12) < t < ends + timedelta(hours=12)]
        result = rota_rules.judge_day(e.day, shifts[e.shift_id], ins, outs, now, (e.account_id, e.day) in on_leave)
        tally = people[e.account_id]
        for field in ("scheduled", "present", "late", "early_leave", "absent"):
            tally[field] += int(getattr(result, field))
    return {"project_id": project_id, "month": month, "people": [people[p] for p in sorted(people)]}
