"""Traces across services (issue 20): one gateway request, the RPCs it makes and the events it
causes share one trace id, in the spans exported over OTLP and in every log line.

Off unless asked for: `LOUPAN_TRACING` = `on` (spans, propagation, trace ids in the logs; an
exporter only if an OTLP endpoint is set), `off` (nothing, even with an endpoint), or unset /
`auto` (on exactly when `OTEL_EXPORTER_OTLP_ENDPOINT` or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`
is set). `loupan.run` calls `configure` once per process; OpenTelemetry (the API, the SDK and
the OTLP/HTTP exporter, in requirements.txt) is imported only then. The exporter's other
settings are OpenTelemetry's own variables (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_BSP_*`,
`OTEL_TRACES_SAMPLER`, ...). Off, what the services pay is one attribute test per worker.

How the context travels, as W3C trace context (`traceparent`,
`00-<trace id>-<parent span id>-<flags>`):
- HTTP: the gateway's `JsonRoute` opens a SERVER span per request (the caller's
  `traceparent` header, if any, is its parent) and hands it to the worker in the call's
  context data;
- RPC: `traceparent` is a key of nameko's context data (message headers `nameko.traceparent`),
  which nameko passes on with every call a worker makes; each worker replaces it with its own
  span, so a callee's span is the child of its caller's;
- events: the outbox writes the publishing worker's `traceparent` into the envelope (an
  optional field, `loupan.events`), so an event relayed later, or retried from its `.retry`
  queue, still carries the trace of the request that caused it; the handler's span is its child.

Each worker of a service (an RPC served, an event handled, a timer's tick, an HTTP route run)
is one span named `<service>.<method>` (the `Tracing` dependency of `loupan.ops.OpsEndpoints`);
its trace and span ids are in the worker's log lines (`trace_id`, `span_id`, loupan.logs).
At DEBUG each traced worker also logs one line when it ends ("<method> ended: ok").
"""
import logging
import os
import re

from nameko.extensions import DependencyProvider
from nameko.rpc import Rpc
from nameko.web.handlers import HttpRequestHandler

from loupan import logs
from loupan.inbox import RetryingEventHandler

log = logging.getLogger(__name__)
KEY = "traceparent"  # the context data key, the HTTP header and the envelope's field
TRACEPARENT = re.compile(r"^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$")
UNTRACED = frozenset({"metrics", "health_live", "health_ready"})  # probes and scrapes: no span
ENDPOINT_VARIABLES = ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT")

_state = {"tracer": None, "provider": None, "service": None, "global": False}


def enabled():
    return _state["tracer"] is not None


def mode(environ=None):
    """'on' or 'off', from LOUPAN_TRACING and the OTLP endpoint variables."""
    environ = os.environ if environ is None else environ
    asked = (environ.get("LOUPAN_TRACING") or "auto").strip().lower()
    if asked in ("on", "1", "true", "yes"):
        return "on"
    if asked in ("off", "0", "false", "no", "none"):
        return "off"
    return "on" if any(environ.get(name) for name in ENDPOINT_VARIABLES) else "off"


def configure(service, environ=None, exporter=None):
    """Set up tracing for this process if `mode` says on; returns True if it is on. `exporter`
    (a SpanExporter) replaces the OTLP one (the kernel's tests use an in-memory one)."""
    environ = os.environ if environ is None else environ
    if exporter is None and mode(environ) == "off":
        shutdown()
        return False
    from opentelemetry import trace
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

    shutdown()
    provider = TracerProvider(resource=Resource.create({"service.name": service, "service.namespace": "loupan"}))
    if exporter is not None:
        provider.add_span_processor(SimpleSpanProcessor(exporter))
    elif endpoint_of(environ):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint_of(environ))))
        log.info("traces exported over OTLP/HTTP to %s", endpoint_of(environ))
    else:
        log.info("tracing on without an exporter: trace ids in the logs and on the messages only")
    if exporter is None and not _state["global"]:
        trace.set_tracer_provider(provider)  # the process's own, once: for any library that traces
        _state["global"] = True
    _state.update(tracer=provider.get_tracer("loupan"), provider=provider, service=service)
    return True


def endpoint_of(environ):
    """The OTLP/HTTP traces URL: OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, or
    OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces` (OpenTelemetry's rule); None if neither."""
    if environ.get(ENDPOINT_VARIABLES[0]):
        return environ[ENDPOINT_VARIABLES[0]]
    if environ.get(ENDPOINT_VARIABLES[1]):
        return environ[ENDPOINT_VARIABLES[1]].rstrip("/") + "/v1/traces"
    return None


def shutdown():
    """Flush and end this process's tracing (spans still queued are exported first)."""
    provider = _state["provider"]
    _state.update(tracer=None, provider=None, service=None)
    if provider is not None:
        try:
            provider.shutdown()
        except Exception:  # noqa: BLE001 - a collector away at exit: the spans are lost, not the exit
            log.warning("could not flush the last spans", exc_info=True)


def traceparent_of(span):
    """The W3C `traceparent` naming `span` as the parent."""
    ctx = span.get_span_context()
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def valid(value):
    """`value` if it is a well-formed traceparent (version 00, ids not all zeros), else None."""
    if not isinstance(value, str):
        return None
    match = TRACEPARENT.match(value)
    if match is None or set(match.group(1)) == {"0"} or set(match.group(2)) == {"0"}:
        return None
    return value


def _parent(traceparent):
    """The OpenTelemetry context whose remote span is `traceparent`'s, or None (a new trace)."""
    if valid(traceparent) is None:
        return None
    from opentelemetry import trace
    from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

    _, trace_id, span_id, flags = traceparent.split("-")
    parent = SpanContext(int(trace_id, 16), int(span_id, 16), is_remote=True,
                         trace_flags=TraceFlags(int(flags, 16)))
    return trace.set_span_in_context(NonRecordingSpan(parent))


def start_span(name, traceparent=None, kind="internal", attributes=None):
    """A span named `name`, the child of `traceparent` (else the root of a new trace), with its
    ids put into this green thread's log lines; None when tracing is off. End it with `end`."""
    tracer = _state["tracer"]
    if tracer is None:
        return None
    from opentelemetry.trace import SpanKind

    span = tracer.start_span(name, context=_parent(traceparent), kind=getattr(SpanKind, kind.upper()),
                             attributes=attributes)
    ctx = span.get_span_context()
    logs.context.trace_id = f"{ctx.trace_id:032x}"
    logs.context.span_id = f"{ctx.span_id:016x}"
    return span


def end(span, outcome="ok", error=None, attributes=None):
    """End `span` (None: nothing) with its outcome: `ok`, `rejected` (a domain error, a 4xx:
    not a fault of the service) or `error` (recorded, status ERROR)."""
    if span is None:
        return
    from opentelemetry.trace import Status, StatusCode

    span.set_attribute("loupan.outcome", outcome)
    for key, value in (attributes or {}).items():
        span.set_attribute(key, value)
    if outcome == "error":
        if error is not None:
            span.record_exception(error)
        span.set_status(Status(StatusCode.ERROR, type(error).__name__ if error is not None else None))
    span.end()


# the gateway's HTTP requests ---------------------------------------------------------------
def start_http(request, route, request_id):
    """The SERVER span of one HTTP request to `route` (its URL rule), child of the caller's
    `traceparent` header if it sent a valid one; None when tracing is off."""
    if _state["tracer"] is None:
        return None
    return start_span(f"{request.method} {route}", request.headers.get(KEY), kind="server",
                      attributes={"http.request.method": request.method, "http.route": route,
                                  "url.path": request.path, "loupan.request_id": request_id})


def end_http(span, status):
    if span is not None:
        span.set_attribute("http.response.status_code", status)
        end(span, "error" if status >= 500 else ("rejected" if status >= 400 else "ok"))


# every worker of a service ------------------------------------------------------------------
class Tracing(DependencyProvider):
    """One span per worker (RPC served, event handled, timer tick, HTTP route), child of the
    trace context the worker was started with: the caller's (`traceparent` in the context
    data), the event's (its envelope's `traceparent`), or the request's (its header). The
    worker's context data then carries its own span, so every RPC it makes and every event it
    writes to the outbox (loupan.uow.publish) names it as the parent."""

    def worker_setup(self, worker_ctx):
        if _state["tracer"] is None:
            return
        entrypoint = worker_ctx.entrypoint
        name = entrypoint.method_name
        if name in UNTRACED:
            return
        data = worker_ctx.data
        kind, attributes, parent = "internal", {"loupan.entrypoint": name}, data.get(KEY)
        if isinstance(entrypoint, Rpc):
            kind = "server"
            attributes.update({"rpc.system": "nameko", "rpc.service": self.container.service_name,
                               "rpc.method": name})
        elif isinstance(entrypoint, RetryingEventHandler):
            kind = "consumer"
            body = worker_ctx.args[0] if worker_ctx.args else None
            if isinstance(body, dict):
                parent = body.get(KEY) or parent
                attributes.update({"loupan.event_type": str(body.get("type")),
                                   "loupan.event_id": str(body.get("event_id"))})
            attributes.update({"messaging.system": "rabbitmq",
                               "messaging.destination.name": f"{entrypoint.source_service}.events"})
        elif isinstance(entrypoint, HttpRequestHandler) and parent is None and worker_ctx.args:
            parent = getattr(worker_ctx.args[0], "headers", {}).get(KEY)  # a plain http entrypoint
        span = start_span(f"{self.container.service_name}.{name}", parent, kind, attributes)
        worker_ctx.loupan_span = span
        data[KEY] = traceparent_of(span)

    def worker_result(self, worker_ctx, result=None, exc_info=None):
        span = getattr(worker_ctx, "loupan_span", None)
        if span is None:
            return
        worker_ctx.loupan_span = None
        from loupan.ops import outcome_of

        outcome = outcome_of(result, exc_info)
        end(span, outcome, exc_info[1] if exc_info and outcome == "error" else None)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("%s ended: %s", worker_ctx.entrypoint.method_name, outcome)
