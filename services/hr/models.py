"""hr tables: agencies and staff accounts (login, role, projects they may act on)."""
from sqlalchemy import (JSON, Boolean, Column, Date, ForeignKey, Index, Integer, MetaData, String,
                        Text, Time, UniqueConstraint, text)
from sqlalchemy.orm import declarative_base

from loupan.projects import known_projects_table
from loupan.commands import commands_table
from loupan.reveals import data_reveals_table
from loupan.tables import ID, inbox_table, outbox_table
from loupan.types import Decimal2, UTCDateTime, utcnow

metadata = MetaData()
Base = declarative_base(metadata=metadata)
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
commands = commands_table(metadata)  # commands done once (loupan.commands)
known_projects = known_projects_table(metadata)  # who owns each project (loupan.projects)
# applicants' full numbers shown (loupan.reveals), by candidate
data_reveals = data_reveals_table(metadata, Column("candidate_id", ID))


class Agency(Base):
    """代理公司: the tenant every record belongs to."""

    __tablename__ = "agencies"
    __table_args__ = (Index("ux_agencies_code", "code", unique=True),)  # as migration h14codes makes it
    id = Column(ID, primary_key=True, autoincrement=True)
    name = Column(String(200), nullable=False, unique=True)
    # the prefix of its staff's login names (<code>.<name>, services/hr/accounts.py): given to
    # create_director (--code), else a<id>
    code = Column(String(20))
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)


class Account(Base):
    __tablename__ = "accounts"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, ForeignKey("agencies.id"), nullable=False, index=True)
    username = Column(String(80), nullable=False, unique=True)
    password_hash = Column(String(300), nullable=False)
    full_name = Column(String(100), nullable=False)
    role = Column(String(30), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    created_by = Column(ID)
    # employment (入职/调岗/离职): `active` is the login switch, these are the staff record
    employment_status = Column(String(10), nullable=False, default="active", server_default="active")
    joined_on = Column(Date)
    left_on = Column(Date)
    # bumped whenever the account's issued tokens go stale (调岗 changes projects, 离职 ends them)
    token_version = Column(Integer, nullable=False, default=0, server_default="0")


class AccountProject(Base):
    """The projects a (non-director) account may act on."""

    __tablename__ = "account_projects"
    account_id = Column(ID, ForeignKey("accounts.id"), primary_key=True)
    project_id = Column(ID, primary_key=True)
    agency_id = Column(ID, nullable=False)
    __table_args__ = (Index("ix_account_projects_project", "agency_id", "project_id"),)


# 招聘 recruiting: requisitions, candidates, interview feedback, offers, 试用期 probations.
# Every lifecycle column (status, stage) changes only through conditional updates
# (services/hr/recruiting.py), each change written to recruiting_history.


class Requisition(Base):
    """招聘需求: a project asks for `headcount` people of a role; a director approves it.
    seats_taken counts offers outstanding, accepted or hired, so offers never exceed it."""

    __tablename__ = "requisitions"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    role = Column(String(30), nullable=False)
    headcount = Column(Integer, nullable=False)
    reason = Column(String(500), nullable=False)
    status = Column(String(12), nullable=False, default="open")
    seats_taken = Column(Integer, nullable=False, default=0)
    hired = Column(Integer, nullable=False, default=0)
    requested_by = Column(ID, nullable=False)
    approved_by = Column(ID)
    approved_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_requisitions_project", "agency_id", "project_id"),)


class Candidate(Base):
    """应聘者 on one requisition; `stage` follows recruiting_rules.PATH."""

    __tablename__ = "candidates"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    requisition_id = Column(ID, ForeignKey("requisitions.id"), nullable=False)
    name = Column(String(100), nullable=False)
    phone = Column(String(20), nullable=False)
    source = Column(String(50), nullable=False)
    stage = Column(String(12), nullable=False, default="applied")
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    updated_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (
        UniqueConstraint("requisition_id", "phone", name="uq_candidates_requisition_phone"),
        Index("ix_candidates_project", "agency_id", "project_id"),
    )


class InterviewFeedback(Base):
    """面试评价: one interviewer's score and recommendation at one interview stage."""

    __tablename__ = "interview_feedback"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    candidate_id = Column(ID, ForeignKey("candidates.id"), nullable=False)
    stage = Column(String(12), nullable=False)
    interviewer_id = Column(ID, nullable=False)
    score = Column(Integer, nullable=False)
    recommendation = Column(String(10), nullable=False)
    notes = Column(Text, nullable=False)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (
        UniqueConstraint("candidate_id", "stage", "interviewer_id", name="uq_interview_feedback_once"),
        Index("ix_interview_feedback_project", "agency_id", "project_id"),
    )


class Offer(Base):
    """录用通知: salary, start day and probation length; at most one open (offered or
    accepted) offer per candidate, enforced by a partial unique index."""

    __tablename__ = "offers"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    candidate_id = Column(ID, ForeignKey("candidates.id"), nullable=False)
    requisition_id = Column(ID, ForeignKey("requisitions.id"), nullable=False)
    salary = Column(Decimal2, nullable=False)
    start_on = Column(Date, nullable=False)
    probation_months = Column(Integer, nullable=False)
    status = Column(String(10), nullable=False, default="offered")
    created_by = Column(ID, nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    answered_at = Column(UTCDateTime)
    __table_args__ = (
        Index("ux_offers_open", "candidate_id", unique=True,
              postgresql_where=text("status IN ('offered', 'accepted')"),
              sqlite_where=text("status IN ('offered', 'accepted')")),
        Index("ix_offers_project", "agency_id", "project_id"),
    )


class Probation(Base):
    """试用期 of a hired candidate, ended by the 转正 review: confirmed, extended (once) or
    terminated."""

    __tablename__ = "probations"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"))
    candidate_id = Column(ID, ForeignKey("candidates.id"), nullable=False, unique=True)
    start_on = Column(Date, nullable=False)
    end_on = Column(Date, nullable=False)
    status = Column(String(12), nullable=False, default="in_probation")
    review_notes = Column(Text)
    decided_by = Column(ID)
    decided_at = Column(UTCDateTime)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_probations_project", "agency_id", "project_id"),)


class RecruitingHistory(Base):
    """Every status change of a requisition, candidate, offer or probation: who, when, why."""

    __tablename__ = "recruiting_history"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    record = Column(String(12), nullable=False)
    record_id = Column(ID, nullable=False)
    from_status = Column(String(12))
    to_status = Column(String(12), nullable=False)
    actor_id = Column(ID)
    note = Column(Text)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (
        Index("ix_recruiting_history_record", "record", "record_id"),
        Index("ix_recruiting_history_project", "agency_id", "project_id"),
    )


class StaffMove(Base):
    """A staff move (入职 joined / 调岗 transferred / 离职 left) of one account: who recorded
    it, when, why, and the projects before and after (JSON lists; a planned 调岗's `from` is
    what the person had when it was planned, set again when it is applied)."""

    __tablename__ = "staff_moves"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    kind = Column(String(12), nullable=False)
    effective_on = Column(Date, nullable=False)
    from_project_ids = Column(Text, nullable=False)
    to_project_ids = Column(Text, nullable=False)
    from_role = Column(String(30))  # set only when a 调岗 changed the role
    to_role = Column(String(30))
    reason = Column(String(200))
    by = Column(ID)
    at = Column(UTCDateTime, nullable=False, default=utcnow)
    # done; planned (a 调岗 dated after today, applied on its day by the sweep); cancelled
    # (the person left before it)
    status = Column(String(10), nullable=False, default="done", server_default="done")
    __table_args__ = (Index("ix_staff_moves_account", "agency_id", "account_id", "id"),
                      Index("ix_staff_moves_planned", "effective_on",
                            postgresql_where=text("status = 'planned'"), sqlite_where=text("status = 'planned'")))


# 培训 training ---------------------------------------------------------------------------


class Course(Base):
    """培训课程: agency-wide (project_id None) or a project's; is_certification marks the
    project's pre-job certification (上岗考核)."""

    __tablename__ = "courses"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, ForeignKey("agencies.id"), nullable=False)
    project_id = Column(ID)
    title = Column(String(200), nullable=False)
    kind = Column(String(20), nullable=False)
    is_certification = Column(Boolean, nullable=False, default=False)
    pass_score = Column(Decimal2, nullable=False)
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_courses_project", "agency_id", "project_id"),)


class TrainingSession(Base):
    """One sitting of a course at a site: scheduled → held (attendance taken) or cancelled;
    who moved it, when and why is kept on the row (both moves leave scheduled, so one is all)."""

    __tablename__ = "sessions"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    course_id = Column(ID, ForeignKey("courses.id"), nullable=False)
    starts_at = Column(UTCDateTime, nullable=False)
    trainer = Column(String(100), nullable=False)
    status = Column(String(12), nullable=False, default="scheduled")
    created_by = Column(ID)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    status_changed_by = Column(ID)
    status_changed_at = Column(UTCDateTime)
    status_reason = Column(String(200))
    __table_args__ = (Index("ix_sessions_project", "agency_id", "project_id", "starts_at"),)


class TrainingAttendance(Base):
    """Who was (or was not) at a session; agency and project copied for per-project queries."""

    __tablename__ = "attendance"
    session_id = Column(ID, ForeignKey("sessions.id"), primary_key=True)
    account_id = Column(ID, ForeignKey("accounts.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    present = Column(Boolean, nullable=False)
    recorded_by = Column(ID)
    recorded_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_attendance_project", "agency_id", "project_id"),)


class ExamResult(Base):
    """A graded exam of one account on a course, for a project."""

    __tablename__ = "exam_results"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    course_id = Column(ID, ForeignKey("courses.id"), nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    score = Column(Decimal2, nullable=False)
    passed = Column(Boolean, nullable=False)
    taken_at = Column(UTCDateTime, nullable=False, default=utcnow)
    graded_by = Column(ID, nullable=False)
    __table_args__ = (Index("ix_exam_results_project", "agency_id", "project_id", "taken_at"),)


class Certification(Base):
    """上岗考核 passed: the account may join the project's walk-in rotation. One per
    (project, account): the unique key makes a second pass a no-op whatever the race."""

    __tablename__ = "certifications"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    course_id = Column(ID, ForeignKey("courses.id"), nullable=False)
    exam_id = Column(ID, ForeignKey("exam_results.id"), nullable=False)
    score = Column(Decimal2, nullable=False)
    certified_on = Column(Date, nullable=False)
    __table_args__ = (
        UniqueConstraint("project_id", "account_id", name="uq_certifications_project_account"),
        Index("ix_certifications_project", "agency_id", "project_id"),
    )


# evaluation: sales targets (销售目标), teams, facts from other services, scorecard weights --


class TeamMember(Base):
    """A supervisor's team at a site: the advisors listed for it (one team per advisor)."""

    __tablename__ = "team_members"
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, primary_key=True)
    advisor_id = Column(ID, ForeignKey("accounts.id"), primary_key=True)
    supervisor_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    __table_args__ = (Index("ix_team_members_project", "agency_id", "project_id", "supervisor_id"),)


class Target(Base):
    """销售目标/定额 of a month: the project's, a team's (subject = supervisor) or an
    advisor's (subject = advisor). The partial index keeps one project-level row per month,
    which the unique key cannot (its subject_id is NULL there)."""

    __tablename__ = "targets"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    level = Column(String(10), nullable=False)
    subject_id = Column(ID)
    units = Column(Integer, nullable=False)
    amount = Column(Decimal2, nullable=False)
    collections = Column(Decimal2, nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (
        UniqueConstraint("project_id", "month", "level", "subject_id", name="uq_targets_subject"),
        Index("ux_targets_project_level", "project_id", "month", unique=True,
              postgresql_where=text("level = 'project'"), sqlite_where=text("level = 'project'")),
        Index("ix_targets_project", "agency_id", "project_id", "month"),
    )


class AdvisorFact(Base):
    """One fact another service published about an advisor (a contract signed, a lead, a
    complaint, a survey), kept per project and month (Asia/Shanghai). quantity: 1 unit,
    lead or complaint, or the survey's score; amount: the contract price. The unique
    event_id backs up the inbox: an event never counts twice."""

    __tablename__ = "advisor_facts"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    month = Column(String(7), nullable=False)
    account_id = Column(ID, nullable=False)
    kind = Column(String(20), nullable=False)
    quantity = Column(Integer, nullable=False)
    amount = Column(Decimal2)
    event_id = Column(String(36), nullable=False, unique=True)
    occurred_at = Column(UTCDateTime, nullable=False)
    __table_args__ = (Index("ix_advisor_facts_project", "agency_id", "project_id", "month", "account_id"),)


class ScorecardWeights(Base):
    """考核权重 of a project's scorecard, whole percentages adding up to 100."""

    __tablename__ = "scorecard_weights"
    project_id = Column(ID, primary_key=True)
    agency_id = Column(ID, nullable=False)
    units = Column(Integer, nullable=False)
    amount = Column(Integer, nullable=False)
    leads = Column(Integer, nullable=False)
    complaints = Column(Integer, nullable=False)
    satisfaction = Column(Integer, nullable=False)
    attendance = Column(Integer, nullable=False)
    set_by = Column(ID, nullable=False)
    set_at = Column(UTCDateTime, nullable=False, default=utcnow)
    __table_args__ = (Index("ix_scorecard_weights_agency", "agency_id", "project_id"),)


# 考勤 attendance: shifts, the weekly rota (排班/轮休/值日), clock events, leave requests ----


class Shift(Base):
    """班次 of a site: Asia/Shanghai wall-clock times (ends before starts: overnight) and the
    fewest people it needs every day."""

    __tablename__ = "shifts"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    name = Column(String(50), nullable=False)
    starts = Column(Time, nullable=False)
    ends = Column(Time, nullable=False)
    min_staff = Column(Integer, nullable=False)
    __table_args__ = (
        UniqueConstraint("project_id", "name", name="uq_shifts_project_name"),
        Index("ix_shifts_project", "agency_id", "project_id"),
    )


class RotaEntry(Base):
    """排班: one person's day at a site: a shift, or a rest day (轮休); duty marks 值日."""

    __tablename__ = "rota_entries"
    project_id = Column(ID, primary_key=True)
    day = Column(Date, primary_key=True)
    account_id = Column(ID, ForeignKey("accounts.id"), primary_key=True)
    agency_id = Column(ID, nullable=False)
    shift_id = Column(ID, ForeignKey("shifts.id"))
    rest = Column(Boolean, nullable=False, default=False)
    duty = Column(Boolean, nullable=False, default=False)
    __table_args__ = (Index("ix_rota_entries_project", "agency_id", "project_id", "day"),)


class ClockEvent(Base):
    """打卡: a clock-in or clock-out of one person at a site (UTC instant)."""

    __tablename__ = "clock_events"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    project_id = Column(ID, nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    kind = Column(String(3), nullable=False)
    at = Column(UTCDateTime, nullable=False)
    __table_args__ = (
        Index("ix_clock_events_project", "agency_id", "project_id", "at"),
        Index("ix_clock_events_account", "account_id", "at"),
    )


class LeaveRequest(Base):
    """请假: pending → approved or rejected (conditional update); who decided, when, why."""

    __tablename__ = "leave_requests"
    id = Column(ID, primary_key=True, autoincrement=True)
    agency_id = Column(ID, nullable=False)
    account_id = Column(ID, ForeignKey("accounts.id"), nullable=False)
    project_ids = Column(JSON, nullable=False)
    kind = Column(String(10), nullable=False)
    start_on = Column(Date, nullable=False)
    end_on = Column(Date, nullable=False)
    status = Column(String(10), nullable=False, default="pending")
    reason = Column(String(500), nullable=False)
    created_at = Column(UTCDateTime, nullable=False, default=utcnow)
    decided_by = Column(ID)
    decided_at = Column(UTCDateTime)
    decision_note = Column(String(500))
    __table_args__ = (Index("ix_leave_requests_account", "agency_id", "account_id", "start_on"),)
