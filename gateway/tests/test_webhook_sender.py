"""The webhook sender (gateway/routes/webhooks.py send_due) on the gateway's migrated database:
a delivery leased by one replica is not posted by another until the lease ends; a 2xx
delivers once; a failure is scheduled again by the backoff, and dead after the give-up time."""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from gateway.models import WebhookDelivery, WebhookEndpoint
from gateway.routes import webhooks
from loupan.types import utcnow
from loupan.uow import make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
CONFIG = {"WEBHOOK_RETRY_FIRST_SECONDS": 30, "WEBHOOK_RETRY_MAX_SECONDS": 3600, "WEBHOOK_GIVE_UP_SECONDS": 86400,
          "WEBHOOK_TIMEOUT_SECONDS": 10}
D = WebhookDelivery.__table__


@pytest.fixture
def engine(database_url, migrated):
    engine = make_engine(migrated(MIGRATIONS, database_url))
    yield engine
    engine.dispose()


@pytest.fixture
def posts(monkeypatch):
    """Every post the sender makes; each answers the next status of `posts.answers`."""
    class Posts(list):
        answers = [200]

    made = Posts()

    def fake_post(url, signing, delivery_id, event_type, body, timeout, now):
        made.append({"url": url, "delivery_id": delivery_id, "event_type": event_type, "body": body,
                     "signing": signing})
        status = made.answers.pop(0) if len(made.answers) > 1 else made.answers[0]
        return status, "answer"

    monkeypatch.setattr(webhooks, "post", fake_post)
    return made


def delivery(engine, **values):
    now = utcnow()
    with engine.begin() as conn:
        endpoint = conn.execute(insert(WebhookEndpoint.__table__).values(
            agency_id=1, url="https://hooks.example.com/x", event_types=["unit_held"], description="",
            personal_data=False, secret="whsec_test", created_by=1, created_at=now)).inserted_primary_key[0]
        conn.execute(insert(D).values(dict(dict(
            delivery_id="d-1", endpoint_id=endpoint, agency_id=1, event_id="e-1", event_type="unit_held",
            envelope={"type": "unit_held", "payload": {"customer_name": "张三", "customer_phone": "13812345678"}},
            state="pending", attempts=0, next_attempt_at=now, created_at=now, retry_from=now), **values)))


def row(engine):
    with engine.connect() as conn:
        return conn.execute(select(D)).one()


def test_a_delivery_leased_by_another_replica_waits_for_its_lease(engine, posts):
    now = utcnow()
    delivery(engine, lease_owner="replica-a", lease_until=now + timedelta(seconds=60))
    assert webhooks.send_due(engine, CONFIG, now=now) == 0 and posts == []
    assert webhooks.send_due(engine, CONFIG, now=now + timedelta(seconds=61)) == 1  # replica A died mid-post
    assert [p["delivery_id"] for p in posts] == ["d-1"]
    assert b"13812345678" not in posts[0]["body"] and "138****5678" in posts[0]["body"].decode()
    assert row(engine).state == "delivered" and row(engine).lease_owner is None and row(engine).attempts == 1
    assert webhooks.send_due(engine, CONFIG, now=now + timedelta(seconds=120)) == 0 and len(posts) == 1


def test_failures_back_off_then_the_delivery_is_dead(engine, posts):
    posts.answers = [500]
    start = utcnow()
    delivery(engine)
    assert webhooks.send_due(engine, CONFIG) == 1
    first = row(engine)
    assert (first.state, first.attempts, first.last_status) == ("pending", 1, 500)
    assert timedelta(seconds=29) < first.next_attempt_at - start < timedelta(seconds=60)
    assert webhooks.send_due(engine, CONFIG) == 0  # not due yet
    with engine.begin() as conn:  # a day later
        conn.execute(update(D).values(retry_from=start - timedelta(days=1), next_attempt_at=start))
    assert webhooks.send_due(engine, CONFIG) == 1
    dead = row(engine)
    assert (dead.state, dead.attempts, dead.next_attempt_at, dead.last_error) == ("dead", 2, None, "answer")


def test_a_rotated_secret_signs_beside_the_new_one_until_its_grace_ends_then_is_forgotten(engine, posts):
    """An endpoint rotated an hour ago with a day's grace: its deliveries are signed with both
    secrets; once the grace has passed, with the new one alone, and the old one is erased."""
    delivery(engine)
    now = utcnow()
    E = WebhookEndpoint.__table__
    with engine.begin() as conn:
        conn.execute(update(E).values(secret="whsec_new", previous_secret="whsec_old",
                                      previous_secret_until=now + timedelta(hours=23), secret_rotated_at=now))
    assert webhooks.send_due(engine, CONFIG, now=now) == 1
    assert posts[-1]["signing"] == ["whsec_new", "whsec_old"]
    with engine.begin() as conn:  # the grace period over (the clock moved by the row), the next delivery
        conn.execute(update(E).values(previous_secret_until=now - timedelta(seconds=1)))
        conn.execute(insert(D).values(delivery_id="d-2", endpoint_id=conn.execute(select(E.c.id)).scalar_one(),
                                      agency_id=1, event_id="e-2", event_type="unit_held", envelope={"payload": {}},
                                      state="pending", attempts=0, next_attempt_at=now, created_at=now,
                                      retry_from=now))
    assert webhooks.send_due(engine, CONFIG, now=now) == 1
    assert posts[-1]["delivery_id"] == "d-2" and posts[-1]["signing"] == ["whsec_new"]
    with engine.connect() as conn:
        kept = conn.execute(select(E)).one()
    assert (kept.secret, kept.previous_secret, kept.previous_secret_until) == ("whsec_new", None, None)
    assert webhooks.endpoint_dict(kept)["previous_secret_until"] is None and "secret" not in webhooks.endpoint_dict(kept)


def endpoint(engine, agency_id, event_types, disabled=False):
    now = utcnow()
    with engine.begin() as conn:
        return conn.execute(insert(WebhookEndpoint.__table__).values(
            agency_id=agency_id, url="https://hooks.example.com/x", event_types=event_types, description="",
            personal_data=False, secret="whsec_test", created_by=1, created_at=now,
            disabled_at=now if disabled else None)).inserted_primary_key[0]


def test_an_event_makes_one_delivery_per_subscribed_endpoint_of_its_agency_and_a_duplicate_none(engine):
    from gateway.models import metadata
    from gateway.service import GatewayService
    from loupan.events import make_envelope
    from loupan.uow import UnitOfWork

    wanted = endpoint(engine, 1, ["unit_held", "contract_signed"])
    endpoint(engine, 1, ["contract_signed"])  # not this event
    endpoint(engine, 1, ["unit_held"], disabled=True)
    endpoint(engine, 2, ["unit_held"])  # another agency's
    body = make_envelope("unit_held", {"hold_id": 1, "unit_id": 5, "unit_label": "1号楼-0101", "customer_name": "张三",
                                       "customer_phone": "13812345678", "advisor_id": 3,
                                       "expires_at": utcnow() + timedelta(hours=1)}, agency_id=1, project_id=7)

    class Gateway:
        db = UnitOfWork(engine, metadata=metadata)

    GatewayService.webhook_unit_held(Gateway(), body)
    GatewayService.webhook_unit_held(Gateway(), body)  # the outbox publishes at least once
    with engine.connect() as conn:
        rows = conn.execute(select(D)).all()
    assert [(r.endpoint_id, r.event_id, r.state, r.attempts) for r in rows] == [(wanted, body["event_id"], "pending", 0)]
    assert rows[0].envelope["payload"]["customer_name"] == "张三"  # kept whole: masked as it is sent
    assert rows[0].envelope["payload"]["expires_at"] == body["payload"]["expires_at"]


def test_two_replicas_sending_at_once_post_a_delivery_once(engine, monkeypatch):
    import eventlet

    made = []

    def slow_post(url, signing, delivery_id, event_type, body, timeout, now):
        made.append(delivery_id)
        eventlet.sleep(0.2)  # the other replica's tick runs meanwhile
        return 200, "ok"

    monkeypatch.setattr(webhooks, "post", slow_post)
    delivery(engine)
    now = utcnow()
    replicas = [eventlet.spawn(webhooks.send_due, engine, CONFIG, now) for _ in range(2)]
    assert sorted(r.wait() for r in replicas) == [0, 1]
    assert made == ["d-1"] and row(engine).state == "delivered" and row(engine).attempts == 1


def test_unit_events_make_one_unit_status_changed_delivery_per_unit_and_endpoint(engine):
    """An endpoint subscribed to unit_status_changed gets one delivery per unit a unit event
    moves (its own event id, derived: a duplicate makes none); one subscribed to the event
    itself too gets that as well; payment events make none."""
    from gateway.models import metadata
    from gateway.service import GatewayService
    from loupan.events import make_envelope
    from loupan.uow import UnitOfWork

    status = endpoint(engine, 1, ["unit_status_changed"])
    both = endpoint(engine, 1, ["unit_status_changed", "units_released"])
    endpoint(engine, 2, ["unit_status_changed"])  # another agency's

    class Gateway:
        db = UnitOfWork(engine, metadata=metadata)

    released = make_envelope("units_released", {"unit_ids": [5, 6]}, agency_id=1, project_id=7)
    signed = make_envelope("contract_signed", {"deal_id": 3, "unit_id": 5, "contract_id": 1, "price": "100.00"},
                           agency_id=1, project_id=7)
    for _ in range(2):  # at least once
        GatewayService.webhook_units_released(Gateway(), released)
    GatewayService.webhook_contract_signed(Gateway(), signed)
    GatewayService.webhook_payment_received(Gateway(), make_envelope(
        "payment_received", {"deal_id": 3, "unit_id": 5, "receipt_id": 1, "receipt_no": "R1", "amount": "1.00",
                             "method": "cash", "received_on": utcnow().date()}, agency_id=1, project_id=7))
    with engine.connect() as conn:
        rows = conn.execute(select(D).order_by(D.c.id)).all()
    got = sorted((r.endpoint_id, r.event_type, r.envelope["payload"].get("unit_id"),
                  r.envelope["payload"].get("from_status"), r.envelope["payload"].get("to_status")) for r in rows)
    assert got == sorted([
        (status, "unit_status_changed", 5, "unreleased", "available"),
        (status, "unit_status_changed", 6, "unreleased", "available"),
        (both, "unit_status_changed", 5, "unreleased", "available"),
        (both, "unit_status_changed", 6, "unreleased", "available"),
        (both, "units_released", None, None, None),
        (status, "unit_status_changed", 5, "subscribed", "signed"),
        (both, "unit_status_changed", 5, "subscribed", "signed")])
    derived = [r for r in rows if r.event_type == "unit_status_changed"]
    assert all(r.envelope["event_id"] == r.event_id != released["event_id"] for r in derived)
    assert {r.event_id for r in derived if r.endpoint_id == status} == {r.event_id for r in derived
                                                                         if r.endpoint_id == both}
    assert {r.envelope["payload"]["cause_event_id"] for r in derived} == {str(released["event_id"]),
                                                                          str(signed["event_id"])}
