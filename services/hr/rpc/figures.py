"""Report figures (日报/周报/月报) the gateway composes its reports from. A mixin of HrService
(self.db is its database)."""
from nameko.rpc import rpc

from loupan.contracts import dump, load
from loupan.contracts import reports as c
from loupan.errors import DomainError
from loupan.scope import load_actor
from services.hr import figures


class FiguresRpc:
    @rpc(expected_exceptions=DomainError)
    def report_figures(self, actor, project_id, query=None):
        """Names of the project's staff and, for a month, its 销售目标 against what was signed."""
        month = load(c.HrFiguresQuery, query)["month"]
        return dump(c.HrFigures, figures.report_figures(self.db.session, load_actor(actor), project_id, month))
