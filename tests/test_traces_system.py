"""Traces across services (issue 20), on a system of its own whose processes export their
spans over OTLP/HTTP (protobuf) to a receiver this module runs on 127.0.0.1: one 认购, its
submission and its approval sent in one trace context as a front-end would send them
(`traceparent`), is one trace across the gateway, contracts, inventory and finance (the RPCs
it makes and the events it causes, relayed by the outboxes), and every service's log lines
of that work carry its trace id. A request that sends no trace context starts its own."""
import gzip
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (ExportTraceServiceRequest,
                                                                      ExportTraceServiceResponse)

from loupan.testing import wait_until
from tests.api import make_project, running_system
from tests.conftest import staff

SERVICES = ("gateway", "contracts", "inventory", "finance")


class Receiver:
    """An OTLP/HTTP trace receiver: keeps every span it is sent, as dicts."""

    def __init__(self):
        self.spans, self.lock = [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                request = ExportTraceServiceRequest()
                request.ParseFromString(body)
                receiver.keep(self.path, request)
                answer = ExportTraceServiceResponse().SerializeToString()
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def endpoint(self):
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def keep(self, path, request):
        assert path == "/v1/traces", path
        spans = []
        for resource_spans in request.resource_spans:
            resource = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    spans.append({"service": resource.get("service.name"), "name": span.name,
                                  "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                                  "parent_span_id": span.parent_span_id.hex(), "kind": span.kind,
                                  "attributes": {a.key: _value(a.value) for a in span.attributes}})
        with self.lock:
            self.spans.extend(spans)

    def of_trace(self, trace_id):
        with self.lock:
            return [span for span in self.spans if span["trace_id"] == trace_id]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def _value(value):
    return getattr(value, value.WhichOneof("value")) if value.WhichOneof("value") else None


@pytest.fixture(scope="module")
def receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


@pytest.fixture(scope="module")
def system(postgres, tmp_path_factory, receiver):
    """This module's own system: tracing on (an OTLP endpoint set), spans sent every 0.1 s,
    and the services' DEBUG lines (each traced worker logs one when it ends)."""
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint, "OTEL_BSP_SCHEDULE_DELAY": "100",
           "LOG_LEVEL": "DEBUG"}
    with running_system(tmp_path_factory.mktemp("system"), env=env,
                        pg=(postgres.admin_dsn, postgres.url_template)) as running:
        yield running


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "追踪楼盘", units=2)
    pid = project["id"]
    return {"pid": pid, "units": units, "advisor": staff(system, director, "trace_adv", "advisor", [pid]),
            "manager": staff(system, director, "trace_mgr", "manager", [pid])}


def traced_post(api, path, body, traceparent):
    """POST as a front-end that sends its own trace context (W3C traceparent)."""
    return api.session.post(api.base_url + path, json=body, timeout=30,
                            headers={**api.headers(), "traceparent": traceparent})


def log_lines(system, service):
    lines = []
    for line in (system.log_dir / f"{service}.0.log").read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
    return lines


def test_one_subscription_is_one_trace_across_the_services(system, site, receiver):
    advisor, manager, unit_id = site["advisor"], site["manager"], site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "赵先生", "customer_phone": "13700000001"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]

    trace_id, client_span = secrets.token_hex(16), secrets.token_hex(8)
    traceparent = f"00-{trace_id}-{client_span}-01"
    deal = advisor.ok(traced_post(advisor, "/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": "2030-06-30"}, traceparent), 201)
    approved = manager.ok(traced_post(manager, f"/api/subscriptions/{deal['id']}/approve", {}, traceparent))
    assert approved["status"] == "subscribed"

    def whole():
        spans = receiver.of_trace(trace_id)
        names = {span["name"] for span in spans}
        return {"finance.open_schedule_on_subscription", "inventory.on_subscription_approved"} <= names and spans

    spans = wait_until(whole, timeout=60, what="the approval's events handled and their spans exported")
    by_service = {}
    for span in spans:
        by_service.setdefault(span["service"], set()).add(span["name"])
    assert set(SERVICES) <= set(by_service), by_service
    # the gateway's two requests, children of the front-end's span
    requests = [span for span in spans if span["service"] == "gateway" and span["name"].startswith("POST ")]
    assert sorted(span["name"] for span in requests) == ["POST /api/subscriptions",
                                                         "POST /api/subscriptions/<int:deal_id>/approve"]
    assert {span["parent_span_id"] for span in requests} == {client_span}
    # every other span is the child of a span of the same trace: one tree under the front-end's span
    ids = {span["span_id"] for span in spans}
    assert all(span["parent_span_id"] in ids for span in spans if span not in requests), spans
    assert {"contracts.create_subscription", "contracts.approve_subscription"} <= by_service["contracts"]
    rpc_served = {s["name"] for s in spans if s["service"] == "inventory" and s["attributes"].get("rpc.system")}
    assert rpc_served, by_service["inventory"]  # the 认购 saga's calls to inventory (the hold)
    handled = {s["name"]: s for s in spans if s["attributes"].get("loupan.event_type") == "subscription_approved"}
    approval = next(s for s in spans if s["name"] == "contracts.approve_subscription")
    for name in ("finance.open_schedule_on_subscription", "inventory.on_subscription_approved"):
        assert handled[name]["parent_span_id"] == approval["span_id"]  # through the outbox and the broker

    # the log lines of that work carry the trace id, in every service
    for service in SERVICES:
        mine = [line for line in log_lines(system, service) if line.get("trace_id") == trace_id]
        assert mine, f"no log line of {service} carries trace {trace_id}"
        assert {line["span_id"] for line in mine} <= ids


def test_a_request_without_a_trace_context_starts_its_own(system, site, receiver):
    advisor = site["advisor"]
    response = advisor.session.post(advisor.base_url + f"/api/units/{site['units'][1]}/holds",
                                    json={"customer_name": "钱女士", "customer_phone": "13700000002"},
                                    headers={**advisor.headers(), "X-Request-Id": "trace-test-hold"}, timeout=30)
    advisor.ok(response, 201)

    def request_span():
        with receiver.lock:
            found = [s for s in receiver.spans if s["attributes"].get("loupan.request_id") == "trace-test-hold"]
        return found and found[0]

    span = wait_until(request_span, timeout=30, what="the hold's request span exported")
    assert span["parent_span_id"] == "" and span["kind"] == 2  # SPAN_KIND_SERVER, the root of a trace
    held = wait_until(lambda: [s for s in receiver.of_trace(span["trace_id"]) if s["service"] == "inventory"],
                      timeout=30, what="inventory's span of the hold")
    assert all(s["trace_id"] == span["trace_id"] for s in held)
