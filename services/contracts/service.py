"""contracts service: 认购, 签约 and 补充协议, 网签/备案, changes (更名/换房/退房), mortgage and
handover; the deal saga with inventory."""
from nameko.dependency_providers import Config

from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.entrypoints import PingEntrypoints
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from loupan.rpc import TimedRpcProxy
from services.contracts.models import metadata
from services.contracts.entrypoints.aftercare import AftercareEntrypoints
from services.contracts.entrypoints.changes import ChangeEntrypoints
from services.contracts.entrypoints.deals import DealEntrypoints
from services.contracts.entrypoints.reports import ReportEntrypoints


class ContractsService(ReportEntrypoints, ChangeEntrypoints, AftercareEntrypoints, DealEntrypoints, PingEntrypoints, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "contracts"
    db = Database(metadata)
    projects = ProjectRegistry()
    config = Config()
    inventory = TimedRpcProxy("inventory")
    crm = TimedRpcProxy("crm")
