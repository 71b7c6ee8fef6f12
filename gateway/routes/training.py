"""培训 training routes: courses, sessions and roll calls, exams, the pre-job certification
(上岗考核) and the monthly coverage and pass-rate report. A mixin of GatewayService."""
from gateway.http import route
from loupan.schemas import hr_training as c


class TrainingRoutes:
    @route("POST", "/api/courses", body=c.CourseIn, response=c.CourseOut, status=201,
           summary="培训课程: create a course; agency-wide ones by a director or hr, a manager for its projects")
    def create_course(self, request, actor, body):
        return self.hr.create_course(actor, body)

    @route("GET", "/api/courses", query=c.CourseQuery, response=c.CourseOut, many=True,
           summary="Agency-wide courses and those of the caller's projects (or of one project)")
    def list_courses(self, request, actor, query):
        return self.hr.list_courses(actor, query)

    @route("POST", "/api/courses/<int:course_id>/sessions", body=c.SessionIn,
           response=c.SessionOut, status=201, summary="培训场次: schedule a session of a course at a site")
    def create_training_session(self, request, actor, course_id, body):
        return self.hr.create_training_session(actor, course_id, body)

    @route("GET", "/api/projects/<int:project_id>/training-sessions", query=c.SessionQuery,
           response=c.SessionOut, many=True,
           summary="培训场次 of a project, newest first, with their roll calls (optionally of one status)")
    def list_training_sessions(self, request, actor, project_id, query):
        return self.hr.list_training_sessions(actor, project_id, query)

    @route("POST", "/api/sessions/<int:session_id>/attendance", body=c.AttendanceIn,
           response=c.SessionOut, summary="签到: mark the project's staff present or absent; the session is held "
                                          "(422 ACCOUNT_NOT_ASSIGNED, 409 SESSION_CANCELLED)")
    def record_training_attendance(self, request, actor, session_id, body):
        return self.hr.record_training_attendance(actor, session_id, body)

    @route("POST", "/api/sessions/<int:session_id>/cancel", body=c.SessionCancelIn,
           response=c.SessionOut, summary="Cancel a session not yet held (409 SESSION_NOT_SCHEDULED)")
    def cancel_training_session(self, request, actor, session_id, body):
        return self.hr.cancel_training_session(actor, session_id, body)

    @route("POST", "/api/courses/<int:course_id>/exams", body=c.ExamIn, response=c.ExamOut,
           status=201, summary="考试: record a score; passing the project's 上岗考核 certifies the advisor once "
                               "(422 ACCOUNT_NOT_ASSIGNED if not on the project)")
    def record_exam(self, request, actor, course_id, body):
        return self.hr.record_exam(actor, course_id, body)

    @route("GET", "/api/projects/<int:project_id>/certifications", response=c.CertificationOut,
           many=True, summary="上岗考核: who is certified for the project's walk-in rotation")
    def list_certifications(self, request, actor, project_id):
        return self.hr.list_certifications(actor, project_id)

    @route("GET", "/api/projects/<int:project_id>/training-stats", query=c.StatsQuery,
           response=c.TrainingStats, summary="培训覆盖率/合格率: coverage and pass rates of a month (YYYY-MM)")
    def training_stats(self, request, actor, project_id, query):
        return self.hr.training_stats(actor, project_id, query)
