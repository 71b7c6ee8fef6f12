"""Launch-day figures of inventory beyond the kernel's RED metrics: hold attempts by outcome.

`loupan_inventory_holds_total{outcome}` counts every `hold_unit` call: `held`, the domain
error's code in lower case when a rule said no (`unit_not_available` is the usual one on
开盘 day: someone was faster), or `error`. Units by status and active holds are gauges set
on each scrape (`InventoryMetrics.refresh_metrics`)."""
from nameko.extensions import DependencyProvider
from prometheus_client import Counter
from sqlalchemy import func, select

from loupan.errors import DomainError
from loupan.ops import metric
from loupan.schemas.inventory_catalog import STATUSES
from services.inventory.models import Hold, Unit

HOLD_ENTRYPOINTS = frozenset({"hold_unit"})


def hold_outcome(exc_info):
    if exc_info is None:
        return "held"
    if issubclass(exc_info[0], DomainError):
        return str(exc_info[1].code).lower()
    return "error"


class HoldCounter(DependencyProvider):
    def setup(self):
        self.holds = metric(Counter, "loupan_inventory_holds_total",
                            "Hold attempts by outcome (held, a rule's code, error).", ("outcome",))

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        if worker_ctx.entrypoint.method_name in HOLD_ENTRYPOINTS:
            self.holds.labels(hold_outcome(exc_info)).inc()


class InventoryMetrics:
    """Mixin for InventoryService: the hold counter, and on each scrape the units by status
    and the active holds."""

    hold_metrics = HoldCounter()

    def refresh_metrics(self):
        super().refresh_metrics()
        session = self.db.session
        by_status = dict(session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all())
        gauge = self.ops.gauge("units", "Units by status, all projects.", ("status",))
        for status in STATUSES:
            gauge.labels(status).set(by_status.get(status, 0))
        active = session.execute(select(func.count()).where(Hold.status == "active")).scalar_one()
        self.ops.gauge("holds_active", "Holds not yet ended.").set(active)
