"""crm service: customers, visits and walk-in rotation, ownership (报备/撞单), follow-ups and
their service levels, complaints and satisfaction."""
from nameko.rpc import rpc

from loupan.db import Database
from loupan.ops import OpsEndpoints
from services.crm.models import metadata
from services.crm.rpc.care import CareRpc
from services.crm.rpc.customers import CustomersRpc
from services.crm.rpc.visits import VisitsRpc


class CrmService(CustomersRpc, VisitsRpc, CareRpc, OpsEndpoints):
    name = "crm"
    db = Database(metadata)

    @rpc
    def ping(self):
        return "pong"
