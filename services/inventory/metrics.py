"""Launch-day figures of inventory beyond the kernel's RED metrics: hold attempts by outcome.

`loupan_inventory_holds_total{outcome}` counts every `hold_unit` call: `held`, the domain
error's code in lower case when a rule said no (`unit_not_available` is the usual one on
开盘 day: someone was faster), or `error`. Units by status and active holds are gauges set
on each scrape (`InventoryService.refresh_metrics`)."""
from nameko.extensions import DependencyProvider
from prometheus_client import Counter

from loupan.errors import DomainError
from loupan.ops import metric

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
    """Mixin for InventoryService."""

    hold_metrics = HoldCounter()
