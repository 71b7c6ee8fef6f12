"""考勤 attendance entrypoints: shifts, the weekly rota (排班/轮休/值日), clock in/out, leave
requests and monthly statistics. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import hr_attendance as c
from services.hr import attendance


class AttendanceEntrypoints:
    @command(c.ShiftOut)
    def create_shift(self, actor, project_id, data):
        """班次 shift: a site's shift with its times (Asia/Shanghai) and min_staff."""
        return attendance.add_shift(self.db, actor, project_id, load(c.ShiftIn, data))

    @query(c.ShiftOut, many=True)
    def list_shifts(self, actor, project_id):
        """The site's shifts, by start time."""
        return attendance.list_shifts(self.db.session, actor, project_id)

    @command(c.RotaOut)
    def plan_rota(self, actor, project_id, data):
        """排班 plan a week: rest days (轮休) spread evenly, every shift covered, daily duty (值日)."""
        data = load(c.RotaPlanIn, data)
        return attendance.plan_rota(self.db, actor, project_id, data["week_start"],
                                    data["rest_days_per_person"])

    @command(c.RotaOut)
    def set_rota_day(self, actor, project_id, day, data):
        """Hand-edit one day of the rota; refused with the violations if it breaks a rota rule."""
        day = load(c.RotaDay, {"day": day})["day"]
        rows = load(c.RotaDayIn, data)["entries"]
        return attendance.set_rota_day(self.db, actor, project_id, day, rows)

    @query(c.RotaOut)
    def get_rota(self, actor, project_id, query):
        """The site's rota of one week."""
        week_start = load(c.RotaQuery, query)["week_start"]
        return attendance.get_rota(self.db.session, actor, project_id, week_start)

    @command(c.ClockOut)
    def clock(self, actor, project_id, data):
        """打卡 clock the caller in or out at a site; publishes staff_clocked_in/out."""
        kind = load(c.ClockIn, data)["kind"]
        return attendance.clock(self.db, actor, project_id, kind)

    @command(c.LeaveOut)
    def request_leave(self, actor, data):
        """请假 leave request of the caller; pending until a supervisor or manager decides."""
        return attendance.request_leave(self.db, actor, load(c.LeaveIn, data))

    @command(c.LeaveOut)
    def approve_leave(self, actor, leave_id, data=None):
        """Approve a pending leave request; publishes staff_leave_approved."""
        note = load(c.LeaveDecisionIn, data)["note"]
        return attendance.decide_leave(self.db, actor, leave_id, True, note)

    @command(c.LeaveOut)
    def reject_leave(self, actor, leave_id, data=None):
        """Reject a pending leave request."""
        note = load(c.LeaveDecisionIn, data)["note"]
        return attendance.decide_leave(self.db, actor, leave_id, False, note)

    @query(c.StatsOut)
    def attendance_stats(self, actor, project_id, query):
        """考勤统计 monthly attendance per person of a site."""
        month = load(c.StatsQuery, query)["month"]
        return attendance.month_stats(self.db.session, actor, project_id, month)
