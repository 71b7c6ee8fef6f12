"""crm service: customers, visits and walk-in rotation, ownership (报备/撞单), follow-ups and
their service levels, complaints and satisfaction."""
from nameko.dependency_providers import Config

from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.entrypoints import PingEntrypoints
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from services.crm.models import metadata
from services.crm.entrypoints.brokers import BrokerEntrypoints
from services.crm.entrypoints.care import CareEntrypoints
from services.crm.entrypoints.channels import ChannelEntrypoints
from services.crm.entrypoints.customer_imports import CustomerImportEntrypoints
from services.crm.entrypoints.customers import CustomerEntrypoints
from services.crm.entrypoints.mobile_changes import MobileChangeEntrypoints
from services.crm.entrypoints.visits import VisitEntrypoints


class CrmService(CustomerEntrypoints, MobileChangeEntrypoints, CustomerImportEntrypoints, VisitEntrypoints,
                 CareEntrypoints, ChannelEntrypoints, BrokerEntrypoints, PingEntrypoints, ProjectEvents, OpsEndpoints,
                 CommandSweeper):
    name = "crm"
    db = Database(metadata)
    config = Config()
    projects = ProjectRegistry()
