"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of HrService
(self.db is its database)."""
from loupan.entrypoints import query

from loupan.schemas import load
from loupan.schemas import reports as c
from services.hr import report_figures


class ReportEntrypoints:
    @query(c.HrFigures)
    def report_figures(self, actor, project_id, query=None):
        """Names of the project's staff and, for a month, its 销售目标 against what was signed."""
        month = load(c.HrFiguresQuery, query)["month"]
        return report_figures.report_figures(self.db.session, actor, project_id, month)
