"""finance service: payment schedules, receipts, collections, mortgage quotes, agency and
staff commissions, expenses."""
from nameko.rpc import rpc

from loupan.db import Database
from loupan.ops import OpsEndpoints
from services.finance.models import metadata


class FinanceService(OpsEndpoints):
    name = "finance"
    db = Database(metadata)

    @rpc
    def ping(self):
        return "pong"
