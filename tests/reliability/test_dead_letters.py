"""A handler that keeps failing: its event is retried, then parked in the dead-letter queue,
counted by `loupan_dead_letters`, and `python -m loupan.replay` applies it once the cause
is fixed."""
import re

import requests

from loupan.testing import publish_event, wait_until
from tests.api import make_project
from tests.conftest import staff

QUEUE = "evt-contracts-subscription_approved--inventory.on_subscription_approved"


def dead_letters(system, queue=QUEUE):
    """The gauge inventory's /metrics shows for the queue's .dlq; None while the scrape is not
    answered (a busy moment's 503 is retried by the waits below, as Prometheus would)."""
    response = requests.get(f"{system.url('inventory')}/metrics", timeout=10)
    if response.status_code != 200:
        return None
    match = re.search(rf'^loupan_dead_letters{{queue="{re.escape(queue)}\.dlq"}} (\S+)$', response.text,
                      re.MULTILINE)
    assert match, f"no loupan_dead_letters series for {queue}.dlq in inventory's /metrics"
    return float(match.group(1))


def unit_status(director, unit_id):
    return director.ok(director.get(f"/api/units/{unit_id}"))["status"]


def test_failing_event_is_dead_lettered_counted_and_replayed(system, director):
    project, units = make_project(director, "死信项目", units=1)
    advisor = staff(system, director, "adv_dlq", "advisor", [project["id"]])
    hold = advisor.ok(advisor.post(f"/api/units/{units[0]}/holds",
                                   {"customer_name": "周八", "customer_phone": "13700000000"}), 201)
    wait_until(lambda: dead_letters(system) == 0, timeout=30, what="no dead letters yet")
    # a 认购 for the unit but another buyer's hold: inventory never overwrites it, raises,
    # retries (EVENT_RETRY_ATTEMPTS=3) and parks the event for a person to settle
    event = publish_event(system.amqp_uri, "subscription_approved",
                          {"deal_id": 777, "unit_id": units[0], "hold_id": hold["hold_id"] + 1000,
                           "subscription_id": 777, "customer_name": "吴九", "customer_phone": "13700000001",
                           "price": "900000.00", "payment_method": "full", "advisor_id": None},
                          agency_id=1, project_id=project["id"])
    wait_until(lambda: dead_letters(system) == 1, timeout=60, what="the event in the dead-letter queue metric")
    assert unit_status(director, units[0]) == "held"

    listed = system.run_module("inventory", "loupan.replay", QUEUE, "--dry-run")
    assert event["event_id"] in listed and "UNIT_TAKEN" in listed and "would replay 1" in listed
    # a dry run leaves it parked: back in the queue once the listing's connection closed
    wait_until(lambda: dead_letters(system) == 1, timeout=30, what="the event still parked after a dry run")

    # the person settles it: the other buyer's hold is cancelled, then the event replayed
    advisor.ok(advisor.delete(f"/api/holds/{hold['hold_id']}"))
    assert "replayed 1 event" in system.run_module("inventory", "loupan.replay", QUEUE + ".dlq")
    wait_until(lambda: unit_status(director, units[0]) == "subscribed", timeout=30, what="the replayed event applied")
    wait_until(lambda: dead_letters(system) == 0, timeout=30, what="the dead-letter queue empty")
    # replaying again finds nothing; the inbox would skip a second copy anyway
    assert "replayed 0 event" in system.run_module("inventory", "loupan.replay", QUEUE)


def test_the_broker_policies_of_deploy_apply_to_the_handler_queues_only(system):
    """conftest.py loaded deploy/rabbitmq/definitions.json: the handler queue has the
    dead-letter safety net, its .retry and .dlq queues keep their own arguments."""
    def policy(queue):
        return system.rabbit._call("GET", f"queues/{system.vhost}/{queue}").json().get("policy")

    assert policy(QUEUE) == "loupan-handler-queues"
    assert policy(QUEUE + ".retry") is None and policy(QUEUE + ".dlq") is None
    assert policy("rpc-inventory") is None
