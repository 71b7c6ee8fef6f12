"""pytest fixtures shared by every service's tests: a fresh database per test on SQLite and
on PostgreSQL, the broker from nameko's plugin (one throw-away vhost per test), and a
service config joining the two."""
import os
import socket
import uuid

import eventlet
import psycopg2
import pytest
from sqlalchemy import create_engine, text

from loupan.migrate import upgrade

PG_ADMIN_DSN = os.environ.get("LOUPAN_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("LOUPAN_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _admin(sql):
    conn = psycopg2.connect(PG_ADMIN_DSN)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def create_pg_database(prefix="loupan_t"):
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    return name, PG_URL.format(name=name)


def drop_pg_database(name):
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty database of each kind; the test migrates it (see `migrated`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.db"
        return
    name, url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(name)


@pytest.fixture
def migrated():
    """migrated(migrations_dir, url): bring a database to head; returns the url."""

    def run(migrations_dir, url):
        upgrade(migrations_dir, url)
        seed_known_projects(url)
        return url

    return run


SEEDED_AGENCY, SEEDED_PROJECTS = 1, 1000


def seed_known_projects(url):
    """A service test runs one service alone, with no inventory to ask who owns a project:
    its copy of the project registry (loupan.projects) is told that agency 1 owns projects
    1-1000, the ids these tests use. Other ids and agencies are another agency's or nobody's.
    The registry's own path (events, asking inventory) is tested in loupan/tests/test_projects.py
    and tests/test_isolation_matrix.py."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if not engine.dialect.has_table(conn, "known_projects"):
                return
            conn.execute(text(
                "WITH RECURSIVE ids(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM ids WHERE n < :last) "
                "INSERT INTO known_projects (id, agency_id, known_at) "
                "SELECT n, :agency, CURRENT_TIMESTAMP FROM ids"), {"last": SEEDED_PROJECTS, "agency": SEEDED_AGENCY})
    finally:
        engine.dispose()


def entrypoint_caller(container):
    """call(method, *args): run one entrypoint of a running container, return its result.
    (One call at a time: for concurrent calls use a real RPC proxy.)"""
    from nameko.testing.services import entrypoint_hook

    def call(method, *args):
        with entrypoint_hook(container, method) as hook:
            return hook(*args)

    return call


@pytest.fixture
def service_config(rabbit_config):
    """Settings every service test needs; tests add DATABASE_URL."""
    return {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
        "max_workers": 10,
        "RPC_TIMEOUT": 5,
        "OUTBOX": {"sweep_seconds": 0.2},
        "EVENT_RETRY": {"max_attempts": 3, "delay_ms": 100},
    }


def wait_until(check, timeout=15.0, what="condition"):
    """Poll `check()` until it returns something truthy; AssertionError after `timeout`.
    `what` may be a callable, asked at the failure for what was still missing."""
    with eventlet.Timeout(timeout, False):
        while True:
            value = check()
            if value:
                return value
            eventlet.sleep(0.05)
    raise AssertionError(f"{what() if callable(what) else what} not reached within {timeout}s")


def db_rows(config, statement):
    """Rows of `statement`, read straight from a service's database (`config["DATABASE_URL"]`)
    on a connection of its own: what the service really committed."""
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(statement).all()
    finally:
        engine.dispose()


def db_write(config, statement, rows=None):
    """Run `statement` (with `rows` for an executemany) against a service's database and
    commit (e.g. to move time)."""
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(statement, rows)
    finally:
        engine.dispose()


class EventSink:
    """A throw-away queue bound to `<service>.events` for every routing key: what a service
    really published, read back from the broker."""

    def __init__(self, amqp_uri, service):
        from kombu import Connection, Exchange, Queue

        self.conn = Connection(amqp_uri)
        exchange = Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False)
        self.queue = Queue(f"test-sink-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key="#",
                           exclusive=True, auto_delete=True)
        self.channel = self.conn.channel()
        self.queue(self.channel).declare()
        self.received = []

    def drain(self):
        """Everything received so far (reads what is waiting in the queue first)."""
        bound = self.queue(self.channel)
        while True:
            message = bound.get(no_ack=True)
            if message is None:
                return self.received
            self.received.append(message.payload)

    def wait_for(self, event_type, count=1, timeout=10.0):
        """Envelopes of `event_type`, once at least `count` arrived (or AssertionError)."""
        import eventlet

        with eventlet.Timeout(timeout, False):
            while True:
                self.drain()
                found = [e for e in self.received if e["type"] == event_type]
                if len(found) >= count:
                    return found
                eventlet.sleep(0.05)
        raise AssertionError(f"{count} x {event_type} not received; got {[e['type'] for e in self.received]}")

    def close(self):
        self.conn.release()


@pytest.fixture
def event_sink(rabbit_config):
    """event_sink(service) -> EventSink bound before the test publishes anything."""
    sinks = []

    def make(service):
        sink = EventSink(rabbit_config["AMQP_URI"], service)
        sinks.append(sink)
        return sink

    yield make
    for sink in sinks:
        sink.close()


def publish_event(amqp_uri, event_type, payload, agency_id=1, project_id=None, actor=None,
                  copies=1, occurred_at=None):
    """Publish a validated envelope on `<source>.events` as its source service would (the
    source is looked up in the catalogue); `copies` > 1 redelivers the same event id.
    Returns the envelope."""
    import json

    from kombu import Connection, Exchange, Producer

    from loupan.events import make_envelope, source_of

    envelope = make_envelope(event_type, payload, agency_id=agency_id, project_id=project_id, actor=actor)
    if occurred_at is not None:
        envelope["occurred_at"] = occurred_at.isoformat()
    exchange = Exchange(f"{source_of(event_type)}.events", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        producer = Producer(conn.channel())
        for _ in range(copies):
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key=event_type,
                             content_type="application/json", content_encoding="utf-8", declare=[exchange])
    return envelope
