"""The buyers' mobile page 手机选房 (issue 18) in Chromium on a 390×844 phone, against the whole
system: the launch's link (/buyer/launch/<id>), the mobile of the 认筹, 获取验证码 and its resend
countdown, a wrong code's Chinese error, the texted code (read where the log adapter writes it,
as a sales office would), then 我的认筹: the registration number, the countdown to the opening,
the launch's units kept fresh while the page is open (a hold made at the desk shows), sign-out.
After the draw: the buyer's place and window (the #/?launch= link); a session that is no more
sends the page back to sign-in. axe-core finds no serious or critical violation on either page.
The shared harness is tests/browser.py."""
import hashlib
import re

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.api import code_from, make_project, texts_to
from tests.browser import browser, built_console, no_console_errors, shot, wait  # noqa: F401 (fixtures)
from tests.conftest import staff
from tests.test_console_a11y_browser import axe_violations, report

SEED = "notary-buyer-h5-5f0e2a"
IDS = ["110105199003071239", "11010519900301244X"]
MOBILES = ["13770000001", "13770000002"]


@pytest.fixture(scope="module")
def launch(system, director, built_console):
    project, units = make_project(director, "手机选房花园", units=6)
    manager = staff(system, director, "h5_manager", "manager", [project["id"]])
    advisor = staff(system, director, "h5_advisor", "advisor", [project["id"]])
    assistant = staff(system, director, "h5_assistant", "assistant", [project["id"]])
    launch = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "手机选房首开", "mode": "lottery", "opens_at": "2030-05-01T09:00:00+08:00", "unit_ids": units[:4],
        "window_size": 1, "window_minutes": 5, "deposit_amount": "0.00"}), 201)
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    regs = [advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", {
        "buyer_name": f"钱七{i}", "id_number": IDS[i], "mobile": MOBILES[i]}), 201) for i in range(2)]
    for r in regs:
        assistant.ok(assistant.post(f"/api/registrations/{r['id']}/review", {"result": "eligible", "note": "本地户籍"}))
    return {"launch": launch, "units": units[:4], "regs": regs, "manager": manager, "advisor": advisor,
            "url": system.url()}


@pytest.fixture(scope="module")
def phone(browser):
    """The browser as a 390×844 phone (CSS pixels, a touch screen)."""
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    return browser


def text_of(driver, element_id):
    return driver.find_element(By.ID, element_id).text.strip()


def type_into(driver, element_id, text):
    box = driver.find_element(By.ID, element_id)
    box.send_keys(Keys.CONTROL, "a")  # as a user would: clear() fires no input event, Vue would not see it
    box.send_keys(Keys.DELETE)
    box.send_keys(text)


def test_a_buyer_signs_in_on_a_phone_sees_the_countdown_and_the_units_and_signs_out(system, launch, phone):
    driver, launch_id = phone, launch["launch"]["id"]
    driver.get(f"{launch['url']}/buyer/launch/{launch_id}")
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form")
    # laid out for the phone: its viewport, nothing wider than the screen
    assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == [390, 844]
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    assert driver.title.endswith("手机选房")
    found = axe_violations(driver)
    assert found == [], report({"buyer sign-in": found})

    type_into(driver, "buyer-mobile", "1377")  # not a mobile yet: said so, nothing asked
    driver.find_element(By.ID, "ask-code").click()
    assert wait(driver, lambda d: text_of(d, "signin-error"), "the mobile refused") == "请输入 11 位手机号"
    assert texts_to(system, MOBILES[0]) == []

    type_into(driver, "buyer-mobile", MOBILES[0])
    driver.find_element(By.ID, "ask-code").click()
    sent = wait(driver, lambda d: d.find_elements(By.ID, "code-sent"), "the code sent")[0].text
    assert "137****0001" in sent
    # the resend countdown from the answer's resend_after (60 s): the button waits
    button = driver.find_element(By.ID, "ask-code")
    assert re.search(r"\d+ 秒后重新获取", button.text) and not button.is_enabled()
    (text,) = wait(driver, lambda d: texts_to(system, MOBILES[0]), "the text in the SMS log")
    right = code_from(text)

    type_into(driver, "buyer-code", f"{(int(right) + 1) % 10 ** 6:06d}")  # a wrong code
    driver.find_element(By.ID, "signin-button").click()
    error = wait(driver, lambda d: text_of(d, "signin-error") if d.find_elements(By.ID, "signin-error") else None,
                 "the wrong code's error")
    assert error.startswith("验证码不正确或已失效") and "CODE_INVALID" in error
    shot(driver, "buyer-h5-wrong-code-390x844.png")

    type_into(driver, "buyer-code", right)
    driver.find_element(By.ID, "signin-button").click()
    wait(driver, lambda d: d.current_url.endswith("#/me") and d.find_elements(By.ID, "reg-number"), "我的认筹")
    assert driver.execute_script("return sessionStorage.getItem('loupan.buyer.token')").startswith("lpb_")
    assert text_of(driver, "reg-number") == launch["regs"][0]["number"]
    assert text_of(driver, "launch-name") == "手机选房首开"
    body = driver.find_element(By.TAG_NAME, "body").text
    assert "钱**" in body and "110***********1239" in body and "已通过" in body and "无需缴纳" in body
    assert IDS[0] not in body and MOBILES[1] not in body and "钱七1" not in body
    assert "摇号后将显示您的选房顺序与批次" in text_of(driver, "window-state")
    # the countdown to the opening runs
    first = text_of(driver, "opening-countdown")
    assert re.fullmatch(r"\d+天 \d\d:\d\d:\d\d", first), first
    wait(driver, lambda d: text_of(d, "opening-countdown") != first, "the countdown to tick")
    # the launch's units, all available
    rows = driver.find_elements(By.CSS_SELECTOR, "#units .unit")
    assert sorted(int(r.get_attribute("data-unit-id")) for r in rows) == sorted(launch["units"])
    assert "共 4 套，可选 4 套" == text_of(driver, "units-summary")
    assert all("可选" in r.text and "1号楼" in r.text and "万" in r.text for r in rows)
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390
    found = axe_violations(driver)
    shot(driver, "buyer-h5-mine-390x844.png")
    assert found == [], report({"buyer 我的认筹": found})

    # a unit held at the desk shows on the phone without a reload: pushed by the live feed
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "main.mine").get_attribute("data-live") == "on",
         "the phone following the live feed")
    held = launch["units"][0]
    launch["advisor"].ok(launch["advisor"].post(f"/api/units/{held}/holds",
                                                {"customer_name": "柜台客户", "customer_phone": "13900007777"}), 201)
    wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f'#units .unit[data-unit-id="{held}"]')
         .get_attribute("data-status") == "held", "the hold on the phone")
    assert "已预留" in driver.find_element(By.CSS_SELECTOR, f'#units .unit[data-unit-id="{held}"]').text
    assert "柜台客户" not in driver.find_element(By.TAG_NAME, "body").text
    no_console_errors(driver)

    token = driver.execute_script("return sessionStorage.getItem('loupan.buyer.token')")
    driver.find_element(By.ID, "signout").click()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form after signing out")
    assert driver.execute_script("return sessionStorage.getItem('loupan.buyer.token')") is None
    gone = requests.get(f"{launch['url']}/api/buyer/me", headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert gone.status_code == 401


def test_after_the_draw_the_phone_shows_the_place_and_window_and_a_lost_session_signs_in_again(system, launch,
                                                                                               phone):
    driver, launch_id, manager = phone, launch["launch"]["id"], launch["manager"]
    manager.ok(manager.post(f"/api/launches/{launch_id}/transitions", {"action": "close_registration"}))
    manager.ok(manager.post(f"/api/launches/{launch_id}/lottery/publish",
                            {"seed_commitment": hashlib.sha256(SEED.encode()).hexdigest()}), 201)
    order = manager.ok(manager.post(f"/api/launches/{launch_id}/lottery/draw", {"seed": SEED}), 201)["order"]
    place = next(e["position"] for e in order if e["number"] == launch["regs"][1]["number"])

    driver.get(f"{launch['url']}/buyer/#/?launch={launch_id}")
    driver.execute_script("sessionStorage.clear()")
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form")
    type_into(driver, "buyer-mobile", MOBILES[1])
    driver.find_element(By.ID, "ask-code").click()
    wait(driver, lambda d: d.find_elements(By.ID, "code-sent"), "the code sent")
    (text,) = wait(driver, lambda d: texts_to(system, MOBILES[1]), "the text in the SMS log")
    type_into(driver, "buyer-code", code_from(text))
    driver.find_element(By.ID, "signin-button").click()
    wait(driver, lambda d: d.find_elements(By.ID, "buyer-position"), "the place in the order")
    assert int(text_of(driver, "buyer-position")) == place
    assert int(text_of(driver, "buyer-window")) == place  # windows of one buyer
    opens = f"2030-05-01 09:{5 * (place - 1):02d}"  # five minutes a window from 09:00 Beijing time
    assert text_of(driver, "window-opens") == opens
    assert text_of(driver, "window-state").startswith("距您的选房时间")
    assert text_of(driver, "launch-status") == "已摇号"
    found = axe_violations(driver)
    shot(driver, "buyer-h5-drawn-390x844.png")
    assert found == [], report({"buyer 我的认筹 after the draw": found})

    # the session ends elsewhere (signed out with its token): the next read sends the page to sign-in
    token = driver.execute_script("return sessionStorage.getItem('loupan.buyer.token')")
    assert requests.delete(f"{launch['url']}/api/buyer/session", headers={"Authorization": f"Bearer {token}"},
                           timeout=30).status_code == 200
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form again")
    assert text_of(driver, "signin-error").startswith("登录已失效")
    assert driver.execute_script("return sessionStorage.getItem('loupan.buyer.token')") is None
    no_console_errors(driver)
