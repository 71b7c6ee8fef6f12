"""考勤 attendance routes: shifts, the weekly rota (排班/轮休/值日), clock in/out, leave
requests and monthly statistics. A mixin of GatewayService."""
from gateway.http import route, validated
from loupan.schemas import hr_attendance as c


class AttendanceRoutes:
    @route("POST", "/api/projects/<int:project_id>/shifts", body=c.ShiftIn,
           response=c.ShiftOut, status=201, summary="班次: add a shift to a site (409 SHIFT_EXISTS if the name is taken)")
    def create_shift(self, request, actor, project_id, body):
        return self.hr.create_shift(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/shifts", response=c.ShiftOut, many=True,
           summary="The site's shifts")
    def list_shifts(self, request, actor, project_id):
        return self.hr.list_shifts(actor, project_id)

    @route("POST", "/api/projects/<int:project_id>/rota/plan", body=c.RotaPlanIn,
           response=c.RotaOut, summary="排班: plan a week (轮休 spread evenly, shifts covered, 值日), replacing it; "
                                       "422 ROTA_NOT_COVERABLE if the staff cannot cover the shifts")
    def plan_rota(self, request, actor, project_id, body):
        return self.hr.plan_rota(actor, project_id, body)

    @route("PUT", "/api/projects/<int:project_id>/rota/<day>", body=c.RotaDayIn,
           response=c.RotaOut, summary="Hand-edit one day of the rota; 422 ROTA_INVALID lists the violations")
    def set_rota_day(self, request, actor, project_id, day, body):
        validated(c.RotaDay, {"day": day})
        return self.hr.set_rota_day(actor, project_id, day, body)

    @route("GET", "/api/projects/<int:project_id>/rota", query=c.RotaQuery, response=c.RotaOut,
           summary="The site's rota of one week")
    def get_rota(self, request, actor, project_id, query):
        return self.hr.get_rota(actor, project_id, query)

    @route("POST", "/api/projects/<int:project_id>/clock", body=c.ClockIn, response=c.ClockOut,
           status=201, summary="打卡: clock the caller in or out at a site they are assigned to")
    def clock(self, request, actor, project_id, body):
        return self.hr.clock(actor, project_id, body)

    @route("POST", "/api/leave-requests", body=c.LeaveIn, response=c.LeaveOut, status=201,
           summary="请假: the caller asks for leave")
    def request_leave(self, request, actor, body):
        return self.hr.request_leave(actor, body)

    @route("POST", "/api/leave-requests/<int:leave_id>/approve", body=c.LeaveDecisionIn,
           response=c.LeaveOut, summary="Approve a pending leave request (409 LEAVE_NOT_PENDING otherwise)")
    def approve_leave(self, request, actor, leave_id, body):
        return self.hr.approve_leave(actor, leave_id, body)

    @route("POST", "/api/leave-requests/<int:leave_id>/reject", body=c.LeaveDecisionIn,
           response=c.LeaveOut, summary="Reject a pending leave request (409 LEAVE_NOT_PENDING otherwise)")
    def reject_leave(self, request, actor, leave_id, body):
        return self.hr.reject_leave(actor, leave_id, body)

    @route("GET", "/api/projects/<int:project_id>/attendance-stats", query=c.StatsQuery,
           response=c.StatsOut, summary="考勤统计: per person of a month, days scheduled, present, late, "
                                        "early leave, absent and leave days")
    def attendance_stats(self, request, actor, project_id, query):
        return self.hr.attendance_stats(actor, project_id, query)
