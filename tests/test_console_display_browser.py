"""销控大屏 on a display token, in headless Chromium against the whole system (issue 17): a
director issues a token on 大屏授权 (#/display) and copies the wall's address; the wall opens
with it in a fresh window (no session, nobody signed in) at 1920×1080 and shows the board; a
hold made through the API appears on it; the director revokes the token and the wall says so
in Chinese, still on the wall, never on the login page. The header's bell: a manager sees the
认购 an advisor submitted as an approval waiting, and it leads to the inbox.
The shared harness is tests/browser.py."""
from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By

from loupan.types import today
from tests.api import DIRECTOR, make_project
from tests.browser import (STAFF_PASSWORD, account, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "授权花园", units=8)
    return {"pid": project["id"], "units": units, "director": director, "url": system.url()}


@pytest.fixture(scope="module", autouse=True)
def names(site):
    site["name_of"] = project_names(site["director"])


def tokens(site):
    director = site["director"]
    return director.ok(director.get(f"/api/projects/{site['pid']}/display-tokens"))


def test_a_director_issues_a_display_token_the_wall_runs_on_it_and_stops_when_revoked(browser, site):
    director = site["director"]
    sign_in(browser, site, director.username, DIRECTOR[1], page="display")
    browser.find_element(By.ID, "display-label").send_keys("大厅大屏")
    browser.find_element(By.ID, "display-issue").click()
    url = wait(browser, lambda d: d.find_element(By.ID, "display-url").get_attribute("value"), "the wall's address")
    assert "#/wall?display=lpd_" in url and url.startswith(site["url"] + "/console/")
    issued = [t for t in tokens(site) if t["label"] == "大厅大屏"]
    assert len(issued) == 1 and issued[0]["status"] == "active"
    wait(browser, lambda d: "大厅大屏" in d.find_element(By.ID, "display-tokens").text, "the token listed")
    shot(browser, "display-tokens.png")
    desk = browser.current_window_handle

    # the wall: a new window has no session (the console keeps its token per tab), at 1920×1080
    browser.switch_to.new_window("window")
    wall = browser.current_window_handle
    try:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
        browser.get(url)
        wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".wall-cell")) == len(site["units"]), "the board")
        # the wall follows the live feed (gateway/feed, on its own port: the page is told where)
        wait(browser, lambda d: d.find_elements(By.ID, "wall-live"), "the wall following the live feed")
        assert browser.execute_script("return sessionStorage.getItem('loupan.token')") is None  # nobody signed in
        assert "#/wall?display=" in browser.current_url and not browser.find_elements(By.ID, "login-button")
        assert browser.find_element(By.CSS_SELECTOR, ".wall-title h1").text == "授权花园"
        assert not browser.find_elements(By.CSS_SELECTOR, ".wall-exit")  # nowhere to go from a display
        assert "去化率" in browser.find_element(By.ID, "wall-totals").text
        # a hold made elsewhere appears on the wall
        unit = site["units"][0]
        director.ok(director.post(f"/api/units/{unit}/holds", {"customer_name": "大屏买家", "customer_phone": "13900006666"}),
                    201)
        wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, f'.wall-cell[data-unit-id="{unit}"]')
             .get_attribute("data-status") == "held", "the hold on the wall")
        assert "大屏买家" not in browser.find_element(By.TAG_NAME, "body").text
        shot(browser, "display-wall-1920x1080.png")
        no_console_errors(browser)

        # the director revokes it: the wall says so, and stays the wall
        browser.switch_to.window(desk)
        row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#display-tokens .token-row")
                                       if "大厅大屏" in r.text], "the token's row")[0]
        row.find_element(By.CSS_SELECTOR, ".t-revoke").click()
        confirm = wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".revoke-box .el-button--primary")
                                           if b.is_displayed()], "the confirmation")[0]
        confirm.click()
        wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#display-tokens .token-row")
                                 if "大厅大屏" in r.text and "已撤销" in r.text], "the token shown revoked")
        assert [t["status"] for t in tokens(site) if t["label"] == "大厅大屏"] == ["revoked"]
        browser.switch_to.window(wall)
        ended = wait(browser, lambda d: d.find_element(By.ID, "wall-ended").text, "the wall saying its token was revoked")
        assert "此大屏授权已被总监撤销" in ended and "重新发放" in ended
        assert "#/wall?display=" in browser.current_url and not browser.find_elements(By.ID, "login-button")
        shot(browser, "display-wall-revoked.png")
    finally:
        browser.switch_to.window(wall)
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.close()
        browser.switch_to.window(desk)
    browser.get_log("browser")  # the revoked token's 401s were the point


def test_the_bell_shows_a_manager_the_approval_waiting_and_leads_to_the_inbox(browser, site):
    director = site["director"]
    manager = account(director, "bell_mgr", "manager", [site["pid"]])
    adv = account(director, "bell_adv", "advisor", [site["pid"]])
    advisor = type(director)(site["url"]).login(adv["username"], STAFF_PASSWORD)
    unit = site["units"][1]
    held = advisor.ok(advisor.post(f"/api/units/{unit}/holds", {"customer_name": "铃声买家", "customer_phone": "13900005555"}),
                      201)
    price = advisor.ok(advisor.get(f"/api/units/{unit}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": held["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": (today() + timedelta(days=700)).isoformat()}), 201)
    sign_in(browser, site, manager["username"], STAFF_PASSWORD)
    badge = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".bell-badge sup").text, "the bell's count")
    assert int(badge) >= 1
    browser.find_element(By.ID, "bell").click()
    item = wait(browser, lambda d: [i for i in d.find_elements(By.CSS_SELECTOR, '.bell-item[data-kind="approval_waiting"]')
                                    if i.is_displayed() and deal["unit_label"] in i.text], "the 认购 waiting in the bell")[0]
    assert "待审批" in item.text and "铃声买家" in item.text
    shot(browser, "display-bell-manager.png")
    item.click()
    wait(browser, lambda d: d.current_url.endswith("#/approvals") and "铃声买家" in d.find_element(By.ID, "approvals").text,
         "the inbox with the 认购")
    no_console_errors(browser)
