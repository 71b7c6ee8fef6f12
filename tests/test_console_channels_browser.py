"""渠道 in the web console (issue 19) in headless Chromium, against the whole system: a manager
creates a channel and its broker on 渠道管理 and sets the project's 判客 rules (each said in one
line); the office files the broker's 报备 through the API with the middle digits hidden; reception
types its 带看码 on 带看核验, is asked for the full mobile, sees the verdict (the channel's) and
the visit recorded, and the same code again says it was used; the manager reads the report on
报备与判客 with its visit. Finance opens 渠道结佣 for a deal a channel brought (报备, 带看 and
签约 through the API), sets when deals become billable and the channel's terms, draws the
statement and issues it (its .xlsx downloads); a manager reads the page without its forms. A
manager's own appeal is refused to them as a sentence and another manager rules it. The pages
pass axe. Harness: tests/browser.py."""
from datetime import timedelta
from functools import partial

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, nav, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_a11y_browser import axe_violations, report, settled

poll = partial(wait_until, timeout=60)
DELIVERY = (today() + timedelta(days=700)).isoformat()


def person(site, key, full_name, role):
    director = site["director"]
    made = director.ok(director.post("/api/accounts", {"username": f"cb_{key}", "password": STAFF_PASSWORD,
                                                       "full_name": full_name, "role": role,
                                                       "project_ids": [site["pid"]]}), 201)
    api = type(director)(site["url"]).login(made["username"], STAFF_PASSWORD)
    api.username, api.id = made["username"], made["id"]
    return api


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "渠道花园", units=3)
    site = {"pid": project["id"], "units": units, "director": director, "url": system.url()}
    for key, full, role in (("mgr", "罗经理", "manager"), ("mgr2", "韦经理", "manager"), ("ast", "前台小何", "assistant"),
                            ("adv", "邓顾问", "advisor"), ("fin", "结佣会计", "finance")):
        site[key] = person(site, key, full, role)
    site["name_of"] = project_names(director)
    return site


def as_(driver, site, who, page):
    sign_in(driver, site, site[who].username, STAFF_PASSWORD, page=page)


def no_axe_violations(driver, page):
    # and no toast left: one fading out between the check and axe has its colours half gone
    wait(driver, lambda d: settled(d) and not d.find_elements(By.CSS_SELECTOR, ".el-message"),
         f"the page {page} with its data")
    found = axe_violations(driver)
    if found:
        shot(driver, f"channels-a11y-{page}.png")
    assert found == [], report({page: found})


def pick(driver, select_id, label):
    """Choose an option of an Element Plus select as a user would."""
    driver.find_element(By.ID, select_id).find_element(
        By.XPATH, "ancestor::div[contains(concat(' ', @class, ' '), ' el-select ')][1]").click()
    option = wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item")
                                     if o.is_displayed() and o.text.strip() == label], f"the option {label}")[0]
    option.click()


def retype(element, text):
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(text, Keys.TAB)


def confirm_box(driver):
    wait(driver, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary")
                            if b.is_displayed()], "the confirmation box")[0].click()


def channel_row(driver, name):
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#channels tbody tr") if name in r.text]
    return rows[0] if rows else None


def channel_with_broker(site, name, broker, mobile):
    manager = site["mgr"]
    channel = manager.ok(manager.post("/api/channels", {"name": name, "grade": "A", "contract_no": "HT-9",
                                                        "project_ids": [site["pid"]]}), 201)
    made = manager.ok(manager.post("/api/brokers", {"channel_id": channel["id"], "name": broker, "mobile": mobile}), 201)
    return channel, made


# (a) 渠道管理 → 报备 → 带看核验 ----------------------------------------------------------------------
def test_a_manager_sets_up_a_channel_and_reception_verifies_its_brokers_code(browser, site):
    pid, manager = site["pid"], site["mgr"]
    as_(browser, site, "mgr", "channels")
    assert {"channels", "channel-reports", "channel-visit", "channel-risk", "channel-commission"} <= set(nav(browser))
    wait(browser, lambda d: d.find_element(By.ID, "channel-new"), "the new channel button").click()
    wait(browser, lambda d: d.find_element(By.ID, "channel-name").is_displayed(), "the channel form")
    browser.find_element(By.ID, "channel-save").click()
    wait(browser, lambda d: "请填写渠道名称" in d.find_element(By.ID, "channel-form").text, "the name asked for")
    browser.find_element(By.ID, "channel-name").send_keys("链家分销")
    pick(browser, "channel-grade", "B 级")
    browser.find_element(By.ID, "channel-contract").send_keys("HT-2026-018")
    browser.find_element(By.ID, "channel-terms").send_keys("成交价 1.2%")
    browser.find_element(By.ID, "channel-save").click()
    row = wait(browser, lambda d: channel_row(d, "链家分销"), "the channel in the list")
    assert "B 级" in row.text and "HT-2026-018" in row.text and "渠道花园" in row.text and "合作中" in row.text
    channel = next(c for c in manager.ok(manager.get("/api/channels")) if c["name"] == "链家分销")
    assert (channel["grade"], channel["contract_no"], channel["project_ids"], channel["status"]) == (
        "B", "HT-2026-018", [pid], "active")

    # its broker
    row.find_element(By.CSS_SELECTOR, ".c-brokers").click()
    wait(browser, lambda d: d.find_element(By.ID, "broker-name"), "the broker form").send_keys("张经纪")
    browser.find_element(By.ID, "broker-mobile").send_keys("13900007001")
    browser.find_element(By.ID, "broker-add").click()
    wait(browser, lambda d: "张经纪" in d.find_element(By.ID, "brokers").text, "the broker in the list")
    assert "13900007001" in browser.find_element(By.ID, "brokers").text  # a manager sees the full number
    broker = manager.ok(manager.get("/api/brokers", params={"channel_id": channel["id"]}))
    assert [(b["name"], b["status"]) for b in broker] == [("张经纪", "active")]
    broker = broker[0]

    # the project's 判客 rules, one line each
    explained = browser.find_element(By.ID, "rules-explained").text
    assert "带看有效期 72 小时（3 天）" in explained and "渠道保护期 30 天" in explained and "案场优先" in explained
    retype(browser.find_element(By.ID, "rules-hours"), "48")
    wait(browser, lambda d: "带看有效期 48 小时（2 天）" in d.find_element(By.ID, "rules-explained").text, "the line follows")
    browser.find_element(By.ID, "rules-save").click()
    wait(browser, lambda d: manager.ok(manager.get(f"/api/projects/{pid}/channel-settings"))["report_valid_hours"] == 48,
         "the rules saved")
    shot(browser, "channels-manage.png")
    no_axe_violations(browser, "channels")
    no_console_errors(browser)

    # the office files the broker's 报备 (the middle digits hidden); its code goes to the broker
    filed = manager.ok(manager.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": broker["id"], "customer_name": "陈先生", "mobile": "139****7002"}), 201)
    assert filed["status"] == "valid" and filed["visit_code"]

    # reception at the desk
    as_(browser, site, "ast", "channel-visit")
    assert "channels" not in nav(browser) and "channel-risk" not in nav(browser)  # an assistant manages no channel
    code = browser.find_element(By.ID, "visit-code")
    code.send_keys(filed["visit_code"].lower())  # typed as read aloud
    browser.find_element(By.ID, "visit-submit").click()
    wait(browser, lambda d: "请填写客户完整手机号" in d.find_element(By.ID, "visit-error").text, "the full mobile asked for")
    no_axe_violations(browser, "channel-visit-asked")
    browser.find_element(By.ID, "visit-mobile").send_keys("13912347002")
    browser.find_element(By.ID, "visit-submit").click()
    verdict = wait(browser, lambda d: d.find_elements(By.ID, "visit-verdict"), "the verdict")[0]
    assert verdict.get_attribute("data-result") == "visited"
    assert "带看成功：客户归 链家分销" in verdict.text and "张经纪" in verdict.text
    record = browser.find_element(By.ID, "visit-record").text
    assert "陈先生" in record and "前台小何" in record and "带看成功" in record
    shot(browser, "channels-visit.png")
    no_axe_violations(browser, "channel-visit")
    detail = manager.ok(manager.get(f"/api/channel-reports/{filed['id']}"))
    assert (detail["status"], detail["attributed"], [v["receptionist_id"] for v in detail["visits"]]) == (
        "visited", True, [site["ast"].id])
    # the same code again
    browser.find_element(By.ID, "visit-code").send_keys(filed["visit_code"])
    browser.find_element(By.ID, "visit-mobile").send_keys("13912347002")
    browser.find_element(By.ID, "visit-submit").click()
    wait(browser, lambda d: "该带看码已使用" in d.find_element(By.ID, "visit-error").text, "the used code said so")
    no_console_errors(browser)

    # the manager reads the report and its visit; 渠道风控 opens
    as_(browser, site, "mgr", "channel-reports")
    link = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#reports .r-open[data-report-id="{filed["id"]}"]'),
                "the report in the list")[0]
    row = link.find_element(By.XPATH, "ancestor::tr[1]")
    assert "已带看" in row.text and "链家分销" in row.text and "陈先生" in row.text
    pick(browser, "reports-status", "无效")
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, f'#reports .r-open[data-report-id="{filed["id"]}"]'),
         "the filter")
    pick(browser, "reports-status", "已带看")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#reports .r-open[data-report-id="{filed["id"]}"]'),
         "the visited report again")[0].click()
    wait(browser, lambda d: "前台小何" in d.find_element(By.ID, "detail-visits").text, "the report's visit")
    assert "已带看" in browser.find_element(By.ID, "detail-verdict").text
    no_axe_violations(browser, "channel-reports")
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="channel-risk"]').click()
    wait(browser, lambda d: d.find_elements(By.ID, "alerts"), "the risk page")
    no_axe_violations(browser, "channel-risk")
    no_console_errors(browser)


# a manager's own appeal -------------------------------------------------------------------------------
def test_a_manager_may_not_rule_their_own_appeal_and_another_rules_it(browser, site):
    pid, manager, other = site["pid"], site["mgr"], site["mgr2"]
    _, first = channel_with_broker(site, "中原分销", "刘经纪", "13900007101")
    _, second = channel_with_broker(site, "我爱我家", "吴经纪", "13900007102")
    manager.ok(manager.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": first["id"], "customer_name": "周女士", "mobile": "13700007103"}), 201)
    late = manager.ok(manager.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": second["id"], "customer_name": "周女士", "mobile": "13700007103"}), 201)
    assert (late["status"], late["reason"]) == ("rejected", "reported_by_other")
    as_(browser, site, "mgr", "channel-reports")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#reports .r-open[data-report-id="{late["id"]}"]'),
         "the rejected report")[0].click()
    wait(browser, lambda d: "其他渠道已先报备" in d.find_element(By.ID, "detail-verdict").text, "its verdict")
    browser.find_element(By.ID, "appeal-new").click()
    wait(browser, lambda d: d.find_element(By.ID, "appeal-reason").is_displayed(), "the appeal form")
    browser.find_element(By.ID, "appeal-reason").send_keys("客户称先联系的是吴经纪")
    browser.find_element(By.ID, "appeal-attachments").send_keys("微信聊天截图.png")
    browser.find_element(By.ID, "appeal-save").click()
    wait(browser, lambda d: "待裁定" in d.find_element(By.ID, "detail-appeals").text, "the appeal filed")
    assert "罗经理" in browser.find_element(By.ID, "detail-appeals").text  # hr's name, not the login name
    browser.find_element(By.ID, "tab-appeals").click()
    rule = wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "#appeals .a-rule") if b.is_displayed()],
                "the appeal to rule")[0]
    rule.click()
    wait(browser, lambda d: d.find_element(By.ID, "ruling-text").is_displayed(), "the ruling form")
    browser.find_element(By.CSS_SELECTOR, '#ruling-decision [data-decision="dismiss"]').click()
    browser.find_element(By.ID, "ruling-text").send_keys("报备时间在后")
    browser.find_element(By.ID, "ruling-save").click()
    wait(browser, lambda d: "不能由您本人裁定" in d.find_element(By.ID, "ruling-self").text, "the refusal as a sentence")
    no_axe_violations(browser, "channel-ruling")
    appeal = manager.ok(manager.get(f"/api/projects/{pid}/channel-appeals"))[0]
    assert (appeal["report_id"], appeal["status"]) == (late["id"], "open")

    as_(browser, site, "mgr2", "channel-reports")
    browser.find_element(By.ID, "tab-appeals").click()
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "#appeals .a-rule") if b.is_displayed()],
         "the appeal to rule")[0].click()
    wait(browser, lambda d: d.find_element(By.ID, "ruling-text").is_displayed(), "the ruling form")
    browser.find_element(By.CSS_SELECTOR, '#ruling-decision [data-decision="dismiss"]').click()
    browser.find_element(By.ID, "ruling-text").send_keys("报备时间在后，维持原判")
    browser.find_element(By.ID, "ruling-evidence").send_keys("报备记录")
    browser.find_element(By.ID, "ruling-save").click()
    wait(browser, lambda d: not [b for b in d.find_elements(By.CSS_SELECTOR, "#appeals .a-rule") if b.is_displayed()],
         "no appeal left to rule")
    ruled = other.ok(other.get(f"/api/projects/{pid}/channel-appeals"))[0]
    assert (ruled["status"], ruled["decision"], ruled["ruling"], ruled["evidence"], ruled["ruled_by"]) == (
        "ruled", "dismiss", "报备时间在后，维持原判", ["报备记录"], other.id)
    no_console_errors(browser)


# (b) 渠道结佣 -------------------------------------------------------------------------------------------
def channel_deal(site):
    """A customer a channel brought (报备, 带看) who signs: all through the API."""
    pid, manager, office, advisor, cashier = (site[k] for k in ("pid", "mgr", "ast", "adv", "fin"))
    channel, broker = channel_with_broker(site, "贝壳分销", "孙经纪", "13900007201")
    filed = manager.ok(manager.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": broker["id"], "customer_name": "黄先生", "mobile": "13600007202"}), 201)
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"]}), 201)
    customer_id = seen["visit"]["customer_id"]
    unit_id = site["units"].pop(0)
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "黄先生", "customer_phone": "13600007202"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY, "customer_id": customer_id}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": today().isoformat()}), 201)
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))
    poll(lambda: any(d["deal_id"] == deal["id"] for d in cashier.ok(cashier.get(f"/api/projects/{pid}/channel-deals"))),
         what="finance made the deal the channel's")
    return channel, deal


def test_finance_sets_terms_and_draws_and_issues_a_channel_statement(browser, site):
    pid, cashier = site["pid"], site["fin"]
    channel, deal = channel_deal(site)
    as_(browser, site, "fin", "channel-commission")
    assert "channels" not in nav(browser) and "channel-reports" not in nav(browser)
    # 签约即可结佣: the deal becomes billable at once
    pick(browser, "billing-when", "签约即可结佣")
    wait(browser, lambda d: d.find_element(By.ID, "billing-save"), "the save button").click()
    wait(browser, lambda d: not d.find_elements(By.ID, "billing-save"), "the condition saved")
    assert cashier.ok(cashier.get(f"/api/projects/{pid}/channel-billing"))["billable_when"] == "signed"
    # the channel's terms: ¥8,000 a unit
    pick(browser, "terms-channel", "贝壳分销")
    browser.find_element(By.ID, "terms-save").click()
    wait(browser, lambda d: "每套佣金须为大于 0 的金额" in d.find_element(By.ID, "terms-form").text, "the amount asked for")
    browser.find_element(By.ID, "terms-amount").send_keys("8000")
    browser.find_element(By.ID, "terms-save").click()
    wait(browser, lambda d: "每套 ¥8,000.00" in d.find_element(By.ID, "terms").text, "the terms in the list")
    terms = cashier.ok(cashier.get(f"/api/projects/{pid}/channel-terms"))
    assert [(t["channel_id"], t["kind"], t["amount"], t["version"]) for t in terms] == [
        (channel["id"], "per_unit", "8000.00", 1)]
    no_axe_violations(browser, "channel-commission-terms")
    browser.find_element(By.ID, "tab-deals").click()
    state = wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, f'#channel-deals .d-unit[data-deal-id="{deal["id"]}"]')
                                     if e.is_displayed()], "the channel deal")[0]
    assert "可结佣" in state.find_element(By.XPATH, "ancestor::tr[1]").text
    no_axe_violations(browser, "channel-commission-deals")

    # the statement: drawn for this month, issued
    browser.find_element(By.ID, "tab-statements").click()
    pick(browser, "draw-channel", "贝壳分销")
    browser.find_element(By.ID, "draw-submit").click()
    wait(browser, lambda d: [e for e in d.find_elements(By.ID, "statement-detail")
                                      if e.get_attribute("data-status") == "draft"], "the draft")[0]
    assert "¥8,000.00" in browser.find_element(By.ID, "statement-lines").text
    assert "佣金" in browser.find_element(By.ID, "statement-lines").text
    browser.find_element(By.ID, "statement-issue").click()
    confirm_box(browser)
    wait(browser, lambda d: d.find_element(By.ID, "statement-detail").get_attribute("data-status") == "issued", "issued")
    statement = cashier.ok(cashier.get(
        f"/api/channel-statements/{browser.find_element(By.ID, 'statement-detail').get_attribute('data-statement-id')}"))
    assert (statement["status"], statement["number"], statement["total"], statement["issued_by"]) == (
        "issued", 1, "8000.00", cashier.id)
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in statement["lines"]] == [(deal["id"], "commission", "8000.00")]
    assert "第 1 号" in browser.find_element(By.ID, "statement-detail").text
    browser.find_element(By.ID, "statement-xlsx").click()
    wait(browser, lambda d: d.find_element(By.ID, "statement-xlsx").get_attribute("data-status") == "200", "the .xlsx")
    assert "spreadsheetml" in browser.find_element(By.ID, "statement-xlsx").get_attribute("data-type")
    shot(browser, "channels-statement.png")
    no_axe_violations(browser, "channel-commission-statement")
    browser.find_element(By.ID, "tab-costs").click()
    wait(browser, lambda d: "¥8,000.00" in d.find_element(By.ID, "channel-costs").text, "the cost per deal")
    no_console_errors(browser)

    # a manager reads it: no forms, no actions
    as_(browser, site, "mgr", "channel-commission")
    wait(browser, lambda d: "每套 ¥8,000.00" in d.find_element(By.ID, "terms").text, "the terms")
    assert not browser.find_elements(By.ID, "terms-form") and not browser.find_elements(By.ID, "draw-form")
    no_console_errors(browser)
