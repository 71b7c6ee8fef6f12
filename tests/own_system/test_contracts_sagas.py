"""Crash tests of the contracts sagas (认购, 换房, 退房) on PostgreSQL with every service running.

contracts is restarted with a failpoint armed (loupan.failpoints: SIGKILL at a named point),
the saga is driven until the process dies there, contracts is started again without it,
and then the unit (inventory), the deal (contracts) and the events agree: the change done
once, one event on contracts.events, one move in the unit's history."""
import json
import signal
from functools import partial

import pytest
from sqlalchemy import create_engine, select

from loupan.testing import EventSink, wait_until
from services.contracts.models import outbox
from services.inventory.models import Hold
from tests.api import own_system
from tests.test_contracts_changes_api import CANCEL, Site

poll = partial(wait_until, timeout=60)  # a restart and a sweep take a while
CONTRACTS = ("contracts", 0)
# contracts is restarted with failpoints armed and a short sweep grace: a system of its own
system = own_system()


@pytest.fixture(scope="module")
def site(system, director):
    return Site(system, director, "saga", units=12)


@pytest.fixture
def sink(system):
    sink = EventSink(system.amqp_uri, "contracts")
    yield sink
    sink.close()


def restart_contracts(system, failpoints=None):
    """contracts killed and started again, with `failpoints` armed (None: none); approved
    changes are swept a second after their decision."""
    if CONTRACTS in system.procs:
        # nameko acks an RPC request after replying: killed in between, the request would be
        # redelivered and run again on restart (a second change request), so wait for the ack
        poll(lambda: rpc_queue_settled(system), what="contracts' RPC requests acked")
        system.kill("contracts")
    env = system.env_of[("contracts", 0, None)]
    env["CHANGE_SWEEP_GRACE_SECONDS"] = "1"
    env.pop("LOUPAN_FAILPOINTS", None)
    if failpoints:
        env["LOUPAN_FAILPOINTS"] = failpoints
    system.start_service("contracts")


def rpc_queue_settled(system):
    info = system.rabbit._call("GET", f"queues/{system.vhost}/rpc-contracts").json()
    return info.get("messages", 1) == 0 and info.get("messages_unacknowledged", 1) == 0


def dies_at_the_failpoint(system, drive):
    """Run `drive()` (an HTTP call that reaches the failpoint): the gateway gives up with 503
    and contracts is dead of SIGKILL."""
    proc = system.procs[CONTRACTS]
    response = drive()
    assert response.status_code == 503, response.text
    poll(lambda: proc.poll() is not None, what="contracts killed at the failpoint")
    assert proc.returncode == -signal.SIGKILL
    system.procs.pop(CONTRACTS)


def sent_events(system, event_type, deal_id):
    """The outbox rows of `event_type` for the deal: (state) of each."""
    engine = create_engine(system.urls["contracts"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(outbox.c.state, outbox.c.body).where(outbox.c.routing_key == event_type)).all()
    finally:
        engine.dispose()
    return [r.state for r in rows if json.loads(r.body)["payload"]["deal_id"] == deal_id]


def hold_row(system, hold_id):
    """(status, deal_id) of the hold in inventory's database."""
    engine = create_engine(system.urls["inventory"])
    try:
        with engine.connect() as conn:
            return tuple(conn.execute(select(Hold.status, Hold.deal_id).where(Hold.id == hold_id)).one())
    finally:
        engine.dispose()


def received(sink, event_type, deal_id):
    return [e for e in sink.drain() if e["type"] == event_type and e["payload"]["deal_id"] == deal_id]


def moves(site, unit_id, word):
    history = site.manager.ok(site.manager.get(f"/api/units/{unit_id}/history"))
    return [(h["from_status"], h["to_status"]) for h in history if word in (h["reason"] or "")]


def change_of(site, deal_id):
    (change,) = site.manager.ok(site.manager.get(f"/api/deals/{deal_id}/changes"))
    return change


@pytest.mark.parametrize("failpoint", ["contracts.swap.after_approve", "contracts.swap.after_inventory"])
def test_a_swap_killed_midway_is_finished_once_after_restart(system, site, sink, failpoint):
    deal_id, old_unit = site.deal("signed")
    target = site.free.pop()
    swap = site.ask(deal_id, {"kind": "swap", "to_unit_id": target})
    restart_contracts(system, failpoint)
    try:
        dies_at_the_failpoint(system, lambda: site.approve(swap["id"]))
        if failpoint.endswith("after_inventory"):  # inventory committed its half already
            assert site.unit(target)["deal_id"] == deal_id
    finally:
        restart_contracts(system)
    poll(lambda: change_of(site, deal_id)["status"] == "applied", what="swap applied by the sweep")
    deal = site.get_deal(deal_id)
    assert (deal["unit_id"], deal["status"], deal["price"]) == (target, "signed", swap["new_price"])
    assert (site.unit(target)["status"], site.unit(target)["deal_id"]) == ("signed", deal_id)
    assert (site.unit(old_unit)["status"], site.unit(old_unit)["deal_id"]) == ("available", None)
    poll(lambda: sent_events(system, "deal_unit_swapped", deal_id) == ["sent"], what="one event, sent")
    poll(lambda: received(sink, "deal_unit_swapped", deal_id), what="deal_unit_swapped on the bus")
    assert len(received(sink, "deal_unit_swapped", deal_id)) == 1
    assert len([h for h in deal["history"] if "换房" in (h["note"] or "")]) == 1
    assert moves(site, target, "换房") == [("available", "signed")]
    assert moves(site, old_unit, "换房") == [("signed", "available")]


@pytest.mark.parametrize("failpoint", ["contracts.cancel.after_approve", "contracts.cancel.after_apply"])
def test_a_cancel_killed_midway_releases_the_unit_once_after_restart(system, site, sink, failpoint):
    """after_approve: the decision is committed, the deal untouched; after_apply: the deal is
    cancelled and deal_cancelled committed in the outbox but never relayed."""
    deal_id, unit_id = site.deal("subscribed")
    change = site.ask(deal_id, CANCEL)
    restart_contracts(system, failpoint)
    try:
        dies_at_the_failpoint(system, lambda: site.approve(change["id"]))
        expected = ["pending"] if failpoint.endswith("after_apply") else []
        assert sent_events(system, "deal_cancelled", deal_id) == expected
        assert received(sink, "deal_cancelled", deal_id) == []
        assert site.unit(unit_id)["deal_id"] == deal_id  # inventory has heard nothing yet
    finally:
        restart_contracts(system)
    poll(lambda: change_of(site, deal_id)["status"] == "applied", what="cancel applied")
    assert site.get_deal(deal_id)["status"] == "cancelled"
    poll(lambda: site.unit(unit_id)["status"] == "available", what="unit released by inventory")
    assert site.unit(unit_id)["deal_id"] is None
    poll(lambda: sent_events(system, "deal_cancelled", deal_id) == ["sent"], what="one event, sent")
    poll(lambda: received(sink, "deal_cancelled", deal_id), what="deal_cancelled on the bus")
    assert len(received(sink, "deal_cancelled", deal_id)) == 1
    assert moves(site, unit_id, "退房") == [("subscribed", "available")]


@pytest.mark.parametrize("failpoint", ["contracts.subscribe.after_pending", "contracts.subscribe.after_inventory"])
def test_a_subscription_killed_midway_is_submitted_once_after_restart(system, site, failpoint):
    """after_pending: the deal is committed pending, inventory not asked yet; after_inventory:
    inventory converted the hold and subscribed the unit, the deal is still pending. The
    request (redelivered on restart), the sweep and the front-end's retry all finish the same
    deal: submitted once, numbered once, the unit subscribed for it, the hold converted."""
    adv = site.advisor
    unit_id = site.free.pop(0)
    hold = adv.ok(adv.post(f"/api/units/{unit_id}/holds", {"customer_name": "崩溃", "customer_phone": "13700001111"}),
                  201)
    body = {"hold_id": hold["hold_id"], "price": site.unit(unit_id)["list_price"], "deposit": "50000.00",
            "payment_method": "full", "delivery_date": "2028-12-31"}
    restart_contracts(system, failpoint)
    try:
        dies_at_the_failpoint(system, lambda: adv.post("/api/subscriptions", body))
        if failpoint.endswith("after_inventory"):  # inventory committed its half already
            assert site.unit(unit_id)["status"] == "subscribed"
            assert hold_row(system, hold["hold_id"])[0] == "converted"
        else:
            assert (site.unit(unit_id)["status"], hold_row(system, hold["hold_id"])) == ("held", ("active", None))
    finally:
        restart_contracts(system)
    deal_id = mine(site, hold)
    poll(lambda: site.get_deal(deal_id)["status"] == "submitted", what="pending deal completed after restart")
    again = adv.ok(adv.post("/api/subscriptions", body), 201)  # the front-end retries: the same deal
    assert again["id"] == deal_id
    deal = site.get_deal(deal_id)
    assert deal["subscription_no"].startswith("RG") and deal["unit_id"] == unit_id
    assert [h["to_status"] for h in deal["history"]] == ["pending", "submitted"]
    deals = site.manager.ok(site.manager.get(f"/api/projects/{site.project['id']}/deals", params={"limit": 200}))
    assert [d["id"] for d in deals["items"] if d["hold_id"] == hold["hold_id"]] == [deal_id]
    assert (site.unit(unit_id)["status"], site.unit(unit_id)["deal_id"], site.unit(unit_id)["hold"]) == (
        "subscribed", deal_id, None)
    assert hold_row(system, hold["hold_id"]) == ("converted", deal_id)
    assert moves(site, unit_id, "认购") == [("held", "subscribed")]


def mine(site, hold):
    """The id of the (one) deal written for the hold."""
    deals = site.manager.ok(site.manager.get(f"/api/projects/{site.project['id']}/deals", params={"limit": 200}))
    (deal_id,) = [d["id"] for d in deals["items"] if d["hold_id"] == hold["hold_id"]]
    return deal_id
