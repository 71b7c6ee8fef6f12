"""日报/周报/月报, funnel and channels over HTTP, composed at the gateway from what the
services really recorded: a call and a walk-in visit (rotation fed by hr's 上岗考核 and
clock-in), a hold, an approved 认购 and a receipt; the .xlsx export; who may read what; and a
report that still answers, naming the part, while crm is down."""
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from loupan.testing import wait_until
from loupan.types import SHANGHAI, today
from tests.api import make_project
from tests.conftest import staff
from tests.api import short

DELIVERY = (datetime.now(SHANGHAI).date() + timedelta(days=700)).isoformat()



@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "报表花园", units=4)
    pid = project["id"]
    people = {"pid": pid, "units": units, "director": director,
              "manager": staff(system, director, "rp_mgr", "manager", [pid]),
              "assistant": staff(system, director, "rp_asst", "assistant", [pid]),
              "cashier": staff(system, director, "rp_cash", "finance", [pid]),
              "viewer": staff(system, director, "rp_dev", "developer_viewer", [pid]),
              "advisor": staff(system, director, "rp_adv", "advisor", [pid])}
    adv_id = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}["rp_adv"]
    people["adv_id"] = adv_id
    course = director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "pitch", "project_id": pid,
                                                        "is_certification": True}), 201)
    director.ok(director.post(f"/api/courses/{course['id']}/exams", {"account_id": adv_id, "score": "95.00"}), 201)
    advisor = people["advisor"]
    advisor.ok(advisor.post(f"/api/projects/{pid}/clock", {"kind": "in"}), 201)
    wait_until(lambda: adv_id in [q["account_id"] for q in director.ok(
        director.get(f"/api/projects/{pid}/rotation"))["queue"]], timeout=30, what="advisor on the rotation")

    assistant = people["assistant"]
    assistant.ok(assistant.post(f"/api/projects/{pid}/calls", {"advisor_id": adv_id}), 201)
    visit = assistant.ok(assistant.post(f"/api/projects/{pid}/visits",
                                        {"mobile": "13900139000", "customer_name": "钱先生"}), 201)
    assert visit["advisor_id"] == adv_id
    hold = advisor.ok(advisor.post(f"/api/units/{units[0]}/holds",
                                   {"customer_name": "钱先生", "customer_phone": "13900139000"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{units[0]}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY}), 201)
    people["manager"].ok(people["manager"].post(f"/api/subscriptions/{deal['id']}/approve", {}))
    cashier = people["cashier"]
    wait_until(lambda: cashier.get(f"/api/deals/{deal['id']}/schedule").status_code == 200, timeout=30,
               what="schedule built from subscription_approved")
    cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts", {"amount": "50000.00", "method": "cash",
                                                                  "payer": "钱先生"}), 201)
    people["price"] = price
    return people


def test_the_daily_report_counts_what_happened_today_per_advisor(site):
    pid, manager = site["pid"], site["manager"]
    report = manager.ok(manager.get(f"/api/projects/{pid}/reports/daily"))
    assert report["scope"] == {"project_id": pid, "project_ids": [pid], "kind": "daily",
                               "from": today().isoformat(), "to": today().isoformat()}
    assert report["missing"] == []
    totals = report["totals"]
    assert (totals["calls"], totals["visits"], totals["new_leads"], totals["holds"]) == (1, 1, 1, 1)
    assert totals["subscriptions"] == {"count": 1, "area": "100.00", "amount": site["price"]}
    assert totals["contracts"] == {"count": 0, "area": "0.00", "amount": "0.00"}
    assert totals["receipts"] == {"count": 1, "amount": "50000.00"}
    (line,) = [r for r in report["by_advisor"] if r["advisor_id"] == site["adv_id"]]
    assert (line["name"], line["visits"], line["holds"], line["subscriptions"]["count"]) == ("rp_adv", 1, 1, 1)
    assert "ranking" not in report and "13900139000" not in str(report)
    yesterday = manager.ok(manager.get(f"/api/projects/{pid}/reports/daily",
                                       params={"day": (today() - timedelta(days=1)).isoformat()}))
    assert yesterday["totals"]["holds"] == 0


def test_the_monthly_and_agency_reports_add_sell_through_and_ranking(site):
    pid, director = site["pid"], site["director"]
    month = director.ok(director.get(f"/api/projects/{pid}/reports/monthly"))
    assert month["sell_through"] == "25.00"  # 1 of 4 released units subscribed
    assert [(r["rank"], r["advisor_id"], r["count"]) for r in month["ranking"]] == [(1, site["adv_id"], 0)]
    assert month["sales_vs_target"] == {"month": today().strftime("%Y-%m"), "target": None, "actual": "0.00",
                                        "achieved_percent": None}
    assert month["collection_vs_target"]["actual"] == "50000.00"
    agency = director.ok(director.get("/api/reports/daily"))
    assert agency["scope"]["project_id"] is None and pid in agency["scope"]["project_ids"]
    assert agency["totals"]["holds"] >= 1
    week_start = today() - timedelta(days=today().weekday())
    week = site["viewer"].ok(site["viewer"].get(f"/api/projects/{pid}/reports/weekly",
                                                params={"week_start": week_start.isoformat()}))
    assert week["totals"]["subscriptions"]["count"] == 1 and week["scope"]["kind"] == "weekly"
    assert "13900139000" not in str(week) and "钱先生" not in str(week)


def test_the_xlsx_opens_with_a_sheet_per_section(site):
    pid, manager = site["pid"], site["manager"]
    response = manager.get(f"/api/projects/{pid}/reports/daily", params={"format": "xlsx"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["汇总", "顾问明细"]
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert (summary["来访(上客量)"], summary["预留"], summary["收款金额(元)"]) == (1, 1, 50000)
    funnel = manager.get(f"/api/projects/{pid}/reports/funnel",
                         params={"from": today().isoformat(), "to": today().isoformat(), "by": "channel",
                                 "format": "xlsx"})
    rows = list(load_workbook(BytesIO(funnel.content))["销售漏斗"].iter_rows(values_only=True))
    assert rows[1][:2] == ("自然到访", 1)  # the channel's Chinese name, not walk_in
    by_advisor = manager.get(f"/api/projects/{pid}/reports/funnel",
                             params={"from": today().isoformat(), "to": today().isoformat(), "by": "advisor",
                                     "format": "xlsx"})
    names = [row[0] for row in load_workbook(BytesIO(by_advisor.content))["销售漏斗"].iter_rows(values_only=True)]
    assert "rp_adv" in names and None not in names  # named as hr names them


def test_funnel_and_channels(site):
    pid, manager = site["pid"], site["manager"]
    funnel = manager.ok(manager.get(f"/api/projects/{pid}/reports/funnel",
                                    params={"from": today().isoformat(), "to": today().isoformat(), "by": "advisor"}))
    assert (funnel["total"]["visits"], funnel["total"]["new_leads"]) == (1, 1)
    assert (funnel["from"], funnel["by"]) == (today().isoformat(), "advisor")
    by_day = manager.ok(manager.get(f"/api/projects/{pid}/reports/funnel",
                                    params={"from": today().isoformat(), "to": today().isoformat()}))
    assert [(r["day"], r["visits"]) for r in by_day["rows"]] == [(today().isoformat(), 1)]
    channels = manager.ok(manager.get(f"/api/projects/{pid}/reports/channels"))
    (walk_in,) = [r for r in channels["channels"] if r["channel"] == "walk_in"]
    assert (walk_in["visits"], walk_in["spend"], walk_in["cost_per_visit"]) == (1, "0.00", "0.00")
    assert channels["missing"] == []


def test_who_may_read_which_report(site):
    pid = site["pid"]
    advisor, cashier = site["advisor"], site["cashier"]
    assert advisor.get(f"/api/projects/{pid}/reports/daily").status_code == 200
    refused = advisor.get(f"/api/projects/{pid}/reports/weekly")
    assert (refused.status_code, refused.json()["error"]) == (403, "ROLE_FORBIDDEN")
    assert site["viewer"].get(f"/api/projects/{pid}/reports/channels").status_code == 403
    assert advisor.get(f"/api/projects/{pid + 1000}/reports/daily").status_code == 403
    money = cashier.ok(cashier.get(f"/api/projects/{pid}/reports/daily"))
    assert money["totals"]["receipts"]["amount"] == "50000.00" and money["totals"]["visits"] == 0
    bad = site["manager"].get(f"/api/projects/{pid}/reports/weekly", params={"week_start": "2026-11-24"})
    assert (bad.status_code, bad.json()["error"]) == (400, "VALIDATION_ERROR")


def test_a_service_down_is_named_missing_and_the_rest_still_answers(system, site):
    pid, manager = site["pid"], site["manager"]
    system.kill("crm")
    try:
        report = manager.ok(manager.get(f"/api/projects/{pid}/reports/daily"))
        assert report["missing"] == [{"part": "crm", "project_id": pid, "error": "SERVICE_UNAVAILABLE"}]
        assert (report["totals"]["visits"], report["totals"]["holds"]) == (0, 1)
        assert report["totals"]["receipts"]["amount"] == "50000.00"
    finally:
        system.start_service("crm")
    assert manager.ok(manager.get(f"/api/projects/{pid}/reports/daily"))["missing"] == []
