"""培训 training entrypoints: courses, sessions, attendance, exams, the pre-job certification
(上岗考核) and the monthly coverage and pass-rate report. A mixin of HrService."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import hr_training as c
from services.hr import training


class TrainingEntrypoints:
    @command(c.CourseOut)
    def create_course(self, actor, data):
        """培训课程 course: agency-wide (director, hr) or of a project (also its manager)."""
        return training.create_course(self.db, actor, load(c.CourseIn, data))

    @query(c.CourseOut, many=True)
    def list_courses(self, actor, query=None):
        """Agency-wide courses and those of the actor's projects (or of one project)."""
        project_id = load(c.CourseQuery, query)["project_id"]
        return training.list_courses(self.db.session, actor, project_id)

    @command(c.SessionOut)
    def create_training_session(self, actor, course_id, data):
        """培训场次 session of a course at one project's site."""
        return training.create_session(self.db, actor, course_id, load(c.SessionIn, data))

    @query(c.SessionOut, many=True)
    def list_training_sessions(self, actor, project_id, query=None):
        """培训场次 of a project, newest first, with their roll calls."""
        status = load(c.SessionQuery, query)["status"]
        return training.list_sessions(self.db.session, actor, project_id, status)

    @command(c.SessionOut)
    def record_training_attendance(self, actor, session_id, data):
        """签到 roll call of a session: accounts present or absent; the session is then held."""
        return training.record_attendance(self.db, actor, session_id, load(c.AttendanceIn, data))

    @command(c.SessionOut)
    def cancel_training_session(self, actor, session_id, data):
        """Cancel a session not yet held, with a reason."""
        reason = load(c.SessionCancelIn, data)["reason"].strip()
        return training.cancel_session(self.db, actor, session_id, reason)

    @command(c.ExamOut)
    def record_exam(self, actor, course_id, data):
        """考试 exam score; passing the project's 上岗考核 certifies once (`staff_certified`)."""
        return training.record_exam(self.db, actor, course_id, load(c.ExamIn, data))

    @query(c.CertificationOut, many=True)
    def list_certifications(self, actor, project_id):
        """上岗考核 holders of a project (who may join its walk-in rotation)."""
        return training.list_certifications(self.db.session, actor, project_id)

    @query(c.TrainingStats)
    def training_stats(self, actor, project_id, query):
        """培训覆盖率/合格率 coverage and pass rates of a project in a month."""
        month = load(c.StatsQuery, query)["month"]
        return training.training_stats(self.db.session, actor, project_id, month)
