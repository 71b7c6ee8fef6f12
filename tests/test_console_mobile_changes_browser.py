"""更正手机号 in the web console (issue 19) in headless Chromium, against the whole system: an
advisor corrects the number of her own customer no channel holds on its record (已更正, the new
number shown, the history masked); on the record of a customer a channel brought (报备 and 带看
through the API, then given to her) she sees the channel's protection (channel, broker, until
when) and her correction is sent to a manager (已提交经理审批, 待经理审批 on the record). The
manager finds it in 审批待办 with the channel and the numbers masked and approves it: the
customer has the new number, its record says so, and 渠道风控 lists the steps. The pages pass
axe. Harness: tests/browser.py."""
import pytest
from selenium.webdriver.common.by import By

from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_channels_browser import no_axe_violations, person


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, _ = make_project(director, "更正花园", units=1)
    site = {"pid": project["id"], "director": director, "url": system.url()}
    for key, full, role in (("mgr", "严经理", "manager"), ("ast", "前台小施", "assistant"), ("adv", "姜顾问", "advisor")):
        site[key] = person(site, f"mc{key}", full, role)
    site["name_of"] = project_names(director)
    return site


def held_customer(site):
    """A customer 链家更正's broker reported and brought (its 带看码 checked), given to the advisor."""
    pid, manager, office = site["pid"], site["mgr"], site["ast"]
    channel = manager.ok(manager.post("/api/channels", {"name": "链家更正", "grade": "A", "project_ids": [pid]}), 201)
    broker = manager.ok(manager.post("/api/brokers", {"channel_id": channel["id"], "name": "柯经纪",
                                                      "mobile": "13900077001"}), 201)
    filed = office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": broker["id"], "customer_name": "渠道邵先生", "mobile": "13700071234"}), 201)
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"]}), 201)
    customer_id = seen["visit"]["customer_id"]
    manager.ok(manager.post(f"/api/projects/{pid}/customers/reassign",
                            {"customer_ids": [customer_id], "to_owner_id": site["adv"].id}))
    return customer_id


def open_record(driver, site, customer_id):
    """The customer's record, loaded afresh (the page reads its customer once, when it opens)."""
    driver.get(f"{site['url']}/console/#/customers/{customer_id}")
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "customer-mobile"), "the customer's record")


def correct(driver, mobile, reason):
    driver.find_element(By.ID, "mobile-correct").click()
    wait(driver, lambda d: d.find_element(By.ID, "mobile-new").is_displayed(), "the correction dialog")
    driver.find_element(By.ID, "mobile-new").send_keys(mobile)
    driver.find_element(By.ID, "mobile-reason").send_keys(reason)
    driver.find_element(By.ID, "mobile-save").click()


def test_an_advisor_asks_and_a_manager_approves_a_held_customers_new_number(browser, site):
    pid, advisor, manager = site["pid"], site["adv"], site["mgr"]
    own = advisor.ok(advisor.post(f"/api/projects/{pid}/customers", {
        "mobile": "13700070001", "name": "来电卢女士", "channel": "phone"}), 201)["customer"]
    customer_id = held_customer(site)

    # her own customer, no channel: corrected at once
    sign_in(browser, site, advisor.username, STAFF_PASSWORD, page="customers")
    open_record(browser, site, own["id"])
    assert browser.find_element(By.ID, "customer-channel").text == "—"
    browser.find_element(By.ID, "mobile-correct").click()
    wait(browser, lambda d: d.find_element(By.ID, "mobile-save").is_displayed(), "the correction dialog")
    browser.find_element(By.ID, "mobile-save").click()
    wait(browser, lambda d: "请填写新手机号" in d.find_element(By.ID, "mobile-error").text, "the number asked for")
    browser.find_element(By.CSS_SELECTOR, "#mobile-form .el-button:not(#mobile-save)").click()  # 取消
    wait(browser, lambda d: not d.find_element(By.ID, "mobile-form").is_displayed(), "the dialog closed")
    correct(browser, "137 0007 0002", "登记时输错一位")
    wait(browser, lambda d: d.find_element(By.ID, "mobile-correct-result").text == "已更正", "已更正")
    wait(browser, lambda d: "13700070002" in d.find_element(By.ID, "customer-mobile").text, "the new number")
    history = wait(browser, lambda d: d.find_element(By.ID, "mobile-history").text, "the correction's history")
    assert "137****0001 → 137****0002" in history and "登记时输错一位" in history and "已更正" in history

    # the channel's customer: its protection on the record, the correction sent to a manager
    open_record(browser, site, customer_id)
    protection = wait(browser, lambda d: d.find_element(By.ID, "customer-channel").text, "the channel's protection")
    assert "链家更正" in protection and "柯经纪" in protection and "保护至" in protection
    no_axe_violations(browser, "customer-record")
    correct(browser, "13700075678", "客户换了号码")
    wait(browser, lambda d: d.find_element(By.ID, "mobile-correct-result").text == "已提交经理审批", "sent to a manager")
    pending = wait(browser, lambda d: d.find_element(By.ID, "mobile-pending").text, "待经理审批 on the record")
    assert "137****5678" in pending and "13700071234" in browser.find_element(By.ID, "customer-mobile").text
    assert not browser.find_elements(By.ID, "mobile-correct")  # one waiting at a time
    shot(browser, "mobile-change-asked.png")
    no_axe_violations(browser, "customer-record-pending")
    (asked,) = manager.ok(manager.get(f"/api/projects/{pid}/mobile-changes", params={"status": "pending"}))
    no_console_errors(browser)

    # the manager approves it from 审批待办
    sign_in(browser, site, manager.username, STAFF_PASSWORD, page="approvals")
    row_of = f'#approvals tr.inbox-mobile:has([data-key="mobile-{asked["id"]}"])'
    row = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, row_of), "the correction in the inbox")[0]
    assert "渠道邵先生" in row.text and "链家更正" in row.text and "137****1234 → 137****5678" in row.text
    assert "客户换了号码" in row.text and "姜顾问" in row.text
    no_axe_violations(browser, "approvals-mobile")
    shot(browser, "approvals-mobile.png")
    row.find_element(By.CSS_SELECTOR, ".i-approve").click()
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, row_of), "the correction approved")
    assert manager.ok(manager.get(f"/api/customers/{customer_id}"))["mobile"] == "13700075678"

    open_record(browser, site, customer_id)
    wait(browser, lambda d: "13700075678" in d.find_element(By.ID, "customer-mobile").text, "the new number")
    assert "经理批准·已更正" in wait(browser, lambda d: d.find_element(By.ID, "mobile-history").text, "the history")
    assert not browser.find_elements(By.ID, "mobile-pending")
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="channel-risk"]').click()
    def kinds(d):
        shown = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#alerts .k-kind")
                 if e.get_attribute("data-kind") == "mobile_change"]
        return shown if shown and all(shown) else None
    assert wait(browser, kinds, "the 渠道风控 alerts") == ["渠道客户改手机号"] * 2
    text = browser.find_element(By.ID, "alerts").text
    assert "经理 " in text and "批准" in text and "待经理审批" in text and "137****1234 → 137****5678" in text
    no_axe_violations(browser, "channel-risk")
    no_console_errors(browser)
