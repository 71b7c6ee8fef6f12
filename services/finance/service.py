"""finance service: payment schedules, receipts, collections, mortgage quotes, agency and
staff commissions, expenses."""
from nameko.rpc import rpc

from loupan.db import Database
from loupan.ops import OpsEndpoints
from services.finance.models import metadata
from services.finance.rpc.money import MoneyRpc
from services.finance.rpc.figures import FiguresRpc
from services.finance.rpc.commission import CommissionRpc
from services.finance.rpc.expenses import ExpensesRpc


class FinanceService(FiguresRpc, MoneyRpc, CommissionRpc, ExpensesRpc, OpsEndpoints):
    name = "finance"
    db = Database(metadata)

    @rpc
    def ping(self):
        return "pong"
