"""Units moved by deals, through the real entrypoints on SQLite and PostgreSQL with the real
broker: the contracts saga's RPCs (认购, 换房, 退房) with their retries and 409s, the contracts
events published from the test, and subscribe_hold racing the hold-expiry timer."""
import json
from datetime import timedelta
from decimal import Decimal

import eventlet
import pytest
from kombu import Connection, Exchange, Producer, Queue
from loupan.testing import cluster_rpc, sealed_context
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, func, select, update

from loupan import bus
from loupan.errors import Conflict, Forbidden, Invalid, NotFound
from loupan.events import make_envelope
from loupan.testing import wait_until as poll
from loupan.types import utcnow
from services.inventory.models import Hold, Unit, UnitHistory, inbox
from services.inventory.tests.conftest import DIRECTOR, unit
from services.inventory.tests.test_holds import BUYER, advisor, released

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

MANAGER = dict(DIRECTOR, account_id=2, username="mgr", role="manager")
CONTRACTS = {"account_id": 2, "username": "mgr", "role": "manager"}


@pytest.fixture
def db(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    yield engine
    engine.dispose()


def unit_state(db, unit_id):
    with db.connect() as conn:
        return tuple(conn.execute(select(Unit.status, Unit.deal_id, Unit.advisor_id)
                                  .where(Unit.id == unit_id)).one())


def hold_state(db, hold_id):
    with db.connect() as conn:
        return tuple(conn.execute(select(Hold.status, Hold.deal_id).where(Hold.id == hold_id)).one())


def moves(db, unit_id):
    with db.connect() as conn:
        return conn.execute(select(UnitHistory.from_status, UnitHistory.to_status, UnitHistory.advisor_id,
                                   UnitHistory.reason)
                            .where(UnitHistory.unit_id == unit_id).order_by(UnitHistory.id)).all()


def publish(inventory, event_type, payload, project, copies=1):
    """What the contracts service will publish: a validated envelope on contracts.events."""
    envelope = make_envelope(event_type, payload, agency_id=1, project_id=project["project"]["id"],
                             actor=CONTRACTS)
    exchange = Exchange("contracts.events", type="topic", durable=True)
    with Connection(inventory.config["AMQP_URI"]) as conn:
        producer = Producer(conn.channel())
        for _ in range(copies):
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key=event_type,
                             content_type="application/json", content_encoding="utf-8", declare=[exchange])
    return envelope


def handled(db, handler, envelope):
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(inbox).where(
            inbox.c.handler == handler, inbox.c.event_id == envelope["event_id"])).scalar_one()


def dead_letter(inventory, event_type, method):
    name = f"evt-contracts-{event_type}--inventory.{method}.dlq"
    with Connection(inventory.config["AMQP_URI"]) as conn:
        queue = Queue(name, exchange=Exchange(""), routing_key=name, durable=True)(conn.channel())
        message = queue.get(no_ack=True)
        return message.payload if message is not None else None


def subscribed(call, project, index=0, deal_id=500, phone="13812345678"):
    """A unit held by advisor 7 and subscribed for `deal_id`; returns (unit_id, hold)."""
    unit_id = released(call, project)[index]
    hold = call("hold_unit", advisor(project), unit_id, dict(BUYER, customer_phone=phone))
    call("subscribe_hold", advisor(project), hold["hold_id"], deal_id)
    return unit_id, hold


def approval(unit_id, deal_id, hold_id):
    return {"deal_id": deal_id, "unit_id": unit_id, "advisor_id": 7, "subscription_id": deal_id,
            "hold_id": hold_id, "customer_name": "李四", "customer_phone": "13812345678",
            "price": Decimal("2900000.00"), "payment_method": "mortgage"}


# 认购 ------------------------------------------------------------------------------------
def test_subscribe_hold_turns_the_hold_into_the_deal_once(call, project, db):
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    with db.begin() as conn:  # an approved special price, as the discount flow records it
        conn.execute(update(Hold).where(Hold.id == hold["hold_id"]).values(special_price=Decimal("2900000.00")))
    result = call("subscribe_hold", advisor(project), hold["hold_id"], 501)
    assert result == {
        "deal_id": 501, "hold_id": hold["hold_id"], "unit_id": unit_id, "unit_label": "1号楼-101",
        "project_id": project["project"]["id"], "status": "subscribed", "advisor_id": 7,
        "customer_name": "李四", "customer_phone": "13812345678", "gross_area": "100.00",
        "list_price": "3000000.00", "base_price": "2800000.00", "special_price": "2900000.00",
    }
    assert call("subscribe_hold", advisor(project), hold["hold_id"], 501) == result  # the saga's retry
    with pytest.raises(Conflict) as err:
        call("subscribe_hold", MANAGER, hold["hold_id"], 502)
    assert err.value.code == "HOLD_CONVERTED"
    assert unit_state(db, unit_id) == ("subscribed", 501, 7)
    assert hold_state(db, hold["hold_id"]) == ("converted", 501)
    assert [m[:2] for m in moves(db, unit_id)][-2:] == [("available", "held"), ("held", "subscribed")]
    assert moves(db, unit_id)[-1].advisor_id == 7
    assert "deal 501" in moves(db, unit_id)[-1].reason


def test_a_hold_turned_into_a_deal_is_told_once_for_the_live_board(call, project, event_sink):
    sink = event_sink("inventory")
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    call("subscribe_hold", advisor(project), hold["hold_id"], 601)
    call("subscribe_hold", advisor(project), hold["hold_id"], 601)  # the saga's retry: no second event
    (event,) = sink.wait_for("unit_hold_converted")
    assert event["payload"] == {"hold_id": hold["hold_id"], "unit_id": unit_id, "unit_label": "1号楼-101",
                                "deal_id": 601, "advisor_id": 7, "launch_id": None}
    assert event["project_id"] == project["project"]["id"]
    eventlet.sleep(1)
    assert len([e for e in sink.drain() if e["type"] == "unit_hold_converted"]) == 1


def sealed_call(inventory, issuer, method, actor, *args):
    """The entrypoint called with `actor` sealed by `issuer` (a service's name, or the gateway)."""
    with entrypoint_hook(inventory, method, context_data=sealed_context(inventory.config, actor, issuer)) as hook:
        return hook(actor, *args)


def test_a_service_acting_as_itself_subscribes_any_hold_of_its_scope_the_gateway_cannot(
        inventory, call, project, db):
    """Issue 30: contracts' sweep calls as SYSTEM (the service itself, for the deal's agency
    and project), not as a user. Inventory lets it subscribe any advisor's hold of that scope
    only when a service sealed the call; a SYSTEM actor sealed by the gateway is refused and
    counted, and the agency and project still scope the service's call."""
    ids = released(call, project, 3)
    held = [call("hold_unit", advisor(project), unit_id, dict(BUYER, customer_phone=f"1381234567{i}"))
            for i, unit_id in enumerate(ids)]
    project_id = project["project"]["id"]
    system = bus.system_actor("contracts", 1, project_id)
    refusals = bus.refused_counter().labels("subscribe_hold", "system_by_gateway")
    before = refusals._value.get()
    with pytest.raises(Forbidden) as err:
        sealed_call(inventory, "gateway", "subscribe_hold", system, held[0]["hold_id"], 601)
    assert err.value.code == "SYSTEM_FROM_GATEWAY" and refusals._value.get() == before + 1
    assert hold_state(db, held[0]["hold_id"]) == ("active", None)
    # a user's actor through the gateway still goes through the rules: another advisor's hold
    with pytest.raises(Forbidden) as err:
        sealed_call(inventory, "gateway", "subscribe_hold", advisor(project, 8), held[0]["hold_id"], 601)
    assert err.value.code == "NOT_HOLD_OWNER"
    # the service as itself, but for another agency or another project: not found / forbidden
    with pytest.raises(NotFound):
        sealed_call(inventory, "contracts", "subscribe_hold", bus.system_actor("contracts", 2, project_id),
                    held[1]["hold_id"], 602)
    with pytest.raises(Forbidden) as err:
        sealed_call(inventory, "contracts", "subscribe_hold", bus.system_actor("contracts", 1, project_id + 1000),
                    held[1]["hold_id"], 602)
    assert err.value.code == "PROJECT_FORBIDDEN"
    # sealed by contracts: done, and the unit's history names the service, no account
    result = sealed_call(inventory, "contracts", "subscribe_hold", system, held[1]["hold_id"], 602)
    assert (result["deal_id"], result["status"], result["advisor_id"]) == (602, "subscribed", 7)
    with db.connect() as conn:
        last = conn.execute(select(UnitHistory.actor_id, UnitHistory.actor_name).where(
            UnitHistory.unit_id == ids[1]).order_by(UnitHistory.id.desc()).limit(1)).one()
    assert tuple(last) == (None, "contracts")
    # 换房 and 退房 as the service: its role is not a manager's, its seal says who it is
    to_unit = project["units"][3]["id"]
    call("release_units", DIRECTOR, project_id, {"unit_ids": [to_unit]})
    swapped = sealed_call(inventory, "contracts", "swap_unit", system, 602, ids[1], to_unit)
    assert swapped["status"] == "subscribed"
    with pytest.raises(Forbidden):
        sealed_call(inventory, "gateway", "release_deal_unit", system, 602, to_unit, "退房")
    assert sealed_call(inventory, "contracts", "release_deal_unit", system, 602, to_unit, "退房")["released"]


def test_subscribe_refuses_cancelled_and_lapsed_holds(inventory, call, project, db):
    ids = released(call, project, 2)
    cancelled = call("hold_unit", advisor(project), ids[0], BUYER)
    call("cancel_hold", advisor(project), cancelled["hold_id"])
    with pytest.raises(Conflict) as err:
        call("subscribe_hold", advisor(project), cancelled["hold_id"], 511)
    assert err.value.code == "HOLD_NOT_ACTIVE" and unit_state(db, ids[0])[:2] == ("available", None)
    lapsed = call("hold_unit", advisor(project), ids[1], BUYER)
    with db.begin() as conn:  # past its expiry instant, the timer not yet run
        conn.execute(update(Hold).where(Hold.id == lapsed["hold_id"])
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    with pytest.raises(Conflict) as err:
        call("subscribe_hold", advisor(project), lapsed["hold_id"], 512)
    assert err.value.code == "HOLD_NOT_ACTIVE" and unit_state(db, ids[1])[:2] == ("held", None)
    with entrypoint_hook(inventory, "expire_holds") as expire:
        expire()
    assert hold_state(db, lapsed["hold_id"]) == ("expired", None)
    assert unit_state(db, ids[1])[:2] == ("available", None)


def test_subscribe_checks_who_and_what(call, project, db):
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    with pytest.raises(Forbidden):
        call("subscribe_hold", advisor(project, 8), hold["hold_id"], 521)  # another advisor's hold
    with pytest.raises(NotFound):
        call("subscribe_hold", dict(DIRECTOR, agency_id=2), hold["hold_id"], 521)
    with pytest.raises(NotFound):
        call("subscribe_hold", DIRECTOR, 999999, 521)
    with pytest.raises(Invalid):
        call("subscribe_hold", DIRECTOR, hold["hold_id"], "521")
    assert unit_state(db, unit_id)[:2] == ("held", None)
    assert hold_state(db, hold["hold_id"]) == ("active", None)


def test_one_deal_cannot_take_two_units(call, project, db):
    first, _ = subscribed(call, project, 0, deal_id=531)
    unit_id = released(call, project)[1]
    hold = call("hold_unit", advisor(project), unit_id, dict(BUYER, customer_phone="13900000001"))
    with pytest.raises(Conflict) as err:
        call("subscribe_hold", advisor(project), hold["hold_id"], 531)
    assert err.value.code == "DEAL_ON_ANOTHER_UNIT"
    assert unit_state(db, unit_id)[:2] == ("held", None) and hold_state(db, hold["hold_id"]) == ("active", None)
    assert unit_state(db, first) == ("subscribed", 531, 7)


# 换房 ------------------------------------------------------------------------------------
def test_swap_moves_the_deal_and_returns_the_price_difference(call, project, db):
    pid = project["project"]["id"]
    (dearer,) = call("create_units", DIRECTOR, pid, {"units": [
        unit(project["building"]["id"], "1102", 11, list_price="3250000.00", base_price="3000000.00")]})
    call("release_units", DIRECTOR, pid, {"unit_ids": [dearer["id"]]})
    old, _ = subscribed(call, project, 0, deal_id=601)
    result = call("swap_unit", MANAGER, 601, old, dearer["id"])
    assert result == {"deal_id": 601, "from_unit_id": old, "to_unit_id": dearer["id"], "status": "subscribed",
                      "from_list_price": "3000000.00", "to_list_price": "3250000.00",
                      "price_difference": "250000.00"}
    assert call("swap_unit", MANAGER, 601, old, dearer["id"]) == result  # the saga's retry
    assert unit_state(db, old) == ("available", None, None)
    assert unit_state(db, dearer["id"]) == ("subscribed", 601, 7)
    assert moves(db, old)[-1][:3] == ("subscribed", "available", 7)
    assert moves(db, dearer["id"])[-1][:3] == ("available", "subscribed", 7)


def test_swap_to_a_taken_unit_changes_nothing(call, project, db):
    ids = released(call, project, 3)
    old, _ = subscribed(call, project, 0, deal_id=611)
    call("hold_unit", advisor(project, 8), ids[1], dict(BUYER, customer_phone="13900000002"))
    with pytest.raises(Conflict) as err:
        call("swap_unit", MANAGER, 611, old, ids[1])
    assert err.value.code == "UNIT_NOT_AVAILABLE"
    with pytest.raises(Conflict) as err:
        call("swap_unit", MANAGER, 612, old, ids[2])  # a deal that is not on the unit
    assert err.value.code == "DEAL_NOT_ON_UNIT"
    with pytest.raises(Forbidden):
        call("swap_unit", advisor(project), 611, old, ids[2])
    with pytest.raises(Invalid):
        call("swap_unit", MANAGER, 611, old, old)
    assert unit_state(db, old) == ("subscribed", 611, 7)
    assert unit_state(db, ids[1])[:2] == ("held", None) and unit_state(db, ids[2]) == ("available", None, None)


# 退房 ------------------------------------------------------------------------------------
def test_release_puts_the_deals_unit_back_on_sale_once(call, project, db):
    unit_id, _ = subscribed(call, project, 0, deal_id=701)
    with pytest.raises(Forbidden):
        call("release_deal_unit", advisor(project), 701, unit_id, "客户放弃")
    result = call("release_deal_unit", MANAGER, 701, unit_id, "客户放弃")
    assert result == {"deal_id": 701, "unit_id": unit_id, "released": True, "status": "available"}
    assert unit_state(db, unit_id) == ("available", None, None)
    assert moves(db, unit_id)[-1][:3] == ("subscribed", "available", 7)
    assert moves(db, unit_id)[-1].reason == "退房 deal 701: 客户放弃"
    again = call("release_deal_unit", MANAGER, 701, unit_id, "客户放弃")
    assert again == {"deal_id": 701, "unit_id": unit_id, "released": False, "status": "available"}
    assert len(moves(db, unit_id)) == 5  # created, released, held, subscribed, back: no second row
    call("hold_unit", advisor(project, 8), unit_id, BUYER)  # on sale again


# the contracts events ------------------------------------------------------------------
def test_contract_events_move_the_unit_through_its_life(inventory, call, project, db):
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    publish(inventory, "subscription_approved", approval(unit_id, 801, hold["hold_id"]), project)
    poll(lambda: unit_state(db, unit_id) == ("subscribed", 801, 7), what="subscribed")
    assert hold_state(db, hold["hold_id"]) == ("converted", 801)
    deal = {"deal_id": 801, "unit_id": unit_id, "advisor_id": 7}
    publish(inventory, "contract_signed", dict(deal, contract_id=9, price=Decimal("2900000.00")), project)
    poll(lambda: unit_state(db, unit_id)[0] == "signed", what="signed")
    publish(inventory, "contract_filed", dict(deal, filing_no="杭备2026-001"), project)
    poll(lambda: unit_state(db, unit_id)[0] == "filed", what="filed")
    publish(inventory, "unit_handed_over", dict(deal, handed_over_at=utcnow()), project)
    poll(lambda: unit_state(db, unit_id)[0] == "delivered", what="delivered")
    assert [m.to_status for m in moves(db, unit_id)] == [
        "unreleased", "available", "held", "subscribed", "signed", "filed", "delivered"]
    assert {m.advisor_id for m in moves(db, unit_id)[3:]} == {7}
    with pytest.raises(Conflict) as err:  # 交付 is final
        call("release_deal_unit", MANAGER, 801, unit_id, "太晚了")
    assert err.value.code == "UNIT_NOT_RELEASABLE"


@pytest.mark.fresh_broker  # counts the acks of a queue since it was made
def test_events_after_the_rpc_and_duplicates_change_nothing(inventory, call, project, db, rabbit_config,
                                                           rabbit_manager):
    unit_id, hold = subscribed(call, project, 0, deal_id=811)
    approved = publish(inventory, "subscription_approved", approval(unit_id, 811, hold["hold_id"]), project)
    poll(lambda: handled(db, "on_subscription_approved", approved), what="approval handled")
    signed = publish(inventory, "contract_signed", {"deal_id": 811, "unit_id": unit_id, "advisor_id": 7,
                                                    "contract_id": 9, "price": Decimal("2900000.00")},
                     project, copies=2)
    queue = "evt-contracts-contract_signed--inventory.on_contract_signed"
    poll(lambda: rabbit_manager.get_queue(rabbit_config["vhost"], queue).get("message_stats", {})
         .get("ack", 0) >= 2, timeout=30, what="both copies consumed")
    assert unit_state(db, unit_id) == ("signed", 811, 7)
    assert [m.to_status for m in moves(db, unit_id)][2:] == ["held", "subscribed", "signed"]
    assert handled(db, "on_contract_signed", signed) == 1


def test_an_approval_after_the_hold_ended_takes_the_unit_if_still_free(inventory, call, project, db):
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    call("cancel_hold", advisor(project), hold["hold_id"])
    publish(inventory, "subscription_approved", approval(unit_id, 821, hold["hold_id"]), project)
    poll(lambda: unit_state(db, unit_id) == ("subscribed", 821, 7), what="subscribed")
    assert moves(db, unit_id)[-1][:2] == ("available", "subscribed")
    assert hold_state(db, hold["hold_id"]) == ("cancelled", None)


def test_swap_and_cancel_events_follow_the_deal(inventory, call, project, db):
    ids = released(call, project, 3)
    old, _ = subscribed(call, project, 0, deal_id=831)
    publish(inventory, "deal_unit_swapped", {"deal_id": 831, "from_unit_id": old, "to_unit_id": ids[1],
                                             "advisor_id": 7}, project)
    poll(lambda: unit_state(db, ids[1]) == ("subscribed", 831, 7), what="swapped")
    assert unit_state(db, old) == ("available", None, None)
    call("swap_unit", MANAGER, 831, ids[1], ids[2])  # the RPC first, then its event: done once
    swapped = publish(inventory, "deal_unit_swapped", {"deal_id": 831, "from_unit_id": ids[1],
                                                       "to_unit_id": ids[2], "advisor_id": 7}, project)
    poll(lambda: handled(db, "on_deal_unit_swapped", swapped), what="second swap handled")
    assert len(moves(db, ids[2])) == 3  # created, released, subscribed
    publish(inventory, "deal_cancelled", {"deal_id": 831, "unit_id": ids[2], "advisor_id": 7,
                                          "reason": "客户退房"}, project)
    poll(lambda: unit_state(db, ids[2]) == ("available", None, None), what="cancelled")
    assert moves(db, ids[2])[-1].reason == "退房 deal 831: 客户退房"


def test_events_for_a_unit_in_the_wrong_status_are_dead_lettered(inventory, call, project, db):
    unit_id, _ = subscribed(call, project, 0, deal_id=841)
    filed = publish(inventory, "contract_filed", {"deal_id": 841, "unit_id": unit_id, "advisor_id": 7,
                                                  "filing_no": "杭备2026-002"}, project)  # not signed yet
    parked = poll(lambda: dead_letter(inventory, "contract_filed", "on_contract_filed"), what="dead letter")
    assert parked["event_id"] == filed["event_id"]
    # another deal approved on the same unit: an oversell is never written over
    other = publish(inventory, "subscription_approved", approval(unit_id, 842, None), project)
    parked = poll(lambda: dead_letter(inventory, "subscription_approved", "on_subscription_approved"),
                  what="dead letter")
    assert parked["event_id"] == other["event_id"]
    assert unit_state(db, unit_id) == ("subscribed", 841, 7)
    assert [m.to_status for m in moves(db, unit_id)][-1] == "subscribed"


# the race -------------------------------------------------------------------------------
def test_subscribe_and_the_expiry_timer_racing_end_each_hold_one_way(inventory, call, project, db):
    """Six holds lapse at the same instant while subscribe_hold calls are spread around it and
    the expiry timer runs over and over: each hold ends converted or expired, never both,
    and its unit agrees (subscribed for the deal, or available with no deal)."""
    ids = released(call, project, 6)
    holds = [call("hold_unit", advisor(project), uid, dict(BUYER, customer_phone=f"1390000010{i}"))["hold_id"]
             for i, uid in enumerate(ids)]
    with db.begin() as conn:
        conn.execute(update(Hold).where(Hold.id.in_(holds)).values(expires_at=utcnow() + timedelta(seconds=0.6)))
    outcomes = {}

    def expire():
        for _ in range(30):
            with entrypoint_hook(inventory, "expire_holds") as hook:
                hook()
            eventlet.sleep(0.05)

    timer = eventlet.spawn(expire)
    with cluster_rpc(inventory.config) as rpc:
        replies = []
        for i, hold_id in enumerate(holds):  # spread around the expiry instant
            replies.append(rpc.inventory.subscribe_hold.call_async(advisor(project), hold_id, 900 + i))
            eventlet.sleep(0.2)
        for i, reply in enumerate(replies):
            try:
                reply.result()
                outcomes[i] = "converted"
            except Conflict as exc:
                outcomes[i] = exc.code
    timer.wait()
    with entrypoint_hook(inventory, "expire_holds") as hook:
        hook()  # whatever lapsed unconverted is expired by now
    for i, (hold_id, unit_id) in enumerate(zip(holds, ids)):
        status, deal_id = hold_state(db, hold_id)
        if status == "converted":
            assert outcomes[i] == "converted" and deal_id == 900 + i
            assert unit_state(db, unit_id) == ("subscribed", 900 + i, 7)
        else:
            assert (status, deal_id) == ("expired", None) and outcomes[i] == "HOLD_NOT_ACTIVE"
            assert unit_state(db, unit_id)[:2] == ("available", None)
        assert len([m for m in moves(db, unit_id) if m.from_status == "held"]) == 1


def test_get_unit_shows_the_deal_and_the_active_hold(call, project, db):
    ids = released(call, project, 2)
    hold = call("hold_unit", advisor(project), ids[0], BUYER)
    detail = call("get_unit", advisor(project), ids[0])
    assert detail["status"] == "held" and detail["deal_id"] is None
    assert detail["hold"]["hold_id"] == hold["hold_id"] and detail["hold"]["customer_phone"] == "13812345678"
    assert call("get_unit", advisor(project, 8), ids[0])["hold"]["customer_phone"] == "138****5678"
    unit_id, _ = subscribed(call, project, 1, deal_id=1001, phone="13900000003")
    detail = call("get_unit", DIRECTOR, unit_id)
    assert (detail["status"], detail["deal_id"], detail["advisor_id"], detail["hold"]) == ("subscribed", 1001, 7, None)
    with pytest.raises(Forbidden):
        call("get_unit", dict(DIRECTOR, role="developer_viewer", project_ids=[999]), unit_id)
    with pytest.raises(NotFound):
        call("get_unit", DIRECTOR, 999999)
