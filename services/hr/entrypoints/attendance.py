"""考勤 attendance entrypoints: shifts, the weekly rota (排班/轮休/值日), clock in/out, leave
requests and monthly statistics. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import hr_attendance as c
from loupan.scope import load_actor
from services.hr import attendance


class AttendanceRpc:
    @rpc
    def create_shift(self, actor, project_id, data):
        """班次 shift: a site's shift with its times (Asia/Shanghai) and min_staff."""
        shift = attendance.add_shift(self.db, load_actor(actor), project_id, load(c.ShiftIn, data))
        self.db.commit()
        return dump(c.ShiftOut, shift)

    @rpc
    def list_shifts(self, actor, project_id):
        """The site's shifts, by start time."""
        return dump(c.ShiftOut, attendance.list_shifts(self.db.session, load_actor(actor), project_id), many=True)

    @rpc
    def plan_rota(self, actor, project_id, data):
        """排班 plan a week: rest days (轮休) spread evenly, every shift covered, daily duty (值日)."""
        data = load(c.RotaPlanIn, data)
        result = attendance.plan_rota(self.db, load_actor(actor), project_id, data["week_start"],
                                      data["rest_days_per_person"])
        self.db.commit()
        return dump(c.RotaOut, result)

    @rpc
    def set_rota_day(self, actor, project_id, day, data):
        """Hand-edit one day of the rota; refused with the violations if it breaks a rota rule."""
        day = load(c.RotaDay, {"day": day})["day"]
        rows = load(c.RotaDayIn, data)["entries"]
        result = attendance.set_rota_day(self.db, load_actor(actor), project_id, day, rows)
        self.db.commit()
        return dump(c.RotaOut, result)

    @rpc
    def get_rota(self, actor, project_id, query):
        """The site's rota of one week."""
        week_start = load(c.RotaQuery, query)["week_start"]
        return dump(c.RotaOut, attendance.get_rota(self.db.session, load_actor(actor), project_id, week_start))

    @rpc
    def clock(self, actor, project_id, data):
        """打卡 clock the caller in or out at a site; publishes staff_clocked_in/out."""
        kind = load(c.ClockIn, data)["kind"]
        result = attendance.clock(self.db, load_actor(actor), project_id, kind)
        self.db.commit()
        return dump(c.ClockOut, result)

    @rpc
    def request_leave(self, actor, data):
        """请假 leave request of the caller; pending until a supervisor or manager decides."""
        result = attendance.request_leave(self.db, load_actor(actor), load(c.LeaveIn, data))
        self.db.commit()
        return dump(c.LeaveOut, result)

    @rpc
    def approve_leave(self, actor, leave_id, data=None):
        """Approve a pending leave request; publishes staff_leave_approved."""
        note = load(c.LeaveDecisionIn, data)["note"]
        result = attendance.decide_leave(self.db, load_actor(actor), leave_id, True, note)
        self.db.commit()
        return dump(c.LeaveOut, result)

    @rpc
    def reject_leave(self, actor, leave_id, data=None):
        """Reject a pending leave request."""
        note = load(c.LeaveDecisionIn, data)["note"]
        result = attendance.decide_leave(self.db, load_actor(actor), leave_id, False, note)
        self.db.commit()
        return dump(c.LeaveOut, result)

    @rpc
    def attendance_stats(self, actor, project_id, query):
        """考勤统计 monthly attendance per person of a site."""
        month = load(c.StatsQuery, query)["month"]
        return dump(c.StatsOut, attendance.month_stats(self.db.session, load_actor(actor), project_id, month))
