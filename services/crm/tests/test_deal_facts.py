"""Deal facts from contracts, through the crm inbox on SQLite and PostgreSQL with the real
broker (events published from the test): the customer's status and its history, customers
crm never met, out-of-order and duplicate deliveries, and the 回访 visit after handover."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from loupan.testing import db_rows, db_write, publish_event, wait_until
from services.crm.models import CareTask, Customer, CustomerStatusChange, DealCustomer, inbox
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
MANAGER = actor(2, "manager", [P])


@pytest.fixture
def crm_config(crm_config):
    """Quick retries: a fact of a deal crm has not seen yet waits for its approval."""
    return dict(crm_config, SLA_SWEEP_SECONDS=3600, EVENT_RETRY={"max_attempts": 30, "delay_ms": 100})


def register(call, mobile="13812345678", who=ALICE):
    return call("register_customer", who, P, {"mobile": mobile, "name": "王先生", "channel": "phone"})["customer"]


def publish(config, event_type, payload):
    return publish_event(config["AMQP_URI"], event_type, payload, agency_id=1, project_id=P)


def approved(config, deal_id, phone="13812345678", customer_id=None, advisor_id=11, name="王先生"):
    publish(config, "subscription_approved", {
        "deal_id": deal_id, "unit_id": 100 + deal_id, "advisor_id": advisor_id, "subscription_id": deal_id,
        "customer_id": customer_id, "customer_name": name, "customer_phone": phone, "price": "3000000.00",
        "payment_method": "commercial_mortgage"})


def signed(config, deal_id, customer_id=None):
    publish(config, "contract_signed", {"deal_id": deal_id, "unit_id": 100 + deal_id, "advisor_id": 11,
                                        "contract_id": deal_id, "price": "3000000.00", "customer_id": customer_id})


def cancelled(config, deal_id, from_status, customer_id=None):
    publish(config, "deal_cancelled", {"deal_id": deal_id, "unit_id": 100 + deal_id, "advisor_id": 11,
                                       "from_status": from_status, "customer_id": customer_id, "reason": "退房"})


def status_of(config, customer_id):
    return db_rows(config, select(Customer.status).where(Customer.id == customer_id))[0][0]


def history(config, customer_id):
    return [(r.from_status, r.to_status, r.deal_id, r.advisor_id) for r in db_rows(config, select(
        CustomerStatusChange).where(CustomerStatusChange.customer_id == customer_id).order_by(CustomerStatusChange.id))]


def wait_status(config, customer_id, status):
    wait_until(lambda: status_of(config, customer_id) == status, what=f"customer {customer_id} {status}")


def test_an_approved_subscription_finds_the_customer_by_phone_and_marks_them_subscribed(call, crm_config):
    customer = register(call)
    approved(crm_config, 1, phone="+86 138-1234-5678")
    wait_status(crm_config, customer["id"], "subscribed")
    assert history(crm_config, customer["id"]) == [("lead", "subscribed", 1, 11)]
    [deal] = db_rows(crm_config, select(DealCustomer))
    assert (deal.deal_id, deal.customer_id, deal.status, deal.advisor_id) == (1, customer["id"], "subscribed", 11)


def test_a_buyer_crm_never_met_is_registered_to_the_deals_advisor(call, crm_config, event_sink):
    sink = event_sink("crm")
    approved(crm_config, 2, phone="139 0000 1111", advisor_id=12, name="李女士")
    rows = wait_until(lambda: db_rows(crm_config, select(Customer).where(Customer.mobile == "13900001111")),
                      what="customer registered")
    customer = rows[0]
    assert (customer.name, customer.channel, customer.owner_id, customer.status) == ("李女士", "walk_in", 12,
                                                                                       "subscribed")
    registered = sink.wait_for("customer_registered")[0]["payload"]
    assert (registered["customer_id"], registered["advisor_id"]) == (customer.id, 12)


def test_signing_then_cancelling_loses_the_customer_unless_another_deal_stands(call, crm_config):
    customer = register(call)
    approved(crm_config, 3, customer_id=customer["id"])
    wait_status(crm_config, customer["id"], "subscribed")
    signed(crm_config, 3)
    wait_status(crm_config, customer["id"], "signed")
    approved(crm_config, 4, customer_id=customer["id"])  # a second unit: no status change
    wait_until(lambda: db_rows(crm_config, select(DealCustomer).where(DealCustomer.deal_id == 4)), what="deal 4")
    cancelled(crm_config, 4, "subscribed")
    wait_until(lambda: db_rows(crm_config, select(DealCustomer.status).where(DealCustomer.deal_id == 4))[0][0]
               == "cancelled", what="deal 4 cancelled")
    assert status_of(crm_config, customer["id"]) == "signed"
    cancelled(crm_config, 3, "signed")
    wait_status(crm_config, customer["id"], "lost")
    assert history(crm_config, customer["id"]) == [("lead", "subscribed", 3, 11), ("subscribed", "signed", 3, 11),
                                                   ("signed", "lost", 3, 11)]


def test_a_subscription_rejected_before_it_counted_returns_the_customer_to_the_leads(call, crm_config):
    customer = register(call)
    approved(crm_config, 5, customer_id=customer["id"])
    wait_status(crm_config, customer["id"], "subscribed")
    cancelled(crm_config, 5, "pending")
    wait_status(crm_config, customer["id"], "lead")
    other = register(call, "13812340000")
    cancelled(crm_config, 6, "submitted", customer_id=other["id"])  # never approved: nothing to undo
    cancelled(crm_config, 7, "submitted")  # nor does a deal crm never heard of
    approved(crm_config, 8, customer_id=other["id"])
    wait_status(crm_config, other["id"], "subscribed")
    assert history(crm_config, other["id"]) == [("lead", "subscribed", 8, 11)]


def test_a_signing_that_overtakes_its_approval_is_applied_after_it(call, crm_config):
    customer = register(call)
    signed(crm_config, 9)
    approved(crm_config, 9, customer_id=customer["id"])
    wait_status(crm_config, customer["id"], "signed")
    assert history(crm_config, customer["id"]) == [("lead", "subscribed", 9, 11), ("subscribed", "signed", 9, 11)]


def test_a_signing_naming_its_customer_that_overtakes_the_approval_leaves_the_deal_signed(call, crm_config):
    customer = register(call)
    signed(crm_config, 10, customer_id=customer["id"])
    wait_status(crm_config, customer["id"], "signed")
    approved(crm_config, 10, customer_id=customer["id"])
    wait_until(lambda: db_rows(crm_config, select(DealCustomer.status).where(DealCustomer.deal_id == 10)),
               what="the deal mapped")
    assert db_rows(crm_config, select(DealCustomer.status).where(DealCustomer.deal_id == 10))[0][0] == "signed"
    assert status_of(crm_config, customer["id"]) == "signed"


def test_a_redelivered_approval_changes_the_status_once(call, crm_config):
    customer = register(call)
    publish_event(crm_config["AMQP_URI"], "subscription_approved", {
        "deal_id": 10, "unit_id": 110, "advisor_id": 11, "subscription_id": 10, "customer_id": customer["id"],
        "customer_name": "王先生", "customer_phone": "13812345678", "price": "1.00", "payment_method": "full"},
        agency_id=1, project_id=P, copies=3)
    wait_status(crm_config, customer["id"], "subscribed")
    signed(crm_config, 10)
    wait_status(crm_config, customer["id"], "signed")
    assert len(history(crm_config, customer["id"])) == 2


def test_handover_puts_a_satisfaction_visit_due_in_30_days_on_the_owners_list(call, crm_config):
    customer = register(call)
    approved(crm_config, 11, customer_id=customer["id"])
    signed(crm_config, 11)
    wait_status(crm_config, customer["id"], "signed")
    handed_over = datetime(2030, 3, 1, 2, 0, tzinfo=timezone.utc)
    for _ in range(2):  # the same handover told twice: one task
        publish(crm_config, "unit_handed_over", {"deal_id": 11, "unit_id": 111, "advisor_id": 11,
                                                 "handed_over_at": handed_over})
    wait_until(lambda: db_rows(crm_config, select(CareTask)), what="visit task")
    [task] = call("list_visit_tasks", ALICE, P, {})
    assert (task["customer_id"], task["deal_id"], task["owner_id"], task["status"], task["overdue"]) == \
        (customer["id"], 11, 11, "open", False)
    assert task["due_at"] == (handed_over + timedelta(days=30)).isoformat()
    assert call("list_visit_tasks", BOB, P, {}) == []
    db_write(crm_config, update(CareTask).values(due_at=datetime(2020, 1, 1, tzinfo=timezone.utc)))
    [late] = call("overdue_items", ALICE, P, {})
    assert (late["rule"], late["customer_id"]) == ("satisfaction_visit", customer["id"])
    call("record_survey", ALICE, customer["id"], {"score": 5, "comments": "满意", "deal_id": 11})
    [done] = call("list_visit_tasks", MANAGER, P, {"status": "done"})
    assert done["survey_id"] is not None and call("overdue_items", ALICE, P, {}) == []


def test_a_buyer_without_a_mobile_number_is_no_customer_and_their_deal_is_not_retried(call, crm_config):
    approved(crm_config, 12, phone="021-6666 8888")
    wait_until(lambda: db_rows(crm_config, select(DealCustomer.customer_id).where(DealCustomer.deal_id == 12)),
               what="deal 12 mapped")
    signed(crm_config, 12)
    cancelled(crm_config, 12, "signed")
    wait_until(lambda: db_rows(crm_config, select(inbox.c.handler).where(
        inbox.c.handler == "care_on_deal_cancelled")), what="cancellation applied")
    wait_until(lambda: db_rows(crm_config, select(inbox.c.handler).where(
        inbox.c.handler == "care_on_contract_signed")), what="signing applied")
    # whichever came first, a cancelled deal stays cancelled
    assert db_rows(crm_config, select(DealCustomer.customer_id, DealCustomer.status)) == [(None, "cancelled")]
    assert db_rows(crm_config, select(Customer)) == []
