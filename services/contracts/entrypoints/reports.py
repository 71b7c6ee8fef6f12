"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of
ContractsService (self.db is its database)."""
from loupan.entrypoints import query

from loupan.schemas import load
from loupan.schemas import reports as c
from services.contracts import report_figures


class ReportEntrypoints:
    @query(c.ContractsFigures)
    def report_figures(self, actor, project_id, query):
        """One project's 认购 approved and 签约 in a period per advisor: count, area, amount."""
        period = load(c.FiguresQuery, query)
        return report_figures.report_figures(self.db.session, actor, project_id, period["start"], period["end"])
