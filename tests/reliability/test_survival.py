"""The pieces that must outlive a broker or database outage, one at a time, in process: a
unit of work closing over a dropped connection, a timer whose ticks fail on the database,
an RPC reply that cannot be sent, a handler failing because its database is away, and the
outbox relay facing an unreachable broker and a failing database. In each, nothing may
raise into nameko (an exception in a worker's teardown or a managed thread stops the
service), and the piece works again as soon as the dependency is back.

PostgreSQL is this directory's private cluster (conftest.py); the broker is the test's own
vhost on the machine's (nameko's rabbit_config): none of these stops a server."""
import uuid

import eventlet
import nameko.rpc
import psycopg2
import pytest
from kombu import Connection
from nameko.exceptions import RpcTimeout
from nameko.standalone.rpc import ServiceRpcProxy
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, insert, select, text
from sqlalchemy.exc import OperationalError

from loupan.db import Database
from loupan.inbox import RetryingEventHandler, handles, is_outage
from loupan.outbox import Outbox
from loupan.publisher import is_broker_outage
from loupan.rpc import ResilientRpc
from loupan.tables import ID, inbox_table, outbox_table
from loupan.testing import EventSink, free_port, pg_execute, publish_event, wait_until
from loupan.timers import every
from loupan.uow import UnitOfWork, is_database_outage, make_engine


def refused():
    """The error SQLAlchemy raises when PostgreSQL refuses a connection."""
    return OperationalError("SELECT 1", {}, psycopg2.OperationalError("connection refused"))


@pytest.fixture
def pg_database(postgres):
    """A fresh database on the private cluster, and admin(sql) to act on it."""
    name = f"survival_{uuid.uuid4().hex[:8]}"

    def admin(sql):
        pg_execute(postgres.admin_dsn, sql.format(name=name))

    admin('CREATE DATABASE "{name}"')
    admin.refuse = lambda: (admin('ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'),
                            admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"))
    admin.allow = lambda: admin('ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
    try:
        yield postgres.url_template.format(name=name), admin
    finally:
        admin.allow()
        admin('DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_outages_are_told_apart_from_refusals():
    assert is_database_outage(refused()) and is_outage(refused())
    deadlock = OperationalError("UPDATE", {}, psycopg2.extensions.TransactionRollbackError("deadlock"))
    assert not is_database_outage(deadlock)  # a live server's answer: counted as an attempt
    assert is_broker_outage(ConnectionRefusedError()) and is_outage(ConnectionResetError())
    import amqp.exceptions
    assert not is_broker_outage(amqp.exceptions.AccessRefused("ACCESS_REFUSED"))
    assert not is_outage(ValueError("a bad event"))


def test_closing_a_unit_of_work_over_a_dropped_connection_does_not_raise(pg_database):
    url, admin = pg_database
    engine = make_engine(url, pool_size=2)
    try:
        uow = UnitOfWork(engine)
        uow.session.execute(text("SELECT 1"))  # a transaction in flight...
        admin.refuse()  # ...when the server drops the connection and refuses new ones
        uow.close()  # nameko's worker teardown: must not raise
        assert engine.pool.checkedout() == 0
        broken = UnitOfWork(engine)
        with pytest.raises(OperationalError):
            broken.session.execute(text("SELECT 1"))
        broken.rollback()  # neither does a rollback over it
        broken.close()
        admin.allow()
        again = UnitOfWork(engine)  # the pool reconnects on its own
        assert again.session.execute(text("SELECT 1")).scalar() == 1
        again.close()
    finally:
        engine.dispose()


TICKS = {"tried": 0, "done": 0}


class TickingService:
    name = "ticking"
    db = Database(MetaData())

    @every("TICK_SECONDS", 0.05)
    def tick(self):
        TICKS["tried"] += 1
        self.db.session.execute(text("SELECT 1"))
        eventlet.sleep(0.2)  # the transaction is open most of the time: an outage lands in it
        TICKS["done"] += 1


def test_ticks_failing_on_the_database_end_neither_the_timer_nor_the_service(
        pg_database, container_factory, service_config):
    url, admin = pg_database
    TICKS.update(tried=0, done=0)
    container = container_factory(TickingService, dict(service_config, DATABASE_URL=url, TICK_SECONDS=0.05))
    container.start()
    wait_until(lambda: TICKS["done"] >= 2, what="first ticks")
    admin.refuse()
    try:
        tried = TICKS["tried"]
        wait_until(lambda: TICKS["tried"] >= tried + 5, what="ticks failing on the database")
        # two more ticks begun: the timer runs one tick at a time, so every tick between the
        # two counts has ended, and none of them got through
        done, tried = TICKS["done"], TICKS["tried"]
        wait_until(lambda: TICKS["tried"] >= tried + 2, what="more ticks on the refused database")
        assert TICKS["done"] == done, "a tick succeeded with the database refusing connections"
        assert not container._died.ready(), "the service died"
    finally:
        admin.allow()
    wait_until(lambda: TICKS["done"] >= done + 2, what="ticks succeeding again")
    assert not container._died.ready()


def test_a_session_close_that_raises_in_the_teardown_does_not_stop_the_service(
        tmp_path, container_factory, service_config, monkeypatch):
    """What inventory died of: session.close() raising OperationalError in nameko's worker
    teardown. Now it is logged, the connection discarded, SQLite's green lock released (the
    next ticks would hang on it otherwise) and the service ticks on."""
    from sqlalchemy.orm import Session

    failing = {"left": 3}
    close = Session.close

    def close_over_a_lost_connection(self):
        if failing["left"]:
            failing["left"] -= 1
            raise refused()
        return close(self)

    monkeypatch.setattr(Session, "close", close_over_a_lost_connection)
    TICKS.update(tried=0, done=0)
    container = container_factory(TickingService, dict(service_config, DATABASE_URL=f"sqlite:///{tmp_path}/t.db",
                                                       TICK_SECONDS=0.05))
    container.start()
    wait_until(lambda: TICKS["done"] >= 6, what="ticks after three failed closes")
    assert failing["left"] == 0 and not container._died.ready()


class ReplyingService:
    name = "replying"

    @ResilientRpc.decorator
    def ping(self):
        return "pong"


def test_a_reply_that_cannot_be_sent_is_dropped_and_the_service_keeps_serving(
        container_factory, service_config, monkeypatch):
    from loupan.entrypoints import rpc

    def method(self):
        pass
    assert {type(e) for e in getattr(rpc(method), "nameko_entrypoints")} == {ResilientRpc}  # what services use

    container = container_factory(ReplyingService, service_config)
    container.start()
    original = nameko.rpc.Responder.send_response

    def broker_gone(self, result, exc_info):
        raise ConnectionRefusedError(111, "ECONNREFUSED")

    monkeypatch.setattr(nameko.rpc.Responder, "send_response", broker_gone)
    with ServiceRpcProxy("replying", service_config, timeout=2) as proxy:
        with pytest.raises(RpcTimeout):  # the caller waits in vain, as for a lost reply
            proxy.ping()
        assert not container._died.ready(), "the service died of a reply it could not send"
        monkeypatch.setattr(nameko.rpc.Responder, "send_response", original)
        assert proxy.ping() == "pong"


flaky_metadata = MetaData()
inbox_table(flaky_metadata)
applied = Table("applied", flaky_metadata, Column("id", ID, primary_key=True, autoincrement=True),
                Column("event_id", String(36), nullable=False), Column("unit_id", Integer, nullable=False))
FLAKY = {"calls": 0, "outage_calls": 5}


class FlakyService:
    name = "flaky"
    db = Database(flaky_metadata)

    @handles("inventory", "units_released")
    def on_units_released(self, event):
        FLAKY["calls"] += 1
        if FLAKY["calls"] <= FLAKY["outage_calls"]:
            self.db.session.execute(text("SELECT 1"))
            raise refused()  # as if its database were away
        self.db.session.execute(insert(applied).values(event_id=event["event_id"], unit_id=1))


def test_an_event_waits_out_its_handlers_database_outage_and_is_never_dead_lettered(
        tmp_path, container_factory, service_config):
    """5 failures for an outage, with max_attempts 2: applied once on the 6th, nothing parked."""
    url = f"sqlite:///{tmp_path}/flaky.db"
    engine = create_engine(url)
    flaky_metadata.create_all(engine)
    FLAKY.update(calls=0)
    config = dict(service_config, DATABASE_URL=url, EVENT_RETRY={"max_attempts": 2, "delay_ms": 50})
    container = container_factory(FlakyService, config)
    container.start()
    (handler,) = [e for e in container.entrypoints if isinstance(e, RetryingEventHandler)]
    try:
        event = publish_event(config["AMQP_URI"], "units_released", {"unit_ids": [1]}, project_id=1)
        wait_until(lambda: _rows(engine, applied), timeout=30, what="the event applied after the outage")
        assert FLAKY["calls"] == FLAKY["outage_calls"] + 1
        assert [r.event_id for r in _rows(engine, applied)] == [event["event_id"]]
        with Connection(config["AMQP_URI"]) as conn:
            assert conn.default_channel.queue_declare(handler.dead_queue.name, passive=True).message_count == 0
    finally:
        engine.dispose()


def _rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(select(table)).all()


def test_the_relay_waits_out_an_unreachable_broker_and_a_failing_database(tmp_path, rabbit_config):
    """Broker refused: the row stays pending with no attempt counted. Then two passes fail on
    the database. The relay greenlet lives through both and publishes the row once."""
    metadata = MetaData()
    table = outbox_table(metadata)
    engine = make_engine(f"sqlite:///{tmp_path}/relay.db")
    metadata.create_all(engine)
    nowhere = f"amqp://guest:guest@127.0.0.1:{free_port()}//"
    outbox = Outbox(table, "inventory", engine, nowhere, {"sweep_seconds": 0.05, "retry_cap_seconds": 0.3})
    sink = EventSink(rabbit_config["AMQP_URI"], "inventory")
    uow = UnitOfWork(engine, outbox, metadata)
    envelope = uow.publish("units_released", {"unit_ids": [7]}, agency_id=1, project_id=1)
    uow.commit()
    uow.close()
    passes = {"n": 0}
    relay_once = outbox.relay_once

    def counted():
        passes["n"] += 1
        return relay_once()
    outbox.relay_once = counted
    relay = eventlet.spawn(outbox.run)
    try:
        wait_until(lambda: passes["n"] >= 3, what="relay passes against a refused broker")
        with engine.connect() as conn:
            row = conn.execute(select(table)).one()
        assert (row.state, row.attempts) == ("pending", 0)

        failing = {"left": 2}

        def database_away():
            passes["n"] += 1
            if failing["left"]:
                failing["left"] -= 1
                raise refused()
            return relay_once()
        outbox.relay_once = database_away
        outbox.publisher.amqp_uri = rabbit_config["AMQP_URI"]  # the broker is back
        (event,) = sink.wait_for("units_released", timeout=20)
        assert event["event_id"] == envelope["event_id"] and failing["left"] == 0
        wait_until(lambda: _rows(engine, table)[0].state == "sent", what="the row marked sent")
        assert not relay.dead
        # a later row through the same relay, which publishes in order: once its event is
        # here, a second copy of the first would be too
        later = UnitOfWork(engine, outbox, metadata)
        second = later.publish("units_released", {"unit_ids": [8]}, agency_id=1, project_id=1)
        later.commit()
        later.close()
        events = sink.wait_for("units_released", count=2, timeout=20)
        assert [e["event_id"] for e in events] == [envelope["event_id"], second["event_id"]]
    finally:
        outbox.stop()
        relay.wait()
        sink.close()
        engine.dispose()
