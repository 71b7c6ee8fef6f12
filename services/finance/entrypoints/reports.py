"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of
FinanceService (self.db is its database)."""
from loupan.entrypoints import query

from loupan.schemas import load
from loupan.schemas import reports as c
from services.finance import report_figures


class ReportEntrypoints:
    @query(c.FinanceFigures)
    def report_figures(self, actor, project_id, query):
        """One project's receipts and mortgage disbursements (放款) in a period per advisor."""
        period = load(c.FiguresQuery, query)
        return report_figures.report_figures(self.db.session, actor, project_id, period["start"], period["end"])
