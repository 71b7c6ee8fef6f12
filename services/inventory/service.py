"""inventory service (销控): projects, buildings, units, releases, holds, the board and launches (开盘).
The entrypoints are in entrypoints/, one mixin per topic."""
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.entrypoints import PingEntrypoints
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectRegistry
from services.inventory.models import metadata
from services.inventory.entrypoints.buyers import BuyerEntrypoints
from services.inventory.entrypoints.catalog import CatalogEntrypoints
from services.inventory.entrypoints.control import ControlEntrypoints
from services.inventory.entrypoints.deals import DealEntrypoints
from services.inventory.entrypoints.holds import HoldEntrypoints
from services.inventory.entrypoints.launches import LaunchEntrypoints
from services.inventory.entrypoints.pricing import PricingEntrypoints
from services.inventory.entrypoints.reports import ReportEntrypoints
from services.inventory.entrypoints.spreadsheets import SpreadsheetEntrypoints
from services.inventory.metrics import InventoryMetrics


class InventoryService(CatalogEntrypoints, HoldEntrypoints, ReportEntrypoints, SpreadsheetEntrypoints,
                       ControlEntrypoints, PricingEntrypoints, DealEntrypoints, LaunchEntrypoints, BuyerEntrypoints, InventoryMetrics, PingEntrypoints,
                       OpsEndpoints, CommandSweeper):
    name = "inventory"
    db = Database(metadata)
    projects = ProjectRegistry(table="projects", source=None)  # inventory is the source
