"""收款 through the real finance entrypoints: numbered receipts allocated in due order,
over-payment refused, void and refund by a second person (双人复核), on both databases."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, Invalid, RuleViolated
from loupan.testing import db_rows
from services.finance.models import ReceiptCounter, ScheduleLine
from services.finance.tests.conftest import actor
from services.finance.tests.test_schedules import ADVISOR, CASHIER, CASHIER2, DIRECTOR, MANAGER, P1, P2, subscribe

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

ASSISTANT = actor(7, "assistant", [P1])


def receive(call, who, deal_id, amount, **extra):
    return call("record_receipt", who, deal_id, dict({"amount": amount, "method": "transfer",
                                                      "received_on": "2026-01-06"}, **extra))


def test_receipts_are_numbered_per_project_and_fill_the_lines_in_due_order(call, finance_config, event_sink):
    subscribe(finance_config, 21, price="1000000.00", method="full", deposit="50000.00")
    subscribe(finance_config, 22, price="500000.00", deposit="0", project_id=P2)
    sink = event_sink("finance")
    first = receive(call, CASHIER, 21, "80000.00", payer="王先生")
    lines = call("get_schedule", DIRECTOR, 21)["lines"]
    assert first["receipt_no"] == f"SK-{P1}-000001" and first["recorded_by"] == CASHIER["account_id"]
    assert first["allocations"] == [{"line_id": lines[0]["id"], "amount": "50000.00"},
                                    {"line_id": lines[1]["id"], "amount": "30000.00"}]
    assert [(l["paid"], l["status"]) for l in lines] == [("50000.00", "paid"), ("30000.00", "open")]
    assert receive(call, ASSISTANT, 21, "1000.00")["receipt_no"] == f"SK-{P1}-000002"
    assert receive(call, DIRECTOR, 22, "1000.00")["receipt_no"] == f"SK-{P2}-000001"
    event = sink.wait_for("payment_received", count=3)[0]
    assert (event["payload"]["receipt_no"], event["payload"]["collected_total"], event["payload"]["advisor_id"]) == \
        (f"SK-{P1}-000001", "80000.00", 4)


def test_an_overpayment_is_refused_and_takes_no_number(call, finance_config):
    subscribe(finance_config, 23, price="100000.00", deposit="10000.00")
    receive(call, CASHIER, 23, "60000.00")
    with pytest.raises(RuleViolated) as refused:
        receive(call, CASHIER, 23, "40000.01")
    assert refused.value.code == "OVERPAYMENT"
    assert receive(call, CASHIER, 23, "40000.00")["receipt_no"] == f"SK-{P1}-000002"
    assert db_rows(finance_config, select(ReceiptCounter.last_no))[0][0] == 2
    with pytest.raises(RuleViolated):
        receive(call, CASHIER, 23, "0.01")
    assert call("get_schedule", DIRECTOR, 23)["outstanding"] == "0.00"


def test_a_receipt_aimed_at_a_line_fills_it_first(call, finance_config):
    subscribe(finance_config, 24, price="100000.00", deposit="10000.00")
    balance = call("get_schedule", DIRECTOR, 24)["lines"][1]
    receipt = receive(call, CASHIER, 24, "20000.00", line_id=balance["id"])
    assert receipt["allocations"] == [{"line_id": balance["id"], "amount": "20000.00"}]
    with pytest.raises(RuleViolated) as refused:
        receive(call, CASHIER, 24, "1.00", line_id=999999)
    assert refused.value.code == "LINE_NOT_OPEN"


def test_void_needs_a_second_person_and_takes_the_allocation_back(call, finance_config, event_sink):
    subscribe(finance_config, 25, price="100000.00", deposit="10000.00")
    receipt = receive(call, CASHIER, 25, "30000.00")
    with pytest.raises(Forbidden) as same:
        call("void_receipt", CASHIER, receipt["id"], {"reason": "录错"})
    assert same.value.code == "SAME_PERSON"
    with pytest.raises(Forbidden):
        call("void_receipt", ASSISTANT, receipt["id"], {"reason": "录错"})
    sink = event_sink("finance")
    voided = call("void_receipt", CASHIER2, receipt["id"], {"reason": "录错"})
    assert (voided["status"], voided["ended_by"]) == ("voided", CASHIER2["account_id"])
    assert sink.wait_for("payment_refunded")[0]["payload"]["receipt_id"] == receipt["id"]
    schedule = call("get_schedule", DIRECTOR, 25)
    assert [(l["paid"], l["status"]) for l in schedule["lines"]] == [("0.00", "open"), ("0.00", "open")]
    assert (schedule["collected"], schedule["outstanding"]) == ("0.00", "100000.00")
    with pytest.raises(Conflict) as again:
        call("refund_receipt", MANAGER, receipt["id"], {"reason": "again"})
    assert again.value.code == "RECEIPT_NOT_VALID"
    paid = [r.paid for r in db_rows(finance_config, select(ScheduleLine).where(ScheduleLine.deal_id == 25))]
    assert paid == [Decimal("0.00"), Decimal("0.00")]


def test_who_may_record_and_see_receipts(call, finance_config):
    subscribe(finance_config, 26)
    with pytest.raises(Forbidden):
        receive(call, ADVISOR, 26, "100.00")
    with pytest.raises(Forbidden):
        receive(call, actor(8, "finance", [P2]), 26, "100.00")
    with pytest.raises(Invalid):
        receive(call, CASHIER, 26, "100.00", received_on=str(date(2999, 1, 1)))
    with pytest.raises(Invalid):
        receive(call, CASHIER, 26, "-1.00")
    receive(call, CASHIER, 26, "100.00")
    assert [r["amount"] for r in call("list_receipts", ADVISOR, 26)] == ["100.00"]


def test_a_cancelled_deal_takes_no_more_money(call, finance_config):
    from loupan.testing import publish_event, wait_until
    subscribe(finance_config, 27)
    publish_event(finance_config["AMQP_URI"], "deal_cancelled", {"deal_id": 27, "unit_id": 1027}, project_id=P1)
    wait_until(lambda: call("get_schedule", DIRECTOR, 27)["status"] == "cancelled", what="cancelled")
    with pytest.raises(RuleViolated) as refused:
        receive(call, CASHIER, 27, "100.00")
    assert refused.value.code == "DEAL_CANCELLED"


def dead_letter(config, event_type, method):
    from kombu import Connection, Exchange, Queue
    name = f"evt-contracts-{event_type}--finance.{method}.dlq"
    with Connection(config["AMQP_URI"]) as conn:
        message = Queue(name, exchange=Exchange(""), routing_key=name, durable=True)(conn.channel()).get(no_ack=True)
        return message.payload if message is not None else None


def test_a_disbursement_beyond_what_is_due_is_dead_lettered_not_half_applied(call, finance_config):
    from loupan.testing import publish_event, wait_until
    subscribe(finance_config, 28, price="1000000.00", method="commercial_mortgage", deposit="0")
    publish_event(finance_config["AMQP_URI"], "mortgage_disbursed", {
        "deal_id": 28, "unit_id": 1028, "mortgage_id": 4, "bank": "建设银行", "amount": "1000000.01",
        "disbursed_on": date(2026, 3, 1)}, project_id=P1)
    parked = wait_until(lambda: dead_letter(finance_config, "mortgage_disbursed", "receipt_on_mortgage_disbursed"),
                        what="disbursement in the dead letters")
    assert parked["payload"]["amount"] == "1000000.01"
    assert call("list_receipts", DIRECTOR, 28) == []


def test_no_receipt_before_the_deal_was_subscribed(call, finance_config):
    """The 认购 date contracts announced (subscribed_on, else the approval day) bounds the
    receipts of the deal (loupan/deal_dates.py)."""
    subscribe(finance_config, 29, price="100000.00", deposit="10000.00", approved_on=date(2026, 1, 8),
              subscribed_on=date(2026, 1, 6))
    with pytest.raises(RuleViolated) as refused:
        receive(call, CASHIER, 29, "1000.00", received_on="2026-01-05")
    assert (refused.value.code, refused.value.message) == (
        "DATE_OUT_OF_ORDER", "收款 received_on 2026-01-05 is before 认购 subscribed_on 2026-01-06")
    with pytest.raises(RuleViolated) as typo:
        receive(call, CASHIER, 29, "1000.00", received_on="1926-01-06")
    assert typo.value.code == "DATE_TOO_EARLY"
    assert receive(call, CASHIER, 29, "1000.00", received_on="2026-01-06")["receipt_no"] == f"SK-{P1}-000001"
    subscribe(finance_config, 30, price="100000.00", deposit="10000.00", approved_on=date(2026, 1, 7))
    with pytest.raises(RuleViolated):  # an older contracts sent no subscribed_on: the approval day
        receive(call, CASHIER, 30, "1000.00", received_on="2026-01-06")
