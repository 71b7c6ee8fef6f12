"""轮序接待 walk-in rotation over the database: the hr facts it is built from (kept from hr's
events), each site's queue of the day, who takes the next new walk-in, the supervisors'
changes (reorder, 补位 skip and restore) and the audit of all of it. The rules themselves
are in rotation_rules.py.

Every change of a day's queue is a conditional update on its `version` (retried on a lost
race), so two walk-ins at the same moment never take the same head, on PostgreSQL as on
SQLite (where units of work are serialised anyway).
"""
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import today, utcnow
from services.crm import rotation_rules as rules
from services.crm.models import RotationAudit, RotationLeave, RotationQueue, RotationStaff

MAX_TRIES = 50  # lost races on one queue row before giving up (each loser re-reads at once)
QUEUE = RotationQueue.__table__


def project_scope(actor, project_id):
    """crm keeps no project rows: a project is in scope when the actor is assigned to it."""
    check_scope(actor, actor["agency_id"], project_id, "project")


# hr facts ---------------------------------------------------------------------------------
def _insert(session):
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _staff_row(session, agency_id, project_id, account_id):
    """The facts row of (project, account), created if new and locked: two events about the
    same person at once queue here instead of both inserting it."""
    session.execute(_insert(session)(RotationStaff.__table__)
                    .values(agency_id=agency_id, project_id=project_id, account_id=account_id)
                    .on_conflict_do_nothing(index_elements=["project_id", "account_id"]))
    return session.execute(
        select(RotationStaff).where(RotationStaff.project_id == project_id, RotationStaff.account_id == account_id)
        .with_for_update().execution_options(populate_existing=True)).scalar_one()


def _later(old, new):
    return new if old is None or new > old else old


def record_certified(uow, agency_id, project_id, account_id, certified_on):
    """上岗考核 passed: the advisor may join the site's rotation from that day."""
    row = _staff_row(uow.session, agency_id, project_id, account_id)
    if row.certified_on is None or certified_on < row.certified_on:
        row.certified_on = certified_on
    return _sync_today(uow, agency_id, [project_id], "certified")


def record_clock(uow, agency_id, project_id, account_id, kind, at, username=None):
    """打卡 in or out; the latest instant of each kind is kept, so order of arrival does not matter."""
    row = _staff_row(uow.session, agency_id, project_id, account_id)
    if username:
        row.username = username
    if kind == "in":
        row.clocked_in_at = _later(row.clocked_in_at, at)
    else:
        row.clocked_out_at = _later(row.clocked_out_at, at)
    return _sync_today(uow, agency_id, [project_id], f"clocked {kind}")


def record_leave(uow, agency_id, project_ids, account_id, start_on, end_on):
    """An approved leave at each of the sites (the inbox makes a redelivery a no-op)."""
    for project_id in project_ids:
        uow.session.add(RotationLeave(agency_id=agency_id, project_id=project_id, account_id=account_id,
                                      start_on=start_on, end_on=end_on))
    return _sync_today(uow, agency_id, project_ids, "on leave")


def record_left(uow, agency_id, project_ids, account_id, left_on):
    """离职: off every rotation of the agency's sites it was on."""
    session = uow.session
    q = select(RotationStaff).where(RotationStaff.agency_id == agency_id, RotationStaff.account_id == account_id)
    rows = session.execute(q).scalars().all()
    for row in rows:
        row.left_on = left_on if row.left_on is None else min(row.left_on, left_on)
    return _sync_today(uow, agency_id, sorted({r.project_id for r in rows} | set(project_ids)), "left")


def record_transferred(uow, agency_id, account_id, from_project_ids, to_project_ids, effective_on):
    """调岗: off the rotation of the sites left from `effective_on`; back on a site it returns to."""
    session = uow.session
    gone, back = set(from_project_ids) - set(to_project_ids), set(to_project_ids)
    rows = session.execute(select(RotationStaff).where(RotationStaff.agency_id == agency_id,
                                                       RotationStaff.account_id == account_id,
                                                       RotationStaff.project_id.in_(gone | back))).scalars().all()
    for row in rows:
        row.left_on = effective_on if row.project_id in gone else None
    return _sync_today(uow, agency_id, sorted(r.project_id for r in rows), "transferred")


def _facts(session, project_id, day):
    staff = [rules.Staff(r.account_id, r.certified_on, r.clocked_in_at, r.clocked_out_at, r.left_on)
             for r in session.execute(select(RotationStaff).where(RotationStaff.project_id == project_id)).scalars()]
    leaves = [rules.Leave(r.account_id, r.start_on, r.end_on) for r in session.execute(
        select(RotationLeave).where(RotationLeave.project_id == project_id, RotationLeave.start_on <= day,
                                    RotationLeave.end_on >= day)).scalars()]
    return staff, leaves


def _skipped_ids(skipped):
    return {int(a) for a in skipped}


# the day's queue ----------------------------------------------------------------------------
def _read(session, project_id, day):
    return session.execute(
        select(QUEUE.c.id, QUEUE.c.agency_id, QUEUE.c.queue, QUEUE.c.skipped, QUEUE.c.version)
        .where(QUEUE.c.project_id == project_id, QUEUE.c.day == day)).first()


def _ensure(session, agency_id, project_id, day):
    """The queue row of the day, created empty on first use; two creators at once: the
    unique (project, day) keeps one (ON CONFLICT DO NOTHING), both then read it."""
    row = _read(session, project_id, day)
    if row is not None:
        return row
    session.execute(_insert(session)(QUEUE)
                    .values(agency_id=agency_id, project_id=project_id, day=day, queue=[], skipped={}, version=1,
                            updated_at=utcnow())
                    .on_conflict_do_nothing(index_elements=["project_id", "day"]))
    return _read(session, project_id, day)


def _change(uow, agency_id, project_id, day, step, by=None, write_always=False, expected_version=None):
    """Apply `step(queue, skipped, eligible_given)` -> (queue, skipped, result, audit) to the
    day's queue with a conditional update on its version, re-reading and retrying when
    another worker changed it first (or refusing, when the caller saw `expected_version`).
    `audit`: [(action, account_id, reason)]."""
    session = uow.session
    for _ in range(MAX_TRIES):
        row = _ensure(session, agency_id, project_id, day)
        if row.agency_id != agency_id:
            raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
        if expected_version is not None and row.version != expected_version:
            raise Conflict("the queue changed since you read it; reload and try again", "ROTATION_CHANGED")
        # facts read after the queue row: never older than the queue they are applied to
        staff, leaves = _facts(session, project_id, day)

        def eligible_given(skipped, staff=staff, leaves=leaves):
            return rules.eligible_in_arrival_order(staff, day, leaves, _skipped_ids(skipped))

        queue, skipped = list(row.queue), dict(row.skipped)
        new_queue, new_skipped, result, audit = step(queue, skipped, eligible_given)
        if not write_always and not audit and (new_queue, new_skipped) == (queue, skipped):
            return result, new_queue
        done = session.execute(
            update(QUEUE).where(QUEUE.c.id == row.id, QUEUE.c.version == row.version)
            .values(queue=new_queue, skipped=new_skipped, version=row.version + 1, updated_at=utcnow())
        ).rowcount
        if done == 1:
            by_id, by_name = by or (None, None)
            now = utcnow()
            for action, account_id, reason in audit:
                session.add(RotationAudit(agency_id=agency_id, project_id=project_id, day=day, action=action,
                                          account_id=account_id, queue_after=new_queue, reason=reason,
                                          by_id=by_id, by_name=by_name, at=now))
            session.flush()
            return result, new_queue
    raise Conflict("the rotation is changing too fast; try again", "ROTATION_BUSY")


def _moves(before, after, joined_reason, left_reason):
    joined, left = rules.changes(before, after)
    return [("joined", a, joined_reason) for a in joined] + [("left", a, left_reason) for a in left]


def _sync(uow, agency_id, project_id, day, cause):
    def step(queue, skipped, eligible_given):
        new = rules.reconcile(queue, eligible_given(skipped))
        return new, skipped, None, _moves(queue, new, cause, cause)

    return _change(uow, agency_id, project_id, day, step)


def _sync_today(uow, agency_id, project_ids, cause):
    day = today()
    for project_id in project_ids:
        _sync(uow, agency_id, project_id, day, cause)


def take_walk_in(uow, actor, project_id, day):
    """A new walk-in: the head of the day's queue takes it and moves to the back.
    RuleViolated NO_ADVISOR_ON_DUTY when nobody is eligible (nothing is recorded then)."""
    def step(queue, skipped, eligible_given):
        eligible = eligible_given(skipped)
        reconciled = rules.reconcile(queue, eligible)
        advisor, new = rules.take_next(queue, eligible)
        if advisor is None:
            raise RuleViolated("no advisor is on duty for walk-ins (clocked in, certified, not on leave or skipped)",
                               "NO_ADVISOR_ON_DUTY")
        return new, skipped, advisor, _moves(queue, reconciled, "eligible", "no longer eligible")

    advisor, queue = _change(uow, actor["agency_id"], project_id, day, step, _by(actor), write_always=True)
    return advisor, queue


def record_assignment(uow, actor, visit, queue_after, reason="new walk-in"):
    """The audit row of a rotation assignment; one per visit (unique visit_id)."""
    by_id, by_name = _by(actor)
    uow.session.add(RotationAudit(agency_id=visit.agency_id, project_id=visit.project_id, day=visit.day,
                                  action="assigned", account_id=visit.advisor_id, visit_id=visit.id,
                                  queue_after=queue_after, reason=reason, by_id=by_id, by_name=by_name,
                                  at=visit.at))
    uow.session.flush()


def _by(actor):
    return (actor["account_id"], actor["username"])


def _known(session, actor, project_id, account_id):
    row = session.get(RotationStaff, (project_id, account_id))
    if row is None or row.agency_id != actor["agency_id"]:
        raise NotFound(f"account {account_id} has no rotation facts at project {project_id} (never certified "
                       "or clocked in there)", "ADVISOR_NOT_IN_ROTATION")


def reorder(uow, actor, project_id, data):
    """补位/reorder: a supervisor sets today's order; it must list exactly today's queue.
    With `version`, a queue changed since it was read is refused (409 ROTATION_CHANGED)."""
    require_role(actor, PERMISSIONS["rotation.change"])
    project_scope(actor, project_id)
    day = today()

    def step(queue, skipped, eligible_given):
        new, problem = rules.reorder(queue, eligible_given(skipped), data["order"])
        if problem:
            raise RuleViolated(problem, "ORDER_MISMATCH")
        return new, skipped, None, [("reordered", None, data["reason"])]

    _change(uow, actor["agency_id"], project_id, day, step, _by(actor), expected_version=data.get("version"))
    return view(uow.session, actor, project_id, day)


def skip(uow, actor, project_id, data):
    """补位 skip an advisor for the rest of today (in training, out on an errand...), with a reason."""
    require_role(actor, PERMISSIONS["rotation.change"])
    project_scope(actor, project_id)
    account_id = data["account_id"]
    _known(uow.session, actor, project_id, account_id)

    def step(queue, skipped, eligible_given):
        if str(account_id) in skipped:
            raise Conflict(f"advisor {account_id} is skipped already today", "ALREADY_SKIPPED")
        skipped = dict(skipped, **{str(account_id): data["reason"]})
        audit = [("skipped", account_id, data["reason"])]
        return rules.reconcile(queue, eligible_given(skipped)), skipped, None, audit

    _change(uow, actor["agency_id"], project_id, today(), step, _by(actor))
    return view(uow.session, actor, project_id, today())


def restore(uow, actor, project_id, data):
    """Put a skipped advisor back; if eligible they join the back of the queue."""
    require_role(actor, PERMISSIONS["rotation.change"])
    project_scope(actor, project_id)
    account_id = data["account_id"]

    def step(queue, skipped, eligible_given):
        if str(account_id) not in skipped:
            raise Conflict(f"advisor {account_id} is not skipped today", "NOT_SKIPPED")
        skipped = {a: r for a, r in skipped.items() if a != str(account_id)}
        audit = [("restored", account_id, data["reason"])]
        return rules.reconcile(queue, eligible_given(skipped)), skipped, None, audit

    _change(uow, actor["agency_id"], project_id, today(), step, _by(actor))
    return view(uow.session, actor, project_id, today())


def _audit_dict(row):
    return {c: getattr(row, c) for c in ("id", "action", "account_id", "visit_id", "queue_after", "reason", "by_id",
                                         "by_name", "at")}


def view(session, actor, project_id, day=None):
    """The day's queue (today: as it stands now, with whoever became (in)eligible since the
    last change already in or out), who is skipped and why, its assignments and its audit."""
    require_role(actor, PERMISSIONS["rotation.read"])
    project_scope(actor, project_id)
    current = today()
    day = day or current
    row = _read(session, project_id, day)
    if row is not None and row.agency_id != actor["agency_id"]:
        raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
    queue, skipped = (list(row.queue), dict(row.skipped)) if row is not None else ([], {})
    if day == current:
        staff, leaves = _facts(session, project_id, day)
        queue = rules.reconcile(queue, rules.eligible_in_arrival_order(staff, day, leaves, _skipped_ids(skipped)))
    names = dict(session.execute(select(RotationStaff.account_id, RotationStaff.username)
                                 .where(RotationStaff.project_id == project_id)).all())
    audit = [_audit_dict(r) for r in session.execute(
        select(RotationAudit).where(RotationAudit.project_id == project_id, RotationAudit.day == day)
        .order_by(RotationAudit.id)).scalars()]
    return {"project_id": project_id, "day": day, "version": row.version if row is not None else 1,
            "queue": [{"position": i + 1, "account_id": a, "username": names.get(a)} for i, a in enumerate(queue)],
            "skipped": [{"account_id": int(a), "username": names.get(int(a)), "reason": r}
                        for a, r in sorted(skipped.items())],
            "assignments": [a for a in audit if a["action"] == "assigned"],
            "audit": audit}


def eligible_total(session):
    """Advisors eligible for walk-ins right now, summed over every site with a queue today
    (the business gauge: one number, no project labels)."""
    day = today()
    total = 0
    for project_id, skipped in session.execute(
            select(QUEUE.c.project_id, QUEUE.c.skipped).where(QUEUE.c.day == day)).all():
        staff, leaves = _facts(session, project_id, day)
        total += len(rules.eligible_in_arrival_order(staff, day, leaves, _skipped_ids(skipped)))
    return total

