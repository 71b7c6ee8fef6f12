"""培训 training: courses, sessions and attendance, exams, the pre-job certification (上岗考核)
that lets crm put an advisor into a site's walk-in rotation, and the monthly coverage and
pass-rate report. Roles and scope are checked here on every row; the gateway checks again."""
from sqlalchemy import case, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from loupan.errors import Conflict, Invalid, NotFound, RuleViolated
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor
from loupan.types import local_day, utcnow
from services.hr import training_rules as rules
from services.hr.models import (Account, AccountProject, Certification, Course, ExamResult,
                                TrainingAttendance, TrainingSession)

# agency-wide courses are the director's and hr's; a manager runs the training of its projects


def _insert(session, model):
    """INSERT … ON CONFLICT of the session's dialect (both dialects spell it the same way)."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)


def get_course(session, actor, course_id):
    """The course if the actor may use it: another agency's is not found, another project's
    is forbidden; an agency-wide course is open to the whole agency."""
    course = session.get(Course, course_id)
    if course is None or course.agency_id != actor["agency_id"]:
        raise NotFound(f"course {course_id} not found", "COURSE_NOT_FOUND")
    if course.project_id is not None:
        check_scope(actor, course.agency_id, course.project_id, "course")
    return course


def course_dict(course):
    return {c.name: getattr(course, c.name) for c in Course.__table__.columns} | {
        "kind_name": rules.KINDS[course.kind]}


def create_course(uow, actor, data):
    """培训课程 course: agency-wide by a director or hr, or for a project the actor works on."""
    require_role(actor, PERMISSIONS["training.manage"])
    if data["project_id"] is None:
        require_role(actor, PERMISSIONS["courses.agency_wide"])
    else:
        check_scope(actor, actor["agency_id"], data["project_id"], "project")
    course = Course(agency_id=actor["agency_id"], created_by=actor["account_id"], **data)
    uow.session.add(course)
    uow.session.flush()
    return course_dict(course)


def list_courses(session, actor, project_id=None):
    """Agency-wide courses and those of the projects the actor works on (or of `project_id`)."""
    require_role(actor, PERMISSIONS["training.manage"])
    query = select(Course).where(Course.agency_id == actor["agency_id"])
    if project_id is not None:
        check_scope(actor, actor["agency_id"], project_id, "project")
        query = query.where((Course.project_id.is_(None)) | (Course.project_id == project_id))
    elif actor["project_ids"] is not None:
        query = query.where((Course.project_id.is_(None)) | (Course.project_id.in_(actor["project_ids"])))
    return [course_dict(c) for c in session.execute(query.order_by(Course.id)).scalars()]


def _project_of(course, project_id):
    """The project a session or exam of `course` is for: the course's own, or the one given
    for an agency-wide course."""
    if course.project_id is None:
        if project_id is None:
            raise Invalid("an agency-wide course needs the project_id it is held for", "PROJECT_REQUIRED")
        return project_id
    if project_id not in (None, course.project_id):
        raise Invalid(f"course {course.id} belongs to project {course.project_id}", "PROJECT_MISMATCH")
    return course.project_id


def _check_staff(session, actor, project_id, account_ids):
    """Every account is active staff of the actor's agency assigned to the project: unknown
    ones are 404, the others that fail are 422 (training is for a site's own team)."""
    wanted = sorted(set(account_ids))
    found = dict(session.execute(
        select(Account.id, Account.active)
        .where(Account.id.in_(wanted), Account.agency_id == actor["agency_id"])
    ).all())
    missing = [a for a in wanted if a not in found]
    if missing:
        raise NotFound(f"accounts {missing[:50]} not found", "ACCOUNT_NOT_FOUND")
    inactive = [a for a in wanted if not found[a]]
    if inactive:
        raise RuleViolated(f"accounts {inactive[:50]} are no longer active", "ACCOUNT_INACTIVE")
    assigned = set(session.execute(
        select(AccountProject.account_id)
        .where(AccountProject.project_id == project_id, AccountProject.account_id.in_(wanted))
    ).scalars())
    unassigned = [a for a in wanted if a not in assigned]
    if unassigned:
        raise RuleViolated(f"accounts {unassigned[:50]} are not assigned to project {project_id}",
                           "ACCOUNT_NOT_ASSIGNED")
    return wanted


def session_dict(session, training_session):
    rows = session.execute(
        select(TrainingAttendance.account_id, TrainingAttendance.present)
        .where(TrainingAttendance.session_id == training_session.id)
        .order_by(TrainingAttendance.account_id)
    ).all()
    data = {c.name: getattr(training_session, c.name) for c in TrainingSession.__table__.columns}
    data["attendance"] = [{"account_id": a, "present": p} for a, p in rows]
    return data


def create_session(uow, actor, course_id, data):
    """培训场次 session: a sitting of the course at one project's site."""
    require_role(actor, PERMISSIONS["training.manage"])
    course = get_course(uow.session, actor, course_id)
    project_id = _project_of(course, data["project_id"])
    check_scope(actor, course.agency_id, project_id, "project")
    training_session = TrainingSession(
        agency_id=course.agency_id, project_id=project_id, course_id=course.id,
        starts_at=data["starts_at"], trainer=data["trainer"].strip(), status="scheduled",
        created_by=actor["account_id"])
    uow.session.add(training_session)
    uow.session.flush()
    return session_dict(uow.session, training_session)


def list_sessions(session, actor, project_id, status=None):
    """培训场次 of a project's site, newest first, each with its roll call (the desk schedules a
    session one day and calls the roll on another)."""
    require_role(actor, PERMISSIONS["training.manage"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    query = select(TrainingSession).where(TrainingSession.agency_id == actor["agency_id"],
                                          TrainingSession.project_id == project_id)
    if status is not None:
        query = query.where(TrainingSession.status == status)
    rows = session.execute(query.order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())).scalars()
    return [session_dict(session, row) for row in rows]


def _session_in_scope(session, actor, session_id):
    row = session.get(TrainingSession, session_id)
    if row is None or row.agency_id != actor["agency_id"]:
        raise NotFound(f"session {session_id} not found", "SESSION_NOT_FOUND")
    check_scope(actor, row.agency_id, row.project_id, "session")
    return row


def _move_session(session, actor, training_session, to_status, reason):
    """scheduled → `to_status`, conditionally: False if the session had already left
    scheduled (a concurrent cancel or roll call decided first)."""
    moved = session.execute(
        update(TrainingSession)
        .where(TrainingSession.id == training_session.id, TrainingSession.status == "scheduled")
        .values(status=to_status, status_changed_by=actor["account_id"], status_changed_at=utcnow(),
                status_reason=reason)
    ).rowcount
    session.refresh(training_session)
    return moved == 1


def record_attendance(uow, actor, session_id, data):
    """签到 roll call: mark accounts present (or absent) at a session; the first roll call
    marks it held. Repeating it for an account overwrites that account's mark."""
    require_role(actor, PERMISSIONS["training.manage"])
    session = uow.session
    training_session = _session_in_scope(session, actor, session_id)
    account_ids = _check_staff(session, actor, training_session.project_id, data["account_ids"])
    if not _move_session(session, actor, training_session, "held", "attendance taken") \
            and training_session.status != "held":
        raise Conflict(f"session {session_id} is {training_session.status}", "SESSION_CANCELLED")
    now = utcnow()
    statement = _insert(session, TrainingAttendance).values([
        {"session_id": training_session.id, "account_id": a, "agency_id": training_session.agency_id,
         "project_id": training_session.project_id, "present": data["present"],
         "recorded_by": actor["account_id"], "recorded_at": now}
        for a in account_ids
    ])
    session.execute(statement.on_conflict_do_update(
        index_elements=["session_id", "account_id"],
        set_={"present": statement.excluded.present, "recorded_by": statement.excluded.recorded_by,
              "recorded_at": statement.excluded.recorded_at}))
    return session_dict(session, training_session)


def cancel_session(uow, actor, session_id, reason):
    """Cancel a session that has not been held; 409 once attendance was taken or it was
    cancelled already."""
    require_role(actor, PERMISSIONS["training.manage"])
    training_session = _session_in_scope(uow.session, actor, session_id)
    if not _move_session(uow.session, actor, training_session, "cancelled", reason):
        raise Conflict(f"session {session_id} is {training_session.status}", "SESSION_NOT_SCHEDULED")
    return session_dict(uow.session, training_session)


def record_exam(uow, actor, course_id, data):
    """考试 exam: a graded score of an account assigned to the project. Passing the project's
    certification course (上岗考核) certifies the account once and publishes
    `staff_certified`; a later pass changes neither the certification nor publishes again."""
    require_role(actor, PERMISSIONS["training.manage"])
    session = uow.session
    course = get_course(session, actor, course_id)
    project_id = _project_of(course, data["project_id"])
    check_scope(actor, course.agency_id, project_id, "project")
    account_id = _check_staff(session, actor, project_id, [data["account_id"]])[0]
    exam = ExamResult(agency_id=course.agency_id, project_id=project_id, course_id=course.id,
                      account_id=account_id, score=data["score"],
                      passed=rules.passes(data["score"], course.pass_score), taken_at=utcnow(),
                      graded_by=actor["account_id"])
    session.add(exam)
    session.flush()
    if course.is_certification and exam.passed:
        _certify(uow, actor, course, exam)
    certified = session.execute(
        select(Certification.id)
        .where(Certification.project_id == project_id, Certification.account_id == account_id)
    ).first() is not None
    return {c.name: getattr(exam, c.name) for c in ExamResult.__table__.columns} | {"certified": certified}


def _certify(uow, actor, course, exam):
    """Record the certification unless the account holds it already: the unique key decides
    (ON CONFLICT DO NOTHING), so two passes at once still certify and publish once."""
    certified_on = local_day(exam.taken_at)
    statement = _insert(uow.session, Certification).values(
        agency_id=exam.agency_id, project_id=exam.project_id, account_id=exam.account_id,
        course_id=course.id, exam_id=exam.id, score=exam.score, certified_on=certified_on,
    ).on_conflict_do_nothing(index_elements=["project_id", "account_id"]).returning(Certification.id)
    if uow.session.execute(statement).first() is None:
        return
    uow.publish("staff_certified",
                {"account_id": exam.account_id, "project_id": exam.project_id, "score": exam.score,
                 "certified_on": certified_on},
                agency_id=exam.agency_id, project_id=exam.project_id, actor=event_actor(actor))


def list_certifications(session, actor, project_id):
    """上岗考核 holders of a project: who may be put into its walk-in rotation."""
    require_role(actor, PERMISSIONS["certifications.read"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    rows = session.execute(
        select(Certification, Account)
        .join(Account, Account.id == Certification.account_id)
        .where(Certification.agency_id == actor["agency_id"], Certification.project_id == project_id)
        .order_by(Certification.certified_on, Certification.account_id)
    ).all()
    return [{"account_id": c.account_id, "full_name": a.full_name, "role": a.role, "active": a.active,
             "project_id": c.project_id, "course_id": c.course_id, "score": c.score,
             "certified_on": c.certified_on} for c, a in rows]


def training_stats(session, actor, project_id, month):
    """培训覆盖率与合格率: of the project's active advisors, the share present at one of its
    sessions in the month at least; of the exams taken for it in the month, the share passed;
    per course too. Months are Asia/Shanghai calendar months."""
    require_role(actor, PERMISSIONS["training.manage"])
    agency_id = actor["agency_id"]
    check_scope(actor, agency_id, project_id, "project")
    start, end = rules.month_bounds(rules.parse_month(month))
    advisors = set(session.execute(
        select(Account.id).join(AccountProject, AccountProject.account_id == Account.id)
        .where(AccountProject.agency_id == agency_id, AccountProject.project_id == project_id,
               Account.role == ADVISOR, Account.active.is_(True))
    ).scalars())
    trained = set(session.execute(
        select(TrainingAttendance.account_id).distinct()
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .where(TrainingAttendance.agency_id == agency_id, TrainingAttendance.project_id == project_id,
               TrainingAttendance.present.is_(True), TrainingSession.status == "held",
               TrainingSession.starts_at >= start, TrainingSession.starts_at < end)
    ).scalars()) & advisors
    certified = set(session.execute(
        select(Certification.account_id)
        .where(Certification.agency_id == agency_id, Certification.project_id == project_id)
    ).scalars()) & advisors
    per_course = session.execute(
        select(Course.id, Course.title, Course.kind, func.count(ExamResult.id),
               func.sum(case((ExamResult.passed.is_(True), 1), else_=0)))
        .join(ExamResult, ExamResult.course_id == Course.id)
        .where(ExamResult.agency_id == agency_id, ExamResult.project_id == project_id,
               ExamResult.taken_at >= start, ExamResult.taken_at < end)
        .group_by(Course.id, Course.title, Course.kind).order_by(Course.id)
    ).all()
    courses = [{"course_id": cid, "title": title, "kind": kind, "exams_taken": taken,
                "exams_passed": int(passed), "pass_rate_percent": rules.percent(int(passed), taken)}
               for cid, title, kind, taken, passed in per_course]
    taken = sum(c["exams_taken"] for c in courses)
    passed = sum(c["exams_passed"] for c in courses)
    return {"project_id": project_id, "month": month,
            "advisors": len(advisors), "advisors_trained": len(trained),
            "coverage_percent": rules.percent(len(trained), len(advisors)),
            "advisors_certified": len(certified),
            "exams_taken": taken, "exams_passed": passed, "pass_rate_percent": rules.percent(passed, taken),
            "courses": courses}
