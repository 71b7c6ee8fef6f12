"""Faults: a service killed between commit and publish, and an event delivered twice."""
import json
import uuid
from functools import partial

from kombu import Connection, Exchange, Producer
from sqlalchemy import create_engine, select

from loupan.events import make_envelope
from loupan.testing.system import AMQP_BASE
from loupan.testing import EventSink
from loupan.testing import wait_until
from services.inventory.models import outbox
from tests.api import make_project, own_system
from tests.conftest import staff

# inventory is killed and started on a broker user with fewer rights: a system of its own
system = own_system()

poll = partial(wait_until, timeout=60)  # restarts and broker retries take a while




def outbox_rows(system, event_type):
    engine = create_engine(system.urls["inventory"])
    try:
        with engine.connect() as conn:
            return conn.execute(select(outbox).where(outbox.c.routing_key == event_type)).all()
    finally:
        engine.dispose()


def test_event_committed_but_not_published_gets_out_after_sigkill(system, director):
    """inventory commits a hold while the broker refuses its event (no write permission on
    inventory.events), is SIGKILLed with the row pending, and once restarted with rights the
    sweeper publishes it: exactly one unit_held reaches a subscriber."""
    project, units = make_project(director, "故障测试", units=2)
    advisor = staff(system, director, "adv_fault", "advisor", [project["id"]])
    sink = EventSink(system.amqp_uri, "inventory")
    user = f"inv_{uuid.uuid4().hex[:6]}"
    system.rabbit.create_user(user, "pw")
    system.rabbit.grant(system.vhost, user, write=r"^(?!inventory\.events$).*")
    restricted = AMQP_BASE.format(user=user, password="pw", vhost=system.vhost)
    try:
        system.kill("inventory")
        system.start_service("inventory", amqp_uri=restricted)
        hold = advisor.ok(advisor.post(f"/api/units/{units[0]}/holds",
                                       {"customer_name": "李四", "customer_phone": "13812345678"}), 201)
        refused = poll(lambda: [r for r in outbox_rows(system, "unit_held")
                                if r.attempts >= 1 and "ACCESS_REFUSED" in (r.last_error or "").upper()],
                       what="a refused publish attempt")
        assert refused[0].state == "pending"
        system.kill("inventory")  # SIGKILL: committed, never published
        assert [e for e in sink.drain() if e["type"] == "unit_held"] == []
        system.start_service("inventory")  # back with full rights
        (event,) = sink.wait_for("unit_held", timeout=60)
        assert event["payload"]["hold_id"] == hold["hold_id"]
        poll(lambda: all(r.state == "sent" for r in outbox_rows(system, "unit_held")), what="row sent")
        # the row is marked sent, so no later sweep can publish it again
        assert len([e for e in sink.drain() if e["type"] == "unit_held"]) == 1
    finally:
        sink.close()
        if ("inventory", 0) not in system.procs:
            system.start_service("inventory")
        system.rabbit.delete_user(user)


def test_redelivered_event_has_its_effect_once(system, director):
    """The same unit_hold_expired (same event_id) delivered twice: one notification."""
    advisor = staff(system, director, "adv_inbox", "advisor", [])
    me = [a for a in director.ok(director.get("/api/accounts")) if a["username"] == advisor.username][0]
    envelope = make_envelope(
        "unit_hold_expired",
        {"hold_id": 1, "unit_id": 1, "unit_label": "9号楼-101", "customer_name": "赵六",
         "advisor_id": me["id"], "reason": "expired"},
        agency_id=me["agency_id"], project_id=1,
    )
    with Connection(system.amqp_uri) as conn:
        producer = Producer(conn.channel())
        exchange = Exchange("inventory.events", type="topic", durable=True)
        for _ in range(2):
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key="unit_hold_expired",
                             content_type="application/json", content_encoding="utf-8",
                             declare=[exchange])
    poll(lambda: advisor.ok(advisor.get("/api/notifications")), what="a notification")
    # a second one could only come from the second delivery; wait until the gateway has
    # consumed both (its queue is empty and nothing is unacked) before counting
    poll(lambda: queue_drained(system, "evt-inventory-unit_hold_expired--gateway.on_hold_expired"),
         what="the gateway's queue drained")
    notes = advisor.ok(advisor.get("/api/notifications"))
    assert len(notes) == 1 and "9号楼-101" in notes[0]["text"]


def queue_drained(system, queue):
    info = system.rabbit._call("GET", f"queues/{system.vhost}/{queue}").json()
    return info.get("messages", 1) == 0 and info.get("messages_unacknowledged", 1) == 0 \
        and info.get("message_stats", {}).get("ack", 0) >= 2


def test_a_dead_service_answers_503_and_its_queued_commands_never_run(system, director):
    """inventory down: the gateway answers 503 after RPC_TIMEOUT instead of hanging, and the
    hold request it gave up on expires in the queue instead of running on restart."""
    project, units = make_project(director, "停机测试", units=1)
    system.kill("inventory")
    try:
        response = director.get("/api/ping")
        assert response.status_code == 503 and response.json()["error"] == "SERVICE_UNAVAILABLE"
        response = director.post(f"/api/units/{units[0]}/holds",
                                 {"customer_name": "李四", "customer_phone": "13812345678"})
        assert response.status_code == 503
        poll(lambda: queue_empty(system, "rpc-inventory"), what="the stale request expired")
    finally:
        system.start_service("inventory")
    board = director.ok(director.get(f"/api/projects/{project['id']}/board"))
    assert board["totals"]["available"]["count"] == 1 and board["totals"]["held"]["count"] == 0


def queue_empty(system, queue):
    return system.rabbit._call("GET", f"queues/{system.vhost}/{queue}").json().get("messages", 1) == 0
