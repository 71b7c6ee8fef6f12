"""finance service: payment schedules, receipts, collections, mortgage quotes, agency, staff
and channel commissions, expenses."""
from loupan.commands import CommandSweeper
from loupan.db import Database
from loupan.entrypoints import PingEntrypoints
from loupan.ops import OpsEndpoints
from loupan.projects import ProjectEvents, ProjectRegistry
from services.finance.models import metadata
from services.finance.entrypoints.money import MoneyEntrypoints
from services.finance.entrypoints.reports import ReportEntrypoints
from services.finance.entrypoints.commission import CommissionEntrypoints
from services.finance.entrypoints.expenses import ExpenseEntrypoints
from services.finance.entrypoints.escrow import EscrowEntrypoints
from services.finance.entrypoints.sincerity import SincerityEntrypoints
from services.finance.entrypoints.channels import ChannelEntrypoints


class FinanceService(ReportEntrypoints, MoneyEntrypoints, EscrowEntrypoints, SincerityEntrypoints, ChannelEntrypoints, CommissionEntrypoints, ExpenseEntrypoints, PingEntrypoints, ProjectEvents, OpsEndpoints, CommandSweeper):
    name = "finance"
    db = Database(metadata)
    projects = ProjectRegistry()
