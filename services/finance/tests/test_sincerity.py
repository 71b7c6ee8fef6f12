"""诚意金 through the real finance entrypoints and the real broker, on both databases: the
registration learned from launch_registered (once), the 诚意金 taken as a numbered receipt of
the launch's amount (once), refunded by a second person (once, never after conversion), the
launch's list, and the conversion into the 定金 of a deal made from the registration."""
import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, publish_event, wait_until
from services.finance.models import SincerityRegistration
from services.finance.tests.conftest import actor
from services.finance.tests.test_escrow import ACCOUNT
from services.finance.tests.test_receipts import ASSISTANT
from services.finance.tests.test_schedules import CASHIER, CASHIER2, DIRECTOR, MANAGER, P1, subscribe

pytestmark = pytest.mark.sqlite

LAUNCH = 77
STRANGER = actor(9, "finance", [P1], agency_id=2)
ADVISOR = actor(4, "advisor", [P1])


def registered(config, registration_id, amount="20000.00", copies=1):
    publish_event(config["AMQP_URI"], "launch_registered", {
        "launch_id": LAUNCH, "registration_id": registration_id, "number": f"RC-{registration_id:04d}",
        "deposit_amount": amount, "advisor_id": 4, "channel_name": None, "buyer_name": "王五",
        "mobile_masked": "137****0001"}, project_id=P1, copies=copies)
    wait_until(lambda: db_rows(config, select(SincerityRegistration).where(
        SincerityRegistration.registration_id == registration_id)), what="registration")


def take(call, who, registration_id, amount="20000.00", **extra):
    return call("take_sincerity", who, registration_id, dict(
        {"amount": amount, "method": "transfer", "slip_no": "HD-1", "received_on": "2026-01-03"}, **extra))


def refused(exc_type, code, fn, *args, **kwargs):
    with pytest.raises(exc_type) as caught:
        fn(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_take_once_refund_once_by_a_second_person(call, finance_config, event_sink):
    registered(finance_config, 501, copies=2)  # redelivered: known once
    assert len(db_rows(finance_config, select(SincerityRegistration))) == 1
    sink = event_sink("finance")
    refused(RuleViolated, "SINCERITY_AMOUNT_MISMATCH", take, call, CASHIER, 501, "19999.99")
    refused(Invalid, "VALIDATION_ERROR", take, call, CASHIER, 501, "20000.001")
    refused(Forbidden, "ROLE_FORBIDDEN", take, call, ADVISOR, 501)
    refused(NotFound, "REGISTRATION_NOT_FOUND", take, call, STRANGER, 501)
    refused(NotFound, "REGISTRATION_NOT_FOUND", take, call, CASHIER, 999)
    paid = take(call, CASHIER, 501)
    assert (paid["receipt_no"], paid["amount"], paid["status"], paid["payer"], paid["number"]) == \
        (f"SK-{P1}-000001", "20000.00", "valid", "王五", "RC-0501")
    refused(Conflict, "SINCERITY_ALREADY_PAID", take, call, ASSISTANT, 501)
    event = sink.wait_for("sincerity_received")[0]
    assert (event["payload"]["registration_id"], event["payload"]["amount"], event["payload"]["receipt_no"]) == \
        (501, "20000.00", f"SK-{P1}-000001")

    refused(Forbidden, "SAME_PERSON", call, "refund_sincerity", CASHIER, paid["id"], {"reason": "未中签"})
    refused(Forbidden, "ROLE_FORBIDDEN", call, "refund_sincerity", ASSISTANT, paid["id"], {"reason": "未中签"})
    refused(NotFound, "SINCERITY_RECEIPT_NOT_FOUND", call, "refund_sincerity", STRANGER, paid["id"], {"reason": "x"})
    refused(Invalid, "VALIDATION_ERROR", call, "refund_sincerity", CASHIER2, paid["id"], {"reason": " "})
    back = call("refund_sincerity", CASHIER2, paid["id"], {"reason": "未中签"})
    assert (back["status"], back["ended_by"], back["end_reason"]) == ("refunded", CASHIER2["account_id"], "未中签")
    refused(Conflict, "SINCERITY_REFUNDED", call, "refund_sincerity", MANAGER, paid["id"], {"reason": "again"})
    event = sink.wait_for("sincerity_refunded")[0]
    assert (event["payload"]["sincerity_receipt_id"], event["payload"]["amount"]) == (paid["id"], "20000.00")
    # refunded, it may be paid again (the buyer came back), with the next number
    assert take(call, ASSISTANT, 501)["receipt_no"] == f"SK-{P1}-000002"


def test_the_launch_list_paid_refunded_outstanding(call, finance_config):
    for rid in (511, 512, 513):
        registered(finance_config, rid)
    take(call, CASHIER, 511)
    refund_me = take(call, CASHIER, 512)
    call("refund_sincerity", MANAGER, refund_me["id"], {"reason": "取消认筹"})
    answer = call("launch_sincerity", CASHIER, LAUNCH)
    assert [(r["number"], r["standing"]) for r in answer["registrations"]] == [
        ("RC-0511", "paid"), ("RC-0512", "refunded"), ("RC-0513", "outstanding")]
    assert answer["totals"]["paid"] == {"count": 1, "amount": "20000.00"}
    assert answer["totals"]["refunded"] == {"count": 1, "amount": "20000.00"}
    assert answer["totals"]["outstanding"] == {"count": 1, "amount": "20000.00"}
    assert answer["totals"]["converted"] == {"count": 0, "amount": "0.00"}
    assert call("launch_sincerity", STRANGER, LAUNCH)["registrations"] == []
    refused(Forbidden, "ROLE_FORBIDDEN", call, "launch_sincerity", ADVISOR, LAUNCH)
    assert call("get_sincerity_receipt", MANAGER, refund_me["id"])["status"] == "refunded"


def test_converted_into_the_deals_deposit_and_then_never_refunded_as_sincerity(call, finance_config):
    call("set_escrow_account", CASHIER, P1, dict(ACCOUNT, from_on="2026-01-01"))  # deposits not escrowed
    registered(finance_config, 521)
    registered(finance_config, 522)
    paid = take(call, CASHIER, 521)
    refunded = take(call, CASHIER, 522)
    call("refund_sincerity", CASHIER2, refunded["id"], {"reason": "放弃"})
    subscribe(finance_config, 61, price="1000000.00", deposit="50000.00", launch_registration_id=521)
    wait_until(lambda: call("list_receipts", CASHIER, 61), what="the 定金 receipt")
    again = {"deal_id": 61, "unit_id": 1061, "advisor_id": 4, "subscription_id": 61, "customer_name": "王五",
             "customer_phone": "13700000001", "price": "1000000.00", "payment_method": "full",
             "deposit": "50000.00", "launch_registration_id": 521}
    publish_event(finance_config["AMQP_URI"], "subscription_approved", again, project_id=P1)  # a new event id
    subscribe(finance_config, 62, price="1000000.00", deposit="50000.00", launch_registration_id=522)
    converted = call("get_sincerity_receipt", CASHIER, paid["id"])
    assert (converted["status"], converted["deal_id"]) == ("converted", 61)
    deal_receipts = call("list_receipts", CASHIER, 61)
    assert len(deal_receipts) == 1
    made = deal_receipts[0]
    deposit_line = call("get_schedule", CASHIER, 61)["lines"][0]
    assert (made["id"], made["amount"], made["slip_no"], made["payer"]) == \
        (converted["deal_receipt_id"], "20000.00", paid["receipt_no"], "王五")
    assert made["allocations"] == [{"line_id": deposit_line["id"], "amount": "20000.00"}]
    assert deposit_line["kind"] == "deposit" and deposit_line["remaining"] == "30000.00"
    assert made["account_no"] is None  # 定金, and this account does not escrow deposits
    refused(Conflict, "SINCERITY_CONVERTED", call, "refund_sincerity", CASHIER2, paid["id"], {"reason": "x"})
    assert call("list_receipts", CASHIER, 62) == []  # a refunded 诚意金 converts nothing
    listed = {r["number"]: r for r in call("launch_sincerity", DIRECTOR, LAUNCH)["registrations"]}
    assert listed["RC-0521"]["standing"] == "converted" and listed["RC-0522"]["standing"] == "refunded"
    # no 诚意金 is house price: the escrow report sees only the converted 定金, apart
    total = call("escrow_report", CASHIER, P1, {"from": "2026-01", "to": "2026-01"})["total"]
    assert [total[f] for f in ("collected", "pending", "deposits_excluded", "receipts")] == \
        ["0.00", "0.00", "20000.00", 1]
