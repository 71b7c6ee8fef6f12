"""Traces across services (loupan/tracing.py): the envelope's optional trace context, when
tracing is on, and one trace from an RPC through the outbox to an event's handler, with a
real RabbitMQ and real databases (spans kept in memory here; tests/test_traces_system.py
exports them over OTLP from the whole system)."""
import json

import pytest
from nameko.testing.services import entrypoint_waiter
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert

from loupan import logs, tracing
from loupan.db import Database
from loupan.entrypoints import nameko_rpc as rpc
from loupan.events import Envelope, make_envelope, parse_envelope
from loupan.inbox import handles
from loupan.tables import ID, inbox_table, outbox_table
from loupan.testing import entrypoint_hook, wait_until
from loupan.tracing import Tracing

pytestmark = pytest.mark.sqlite
TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = "b7ad6b7169203331"
TRACEPARENT = f"00-{TRACE}-{PARENT}-01"


# the envelope ---------------------------------------------------------------------------
def test_an_envelope_without_the_trace_field_is_read_as_before():
    body = json.loads(json.dumps(make_envelope("units_released", {"unit_ids": [1]}, agency_id=1)))
    assert "traceparent" not in body
    assert parse_envelope(body)["traceparent"] is None


def test_the_trace_context_travels_in_the_envelope_and_no_further():
    body = json.loads(json.dumps(make_envelope("units_released", {"unit_ids": [1]}, agency_id=1,
                                               traceparent=TRACEPARENT)))
    assert body["traceparent"] == TRACEPARENT
    event = parse_envelope(body)
    assert event["traceparent"] == TRACEPARENT
    assert "traceparent" not in Envelope().dump(event)  # the webhooks' copy of an envelope


@pytest.mark.parametrize("value", [17, {"a": 1}, "x" * 500])
def test_a_bad_trace_context_never_refuses_the_event(value):
    body = json.loads(json.dumps(make_envelope("units_released", {"unit_ids": [1]}, agency_id=1)))
    body["traceparent"] = value
    assert parse_envelope(body)["traceparent"] is None


@pytest.mark.parametrize("environ, expected", [
    ({}, "off"),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"}, "on"),
    ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"}, "on"),
    ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "LOUPAN_TRACING": "off"}, "off"),
    ({"LOUPAN_TRACING": "on"}, "on"),
    ({"LOUPAN_TRACING": "auto"}, "off"),
])
def test_tracing_is_off_unless_asked_for(environ, expected):
    assert tracing.mode(environ) == expected


@pytest.mark.parametrize("value, expected", [
    (TRACEPARENT, TRACEPARENT),
    (f"00-{'0' * 32}-{PARENT}-01", None),
    (f"00-{TRACE}-{'0' * 16}-01", None),
    (f"01-{TRACE}-{PARENT}-01", None),
    (TRACEPARENT.upper(), None),
    (None, None),
])
def test_only_a_well_formed_traceparent_is_a_parent(value, expected):
    assert tracing.valid(value) == expected


# a trace from an RPC to an event's handler ----------------------------------------------
publisher_metadata = MetaData()
outbox_table(publisher_metadata)
inbox_table(publisher_metadata)
releases = Table("releases", publisher_metadata, Column("id", ID, primary_key=True, autoincrement=True),
                 Column("unit_id", Integer, nullable=False))
listener_metadata = MetaData()
inbox_table(listener_metadata)
SEEN = []


class TracedPublisher:
    name = "inventory"  # the catalogue lets inventory publish units_released
    db = Database(publisher_metadata)
    tracing = Tracing()

    @rpc
    def release(self, unit_ids):
        self.db.session.execute(insert(releases).values(unit_id=unit_ids[0]))
        self.db.publish("units_released", {"unit_ids": unit_ids}, agency_id=1, project_id=1)
        self.db.commit()
        return getattr(logs.context, "trace_id", None)


class TracedListener:
    name = "listener"
    db = Database(listener_metadata)
    tracing = Tracing()

    @handles("inventory", "units_released")
    def on_units_released(self, event):
        SEEN.append((event["traceparent"], logs.context.trace_id))


@pytest.fixture
def spans():
    exporter = InMemorySpanExporter()
    tracing.configure("test", exporter=exporter)
    yield exporter
    tracing.shutdown()


@pytest.fixture
def start(database_url, container_factory, service_config):
    def run(service_cls):
        engine = create_engine(database_url)
        service_cls.db.metadata.create_all(engine)
        engine.dispose()
        container = container_factory(service_cls, dict(service_config, DATABASE_URL=database_url))
        container.start()
        return container

    return run


def test_an_rpc_and_the_event_it_publishes_are_one_trace(start, spans):
    """The RPC's span is the child of its caller's traceparent; the event it writes to the
    outbox carries the RPC's span, whose child the handler's span is; each worker's log
    lines carry the trace id."""
    SEEN.clear()
    publisher, listener = start(TracedPublisher), start(TracedListener)
    with entrypoint_waiter(listener, "on_units_released"):
        with entrypoint_hook(publisher, "release", context_data={"traceparent": TRACEPARENT}) as hook:
            assert hook([3]) == TRACE
    finished = wait_until(lambda: len(spans.get_finished_spans()) >= 2 and spans.get_finished_spans(),
                          what="both spans ended")
    by_name = {span.name: span for span in finished}
    served, handled = by_name["inventory.release"], by_name["listener.on_units_released"]
    assert served.kind == SpanKind.SERVER and handled.kind == SpanKind.CONSUMER
    assert {f"{s.context.trace_id:032x}" for s in (served, handled)} == {TRACE}
    assert f"{served.parent.span_id:016x}" == PARENT
    assert handled.parent.span_id == served.context.span_id
    assert handled.attributes["loupan.event_type"] == "units_released"
    ((carried, logged),) = SEEN
    assert carried == f"00-{TRACE}-{served.context.span_id:016x}-01" and logged == TRACE


def test_a_call_without_a_trace_context_starts_a_trace(start, spans):
    publisher = start(TracedPublisher)
    with entrypoint_hook(publisher, "release") as hook:
        trace_id = hook([4])
    (served,) = wait_until(lambda: spans.get_finished_spans(), what="the span ended")
    assert served.parent is None and f"{served.context.trace_id:032x}" == trace_id != TRACE


def test_off_there_is_no_span_and_no_trace_field(start, event_sink):
    """Tracing off (the default): no span, nothing in the logs, no field in the envelope."""
    assert not tracing.enabled()
    sink = event_sink("inventory")
    publisher = start(TracedPublisher)
    with entrypoint_hook(publisher, "release") as hook:
        assert hook([5]) is None
    (event,) = sink.wait_for("units_released")
    assert "traceparent" not in event
