"""付款计划 through the real finance entrypoints, on SQLite and PostgreSQL with the real
broker: schedules built from the contracts events (published from the test), derived again
on 签约, regenerated on 换房 keeping what was paid, closed on 退房."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from loupan.errors import Forbidden
from loupan.testing import db_rows, publish_event, wait_until
from services.finance.models import DealAccount, ScheduleChange
from services.finance.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

P1, P2 = 301, 302
D = Decimal
DIRECTOR = actor(1, "director")
CASHIER = actor(2, "finance", [P1])
CASHIER2 = actor(3, "finance", [P1])
ADVISOR = actor(4, "advisor", [P1])
OTHER_ADVISOR = actor(5, "advisor", [P1])
MANAGER = actor(6, "manager", [P1])


def subscribe(config, deal_id, price="1000000.00", method="full", deposit="50000.00", project_id=P1,
              approved_on=date(2026, 1, 5), advisor_id=4, **extra):
    """Publish subscription_approved and wait until finance has the deal's schedule."""
    payload = {"deal_id": deal_id, "unit_id": deal_id + 1000, "advisor_id": advisor_id, "subscription_id": deal_id,
               "customer_name": "王先生", "customer_phone": "13800138000", "price": price, "payment_method": method,
               "deposit": deposit, "unit_label": f"1-{deal_id}", "approved_on": approved_on, **extra}
    publish_event(config["AMQP_URI"], "subscription_approved", payload, project_id=project_id)
    wait_until(lambda: db_rows(config, select(DealAccount).where(DealAccount.deal_id == deal_id)), what="deal account")


def changes(config, deal_id):
    return [r.reason for r in db_rows(config, select(ScheduleChange).where(ScheduleChange.deal_id == deal_id)
                                      .order_by(ScheduleChange.id))]


def live(schedule):
    return [line for line in schedule["lines"] if line["status"] != "closed"]


def amounts(lines):
    return [(line["kind"], line["amount"]) for line in lines]


def test_a_subscription_gets_a_schedule_once_even_if_the_event_comes_twice(call, finance_config):
    publish_event(finance_config["AMQP_URI"], "subscription_approved", {
        "deal_id": 1, "unit_id": 11, "advisor_id": 4, "subscription_id": 1, "customer_name": "王先生",
        "customer_phone": "13800138000", "price": "2000000.00", "payment_method": "commercial_mortgage",
        "deposit": "50000.00", "approved_on": date(2026, 1, 5)}, project_id=P1, copies=2)
    wait_until(lambda: changes(finance_config, 1), what="schedule")
    schedule = call("get_schedule", DIRECTOR, 1)
    assert amounts(schedule["lines"]) == [("deposit", "50000.00"), ("down_payment", "550000.00"),
                                          ("mortgage", "1400000.00")]
    assert [line["due_on"] for line in schedule["lines"]] == ["2026-01-05", "2026-02-04", "2026-04-05"]
    assert (schedule["status"], schedule["collected"], schedule["outstanding"]) == ("subscribed", "0.00", "2000000.00")
    assert changes(finance_config, 1) == ["subscription_approved"]


def test_signing_with_the_banks_loan_derives_the_schedule_again(call, finance_config):
    subscribe(finance_config, 2, price="2000000.00", method="combined")
    call("record_receipt", CASHIER, 2, {"amount": "50000.00", "method": "cash", "received_on": "2026-01-05"})
    publish_event(finance_config["AMQP_URI"], "contract_signed", {
        "deal_id": 2, "unit_id": 1002, "contract_id": 7, "price": "2000000.00", "payment_method": "combined",
        "signed_on": date(2026, 1, 20), "loan_amount": "1000000.00"}, project_id=P1)
    wait_until(lambda: len(changes(finance_config, 2)) == 2, what="re-derived schedule")
    schedule = call("get_schedule", DIRECTOR, 2)
    assert schedule["status"] == "signed"
    assert amounts(live(schedule)) == [("deposit", "50000.00"), ("down_payment", "950000.00"),
                                       ("mortgage", "1000000.00")]
    assert live(schedule)[0]["status"] == "paid" and schedule["collected"] == "50000.00"
    assert sum(D(line["amount"]) for line in live(schedule)) == D("2000000.00")


def test_signing_on_the_same_terms_keeps_the_schedule(call, finance_config):
    subscribe(finance_config, 3)
    publish_event(finance_config["AMQP_URI"], "contract_signed", {
        "deal_id": 3, "unit_id": 1003, "contract_id": 8, "price": "1000000.00", "signed_on": date(2026, 1, 20)},
        project_id=P1)
    wait_until(lambda: call("get_schedule", DIRECTOR, 3)["status"] == "signed", what="signed")
    assert changes(finance_config, 3) == ["subscription_approved"]


def test_a_swap_to_a_dearer_unit_regenerates_the_lines_and_the_first_absorb_what_was_paid(call, finance_config):
    subscribe(finance_config, 4, price="1000000.00", method="instalments", deposit="20000.00")
    call("record_receipt", CASHIER, 4, {"amount": "120000.00", "method": "transfer", "received_on": "2026-01-06"})
    publish_event(finance_config["AMQP_URI"], "deal_unit_swapped", {
        "deal_id": 4, "from_unit_id": 1004, "to_unit_id": 2004, "new_price": "1200000.00",
        "price_difference": "200000.00", "to_unit_label": "2号楼-0404"}, project_id=P1)
    wait_until(lambda: len(changes(finance_config, 4)) == 2, what="regenerated schedule")
    schedule = call("get_schedule", DIRECTOR, 4)
    lines = live(schedule)
    assert schedule["unit_id"] == 2004 and schedule["price"] == "1200000.00"
    assert schedule["unit_label"] == "2号楼-0404"  # finance's own copy follows the 换房
    assert amounts(lines)[:2] == [("deposit", "20000.00"), ("down_payment", "340000.00")]
    assert [line["paid"] for line in lines[:2]] == ["20000.00", "100000.00"]
    # open lines' remaining + paid = price
    assert sum(D(l["remaining"]) + D(l["paid"]) for l in lines) == D("1200000.00")
    assert all(l["paid"] == "0.00" for l in schedule["lines"] if l["status"] == "closed")
    assert (schedule["collected"], schedule["credit"]) == ("120000.00", "0.00")


def test_a_price_cut_below_what_was_collected_leaves_a_credit_to_refund(call, finance_config):
    subscribe(finance_config, 5, price="100000.00", deposit="0")
    call("record_receipt", CASHIER, 5, {"amount": "90000.00", "method": "transfer", "received_on": "2026-01-06"})
    publish_event(finance_config["AMQP_URI"], "deal_unit_swapped", {
        "deal_id": 5, "from_unit_id": 1005, "to_unit_id": 2005, "new_price": "80000.00"}, project_id=P1)
    wait_until(lambda: len(changes(finance_config, 5)) == 2, what="regenerated schedule")
    schedule = call("get_schedule", DIRECTOR, 5)
    assert (schedule["outstanding"], schedule["credit"]) == ("0.00", "10000.00")
    assert schedule["history"][-1]["unplaced"] == "10000.00"


def test_a_cancelled_deal_closes_its_open_lines_and_its_receipts_can_be_refunded(call, finance_config, event_sink):
    subscribe(finance_config, 6)
    receipt = call("record_receipt", CASHIER, 6, {"amount": "50000.00", "method": "cash", "received_on": "2026-01-05"})
    publish_event(finance_config["AMQP_URI"], "deal_cancelled", {
        "deal_id": 6, "unit_id": 1006, "reason": "退房", "from_status": "subscribed"}, project_id=P1)
    wait_until(lambda: call("get_schedule", DIRECTOR, 6)["status"] == "cancelled", what="cancelled")
    schedule = call("get_schedule", DIRECTOR, 6)
    assert [(l["kind"], l["status"]) for l in schedule["lines"]] == [("deposit", "paid"), ("balance", "closed")]
    sink = event_sink("finance")
    refunded = call("refund_receipt", CASHIER2, receipt["id"], {"reason": "退房退定金"})
    assert refunded["status"] == "refunded"
    assert sink.wait_for("payment_refunded")[0]["payload"]["amount"] == "50000.00"
    schedule = call("get_schedule", DIRECTOR, 6)
    assert [(l["paid"], l["status"]) for l in schedule["lines"]] == [("0.00", "closed"), ("0.00", "closed")]
    assert schedule["collected"] == "0.00"


def test_events_about_a_deal_before_its_subscription_wait_for_it(call, finance_config):
    publish_event(finance_config["AMQP_URI"], "buyers_changed", {
        "deal_id": 7, "unit_id": 1007, "buyers": [{"name": "李四", "phone": "13900139000", "share": "50"},
                                                   {"name": "李五", "phone": "13900139001", "share": "50"}]},
        project_id=P1)
    subscribe(finance_config, 7)
    wait_until(lambda: call("get_schedule", DIRECTOR, 7)["customer_name"] == "李四、李五", what="buyers changed")


def test_the_banks_disbursement_is_receipted_against_the_mortgage_line(call, finance_config, event_sink):
    subscribe(finance_config, 8, price="1000000.00", method="provident_fund", deposit="0")
    sink = event_sink("finance")
    publish_event(finance_config["AMQP_URI"], "mortgage_disbursed", {
        "deal_id": 8, "unit_id": 1008, "mortgage_id": 3, "bank": "公积金中心", "amount": "800000.00",
        "disbursed_on": date(2026, 3, 1)}, project_id=P1)
    event = sink.wait_for("payment_received")[0]
    assert (event["payload"]["method"], event["payload"]["amount"], event["actor"]) == ("mortgage", "800000.00", None)
    schedule = call("get_schedule", DIRECTOR, 8)
    assert [(l["kind"], l["status"]) for l in schedule["lines"]] == [("down_payment", "open"), ("mortgage", "paid")]
    [receipt] = call("list_receipts", DIRECTOR, 8)
    assert (receipt["recorded_by"], receipt["payer"]) == (None, "公积金中心")


def test_payment_terms_are_set_by_a_manager_and_used_for_new_schedules(call, finance_config):
    with pytest.raises(Forbidden):
        call("put_payment_terms", ADVISOR, P1, {"down_ratio": "40"})
    terms = call("put_payment_terms", MANAGER, P1, {"down_ratio": "40", "instalment_count": 2})
    assert (terms["down_ratio"], terms["instalment_count"], terms["provident_down_ratio"]) == ("40.00", 2, "20.00")
    subscribe(finance_config, 9, price="100000.00", method="instalments", deposit="0")
    schedule = call("get_schedule", DIRECTOR, 9)
    assert amounts(schedule["lines"]) == [("down_payment", "40000.00"), ("instalment", "30000.00"),
                                          ("instalment", "30000.00")]


def test_an_advisor_reads_only_the_schedules_of_their_own_deals(call, finance_config):
    subscribe(finance_config, 10)
    assert call("get_schedule", ADVISOR, 10)["deal_id"] == 10
    with pytest.raises(Forbidden):
        call("get_schedule", OTHER_ADVISOR, 10)
    with pytest.raises(Forbidden):
        call("get_schedule", actor(9, "finance", [P2]), 10)

