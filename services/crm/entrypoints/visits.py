"""来电/来访登记 calls and visits, the walk-in rotation (轮序接待) and the funnel: entrypoints,
and the hr facts the rotation keeps (上岗考核, clock in/out, leave, 离职). A mixin of
CrmService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import crm_visits as c
from loupan.schemas import load
from loupan.inbox import handles
from services.crm import funnel, rotation, visits


def _own_username(event):
    """The username of whoever clocked, when they clocked themselves (hr's clock is self-service)."""
    actor = event.get("actor") or {}
    return actor.get("username") if actor.get("account_id") == event["payload"]["account_id"] else None


class VisitEntrypoints:
    @command(c.VisitOut)
    def register_call(self, actor, project_id, data):
        """来电登记: a call registered today, with the advisor who took it."""
        return visits.register(self.db, actor, project_id, "call", load(c.VisitIn, data))

    @command(c.VisitOut)
    def register_visit(self, actor, project_id, data):
        """来访登记: a visit registered today; a new walk-in goes to the rotation's head, a
        returning customer to their owner (422 NO_ADVISOR_ON_DUTY: nobody on the rotation)."""
        return visits.register(self.db, actor, project_id, "visit", load(c.VisitIn, data))

    @query(c.VisitOut, many=True)
    def list_calls(self, actor, project_id, query=None):
        """The site's calls of a period (default today), newest first."""
        return visits.list_visits(self.db.session, actor, project_id, "call", load(c.VisitQuery, query))

    @query(c.VisitOut, many=True)
    def list_visits(self, actor, project_id, query=None):
        """The site's visits of a period (default today), newest first."""
        return visits.list_visits(self.db.session, actor, project_id, "visit", load(c.VisitQuery, query))

    @query(c.CountRow, many=True)
    def visit_counts(self, actor, project_id, query=None):
        """上客量 per day and advisor (calls, visits by visitor kind, new customers): for the reports."""
        return visits.daily_counts(self.db.session, actor, project_id, load(c.CountsQuery, query))

    @query(c.RotationOut)
    def get_rotation(self, actor, project_id, query=None):
        """轮序 the day's queue, who is skipped, the assignments and the audit."""
        day = load(c.RotationQuery, query)["day"]
        return rotation.view(self.db.session, actor, project_id, day)

    @command(c.RotationOut)
    def reorder_rotation(self, actor, project_id, data):
        """Reorder today's queue (supervisors and up), with a reason."""
        return rotation.reorder(self.db, actor, project_id, load(c.ReorderIn, data))

    @command(c.RotationOut)
    def skip_advisor(self, actor, project_id, data):
        """补位: take an advisor off today's rotation, with a reason."""
        return rotation.skip(self.db, actor, project_id, load(c.SkipIn, data))

    @command(c.RotationOut)
    def restore_advisor(self, actor, project_id, data):
        """Put a skipped advisor back on today's rotation (at the back), with a reason."""
        return rotation.restore(self.db, actor, project_id, load(c.SkipIn, data))

    @query(c.FunnelOut)
    def get_funnel(self, actor, project_id, query):
        """销售漏斗: visits, new leads, A grades, subscribed, signed by day, advisor or channel."""
        return funnel.funnel(self.db.session, actor, project_id, load(c.FunnelQuery, query))

    @handles("hr", "staff_certified")
    def rotation_on_staff_certified(self, event):
        """上岗考核 passed: the advisor may join the site's rotation."""
        p = event["payload"]
        rotation.record_certified(self.db, event["agency_id"], p["project_id"], p["account_id"], p["certified_on"])

    @handles("hr", "staff_clocked_in")
    def rotation_on_staff_clocked_in(self, event):
        """Clocked in: a certified advisor joins the back of today's queue."""
        p = event["payload"]
        rotation.record_clock(self.db, event["agency_id"], p["project_id"], p["account_id"], "in", p["at"],
                              _own_username(event))

    @handles("hr", "staff_clocked_out")
    def rotation_on_staff_clocked_out(self, event):
        """Clocked out: off today's queue."""
        p = event["payload"]
        rotation.record_clock(self.db, event["agency_id"], p["project_id"], p["account_id"], "out", p["at"],
                              _own_username(event))

    @handles("hr", "staff_leave_approved")
    def rotation_on_staff_leave_approved(self, event):
        """请假 approved: off the rotation on those days."""
        p = event["payload"]
        rotation.record_leave(self.db, event["agency_id"], p["project_ids"], p["account_id"], p["start_on"],
                              p["end_on"])

    @handles("hr", "staff_left")
    def rotation_on_staff_left(self, event):
        """离职: off every rotation."""
        p = event["payload"]
        rotation.record_left(self.db, event["agency_id"], p["project_ids"], p["account_id"], p["left_on"])

    @handles("hr", "staff_transferred")
    def rotation_on_staff_transferred(self, event):
        """调岗: off the rotation of the sites left, back on a site returned to."""
        p = event["payload"]
        rotation.record_transferred(self.db, event["agency_id"], p["account_id"], p["from_project_ids"],
                                    p["to_project_ids"], p["effective_on"])

    def refresh_metrics(self):
        super().refresh_metrics()
        self.ops.gauge("rotation_eligible_advisors",
                       "Advisors on today's walk-in rotations, summed over every site."
                       ).set(rotation.eligible_total(self.db.session))
