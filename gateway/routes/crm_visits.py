"""来电/来访登记 calls and visits, the walk-in rotation (轮序接待) and the funnel. A mixin of
GatewayService."""
from gateway.accounts import require_agency_accounts
from gateway.http import route
from gateway.reports.gather import gather
from loupan.schemas import crm_visits as c


class CrmVisitsRoutes:
    def _named(self, actor, rotation):
        """The rotation with each person's full name from hr (crm keeps only the login name it
        saw at a clock-in); hr down or slow leaves the names null, never the queue unanswered."""
        results, _ = gather({"hr": lambda: self.hr.list_accounts(actor)}, self._part_timeout())  # ReportRoutes' bound
        names = {a["id"]: a.get("full_name") for a in results.get("hr") or []}
        for entry in [*rotation.get("queue", []), *rotation.get("skipped", [])]:
            entry["full_name"] = names.get(entry["account_id"])
        return rotation

    @route("POST", "/api/projects/<int:project_id>/calls", body=c.VisitIn, response=c.VisitOut,
           status=201, summary="来电登记: register a call today (422 NOT_TODAY for another day); a customer's "
                               "mobile links to or registers (报备) the customer")
    def register_call(self, request, actor, project_id, body):
        require_agency_accounts(self, actor, project_id, [body.get("advisor_id")])
        return self.crm.register_call(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/calls", query=c.VisitQuery, response=c.VisitOut,
           many=True, summary="The site's calls of a period (default today), newest first")
    def list_calls(self, request, actor, project_id, query):
        return self.crm.list_calls(actor, project_id, query)

    @route("POST", "/api/projects/<int:project_id>/visits", body=c.VisitIn, response=c.VisitOut,
           status=201, summary="来访登记: register a visit today; a new walk-in goes to the rotation's head "
                               "(422 NO_ADVISOR_ON_DUTY if nobody is on it), a returning customer to their owner")
    def register_visit(self, request, actor, project_id, body):
        require_agency_accounts(self, actor, project_id, [body.get("advisor_id")])
        return self.crm.register_visit(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/visits", query=c.VisitQuery, response=c.VisitOut,
           many=True, summary="The site's visits of a period (default today), newest first")
    def list_visits(self, request, actor, project_id, query):
        return self.crm.list_visits(actor, project_id, query)

    @route("GET", "/api/projects/<int:project_id>/visit-counts", query=c.CountsQuery,
           response=c.CountRow, many=True,
           summary="上客量: calls and visits (by visitor kind) per day and advisor of a period (default today)")
    def visit_counts(self, request, actor, project_id, query):
        return self.crm.visit_counts(actor, project_id, query)

    @route("GET", "/api/projects/<int:project_id>/rotation", query=c.RotationQuery,
           response=c.RotationOut, summary="轮序接待: the day's walk-in queue, who is skipped, the assignments and "
                                           "the audit of every change")
    def get_rotation(self, request, actor, project_id, query):
        return self._named(actor, self.crm.get_rotation(actor, project_id, query))

    @route("PUT", "/api/projects/<int:project_id>/rotation/order", body=c.ReorderIn,
           response=c.RotationOut, summary="Reorder today's queue with a reason (422 ORDER_MISMATCH unless it lists "
                                           "exactly the queue; 409 ROTATION_CHANGED if `version` is stale)")
    def reorder_rotation(self, request, actor, project_id, body):
        return self._named(actor, self.crm.reorder_rotation(actor, project_id, body))

    @route("POST", "/api/projects/<int:project_id>/rotation/skip", body=c.SkipIn,
           response=c.RotationOut, summary="补位: take an advisor off today's queue with a reason "
                                           "(409 ALREADY_SKIPPED)")
    def skip_advisor(self, request, actor, project_id, body):
        return self._named(actor, self.crm.skip_advisor(actor, project_id, body))

    @route("POST", "/api/projects/<int:project_id>/rotation/restore", body=c.SkipIn,
           response=c.RotationOut, summary="Put a skipped advisor back on today's queue, at the back "
                                           "(409 NOT_SKIPPED)")
    def restore_advisor(self, request, actor, project_id, body):
        return self._named(actor, self.crm.restore_advisor(actor, project_id, body))

    @route("GET", "/api/projects/<int:project_id>/funnel", query=c.FunnelQuery,
           response=c.FunnelOut, summary="销售漏斗: visits, new leads, A grades, subscribed and signed of a period, "
                                         "by day, advisor or channel")
    def get_funnel(self, request, actor, project_id, query):
        return self.crm.get_funnel(actor, project_id, query)
