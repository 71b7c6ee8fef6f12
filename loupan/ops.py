"""What every service exposes to operations: RED metrics per entrypoint, business gauges,
`/metrics`, `/health/live` and `/health/ready` (ready = database and broker answer).

The kernel's series have one name in every service (`loupan_entrypoint_calls_total`, ...):
Prometheus' `job` label (one scrape job per service) tells the services apart, so one alert
or panel covers all of them. A service's own business figures are named after it
(`loupan_inventory_units`), through `Operations.gauge`."""
import time

from kombu import Connection
from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.web.handlers import http
from prometheus_client import (CONTENT_TYPE_LATEST, Counter, Gauge, Histogram,
                               disable_created_metrics, generate_latest)
from sqlalchemy import text
from werkzeug.wrappers import Response

from loupan import logs
from loupan.errors import DomainError
from loupan.inbox import RetryingEventHandler
from loupan.tracing import Tracing

disable_created_metrics()  # `_created` series double the exposition and nobody graphs them
_METRICS = {}  # one registry per process; containers of one service share their series
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)


def metric(kind, name, doc, labels=(), **kwargs):
    """A process-wide metric by name, created on first use (tests start services repeatedly)."""
    if name not in _METRICS:
        _METRICS[name] = kind(name, doc, list(labels), **kwargs)
    return _METRICS[name]


def outcome_of(result, exc_info):
    if exc_info is not None:
        return "rejected" if issubclass(exc_info[0], DomainError) else "error"
    status = getattr(result, "status_code", None)  # http entrypoints answer with a Response
    if status is not None:
        return "error" if status >= 500 else ("rejected" if status >= 400 else "ok")
    return "ok"


class Operations(DependencyProvider):
    def setup(self):
        self.calls = metric(Counter, "loupan_entrypoint_calls_total",
                            "Entrypoint calls by outcome (ok, rejected by a rule, error).",
                            ("entrypoint", "outcome"))
        self.duration = metric(Histogram, "loupan_entrypoint_duration_seconds",
                               "Entrypoint duration.", ("entrypoint",), buckets=BUCKETS)
        self.started = {}

    def worker_setup(self, worker_ctx):
        self.started[worker_ctx] = time.perf_counter()
        logs.context.entrypoint = worker_ctx.entrypoint.method_name
        logs.context.call_id = worker_ctx.call_id
        logs.context.event_id = None
        logs.context.request_id = (worker_ctx.data or {}).get("request_id")

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        started = self.started.pop(worker_ctx, None)
        name = worker_ctx.entrypoint.method_name
        if started is not None:
            self.duration.labels(name).observe(time.perf_counter() - started)
        self.calls.labels(name, outcome_of(result, exc_info)).inc()

    def get_dependency(self, worker_ctx):
        return self

    def gauge(self, name, doc, labels=()):
        """A business gauge of this service: `loupan_<service>_<name>`."""
        return metric(Gauge, f"loupan_{self.container.service_name}_{name}", doc, labels)

    def refresh_kernel_gauges(self, uow):
        outbox = uow.outbox
        if outbox is not None:
            pending, age, unrouted = outbox.backlog()
            metric(Gauge, "loupan_outbox_pending", "Outbox rows not yet published.").set(pending)
            metric(Gauge, "loupan_outbox_oldest_age_seconds",
                   "Age of the oldest unpublished outbox row.").set(age)
            metric(Gauge, "loupan_outbox_unrouted", "Events no queue was bound for.").set(unrouted)
        queues = self.dead_letter_queues()
        rpc_queue = self.rpc_queue()
        if not queues and rpc_queue is None:
            return
        try:
            counts = self.queue_depths([queue.name for queue in queues] + ([rpc_queue] if rpc_queue else []))
        except Exception:  # broker down: the scrape still answers; readiness reports the broker  # noqa: BLE001
            counts = {}
        if queues:
            dead = metric(Gauge, "loupan_dead_letters", "Events parked in a handler's dead-letter queue.",
                          ("queue",))
            for queue in queues:
                dead.labels(queue.name).set(counts.get(queue.name, float("nan")))
        if rpc_queue:
            # calls waiting for a worker of this service (all its replicas share the queue): on a
            # 开盘, the depth of rpc-inventory is what KEDA scales on and LoupanRpcQueueDeep watches
            metric(Gauge, "loupan_rpc_queue_messages", "Calls waiting in this service's RPC queue.",
                   ("queue",)).labels(rpc_queue).set(counts.get(rpc_queue, float("nan")))

    def rpc_queue(self):
        """`rpc-<service>`, the queue nameko's RPC consumer reads, if the service answers RPCs."""
        if any(isinstance(e, Rpc) for e in self.container.entrypoints):
            return f"rpc-{self.container.service_name}"
        return None

    def dead_letter_queues(self):
        return [e.dead_queue for e in self.container.entrypoints if isinstance(e, RetryingEventHandler)]

    def queue_depths(self, names):
        """{queue name: messages ready} by passive declares (a queue not there yet is left out)."""
        counts = {}
        with Connection(self.container.config["AMQP_URI"], connect_timeout=2) as conn:
            for name in names:
                channel = conn.channel()  # a passive declare of a missing queue closes its channel
                try:
                    counts[name] = channel.queue_declare(queue=name, passive=True).message_count
                except conn.channel_errors:
                    pass
                finally:
                    try:
                        channel.close()
                    except Exception:  # noqa: BLE001 already closed by the broker
                        pass
        return counts

    def readiness(self, uow):
        problems = []
        try:
            uow.session.execute(text("SELECT 1"))
        except Exception as exc:  # report, don't raise: this is the health answer  # noqa: BLE001
            problems.append(f"database: {type(exc).__name__}")
        try:
            with Connection(self.container.config["AMQP_URI"], connect_timeout=2) as conn:
                conn.ensure_connection(max_retries=1)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"broker: {type(exc).__name__}")
        if problems:
            return Response("; ".join(problems), status=503)
        return Response("ready", status=200)


class OpsEndpoints:
    """Mixin for a service class with `db`: /metrics and the health checks, and a span per
    worker when tracing is on (loupan.tracing)."""

    ops = Operations()
    tracing = Tracing()

    def refresh_metrics(self):
        """Services override to set their business gauges (and call super)."""
        self.ops.refresh_kernel_gauges(self.db)

    @http("GET", "/metrics")
    def metrics(self, request):
        """Prometheus exposition of this process."""
        self.refresh_metrics()
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    @http("GET", "/health/live")
    def health_live(self, request):
        """The process runs and its event loop answers."""
        return Response("live", status=200)

    @http("GET", "/health/ready")
    def health_ready(self, request):
        """Ready to take traffic: its database and the broker answer."""
        return self.ops.readiness(self.db)
