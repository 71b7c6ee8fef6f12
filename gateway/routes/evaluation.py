"""考核 evaluation routes: sales targets (销售目标/定额), teams, scorecard weights, the monthly
scorecards with their ranking and the quarter's 销售之星. A mixin of GatewayService."""
from gateway.http import route
from loupan.roles import PERMISSIONS
from loupan.schemas import hr_evaluation as c


def with_collection_target(targets, collection):
    """hr's targets with the project's 回款 as finance holds it (the one figure every page and
    the 月报 show); hr's own copy only checks the teams' and advisors' shares when set."""
    if targets["project"] is not None and collection["target"] is not None:
        targets = dict(targets, project=dict(targets["project"], collections=collection["target"]))
    return targets


class EvaluationRoutes:
    @route("PUT", "/api/projects/<int:project_id>/teams", body=c.TeamsIn, response=c.TeamsOut,
           summary="小组: each supervisor's team of advisors at the site (replaces all teams)")
    def put_teams(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)  # 404 for a project that does not exist
        return self.hr.put_teams(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/teams", response=c.TeamsOut,
           summary="The site's teams")
    def get_teams(self, request, actor, project_id):
        return self.hr.get_teams(actor, project_id)

    @route("PUT", "/api/projects/<int:project_id>/targets", query=c.MonthQuery, body=c.TargetsIn,
           response=c.TargetsOut,
           summary="销售目标/定额 of a month, split to teams and advisors (422 if the shares do not add up)")
    def put_targets(self, request, actor, project_id, query, body):
        self.inventory.get_project(actor, project_id)
        targets = self.hr.put_targets(actor, project_id, query, body)
        # the 回款目标 has one home, finance's collection target (the 月报 and /collection-targets
        # read it): the project's figure set here is set there
        target = self.finance.put_collection_target(actor, project_id, query["month"],
                                                    {"amount": body["project"]["collections"]})
        return with_collection_target(targets, target)

    @route("GET", "/api/projects/<int:project_id>/targets", query=c.MonthQuery,
           response=c.TargetsOut, summary="A month's targets with the units and amount signed against each; the "
                                          "project's 回款 is the month's collection target (finance's, also "
                                          "set by PUT /api/projects/{project_id}/collection-targets/{month})")
    def get_targets(self, request, actor, project_id, query):
        targets = self.hr.get_targets(actor, project_id, query)
        if actor["role"] not in PERMISSIONS["collection_targets.read"]:
            return targets
        return with_collection_target(targets, self.finance.get_collection_target(actor, project_id, query["month"]))

    @route("PUT", "/api/projects/<int:project_id>/scorecard-weights", body=c.WeightsIn,
           response=c.WeightsOut, summary="考核权重: scorecard weights of the project (422 unless they add up to 100)")
    def put_scorecard_weights(self, request, actor, project_id, body):
        self.inventory.get_project(actor, project_id)
        return self.hr.put_scorecard_weights(actor, project_id, body)

    @route("GET", "/api/projects/<int:project_id>/scorecard-weights", response=c.WeightsOut,
           summary="The project's scorecard weights (the defaults until set)")
    def get_scorecard_weights(self, request, actor, project_id):
        return self.hr.get_scorecard_weights(actor, project_id)

    @route("GET", "/api/projects/<int:project_id>/scorecards", query=c.MonthQuery,
           response=c.Ranking, summary="考核排名: the site's advisors ranked for a month, every card explained")
    def list_scorecards(self, request, actor, project_id, query):
        return self.hr.list_scorecards(actor, project_id, query)

    @route("GET", "/api/projects/<int:project_id>/scorecards/<int:account_id>", query=c.MonthQuery, response=c.Card,
           summary="One advisor's scorecard for a month (an advisor may read only their own)")
    def get_scorecard(self, request, actor, project_id, account_id, query):
        return self.hr.get_scorecard(actor, project_id, account_id, query)

    @route("GET", "/api/projects/<int:project_id>/sales-star", query=c.QuarterQuery,
           response=c.SalesStar, summary="销售之星 of a quarter: the best average monthly total at the site")
    def get_sales_star(self, request, actor, project_id, query):
        return self.hr.get_sales_star(actor, project_id, query)
