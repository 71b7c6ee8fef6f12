"""日结 daily reconciliation through the real entrypoints: a day's receipts by method, voids
and refunds of the day, and the allocation check flagging money on no line."""
from datetime import date

from loupan.testing import publish_event, wait_until
from loupan.types import today
from services.finance.tests.conftest import actor
from services.finance.tests.test_schedules import CASHIER, CASHIER2, DIRECTOR, MANAGER, P1, subscribe

VIEWER = actor(12, "developer_viewer", [P1])


def test_the_days_receipts_by_method_with_voids_and_a_balanced_check(call, finance_config):
    subscribe(finance_config, 41, price="100000.00", deposit="10000.00", subscribed_on=date(2025, 12, 20))
    day = str(today())
    for amount, method in (("10000.00", "cash"), ("2000.00", "cash"), ("30000.00", "transfer"), ("500.00", "pos")):
        last = call("record_receipt", CASHIER, 41, {"amount": amount, "method": method, "received_on": day})
    call("record_receipt", CASHIER, 41, {"amount": "1.00", "method": "cash", "received_on": "2026-01-01"})
    call("void_receipt", CASHIER2, last["id"], {"reason": "刷错卡"})
    report = call("daily_reconciliation", MANAGER, P1, {"day": day})
    assert (report["count"], report["total"], report["allocated_total"]) == (3, "42000.00", "42000.00")
    assert report["by_method"] == [{"method": "cash", "count": 2, "total": "12000.00"},
                                   {"method": "transfer", "count": 1, "total": "30000.00"}]
    assert (report["voided"], report["refunded"]) == ({"count": 1, "total": "500.00"}, {"count": 0, "total": "0.00"})
    assert report["balanced"] is True and report["mismatches"] == []
    assert [r["status"] for r in report["receipts"]] == ["valid", "valid", "valid", "voided"]
    aggregate = call("daily_reconciliation", VIEWER, P1, {"day": day})
    assert aggregate["receipts"] == [] and aggregate["total"] == "42000.00"


def test_money_left_on_no_line_by_a_price_cut_is_flagged(call, finance_config):
    subscribe(finance_config, 42, price="100000.00", deposit="0")
    receipt = call("record_receipt", CASHIER, 42, {"amount": "90000.00", "method": "transfer"})
    publish_event(finance_config["AMQP_URI"], "deal_unit_swapped", {
        "deal_id": 42, "from_unit_id": 1042, "to_unit_id": 2042, "new_price": "80000.00"}, project_id=P1)
    wait_until(lambda: call("get_schedule", DIRECTOR, 42)["credit"] == "10000.00", what="regenerated")
    report = call("daily_reconciliation", DIRECTOR, P1, {})
    assert report["balanced"] is False
    assert report["mismatches"] == [{"what": "receipt", "id": receipt["id"], "expected": "90000.00",
                                     "found": "80000.00"}]
    assert report["day"] == str(today()) and isinstance(today(), date)
