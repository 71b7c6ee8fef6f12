"""finance service: payment schedules, receipts, collections, mortgage quotes, agency and
staff commissions, expenses."""
from loupan.entrypoints import rpc

from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from services.finance.models import metadata
from services.finance.entrypoints.money import MoneyRpc
from services.finance.entrypoints.reports import FiguresRpc
from services.finance.entrypoints.commission import CommissionRpc
from services.finance.entrypoints.expenses import ExpensesRpc


class FinanceService(FiguresRpc, MoneyRpc, CommissionRpc, ExpensesRpc, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "finance"
    db = Database(metadata)
    projects = ProjectRegistry()

    @rpc
    def ping(self):
        return "pong"
