"""收款 and 催款 over HTTP as a front-end meets them: the contracts facts are published onto
the system's broker (as the contracts service would), finance builds the schedule; then
receipts, the two-person rule on voids, collections by ageing bucket, the day's
reconciliation, the monthly target and the business gauges."""
from datetime import timedelta

import pytest
import requests

from loupan.testing import publish_event, wait_until
from loupan.testing.days import this_month
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff
from tests.api import short

DEAL = 770001


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "收款花园", units=2)
    pid = project["id"]
    people = {"pid": pid, "director": director,
              "manager": staff(system, director, "fm_mgr", "manager", [pid]),
              "cashier": staff(system, director, "fm_cash1", "finance", [pid]),
              "cashier2": staff(system, director, "fm_cash2", "finance", [pid]),
              "advisor": staff(system, director, "fm_adv1", "advisor", [pid]),
              "advisor2": staff(system, director, "fm_adv2", "advisor", [pid]),
              "viewer": staff(system, director, "fm_dev", "developer_viewer", [pid])}
    accounts = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    people["gauges_before"] = finance_gauges(system)  # the process's totals, other modules' included
    # 认购 approved 45 days ago, full payment: the deposit is 45 days overdue, the balance 38
    people["approved_on"] = today() - timedelta(days=45)
    publish_event(system.amqp_uri, "subscription_approved", {
        "deal_id": DEAL, "unit_id": units[0], "advisor_id": accounts["fm_adv1"], "subscription_id": DEAL,
        "customer_name": "赵女士", "customer_phone": "13700137000", "price": "3010000.00",
        "payment_method": "full", "deposit": "50000.00", "unit_label": "1号楼-0101",
        "approved_on": people["approved_on"]}, agency_id=director.agency_id, project_id=pid)
    wait_until(lambda: director.get(f"/api/deals/{DEAL}/schedule").status_code == 200, timeout=30,
               what="schedule built from subscription_approved")
    return people


def test_the_schedule_is_built_from_the_subscription_and_readable_by_its_advisor(site):
    schedule = site["advisor"].ok(site["advisor"].get(f"/api/deals/{DEAL}/schedule"))
    assert [(l["kind"], l["amount"]) for l in schedule["lines"]] == [("deposit", "50000.00"),
                                                                     ("balance", "2960000.00")]
    assert (schedule["price"], schedule["outstanding"], schedule["collected"]) == ("3010000.00", "3010000.00", "0.00")
    response = site["advisor2"].get(f"/api/deals/{DEAL}/schedule")
    assert (response.status_code, response.json()["error"]) == (403, "NOT_YOUR_DEAL")


def test_receipts_are_recorded_by_the_cashier_and_overpayment_is_refused(site):
    cashier, pid = site["cashier"], site["pid"]
    response = site["advisor"].post(f"/api/deals/{DEAL}/receipts", {"amount": "50000.00", "method": "cash"})
    assert (response.status_code, response.json()["error"]) == (403, "ROLE_FORBIDDEN")
    receipt = cashier.ok(cashier.post(f"/api/deals/{DEAL}/receipts",
                                      {"amount": "50000.00", "method": "cash", "payer": "赵女士"}), 201)
    assert receipt["receipt_no"] == f"SK-{pid}-000001" and receipt["status"] == "valid"
    assert receipt["slip_no"] is None  # cash: no slip
    site["receipt_day"] = receipt["received_on"]  # the day's reconciliation below is that day's
    response = cashier.post(f"/api/deals/{DEAL}/receipts", {"amount": "2960000.01", "method": "transfer"})
    assert (response.status_code, response.json()["error"]) == (422, "OVERPAYMENT")
    response = cashier.post(f"/api/deals/{DEAL}/receipts", {"amount": 1.5, "method": "transfer"})
    assert (response.status_code, response.json()["error"]) == (400, "VALIDATION_ERROR")


def test_a_void_needs_a_second_person(site):
    cashier, cashier2 = site["cashier"], site["cashier2"]
    receipt = cashier.ok(cashier.post(f"/api/deals/{DEAL}/receipts", {"amount": "100.00", "method": "pos",
                                                                      "slip_no": "POS-88001234"}), 201)
    assert receipt["slip_no"] == "POS-88001234"  # the voucher's number, kept for the 收据 and the bank
    response = cashier.post(f"/api/receipts/{receipt['id']}/void", {"reason": "刷错"})
    assert (response.status_code, response.json()["error"]) == (403, "SAME_PERSON")
    voided = cashier2.ok(cashier2.post(f"/api/receipts/{receipt['id']}/void", {"reason": "刷错"}))
    assert voided["status"] == "voided"
    # the names a cashier's desk prints: finance keeps ids, the gateway adds hr's names
    assert (voided["recorded_by_name"], voided["ended_by_name"]) == ("fm_cash1", "fm_cash2")
    listed = {r["id"]: r for r in cashier.ok(cashier.get(f"/api/deals/{DEAL}/receipts"))}
    assert (listed[receipt["id"]]["recorded_by_name"], listed[receipt["id"]]["ended_by_name"]) == \
        ("fm_cash1", "fm_cash2")
    response = site["manager"].post(f"/api/receipts/{receipt['id']}/refund", {"reason": "again"})
    assert (response.status_code, response.json()["error"]) == (409, "RECEIPT_NOT_VALID")
    schedule = cashier.ok(cashier.get(f"/api/deals/{DEAL}/schedule"))
    assert schedule["collected"] == "50000.00"


def test_the_unpaid_balance_is_in_the_collections_of_its_advisor(site):
    pid = site["pid"]
    own = site["advisor"].ok(site["advisor"].get(f"/api/projects/{pid}/collections"))
    # the balance is due 7 days after the 认购: 38 days overdue, 39 if midnight passed since the fixture
    overdue = (today() - site["approved_on"]).days - 7
    assert [(l["deal_id"], l["kind"], l["days_overdue"], l["bucket"], l["remaining"]) for l in own["lines"]] == [
        (DEAL, "balance", overdue, "31-60", "2960000.00")]
    assert own["buckets"][1] == {"bucket": "31-60", "count": 1, "amount": "2960000.00"}
    seen = site["cashier"].ok(site["cashier"].get(f"/api/projects/{pid}/collections"))
    assert [(l["deal_id"], l["advisor_name"]) for l in seen["lines"]] == [(DEAL, "fm_adv1")]
    assert site["advisor2"].ok(site["advisor2"].get(f"/api/projects/{pid}/collections"))["lines"] == []
    response = site["viewer"].get(f"/api/projects/{pid}/collections")
    assert response.status_code == 403


def test_the_days_reconciliation_and_the_monthly_target(site):
    pid, month = site["pid"], this_month()
    day = site["cashier"].ok(site["cashier"].get(f"/api/projects/{pid}/receipt-reconciliation",
                                                 params={"day": site["receipt_day"]}))
    assert (day["count"], day["total"], day["balanced"], day["voided"]) == \
        (1, "50000.00", True, {"count": 1, "total": "100.00"})
    assert day["by_method"] == [{"method": "cash", "count": 1, "total": "50000.00"}]
    seen = site["viewer"].ok(site["viewer"].get(f"/api/projects/{pid}/receipt-reconciliation",
                                                params={"day": site["receipt_day"]}))
    assert seen["receipts"] == [] and seen["total"] == "50000.00"
    response = site["cashier"].put(f"/api/projects/{pid}/collection-targets/{month}", {"amount": "100000.00"})
    assert response.status_code == 403
    site["manager"].ok(site["manager"].put(f"/api/projects/{pid}/collection-targets/{month}",
                           {"amount": "100000.00"}))
    target = site["viewer"].ok(site["viewer"].get(f"/api/projects/{pid}/collection-targets/{month}"))
    assert (target["target"], target["actual"], target["achieved_percent"]) == ("100000.00", "50000.00", "50.00")


def finance_gauges(system):
    text = requests.get(system.url("finance") + "/metrics", timeout=10).text
    values = {line.split()[0]: float(line.split()[1]) for line in text.splitlines()
              if line.startswith(("loupan_finance_receipts_amount_yuan", "loupan_finance_overdue_amount_yuan"))}
    return {name: values.get(name, 0.0)
            for name in ("loupan_finance_receipts_amount_yuan", "loupan_finance_overdue_amount_yuan")}


def test_finance_exposes_receipts_and_overdue_amounts(system, site):
    before, now = site["gauges_before"], finance_gauges(system)
    assert now["loupan_finance_receipts_amount_yuan"] - before["loupan_finance_receipts_amount_yuan"] == 50000.0
    assert now["loupan_finance_overdue_amount_yuan"] - before["loupan_finance_overdue_amount_yuan"] == 2960000.0
