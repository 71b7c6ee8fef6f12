"""Report figures (日报/周报/月报, 渠道效果's commission) the gateway composes its reports from. A mixin of
FinanceService (self.db is its database)."""
from loupan.entrypoints import query

from loupan.schemas import load
from loupan.schemas import reports as c
from services.finance import channel_commission, report_figures


class ReportEntrypoints:
    @query(c.FinanceFigures)
    def report_figures(self, actor, project_id, query):
        """One project's receipts and mortgage disbursements (放款) in a period per advisor."""
        period = load(c.FiguresQuery, query)
        return report_figures.report_figures(self.db.session, actor, project_id, period["start"], period["end"])

    @query(c.ChannelCommissionFigures)
    def channel_commission_figures(self, actor, project_id, query):
        """渠道效果: each channel's 结佣对账单 issued in a period and the commission they bill."""
        period = load(c.FiguresQuery, query)
        return channel_commission.commission_billed(self.db.session, actor, project_id, period["start"],
                                                    period["end"])
