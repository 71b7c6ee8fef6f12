"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of
InventoryService (self.db is its database)."""
from loupan.entrypoints import query

from loupan.schemas import load
from loupan.schemas import reports as c
from services.inventory import report_figures


class ReportEntrypoints:
    @query(c.InventoryFigures)
    def report_figures(self, actor, project_id, query):
        """One project's 预留 per advisor in a period and its units by status (for sell-through)."""
        period = load(c.FiguresQuery, query)
        return report_figures.report_figures(self.db.session, actor, project_id, period["start"], period["end"])
