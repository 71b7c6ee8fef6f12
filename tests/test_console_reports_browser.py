"""The director's and the developer's reports in the web console, headless Chromium against
the whole system: 周报/月报 whose figures are the API's (visits, 认购, 签约, 成交均价, 去化率,
回款 against its target) with their charts, the sales funnel, channel effectiveness (by lead
source, and the distribution channels' 报备, 带看, 认购 and commission), the Excel download
(answered 200 as xlsx, a workbook openpyxl opens), and the developer's viewer reading them with
no action anywhere. Harness: tests/browser.py."""
import calendar
from decimal import Decimal
from io import BytesIO

import pytest
import requests
from openpyxl import load_workbook
from selenium.webdriver.common.by import By

from loupan.testing import wait_until
from loupan.types import today
from tests.api import DIRECTOR, make_project
from tests.browser import (STAFF_PASSWORD, account, browser, built_console, nav, no_console_errors,  # noqa: F401
                           project_names, shot, sign_in, wait)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONTH = today().strftime("%Y-%m")
MONTH_END = f"{MONTH}-{calendar.monthrange(today().year, today().month)[1]:02d}"


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "报表花园", units=6)
    pid = project["id"]
    other, _ = make_project(director, "报表别院", units=2)  # for the agency-wide report

    def login(username, password):  # a client of its own per account
        return type(director)(system.url()).login(username, password)
    adv = account(director, "rp_adv", "advisor", [pid, other["id"]])
    mgr = account(director, "rp_mgr", "manager", [pid])
    dev = account(director, "rp_dev", "developer_viewer", [pid])
    advisor, manager = login(adv["username"], STAFF_PASSWORD), login(mgr["username"], STAFF_PASSWORD)
    for i, channel in enumerate(("online", "online", "walk_in")):  # three walk-ins, two found online
        director.ok(director.post(f"/api/projects/{pid}/visits", {"customer_name": f"客户{i}", "mobile": f"1370000000{i}",
                                                                 "channel": channel, "advisor_id": adv["id"]}), 201)
    director.ok(director.post(f"/api/projects/{other['id']}/visits", {"customer_name": "别院客户", "mobile": "13700000009",
                                                                      "advisor_id": adv["id"]}), 201)
    hold = advisor.ok(advisor.post(f"/api/units/{units[0]}/holds", {"customer_name": "客户0", "customer_phone": "13700000000"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{units[0]}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {"hold_id": hold["hold_id"], "price": price, "deposit": "50000.00",
                                                          "payment_method": "full", "delivery_date": "2028-12-31"}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": today().isoformat()}), 201)
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))
    manager.ok(manager.put(f"/api/projects/{pid}/collection-targets/{MONTH}", {"amount": "5000000.00"}))
    director.ok(director.post(f"/api/projects/{pid}/expenses", {"category": "advertising", "channel": "online",
                                                                "medium": "抖音", "month": MONTH, "amount": "12000.00"}), 201)
    # a distribution channel's 报备 (filed by the office for its broker) and its customer's 带看 at reception
    channel = director.ok(director.post("/api/channels", {"name": "报表链家", "grade": "A", "project_ids": [pid]}), 201)
    broker = director.ok(director.post("/api/brokers", {"channel_id": channel["id"], "name": "报表经纪",
                                                        "mobile": "13900880001"}), 201)
    filed = director.ok(director.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": broker["id"], "customer_name": "渠道客户", "mobile": "13700000088"}), 201)
    director.ok(director.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"],
                                                                      "mobile": "13700000088"}), 201)
    return {"pid": pid, "director": director, "url": system.url(), "developer": dev["username"], "deal": deal,
            "name_of": project_names(director), "channel": channel}


def api_report(site, path, **query):
    director = site["director"]
    return director.ok(director.get(f"/api/projects/{site['pid']}/reports/{path}", params=query))


def figure(driver, key):
    found = driver.find_elements(By.CSS_SELECTOR, f'#period-totals [data-key="{key}"] .value')
    return found[0].get_attribute("data-value") if found else None


def period_from(driver):
    """The first day of the report drawn (the answer, not the picker: the last answer drawn)."""
    found = driver.find_elements(By.ID, "period-totals")
    return found[0].get_attribute("data-from") if found else None


def settled(site, path, ready, **query):
    """The API's report once the events of the fixture reached every service (some figures
    are read models fed by the bus)."""
    return wait_until(lambda: (lambda r: ready(r) and r)(api_report(site, path, **query)), timeout=60,
                      what=f"the {path} report with the fixture's facts")


def test_the_monthly_and_weekly_reports_show_the_apis_figures_with_charts(browser, site):
    api = settled(site, "monthly", lambda r: r["totals"]["contracts"]["count"] == 1 and r["totals"]["visits"] == 3,
                  month=MONTH)
    assert (api["totals"]["visits"], api["totals"]["contracts"]["count"]) == (3, 1)
    sign_in(browser, site, site["director"].username, DIRECTOR[1], page="report-period")
    browser.find_element(By.XPATH, '//*[@id="period-kind"]//span[text()="月报"]').click()
    wait(browser, lambda d: d.find_element(By.ID, "period-title").text == f"{MONTH[:4]}年{int(MONTH[5:])}月", "the month")
    wait(browser, lambda d: period_from(d) == f"{MONTH}-01" and figure(d, "contracts") == "1", "the month's report")
    for key in ("calls", "visits", "new_leads", "holds"):
        assert figure(browser, key) == str(api["totals"][key]), key
    for key in ("subscriptions", "contracts", "receipts"):
        assert figure(browser, key) == str(api["totals"][key]["count"]), key
    assert figure(browser, "average_price") == api["average_price"] and api["average_price"] is not None
    assert figure(browser, "sell_through") == api["sell_through"]
    collection = browser.find_element(By.ID, "vs-collection")
    assert (collection.get_attribute("data-target"), collection.get_attribute("data-actual")) == (
        api["collection_vs_target"]["target"], api["collection_vs_target"]["actual"])
    assert api["collection_vs_target"]["target"] == "5000000.00" and "¥5,000,000.00" in collection.text
    target_bars = {(b.get_attribute("data-category"), b.get_attribute("data-series")): float(b.get_attribute("data-value"))
                   for b in browser.find_elements(By.CSS_SELECTOR, "#chart-targets rect.bar")}
    assert target_bars[("回款", "目标（万元）")] == 500.0
    assert target_bars[("签约", "完成（万元）")] == round(float(Decimal(api["totals"]["contracts"]["amount"])) / 10000, 1)
    advisor_bars = browser.find_elements(By.CSS_SELECTOR, '#chart-period-advisors rect.bar[data-series="来访"]')
    assert sum(int(b.get_attribute("data-value")) for b in advisor_bars) == 3
    ranking = browser.find_element(By.ID, "period-ranking").text
    assert "rp_adv" in ranking and [r["name"] for r in api["ranking"]] == ["rp_adv"]
    shot(browser, "reports-monthly.png")

    browser.find_element(By.XPATH, '//*[@id="period-kind"]//span[text()="周报"]').click()
    week = settled(site, "weekly", lambda r: r["totals"]["visits"] == 3)
    wait(browser, lambda d: d.find_element(By.ID, "period-title").text.startswith(week["scope"]["from"]), "this week")
    wait(browser, lambda d: period_from(d) == week["scope"]["from"], "the week's report")
    assert figure(browser, "visits") == str(week["totals"]["visits"])
    assert figure(browser, "contracts") == str(week["totals"]["contracts"]["count"])
    shot(browser, "reports-weekly.png")

    browser.find_element(By.XPATH, '//*[@id="period-everywhere"]/ancestor::label').click()  # 全部项目: the agency's report
    agency = site["director"].ok(site["director"].get("/api/reports/weekly"))
    assert agency["scope"]["project_id"] is None and len(agency["scope"]["project_ids"]) == 2
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h2").text.startswith("全部项目"), "the agency's title")
    wait(browser, lambda d: d.find_element(By.ID, "period-totals").get_attribute("data-project") == "all", "the agency's report")
    assert figure(browser, "visits") == str(agency["totals"]["visits"])
    assert agency["totals"]["visits"] == week["totals"]["visits"] + 1
    no_console_errors(browser)


def test_the_funnel_follows_the_api(browser, site):
    api = settled(site, "funnel", lambda r: r["total"]["signed"] >= 1, **{"from": f"{MONTH}-01", "to": MONTH_END,
                                                                         "by": "advisor"})  # the page's default
    assert api["total"]["visits"] == 3
    sign_in(browser, site, site["director"].username, DIRECTOR[1], page="report-funnel")

    def counts(driver):
        return {li.get_attribute("data-key"): int(li.get_attribute("data-count"))
                for li in driver.find_elements(By.CSS_SELECTOR, "#funnel-steps li")}
    wait(browser, lambda d: counts(d) == {k: api["total"][k] for k in ("visits", "new_leads", "a_grade", "subscribed", "signed")},
         f"the funnel {api['total']}")
    steps = browser.find_element(By.ID, "funnel-steps").text
    assert "来访" in steps and "签约" in steps and "较上一步" in steps
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-funnel rect.bar")
    shot(browser, "reports-funnel.png")
    no_console_errors(browser)


def test_channel_effectiveness_and_its_excel(browser, site, tmp_path):
    api = api_report(site, "channels", month=MONTH)
    online = [r for r in api["channels"] if r["channel"] == "online"][0]
    assert (online["spend"], online["visits"]) == ("12000.00", 2)
    sign_in(browser, site, site["director"].username, DIRECTOR[1], page="report-channels")
    row = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, '#channel-rows tr[data-channel="online"]'), "the online row")[0]
    assert (row.find_element(By.CSS_SELECTOR, ".spend").text, row.find_element(By.CSS_SELECTOR, ".visits").text) == ("¥12,000.00", "2")
    assert "网络" in row.text
    # 分销渠道: the channel's 报备 and 带看 of the month, nothing billed yet; the 合计 row
    mine = [r for r in api["distribution"] if r["channel_id"] == site["channel"]["id"]][0]
    assert (mine["reports"], mine["visits"], mine["deals"], mine["commission"], mine["cost_per_deal"]) == (
        1, 1, 0, "0.00", None)
    line = wait(browser, lambda d: d.find_elements(
        By.CSS_SELECTOR, f'#distribution-rows tr[data-channel-id="{site["channel"]["id"]}"]'), "the channel's row")[0]
    assert [line.find_element(By.CSS_SELECTOR, f".{key}").text for key in ("reports", "visits", "deals", "commission",
                                                                          "cost")] == ["1", "1", "0", "¥0.00", "—"]
    assert "报表链家" in line.text
    total = browser.find_element(By.ID, "distribution-total")
    assert total.find_element(By.CSS_SELECTOR, ".reports").text == str(sum(r["reports"] for r in api["distribution"]))
    assert "「渠道」" in browser.find_element(By.ID, "distribution-note").text  # where the commission is counted
    shot(browser, "reports-channels.png")

    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    button = browser.find_element(By.ID, "channels-xlsx")
    button.click()
    wait(browser, lambda d: button.get_attribute("data-status") == "200", "the download answered")
    assert button.get_attribute("data-type") == XLSX
    saved = wait(browser, lambda d: [p for p in tmp_path.iterdir() if p.suffix == ".xlsx"], "the file saved")[0]
    assert saved.name == f"project-{site['pid']}-channels-{MONTH}.xlsx"
    book = load_workbook(BytesIO(saved.read_bytes()))
    assert any("online" in [str(c.value) for c in r] or "网络" in [str(c.value) for c in r]
               for r in book.active.iter_rows())
    assert ("报表链家", 1, 1, 0, 0, None) in list(book["分销渠道"].iter_rows(values_only=True))
    # the same route with the browser's own token answers the same way
    token = browser.execute_script("return sessionStorage.getItem('loupan.token')")
    direct = requests.get(f"{site['url']}/api/projects/{site['pid']}/reports/channels", params={"month": MONTH, "format": "xlsx"},
                          headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert (direct.status_code, direct.headers["Content-Type"]) == (200, XLSX)
    no_console_errors(browser)


def test_the_developer_reads_reports_with_no_action(browser, site, tmp_path):
    sign_in(browser, site, site["developer"], STAFF_PASSWORD, page="report-period")
    pages = set(nav(browser))
    assert {"report", "report-period", "report-funnel"} <= pages
    assert not {"report-channels", "visits", "calls", "rotation", "filings", "approvals", "customers", "today"} & pages
    wait(browser, lambda d: figure(d, "contracts") is not None, "the week's report")
    allowed = {"上一周", "下一周", "下载 Excel", ""}
    buttons = {b.text.strip() for b in browser.find_elements(By.CSS_SELECTOR, "#view button") if b.is_displayed()}
    assert "下载 Excel" in buttons and not buttons - allowed, buttons  # the page: reading and downloading only
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    button = browser.find_element(By.ID, "period-xlsx")
    button.click()
    wait(browser, lambda d: button.get_attribute("data-status") == "200", "the weekly Excel")
    assert button.get_attribute("data-type") == XLSX
    wait(browser, lambda d: [p for p in tmp_path.iterdir() if p.suffix == ".xlsx"], "the file saved")
    browser.get(site["url"] + "/console/#/report-channels")  # not in the menu, and not reachable by address
    wait(browser, lambda d: not d.current_url.endswith("#/report-channels"), "sent away from the channels page")
    assert not browser.find_elements(By.ID, "channel-rows")
    shot(browser, "reports-developer.png")
    no_console_errors(browser)
