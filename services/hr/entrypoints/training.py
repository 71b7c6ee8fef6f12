"""培训 training entrypoints: courses, sessions, attendance, exams, the pre-job certification
(上岗考核) and the monthly coverage and pass-rate report. A mixin of HrService."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import hr_training as c
from loupan.scope import load_actor
from services.hr import training


class TrainingRpc:
    @rpc
    def create_course(self, actor, data):
        """培训课程 course: agency-wide (director, hr) or of a project (also its manager)."""
        course = training.create_course(self.db, load_actor(actor), load(c.CourseIn, data))
        self.db.commit()
        return dump(c.CourseOut, course)

    @rpc
    def list_courses(self, actor, query=None):
        """Agency-wide courses and those of the actor's projects (or of one project)."""
        project_id = load(c.CourseQuery, query)["project_id"]
        return dump(c.CourseOut, training.list_courses(self.db.session, load_actor(actor), project_id), many=True)

    @rpc
    def create_training_session(self, actor, course_id, data):
        """培训场次 session of a course at one project's site."""
        result = training.create_session(self.db, load_actor(actor), course_id, load(c.SessionIn, data))
        self.db.commit()
        return dump(c.SessionOut, result)

    @rpc
    def record_training_attendance(self, actor, session_id, data):
        """签到 roll call of a session: accounts present or absent; the session is then held."""
        result = training.record_attendance(self.db, load_actor(actor), session_id, load(c.AttendanceIn, data))
        self.db.commit()
        return dump(c.SessionOut, result)

    @rpc
    def cancel_training_session(self, actor, session_id, data):
        """Cancel a session not yet held, with a reason."""
        reason = load(c.SessionCancelIn, data)["reason"].strip()
        result = training.cancel_session(self.db, load_actor(actor), session_id, reason)
        self.db.commit()
        return dump(c.SessionOut, result)

    @rpc
    def record_exam(self, actor, course_id, data):
        """考试 exam score; passing the project's 上岗考核 certifies once (`staff_certified`)."""
        result = training.record_exam(self.db, load_actor(actor), course_id, load(c.ExamIn, data))
        self.db.commit()
        return dump(c.ExamOut, result)

    @rpc
    def list_certifications(self, actor, project_id):
        """上岗考核 holders of a project (who may join its walk-in rotation)."""
        rows = training.list_certifications(self.db.session, load_actor(actor), project_id)
        return dump(c.CertificationOut, rows, many=True)

    @rpc
    def training_stats(self, actor, project_id, query):
        """培训覆盖率/合格率 coverage and pass rates of a project in a month."""
        month = load(c.StatsQuery, query)["month"]
        return dump(c.TrainingStats, training.training_stats(self.db.session, load_actor(actor), project_id, month))
