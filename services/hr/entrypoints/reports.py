"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of HrService
(self.db is its database)."""
from loupan.entrypoints import rpc

from loupan.schemas import dump, load
from loupan.schemas import reports as c
from loupan.scope import load_actor
from services.hr import report_figures


class FiguresRpc:
    @rpc
    def report_figures(self, actor, project_id, query=None):
        """Names of the project's staff and, for a month, its 销售目标 against what was signed."""
        month = load(c.HrFiguresQuery, query)["month"]
        return dump(c.HrFigures, report_figures.report_figures(self.db.session, load_actor(actor), project_id, month))
