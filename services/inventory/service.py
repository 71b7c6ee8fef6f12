"""inventory service (销控): projects, buildings, units, releases, holds and the board.
The entrypoints are in entrypoints/, one mixin per topic."""
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectRegistry
from services.inventory.models import metadata
from services.inventory.entrypoints.catalog import CatalogEntrypoints
from services.inventory.entrypoints.control import ControlRpc
from services.inventory.entrypoints.deals import DealsRpc
from services.inventory.entrypoints.holds import HoldEntrypoints
from services.inventory.entrypoints.pricing import PricingRpc
from services.inventory.entrypoints.reports import FiguresRpc
from services.inventory.entrypoints.spreadsheets import SpreadsheetRpc
from services.inventory.metrics import InventoryMetrics


class InventoryService(CatalogEntrypoints, HoldEntrypoints, FiguresRpc, SpreadsheetRpc, ControlRpc, PricingRpc,
                       DealsRpc, InventoryMetrics, OpsEndpoints, CommandSweeper):
    name = "inventory"
    db = Database(metadata)
    projects = ProjectRegistry(table="projects", source=None)  # inventory is the source
