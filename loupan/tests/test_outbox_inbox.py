"""The outbox and the inbox with a real RabbitMQ and real databases (SQLite and PostgreSQL):
nothing lost (committed events go out, also after a crash; unrouted ones are kept),
nothing done twice (a redelivered event has its effect once), nothing silently dropped
(failing handlers are retried, then dead-lettered; malformed events go to the DLQ).

Two small services are defined here: "inventory" publishes through the outbox (the
catalogue only lets inventory publish `units_released`), "listener" and "grumpy" consume
it through `@handles`."""
import json

import pytest
from kombu import Connection
from loupan.entrypoints import nameko_rpc as rpc  # a fake answers as our services do
from nameko.testing.services import entrypoint_hook, entrypoint_waiter
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.orm import Session

from loupan.db import Database
from loupan.events import make_envelope
from loupan.inbox import ATTEMPTS_HEADER, RetryingEventHandler, handles
from loupan.outbox import Outbox
from loupan.publisher import ConfirmingPublisher
from loupan.tables import ID, inbox_table, outbox_table
from loupan.testing import wait_until

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

# the publishing side --------------------------------------------------------------------
publisher_metadata = MetaData()
outbox = outbox_table(publisher_metadata)
publisher_inbox = inbox_table(publisher_metadata)
releases = Table("releases", publisher_metadata,
                 Column("id", ID, primary_key=True, autoincrement=True),
                 Column("unit_id", Integer, nullable=False))


class PublishingService:
    name = "inventory"
    db = Database(publisher_metadata)

    @rpc
    def release(self, unit_ids, fail=False):
        """Record the release and its event in one transaction; `fail` breaks it before commit."""
        for unit_id in unit_ids:
            self.db.session.execute(insert(releases).values(unit_id=unit_id))
        envelope = self.db.publish("units_released", {"unit_ids": unit_ids}, agency_id=1, project_id=1)
        if fail:
            raise RuntimeError("the business step failed after the event was written")
        self.db.commit()
        return envelope["event_id"]


# the consuming side ---------------------------------------------------------------------
listener_metadata = MetaData()
inbox = inbox_table(listener_metadata)
applied = Table("applied", listener_metadata,  # no unique key: only the inbox prevents doubles
                Column("id", ID, primary_key=True, autoincrement=True),
                Column("event_id", String(36), nullable=False),
                Column("unit_id", Integer, nullable=False))


class ListeningService:
    name = "listener"
    db = Database(listener_metadata)

    @handles("inventory", "units_released")
    def on_units_released(self, event):
        for unit_id in event["payload"]["unit_ids"]:
            self.db.session.execute(insert(applied).values(event_id=event["event_id"], unit_id=unit_id))


GRUMPY_CALLS = []


class GrumpyService:
    name = "grumpy"
    db = Database(listener_metadata)

    @handles("inventory", "units_released")
    def on_units_released(self, event):
        GRUMPY_CALLS.append(event["event_id"])
        self.db.session.execute(insert(applied).values(event_id=event["event_id"], unit_id=0))
        raise RuntimeError("this handler always fails")


# helpers --------------------------------------------------------------------------------

def rows(engine, table, order_by=None):
    with engine.connect() as conn:
        return conn.execute(select(table).order_by(order_by if order_by is not None else table.c[0])).all()


def outbox_row(engine, event_id):
    with engine.connect() as conn:
        return conn.execute(select(outbox).where(outbox.c.event_id == event_id)).one_or_none()


def message_count(amqp_uri, queue_name):
    with Connection(amqp_uri) as conn:
        return conn.default_channel.queue_declare(queue_name, passive=True).message_count


def handler_queue(container):
    (handler,) = [e for e in container.entrypoints if isinstance(e, RetryingEventHandler)]
    return handler.queue.name


def publish_raw(amqp_uri, key, body):
    """Put `body` on inventory's event exchange as the relay would; returns the outcome."""
    publisher = ConfirmingPublisher(amqp_uri)
    try:
        return publisher.publish_batch([(key, "inventory.events", "units_released", body)])[key]
    finally:
        publisher.close()


def envelope_json(unit_ids):
    envelope = make_envelope("units_released", {"unit_ids": unit_ids}, agency_id=1, project_id=1)
    return envelope["event_id"], json.dumps(envelope)


# fixtures -------------------------------------------------------------------------------
@pytest.fixture
def engine(database_url):
    """The test's own view of the database under test."""
    engine = create_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def start(database_url, engine, container_factory, service_config):
    """start(service_cls, **config): create the service's tables and run it."""

    def run(service_cls, **config):
        service_cls.db.metadata.create_all(engine)
        container = container_factory(service_cls, dict(service_config, DATABASE_URL=database_url, **config))
        container.start()
        return container

    return run


def call(container, method, *args, **kwargs):
    with entrypoint_hook(container, method) as hook:
        return hook(*args, **kwargs)


# outbox ---------------------------------------------------------------------------------
def test_committed_event_is_published_and_marked_sent(start, engine, event_sink):
    sink = event_sink("inventory")
    container = start(PublishingService)
    event_id = call(container, "release", [1, 2])
    (event,) = sink.wait_for("units_released")
    assert event["event_id"] == event_id and event["payload"] == {"unit_ids": [1, 2]}
    row = wait_until(lambda: (r := outbox_row(engine, event_id)) is not None and r.state == "sent" and r,
                     what="outbox row sent")
    assert row.sent_at is not None and row.exchange == "inventory.events" and row.routing_key == "units_released"


def test_rolled_back_event_is_never_published(start, engine, event_sink):
    """The event of a failed transaction is gone with it; the next committed one goes out alone."""
    sink = event_sink("inventory")
    container = start(PublishingService)
    with pytest.raises(RuntimeError):
        call(container, "release", [7], fail=True)
    event_id = call(container, "release", [8])
    sink.wait_for("units_released")
    wait_until(lambda: outbox_row(engine, event_id).state == "sent", what="outbox row sent")
    events = sink.wait_for("units_released")  # everything that arrived by now
    assert [(e["event_id"], e["payload"]) for e in events] == [(event_id, {"unit_ids": [8]})]
    assert [r.event_id for r in rows(engine, outbox)] == [event_id]
    assert [r.unit_id for r in rows(engine, releases)] == [8]


def test_sweeper_publishes_what_a_crashed_process_left_pending(start, engine, event_sink, rabbit_config):
    """A row committed to the outbox by a process that died before relaying it is sent by
    the relay's sweep when the service starts again; nothing wakes the relay for it."""
    publisher_metadata.create_all(engine)
    writer = Outbox(outbox, "inventory", engine, rabbit_config["AMQP_URI"])
    with Session(engine) as session:
        envelope = writer.write(session, "units_released", {"unit_ids": [42]}, agency_id=1, project_id=1)
        session.commit()
    assert outbox_row(engine, envelope["event_id"]).state == "pending"

    sink = event_sink("inventory")
    start(PublishingService)
    (event,) = sink.wait_for("units_released")
    assert event == envelope
    wait_until(lambda: outbox_row(engine, envelope["event_id"]).state == "sent", what="outbox row sent")


@pytest.mark.fresh_broker  # an event that reaches no queue: none left by the tests before
def test_event_nobody_listens_to_ends_unrouted_after_the_configured_attempts(start, engine):
    """No queue is bound for the routing key: the broker returns the message each time; after
    `unrouted_attempts` tries the row is kept as `unrouted` and no longer retried."""
    container = start(PublishingService, OUTBOX={"unrouted_attempts": 2, "sweep_seconds": 0.2})
    event_id = call(container, "release", [5])
    row = wait_until(lambda: (r := outbox_row(engine, event_id)).state != "pending" and r,
                     what="outbox row settled")
    assert row.state == "unrouted"
    assert row.attempts == 2 and row.last_error == "unrouted" and row.sent_at is None


def test_unrouted_after_one_attempt_when_so_configured(start, engine):
    container = start(PublishingService, OUTBOX={"unrouted_attempts": 1, "sweep_seconds": 0.2})
    event_id = call(container, "release", [5])
    row = wait_until(lambda: (r := outbox_row(engine, event_id)).state != "pending" and r,
                     what="outbox row settled")
    assert (row.state, row.attempts, row.sent_at) == ("unrouted", 1, None)


# inbox ----------------------------------------------------------------------------------
def test_the_same_event_delivered_twice_has_its_effect_once(start, engine, rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    container = start(ListeningService)
    event_id, body = envelope_json([1, 2])
    for _ in range(2):
        with entrypoint_waiter(container, "on_units_released"):
            assert publish_raw(amqp_uri, event_id, body) == "sent"
    other_id, other_body = envelope_json([3])
    with entrypoint_waiter(container, "on_units_released"):
        assert publish_raw(amqp_uri, other_id, other_body) == "sent"

    assert [(r.event_id, r.unit_id) for r in rows(engine, applied)] == [
        (event_id, 1), (event_id, 2), (other_id, 3)]
    assert sorted((r.handler, r.event_id) for r in rows(engine, inbox, inbox.c.event_id)) == sorted(
        [("on_units_released", event_id), ("on_units_released", other_id)])
    queue = handler_queue(container)
    assert message_count(amqp_uri, f"{queue}.dlq") == 0  # the duplicate was skipped, not failed


def test_failing_handler_is_retried_then_dead_lettered_not_lost(start, engine, rabbit_config):
    amqp_uri = rabbit_config["AMQP_URI"]
    GRUMPY_CALLS.clear()
    container = start(GrumpyService)  # EVENT_RETRY: max_attempts 3, delay_ms 100
    queue = handler_queue(container)
    event_id, body = envelope_json([9])
    assert publish_raw(amqp_uri, event_id, body) == "sent"

    wait_until(lambda: message_count(amqp_uri, f"{queue}.dlq") == 1, what="event in the DLQ")
    assert GRUMPY_CALLS == [event_id] * 3
    assert message_count(amqp_uri, queue) == 0 and message_count(amqp_uri, f"{queue}.retry") == 0
    with Connection(amqp_uri) as conn:
        message = conn.default_channel.basic_get(f"{queue}.dlq", no_ack=True)
    assert message.headers[ATTEMPTS_HEADER] == 3
    assert "this handler always fails" in message.headers["x-loupan-error"]
    assert json.loads(message.body) == json.loads(body)
    assert rows(engine, applied) == [] and rows(engine, inbox) == []  # each attempt rolled back


@pytest.mark.parametrize("body", [
    json.dumps({"type": "units_released", "payload": {"unit_ids": [1]}}),  # no envelope
    json.dumps(make_envelope("project_created", {"name": "n", "city": "c", "developer_name": "d"},
                             agency_id=1)),  # a valid envelope on the wrong routing key
])
def test_malformed_event_goes_straight_to_the_dlq(start, engine, rabbit_config, body):
    amqp_uri = rabbit_config["AMQP_URI"]
    container = start(ListeningService)
    queue = handler_queue(container)
    assert publish_raw(amqp_uri, "malformed-1", body) == "sent"

    wait_until(lambda: message_count(amqp_uri, f"{queue}.dlq") == 1, what="event in the DLQ")
    with Connection(amqp_uri) as conn:
        message = conn.default_channel.basic_get(f"{queue}.dlq", no_ack=True)
    assert message.headers[ATTEMPTS_HEADER] == 1
    assert "InvalidEvent" in message.headers["x-loupan-error"]
    assert json.loads(message.body) == json.loads(body)
    assert message_count(amqp_uri, f"{queue}.retry") == 0
    assert rows(engine, applied) == [] and rows(engine, inbox) == []


def test_body_that_is_not_json_is_dead_lettered_not_dropped(start, engine, rabbit_config):
    """A message the consumer cannot even decode must still end up visible in the DLQ."""
    amqp_uri = rabbit_config["AMQP_URI"]
    container = start(ListeningService)
    queue = handler_queue(container)
    assert publish_raw(amqp_uri, "not-json", "not json {") == "sent"

    wait_until(lambda: message_count(amqp_uri, f"{queue}.dlq") == 1, timeout=5, what="event in the DLQ")
    assert rows(engine, applied) == []
