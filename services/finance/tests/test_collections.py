"""催款 collections through the real entrypoints: overdue lines by ageing bucket (Asia/Shanghai
days), each advisor's own, reminders, and the monthly target against valid receipts."""
from datetime import date

import pytest

from loupan.errors import Forbidden, Invalid
from services.finance.tests.conftest import actor
from services.finance.tests.test_schedules import (ADVISOR, CASHIER, CASHIER2, DIRECTOR, MANAGER, P1,
                                                   subscribe)

SUPERVISOR = actor(11, "supervisor", [P1])
VIEWER = actor(12, "developer_viewer", [P1])


@pytest.fixture
def deals(call, finance_config):
    # instalments from 2026-01-01: deposit 1-1, 首付 1-31 (20000), instalments 3-2, 4-1, 5-1 (23333.33, .33, .34)
    subscribe(finance_config, 31, price="100000.00", method="instalments", deposit="10000.00",
              approved_on=date(2026, 1, 1), advisor_id=ADVISOR["account_id"])
    subscribe(finance_config, 32, price="50000.00", method="full", deposit="0",
              approved_on=date(2026, 4, 1), advisor_id=99)


def test_overdue_lines_fall_in_ageing_buckets_and_paid_ones_drop_out(call, deals):
    call("record_receipt", CASHIER, 31, {"amount": "15000.00", "method": "cash", "received_on": "2026-01-02"})
    result = call("list_collections", MANAGER, P1, {"as_of": "2026-04-09"})
    by_kind = {(l["deal_id"], l["kind"], l["due_on"]): (l["days_overdue"], l["bucket"], l["remaining"])
               for l in result["lines"]}
    assert by_kind == {
        (31, "down_payment", "2026-01-31"): (68, "61-90", "15000.00"),
        (31, "instalment", "2026-03-02"): (38, "31-60", "23333.33"),
        (31, "instalment", "2026-04-01"): (8, "1-30", "23333.33"),
        (32, "balance", "2026-04-08"): (1, "1-30", "50000.00"),
    }
    assert result["buckets"] == [{"bucket": "1-30", "count": 2, "amount": "73333.33"},
                                 {"bucket": "31-60", "count": 1, "amount": "23333.33"},
                                 {"bucket": "61-90", "count": 1, "amount": "15000.00"},
                                 {"bucket": "90+", "count": 0, "amount": "0.00"}]
    assert result["total"] == "111666.66"
    later = call("list_collections", MANAGER, P1, {"as_of": "2026-05-02"})
    assert {l["bucket"] for l in later["lines"] if l["kind"] == "down_payment"} == {"90+"}


def test_an_advisor_sees_only_their_own_lines(call, deals):
    own = call("list_collections", ADVISOR, P1, {"as_of": "2026-04-09", "advisor_id": 99})
    assert {l["deal_id"] for l in own["lines"]} == {31}
    other = call("list_collections", SUPERVISOR, P1, {"as_of": "2026-04-09", "advisor_id": 99})
    assert {l["deal_id"] for l in other["lines"]} == {32}
    with pytest.raises(Forbidden):
        call("list_collections", VIEWER, P1, {})


def test_reminders_list_overdue_lines_and_those_due_soon(call, deals):
    result = call("collection_reminders", SUPERVISOR, P1, {"as_of": "2026-03-30", "days": 7})
    assert [(l["deal_id"], l["due_on"], l["state"]) for l in result["lines"]] == [
        (31, "2026-01-01", "overdue"), (31, "2026-01-31", "overdue"), (31, "2026-03-02", "overdue"),
        (31, "2026-04-01", "due_soon")]
    assert call("collection_reminders", SUPERVISOR, P1, {"as_of": "2026-03-30"})["days"] == 7


def test_the_monthly_target_is_set_by_a_manager_and_met_by_valid_receipts(call, deals):
    with pytest.raises(Forbidden):
        call("put_collection_target", CASHIER, P1, "2026-01", {"amount": "100000.00"})
    with pytest.raises(Invalid):
        call("put_collection_target", MANAGER, P1, "2026-13", {"amount": "1.00"})
    call("put_collection_target", MANAGER, P1, "2026-01", {"amount": "1.00"})
    assert call("put_collection_target", MANAGER, P1, "2026-01", {"amount": "40000.00"})["target"] == "40000.00"
    call("record_receipt", CASHIER, 31, {"amount": "10000.00", "method": "cash", "received_on": "2026-01-02"})
    voided = call("record_receipt", CASHIER, 31, {"amount": "5000.00", "method": "pos", "received_on": "2026-01-31"})
    call("void_receipt", CASHIER2, voided["id"], {"reason": "重复"})
    call("record_receipt", CASHIER, 31, {"amount": "2000.00", "method": "cash", "received_on": "2026-02-01"})
    assert call("get_collection_target", VIEWER, P1, "2026-01") == {
        "project_id": P1, "month": "2026-01", "target": "40000.00", "actual": "10000.00",
        "remaining": "30000.00", "achieved_percent": "25.00"}
    assert call("get_collection_target", DIRECTOR, P1, "2026-02")["target"] is None
