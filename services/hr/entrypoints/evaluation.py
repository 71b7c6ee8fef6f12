"""考核 evaluation entrypoints: sales targets (销售目标/定额), teams, scorecard weights, the
monthly scorecard and ranking, the quarter's 销售之星, and the facts other services publish
about advisors. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import command, query

from loupan.schemas import load
from loupan.schemas import hr_evaluation as c
from loupan.inbox import handles
from services.hr import breaches, evaluation


class EvaluationEntrypoints:
    @command(c.TeamsOut)
    def put_teams(self, actor, project_id, data):
        """小组 teams of a site: each supervisor with the advisors listed for them (replaces all)."""
        return evaluation.put_teams(self.db, actor, project_id, load(c.TeamsIn, data))

    @query(c.TeamsOut)
    def get_teams(self, actor, project_id):
        """The site's teams."""
        return evaluation.get_teams(self.db.session, actor, project_id)

    @command(c.TargetsOut)
    def put_targets(self, actor, project_id, query, data):
        """销售目标/定额 of a month: the project's units, amount and collections split to teams
        and advisors (the advisors' shares must add up to the project's; 422 otherwise)."""
        month = load(c.MonthQuery, query)["month"]
        return evaluation.put_targets(self.db, actor, project_id, month, load(c.TargetsIn, data))

    @query(c.TargetsOut)
    def get_targets(self, actor, project_id, query):
        """A month's targets with what was actually signed against each."""
        month = load(c.MonthQuery, query)["month"]
        return evaluation.get_targets(self.db.session, actor, project_id, month)

    @command(c.WeightsOut)
    def put_scorecard_weights(self, actor, project_id, data):
        """考核权重 of the project's scorecard: whole percentages adding up to 100 (422 otherwise)."""
        return evaluation.put_weights(self.db, actor, project_id, load(c.WeightsIn, data))

    @query(c.WeightsOut)
    def get_scorecard_weights(self, actor, project_id):
        """The project's scorecard weights (the defaults until some are set)."""
        return evaluation.get_weights(self.db.session, actor, project_id)

    @query(c.Ranking)
    def list_scorecards(self, actor, project_id, query):
        """考核排名 the site's ranking for a month, every card explaining its numbers."""
        month = load(c.MonthQuery, query)["month"]
        return evaluation.ranking(self.db.session, actor, project_id, month)

    @query(c.Card)
    def get_scorecard(self, actor, project_id, account_id, query):
        """One advisor's card for a month; an advisor may read only their own."""
        month = load(c.MonthQuery, query)["month"]
        return evaluation.card_of(self.db.session, actor, project_id, account_id, month)

    @query(c.SalesStar)
    def get_sales_star(self, actor, project_id, query):
        """销售之星 of a quarter: the site's best average monthly total, with the standings."""
        quarter = load(c.QuarterQuery, query)["quarter"]
        return evaluation.sales_star(self.db.session, actor, project_id, quarter)

    @handles("contracts", "contract_signed")
    def count_contract_signed(self, event):
        """签约: one unit and its price signed by the advisor, in the month it happened."""
        payload = event["payload"]
        evaluation.record_fact(self.db, event, "contract", payload["advisor_id"], 1, payload["price"])

    @handles("crm", "customer_registered")
    def count_customer_registered(self, event):
        """客户登记: a new lead of the advisor."""
        evaluation.record_fact(self.db, event, "lead", event["payload"]["advisor_id"], 1)

    @handles("crm", "complaint_filed")
    def count_complaint_filed(self, event):
        """投诉 naming an advisor."""
        evaluation.record_fact(self.db, event, "complaint", event["payload"]["advisor_id"], 1)

    @handles("crm", "sla_breached")
    def route_sla_breached(self, event):
        """A missed follow-up deadline: names the advisor's supervisors (sla_breach_routed)."""
        breaches.route_breach(self.db, event)

    @handles("crm", "satisfaction_recorded")
    def count_satisfaction_recorded(self, event):
        """满意度 survey: its score counts towards the advisor's average."""
        payload = event["payload"]
        evaluation.record_fact(self.db, event, "satisfaction", payload["advisor_id"], payload["score"])
