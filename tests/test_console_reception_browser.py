"""The reception desk (接待/内勤) of the web console in headless Chromium, against the whole
system: the rotation by real names (hr's full_name, not login names) with who is next; the
supervisor pauses (补位) and restores an advisor with a reason; 来电登记 with 认知途径 and
指定顾问; 网签 then 备案 entered on a deal signed through the API. Each flow checks what the
page shows and what the API then holds. Harness: tests/browser.py."""
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)

ADVISORS = {"rc_adv1": "李顾问", "rc_adv2": "陈顾问"}


def person(site, name, full_name, role):
    """An account with a full name of its own, signed in through the API."""
    director = site["director"]
    made = director.ok(director.post("/api/accounts", {"username": name, "password": STAFF_PASSWORD,
                                                       "full_name": full_name, "role": role,
                                                       "project_ids": [site["pid"]]}), 201)
    api = type(director)(site["url"]).login(made["username"], STAFF_PASSWORD)
    api.username = made["username"]
    return made["id"], api


def rotation(site):
    director = site["director"]
    return director.ok(director.get(f"/api/projects/{site['pid']}/rotation"))


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "接待花园", units=4)
    site = {"pid": project["id"], "units": units, "director": director, "url": system.url()}
    course = director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "pitch", "project_id": site["pid"],
                                                        "is_certification": True}), 201)
    site["ids"] = {}
    for name, full_name in ADVISORS.items():
        account_id, api = person(site, name, full_name, "advisor")
        site["ids"][full_name] = account_id
        site[name] = api
        director.ok(director.post(f"/api/courses/{course['id']}/exams", {"account_id": account_id, "score": "92.00"}), 201)
        api.ok(api.post(f"/api/projects/{site['pid']}/clock", {"kind": "in"}), 201)
        wait_until(lambda: account_id in [q["account_id"] for q in rotation(site)["queue"]], timeout=30,
                   what=f"{full_name} on the rotation")
    for name, full_name, role in (("rc_asst", "周助理", "assistant"), ("rc_sup", "吴主管", "supervisor"),
                                  ("rc_mgr", "郑经理", "manager")):
        _, site[role] = person(site, name, full_name, role)
    site["name_of"] = project_names(director)
    return site


def signed_deal(site, buyer, phone):
    """A deal 认购 by 李顾问, approved and signed by the manager, all through the API."""
    advisor, manager = site["rc_adv1"], site["manager"]
    unit_id = site["units"].pop(0)
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds", {"customer_name": buyer, "customer_phone": phone}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {"hold_id": hold["hold_id"], "price": price, "deposit": "50000.00",
                                                          "payment_method": "full", "delivery_date": "2028-12-31"}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": today().isoformat()}), 201)
    assert manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))["status"] == "signed"
    return deal


def names_in(driver, selector):
    return [e.text.strip() for e in driver.find_elements(By.CSS_SELECTOR, f"{selector} td.name")]


def reason_box(driver, reason):
    box = wait(driver, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".rotation-box") if e.is_displayed()],
               "the reason box")[0]
    box.find_element(By.CSS_SELECTOR, "input").send_keys(reason)
    box.find_element(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary").click()


# the rotation ------------------------------------------------------------------------------------
def test_the_rotation_shows_full_names_and_who_is_next_without_actions_for_the_assistant(browser, site):
    queue = rotation(site)["queue"]
    expected = [q["full_name"] for q in queue]
    assert sorted(expected) == sorted(ADVISORS.values())  # hr's names, in the API too
    sign_in(browser, site, site["assistant"].username, STAFF_PASSWORD, page="rotation")
    wait(browser, lambda d: names_in(d, "#rotation-table") == expected, f"the queue {expected}")
    text = browser.find_element(By.ID, "rotation-table").text
    assert not any(login in text for login in ADVISORS)  # no login name anywhere
    nxt = browser.find_element(By.ID, "rotation-next")
    assert nxt.text == f"下一位接待：{expected[0]}" and nxt.get_attribute("data-account-id") == str(queue[0]["account_id"])
    assert not browser.find_elements(By.CSS_SELECTOR, "#rotation-table button")  # rotation.change: supervisors only
    shot(browser, "reception-rotation.png")
    no_console_errors(browser)


def test_the_supervisor_pauses_the_next_advisor_and_restores_them(browser, site):
    head = rotation(site)["queue"][0]
    other = [n for n in ADVISORS.values() if n != head["full_name"]][0]
    sign_in(browser, site, site["supervisor"].username, STAFF_PASSWORD, page="rotation")
    row = f'#rotation-table tr[data-account-id="{head["account_id"]}"]'
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{row} .skip"), "the pause button of the head")[0].click()
    reason_box(browser, "沙盘讲解培训")
    wait(browser, lambda d: names_in(d, "#rotation-skipped") == [head["full_name"]], "the advisor among the paused")
    assert "沙盘讲解培训" in browser.find_element(By.ID, "rotation-skipped").text
    wait(browser, lambda d: d.find_element(By.ID, "rotation-next").text == f"下一位接待：{other}", "the next advisor")
    after = rotation(site)
    assert [(s["account_id"], s["full_name"], s["reason"]) for s in after["skipped"]] == [
        (head["account_id"], head["full_name"], "沙盘讲解培训")]
    assert [q["full_name"] for q in after["queue"]] == [other]
    shot(browser, "reception-rotation-paused.png")

    browser.find_element(By.CSS_SELECTOR, f'#rotation-skipped tr[data-account-id="{head["account_id"]}"] .restore').click()
    reason_box(browser, "培训结束")
    wait(browser, lambda d: names_in(d, "#rotation-table") == [other, head["full_name"]], "restored at the back")
    restored = rotation(site)
    assert ([q["account_id"] for q in restored["queue"]], restored["skipped"]) == ([site["ids"][other], head["account_id"]], [])
    audit = [(a["action"], a["reason"]) for a in restored["audit"] if a["action"] in ("skipped", "restored")]
    assert audit == [("skipped", "沙盘讲解培训"), ("restored", "培训结束")]
    wait(browser, lambda d: "恢复轮序" in d.find_element(By.ID, "rotation-audit").text, "the change in the record")
    no_console_errors(browser)


def test_the_supervisor_moves_an_advisor_forward_with_a_reason(browser, site):
    before = [q["account_id"] for q in rotation(site)["queue"]]
    assert len(before) == 2
    second = before[1]
    sign_in(browser, site, site["supervisor"].username, STAFF_PASSWORD, page="rotation")
    row = f'#rotation-table tr[data-account-id="{second}"]'
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{row} .up"), "the second advisor's 前移")[0].click()
    reason_box(browser, "客户预约")
    wait(browser, lambda d: d.find_element(By.ID, "rotation-next").get_attribute("data-account-id") == str(second),
         "the moved advisor next")
    after = rotation(site)
    assert [q["account_id"] for q in after["queue"]] == [second, before[0]]
    assert [(a["action"], a["reason"]) for a in after["audit"]][-1] == ("reordered", "客户预约")
    no_console_errors(browser)


# 来电登记 ---------------------------------------------------------------------------------------
def test_a_call_is_registered_with_its_channel_and_the_advisor_named(browser, site):
    sign_in(browser, site, site["assistant"].username, STAFF_PASSWORD, page="calls")
    browser.find_element(By.ID, "call-name").send_keys("孙先生")
    browser.find_element(By.ID, "call-mobile").send_keys("13911110001")
    pick(browser, "call-channel", "网络")
    pick(browser, "call-advisor", "陈顾问")
    browser.find_element(By.ID, "call-submit").click()
    advisor = wait(browser, lambda d: d.find_elements(By.ID, "call-taken-by"), "the registered call")[0]
    assert advisor.text == "陈顾问" and advisor.get_attribute("data-account-id") == str(site["ids"]["陈顾问"])
    wait(browser, lambda d: "孙先生" in d.find_element(By.ID, "calls-today").text, "the call in today's list")
    assert "网络" in browser.find_element(By.ID, "calls-today").text
    calls = site["director"].ok(site["director"].get(f"/api/projects/{site['pid']}/calls"))
    assert [(c["customer_name"], c["channel"], c["advisor_id"], c["kind"]) for c in calls] == [
        ("孙先生", "online", site["ids"]["陈顾问"], "call")]
    shot(browser, "reception-calls.png")
    no_console_errors(browser)


def test_a_walk_in_asks_for_an_advisor_and_came_through_a_channel_partner(browser, site):
    queue = [q["account_id"] for q in rotation(site)["queue"]]
    sign_in(browser, site, site["assistant"].username, STAFF_PASSWORD, page="visits")
    browser.find_element(By.ID, "visit-name").send_keys("周女士")
    browser.find_element(By.ID, "visit-mobile").send_keys("13911110003")
    pick(browser, "visit-channel", "渠道")
    wait(browser, lambda d: d.find_elements(By.ID, "visit-partner"), "the partner's name field")[0].send_keys("链家")
    pick(browser, "visit-advisor", "陈顾问")
    browser.find_element(By.ID, "visit-submit").click()
    assigned = wait(browser, lambda d: d.find_elements(By.ID, "assigned-advisor"), "the registered visit")[0]
    assert assigned.text == "陈顾问" and "指定" in browser.find_element(By.ID, "visit-result").text
    wait(browser, lambda d: "周女士" in d.find_element(By.ID, "visits-today").text, "the visit in today's list")
    visits = site["director"].ok(site["director"].get(f"/api/projects/{site['pid']}/visits"))
    mine = [v for v in visits if v["customer_name"] == "周女士"]
    assert [(v["channel"], v["advisor_id"], v["assignment"]) for v in mine] == [("channel_partner", site["ids"]["陈顾问"], "chosen")]
    customer = site["director"].ok(site["director"].get(f"/api/customers/{mine[0]['customer_id']}"))
    assert (customer["channel"], customer["partner_name"]) == ("channel_partner", "链家")
    assert [q["account_id"] for q in rotation(site)["queue"]] == queue  # a chosen advisor leaves the rotation as it was
    shot(browser, "reception-visit-chosen.png")
    no_console_errors(browser)


def pick(driver, select_id, label):
    """Choose `label` in an Element Plus select as a user would."""
    field = driver.find_element(By.ID, select_id)
    wrapper = field.find_elements(By.XPATH, "./ancestor::div[contains(concat(' ', @class, ' '), ' el-select__wrapper ')]")
    (wrapper[0] if wrapper else field).click()
    option = wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item")
                                     if o.is_displayed() and o.text.strip() == label], f"the option {label}")[0]
    option.click()


# 网签/备案 --------------------------------------------------------------------------------------
def test_the_assistant_enters_online_signing_then_filing_on_a_signed_deal(browser, site):
    deal = signed_deal(site, "钱女士", "13922220002")
    day = today().isoformat()
    sign_in(browser, site, site["assistant"].username, STAFF_PASSWORD, page="filings")
    row = f'#filing-list tr[data-deal-id="{deal["id"]}"]'
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{row} .enter"), "the signed deal")[0].click()
    number = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "filing-number") if e.is_displayed()], "the form")[0]
    number.send_keys(f"WQ-{deal['id']}")
    browser.find_element(By.ID, "filing-save").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"{row} .online-no").text == f"WQ-{deal['id']}", "the 网签 number")
    assert browser.find_element(By.CSS_SELECTOR, f"{row} .online-date").text == day
    contract = site["manager"].ok(site["manager"].get(f"/api/deals/{deal['id']}"))["contract"]
    assert (contract["online_signing_no"], contract["online_signed_on"], contract["filing_no"]) == (f"WQ-{deal['id']}", day, None)
    shot(browser, "reception-filings.png")

    wait(browser, lambda d: "录入备案" in d.find_element(By.CSS_SELECTOR, f"{row} .enter").text, "the 备案 step next")
    browser.find_element(By.CSS_SELECTOR, f"{row} .enter").click()
    number = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "filing-number") if e.is_displayed()], "the form")[0]
    number.send_keys(f"BA-{deal['id']}")
    browser.find_element(By.ID, "filing-save").click()
    wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f"{row} .filing-no").text == f"BA-{deal['id']}", "the 备案 number")
    assert browser.find_element(By.CSS_SELECTOR, f"{row} .status").text == "已备案"
    assert not browser.find_elements(By.CSS_SELECTOR, f"{row} .enter")
    filed = site["manager"].ok(site["manager"].get(f"/api/deals/{deal['id']}"))
    assert (filed["status"], filed["contract"]["filing_no"], filed["contract"]["filed_on"]) == ("filed", f"BA-{deal['id']}", day)
    no_console_errors(browser)


def test_a_filing_date_in_the_future_is_refused_in_chinese(browser, site):
    deal = signed_deal(site, "冯先生", "13922220004")
    tomorrow = (today() + timedelta(days=1)).isoformat()
    sign_in(browser, site, site["assistant"].username, STAFF_PASSWORD, page="filings")
    row = f'#filing-list tr[data-deal-id="{deal["id"]}"]'
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f"{row} .enter"), "the signed deal")[0].click()
    number = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "filing-number") if e.is_displayed()], "the form")[0]
    number.send_keys("WQ-明天")
    day = browser.find_element(By.ID, "filing-date")
    day.send_keys(Keys.CONTROL, "a")
    day.send_keys(tomorrow, Keys.ENTER)
    wait(browser, lambda d: d.find_element(By.ID, "filing-date").get_attribute("value") == tomorrow, "tomorrow typed")
    browser.find_element(By.ID, "filing-number").click()  # the picker closed, as a user leaves it
    browser.find_element(By.ID, "filing-save").click()
    note = wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, "#filing-form .error-note") if e.is_displayed()],
                "the refusal")[0]
    assert "日期不能晚于今天" in note.text and note.find_element(By.CSS_SELECTOR, ".error-code").text == "DATE_IN_FUTURE"
    contract = site["manager"].ok(site["manager"].get(f"/api/deals/{deal['id']}"))["contract"]
    assert contract["online_signing_no"] is None  # nothing recorded
    shot(browser, "reception-filing-refused.png")
    no_console_errors(browser)
