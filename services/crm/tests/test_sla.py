"""跟进时效 through the real crm entrypoints, on SQLite and PostgreSQL: the overdue lists of an
advisor and of a site, and the sweep publishing sla_breached once per item whatever the
re-runs and replicas. Time is moved by writing registered_at back."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from loupan.errors import Forbidden
from loupan.testing import db_rows, db_write, entrypoint_caller
from loupan.outbox import Outbox
from loupan.types import utcnow
from loupan.uow import UnitOfWork, make_engine
from services.crm import sla
from services.crm.models import Customer, SlaBreach, metadata, outbox
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
SUPERVISOR = actor(13, "supervisor", [P])
MANAGER = actor(2, "manager", [P])
ASSISTANT = actor(14, "assistant", [P])


@pytest.fixture
def crm_config(crm_config):
    """The sweep runs only when a test calls it."""
    return dict(crm_config, SLA_SWEEP_SECONDS=3600)


def lead(call, config, who, mobile, hours_ago, grade=None):
    customer = call("register_customer", who, P, {"mobile": mobile, "name": f"客户{mobile[-4:]}", "channel": "online",
                                                  "grade": grade})["customer"]
    db_write(config, update(Customer).where(Customer.id == customer["id"])
             .values(registered_at=utcnow() - timedelta(hours=hours_ago)))
    return customer


def rules(items):
    return [(i["customer_id"], i["rule"]) for i in items]


def breaches_published(config):
    return db_rows(config, select(func.count()).select_from(outbox).where(outbox.c.routing_key == "sla_breached"))[0][0]


def test_a_lead_not_answered_in_24_hours_is_on_its_advisors_list_until_followed_up(call, crm_config):
    fresh = lead(call, crm_config, ALICE, "13800000001", 23)
    late = lead(call, crm_config, ALICE, "13800000002", 25)
    [item] = call("overdue_items", ALICE, P, {})
    assert (item["customer_id"], item["rule"], item["advisor_id"]) == (late["id"], "first_response", 11)
    assert 55 <= item["minutes_late"] <= 65 and item["customer_name"] == "客户0002"
    call("add_follow_up", ALICE, late["id"], {"kind": "call", "note": "已回电"})
    assert call("overdue_items", ALICE, P, {}) == []
    assert fresh["id"] != late["id"]


def test_needs_analysis_and_the_weekly_follow_up_of_a_leads(call, crm_config):
    customer = lead(call, crm_config, ALICE, "13800000003", 8 * 24, grade="A")
    assert rules(call("overdue_items", ALICE, P, {})) == [
        (customer["id"], "first_response"), (customer["id"], "needs_analysis"), (customer["id"], "weekly_follow_up")]
    call("add_follow_up", ALICE, customer["id"], {"kind": "visit", "note": "聊了预算和户型"})
    assert rules(call("overdue_items", ALICE, P, {})) == [(customer["id"], "needs_analysis")]
    call("add_follow_up", ALICE, customer["id"], {"kind": "call", "note": "需求分析", "needs_analysis": True})
    assert call("overdue_items", ALICE, P, {}) == []


def test_an_advisor_sees_their_own_list_and_the_site_leaders_everyones(call, crm_config):
    mine = lead(call, crm_config, ALICE, "13800000004", 30)
    theirs = lead(call, crm_config, BOB, "13800000005", 30)
    assert rules(call("overdue_items", ALICE, P, {})) == [(mine["id"], "first_response")]
    assert rules(call("overdue_items", BOB, P, {"advisor_id": None})) == [(theirs["id"], "first_response")]
    with pytest.raises(Forbidden):
        call("overdue_items", ALICE, P, {"advisor_id": BOB["account_id"]})
    for leader in (SUPERVISOR, MANAGER):
        assert {i["customer_id"] for i in call("overdue_items", leader, P, {})} == {mine["id"], theirs["id"]}
    assert rules(call("overdue_items", SUPERVISOR, P, {"advisor_id": 12})) == [(theirs["id"], "first_response")]
    with pytest.raises(Forbidden):
        call("overdue_items", ASSISTANT, P, {})


def test_invalid_grade_d_and_pool_leads_owe_nothing(call, crm_config):
    lead(call, crm_config, ALICE, "13800000006", 30, grade="D")
    lead(call, crm_config, MANAGER, "13800000007", 30)  # a manager's registration goes to the pool
    assert call("overdue_items", MANAGER, P, {}) == []


def test_the_sweep_publishes_each_breach_once_however_often_it_runs(call, crm_config, event_sink):
    sink = event_sink("crm")
    customer = lead(call, crm_config, ALICE, "13800000008", 25)
    call("sweep_sla_breaches")
    call("sweep_sla_breaches")
    [event] = sink.wait_for("sla_breached")
    assert event["payload"]["customer_id"] == customer["id"] and event["payload"]["rule"] == "first_response"
    assert event["payload"]["advisor_id"] == 11 and event["project_id"] == P
    assert event["payload"]["customer_name"] == "客户0008"  # for the notifications it becomes
    assert breaches_published(crm_config) == 1
    assert [(r.customer_id, r.rule, r.advisor_id) for r in db_rows(crm_config, select(SlaBreach))] == \
        [(customer["id"], "first_response", 11)]


def test_a_second_replica_recording_the_same_breach_publishes_nothing(call, crm_config):
    """The race of two sweeps: both read the item as new; the unique key lets one record
    (and publish) it, the other's insert is refused and it publishes nothing."""
    customer = lead(call, crm_config, ALICE, "13800000009", 25)
    engine = make_engine(crm_config["DATABASE_URL"])
    relay = Outbox(outbox, "crm", engine, crm_config["AMQP_URI"])

    def unit():
        return UnitOfWork(engine, relay, metadata)

    try:
        now = utcnow()
        seen = []
        for _ in range(2):  # both replicas read before either records
            reader = unit()
            seen.append(sla._candidates(reader.session, now, 0)[0])
            reader.close()
        assert seen[0] == seen[1] and [(i["customer_id"], i["rule"]) for i in seen[0]] == \
            [(customer["id"], "first_response")]
        recorded = []
        for items in seen:
            writer = unit()
            recorded.append(sla._record(writer, items[0], now))
            writer.close()
        assert recorded == [1, 0]
        assert breaches_published(crm_config) == 1
    finally:
        relay.stop()
        engine.dispose()


def test_the_timer_sweeps_on_its_own(crm_config, container_factory, event_sink):
    from services.crm.service import CrmService

    container = container_factory(CrmService, dict(crm_config, SLA_SWEEP_SECONDS=0.2))
    container.start()
    sink = event_sink("crm")
    customer = lead(entrypoint_caller(container), crm_config, ALICE, "13800000010", 25)
    [event] = sink.wait_for("sla_breached")
    assert event["payload"]["customer_id"] == customer["id"]
