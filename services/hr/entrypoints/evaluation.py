"""考核 evaluation entrypoints: sales targets (销售目标/定额), teams, scorecard weights, the
monthly scorecard and ranking, the quarter's 销售之星, and the facts other services publish
about advisors. A mixin of HrService (self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import hr_evaluation as c
from loupan.inbox import handles
from loupan.scope import load_actor
from services.hr import evaluation


class EvaluationRpc:
    @rpc
    def put_teams(self, actor, project_id, data):
        """小组 teams of a site: each supervisor with the advisors listed for them (replaces all)."""
        teams = evaluation.put_teams(self.db, load_actor(actor), project_id, load(c.TeamsIn, data))
        self.db.commit()
        return dump(c.TeamsOut, teams)

    @rpc
    def get_teams(self, actor, project_id):
        """The site's teams."""
        return dump(c.TeamsOut, evaluation.get_teams(self.db.session, load_actor(actor), project_id))

    @rpc
    def put_targets(self, actor, project_id, query, data):
        """销售目标/定额 of a month: the project's units, amount and collections split to teams
        and advisors (the advisors' shares must add up to the project's; 422 otherwise)."""
        month = load(c.MonthQuery, query)["month"]
        targets = evaluation.put_targets(self.db, load_actor(actor), project_id, month, load(c.TargetsIn, data))
        self.db.commit()
        return dump(c.TargetsOut, targets)

    @rpc
    def get_targets(self, actor, project_id, query):
        """A month's targets with what was actually signed against each."""
        month = load(c.MonthQuery, query)["month"]
        return dump(c.TargetsOut, evaluation.get_targets(self.db.session, load_actor(actor), project_id, month))

    @rpc
    def put_scorecard_weights(self, actor, project_id, data):
        """考核权重 of the project's scorecard: whole percentages adding up to 100 (422 otherwise)."""
        weights = evaluation.put_weights(self.db, load_actor(actor), project_id, load(c.WeightsIn, data))
        self.db.commit()
        return dump(c.WeightsOut, weights)

    @rpc
    def get_scorecard_weights(self, actor, project_id):
        """The project's scorecard weights (the defaults until some are set)."""
        return dump(c.WeightsOut, evaluation.get_weights(self.db.session, load_actor(actor), project_id))

    @rpc
    def list_scorecards(self, actor, project_id, query):
        """考核排名 the site's ranking for a month, every card explaining its numbers."""
        month = load(c.MonthQuery, query)["month"]
        return dump(c.Ranking, evaluation.ranking(self.db.session, load_actor(actor), project_id, month))

    @rpc
    def get_scorecard(self, actor, project_id, account_id, query):
        """One advisor's card for a month; an advisor may read only their own."""
        month = load(c.MonthQuery, query)["month"]
        card = evaluation.card_of(self.db.session, load_actor(actor), project_id, account_id, month)
        return dump(c.Card, card)

    @rpc
    def get_sales_star(self, actor, project_id, query):
        """销售之星 of a quarter: the site's best average monthly total, with the standings."""
        quarter = load(c.QuarterQuery, query)["quarter"]
        return dump(c.SalesStar, evaluation.sales_star(self.db.session, load_actor(actor), project_id, quarter))

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

    @handles("crm", "satisfaction_recorded")
    def count_satisfaction_recorded(self, event):
        """满意度 survey: its score counts towards the advisor's average."""
        payload = event["payload"]
        evaluation.record_fact(self.db, event, "satisfaction", payload["advisor_id"], payload["score"])
