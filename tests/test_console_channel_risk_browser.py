"""渠道风控 in the web console (issue 19) in headless Chromium, with real alerts made through the
API as the office makes them: three channels' brokers report one customer (多渠道争抢); a
channel's customer, brought with its 带看码, is given to an advisor (渠道客户换归属), subscribes
minutes after the report (截客嫌疑), and the advisor then asks to correct the customer's number
(渠道客户改手机号, waiting for a manager). The manager opens 渠道风控 and reads each alert's facts as sentences in
Chinese, people by their names (no login name, code or JSON), filters by kind, and the page
passes axe. Harness: tests/browser.py."""
import re
from datetime import timedelta
from functools import partial

import pytest
from selenium.webdriver.common.by import By

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_channels_browser import no_axe_violations, person, pick

poll = partial(wait_until, timeout=60)
DELIVERY = (today() + timedelta(days=700)).isoformat()
CONTESTED, CUT_IN, CORRECTED = "13500008801", "13500008802", "13500008803"


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "风控花园", units=1)
    site = {"pid": project["id"], "units": units, "director": director, "url": system.url()}
    for key, full, role in (("mgr", "祁经理", "manager"), ("ast", "前台小陆", "assistant"), ("adv", "范顾问", "advisor")):
        site[key] = person(site, f"rk{key}", full, role)
    site["name_of"] = project_names(director)
    manager = site["mgr"]
    site["brokers"] = []
    for channel_name, broker_name, mobile in (("链家风控", "钱经纪", "13900088001"), ("贝壳风控", "孙经纪", "13900088002"),
                                              ("中原风控", "李经纪", "13900088003")):
        channel = manager.ok(manager.post("/api/channels", {"name": channel_name, "grade": "A",
                                                            "project_ids": [site["pid"]]}), 201)
        site["brokers"].append(manager.ok(manager.post("/api/brokers", {
            "channel_id": channel["id"], "name": broker_name, "mobile": mobile}), 201))
    return site


def alerts(site, kind):
    manager = site["mgr"]
    return manager.ok(manager.get(f"/api/projects/{site['pid']}/channel-alerts", params={"kind": kind}))


def make_alerts(site):
    """Three channels report one customer; a channel's customer is given to an advisor,
    subscribes just after its report and the advisor asks to correct their number: one alert of
    each kind but high_conversion."""
    pid, manager, office, advisor = (site[k] for k in ("pid", "mgr", "ast", "adv"))
    for broker in site["brokers"]:
        office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
            "broker_id": broker["id"], "customer_name": "争抢周先生", "mobile": CONTESTED}), 201)
    assert [a["mobile_key"] for a in alerts(site, "many_channels")] == ["135****8801"]

    filed = office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": site["brokers"][0]["id"], "customer_name": "截客吴女士", "mobile": CUT_IN}), 201)
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"]}), 201)
    customer_id = seen["visit"]["customer_id"]
    manager.ok(manager.post(f"/api/projects/{pid}/customers/reassign",
                            {"customer_ids": [customer_id], "to_owner_id": advisor.id}))
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "截客吴女士", "customer_phone": CUT_IN}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY, "customer_id": customer_id}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    poll(lambda: alerts(site, "report_before_deal"), what="crm's 截客 alert of the 认购")

    asked = advisor.ok(advisor.post(f"/api/customers/{customer_id}/mobile-change",
                                    {"mobile": CORRECTED, "reason": "客户换了号码"}), 202)
    assert asked["status"] == "pending"
    assert [a["facts"]["stage"] for a in alerts(site, "mobile_change")] == ["requested"]
    return filed, deal


def row_of(driver, kind):
    rows = [tag.find_element(By.XPATH, "ancestor::tr[1]")
            for tag in driver.find_elements(By.CSS_SELECTOR, "#alerts .k-kind") if tag.get_attribute("data-kind") == kind]
    return rows[0] if len(rows) == 1 else None


def facts(row):
    return [e.text for e in row.find_elements(By.CSS_SELECTOR, ".k-fact")]


def test_the_manager_reads_each_risk_alert_in_chinese(browser, site):
    filed, deal = make_alerts(site)
    sign_in(browser, site, site["mgr"].username, STAFF_PASSWORD, page="channel-risk")
    kinds = ("many_channels", "owner_change", "report_before_deal", "mobile_change")
    wait(browser, lambda d: all(row_of(d, k) for k in kinds), "one row of each kind")

    contested = row_of(browser, "many_channels")
    assert contested.find_element(By.CSS_SELECTOR, ".k-kind").text == "多渠道争抢同一客户"
    assert facts(contested) == ["30 天内 3 家渠道报备同一客户：中原风控、贝壳风控、链家风控", "共 3 次报备"]
    assert "135****8801" in contested.text

    given = row_of(browser, "owner_change")  # reception registered the customer: nobody's until given
    assert given.find_element(By.CSS_SELECTOR, ".k-kind").text == "渠道客户换归属"
    assert facts(given) == ["归属由 未分配 改为 顾问 范顾问", "重新分配，操作人 祁经理"]

    cut_in = row_of(browser, "report_before_deal")
    assert cut_in.find_element(By.CSS_SELECTOR, ".k-kind").text == "截客嫌疑（认购前临时报备）"
    said = facts(cut_in)
    assert len(said) == 2 and said[0].startswith("链家风控 经纪人 钱经纪 于 ") and said[0].endswith(" 报备")
    assert f"（成交 #{deal['id']}）" in said[1] and said[1].startswith("认购时间 ")
    assert said[1].endswith("报备与认购相隔不到 1 分钟"), said  # filed seconds before: not "早 0 分钟"
    assert "135****8802" in cut_in.text and f"#{filed['id']}" in cut_in.text

    corrected = row_of(browser, "mobile_change")
    assert corrected.find_element(By.CSS_SELECTOR, ".k-kind").text == "渠道客户改手机号"
    assert facts(corrected) == ["手机号 135****8802 → 135****8803（顾问申请，待经理审批）",
                                "申请人 范顾问；原因：客户换了号码"]  # the advisor's name, not her login

    # no English code, login name or JSON anywhere in the list
    table = browser.find_element(By.ID, "alerts").text
    assert not re.search(r"[A-Za-z{}\[\]\"_]", table), table
    shot(browser, "channel-risk-alerts.png")
    no_axe_violations(browser, "channel-risk-alerts")

    # one kind at a time
    pick(browser, "risk-kind", "截客嫌疑（认购前临时报备）")
    wait(browser, lambda d: [t.get_attribute("data-kind") for t in d.find_elements(By.CSS_SELECTOR, "#alerts .k-kind")]
         == ["report_before_deal"], "the 截客 alert alone")
    no_axe_violations(browser, "channel-risk-filtered")
    no_console_errors(browser)
