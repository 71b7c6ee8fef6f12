"""Online 开盘 end to end in Chromium (issue 18): a race-mode launch opening a few seconds in the
future. A buyer signs in on a 390×844 phone with the texted code and sees the countdown to the
opening; at the opening the units become choosable, they tap one, the confirmation dialog says
the unit, its area and price, the hold shows with its countdown, the 放弃 dialog says the turn
would be lost (kept), and they confirm the 认购 with a 定金. Meanwhile a second browser shows the
选房大屏 on a director's display token at 1920×1080 (no one signed in): it follows the live
feed, and the unit turns sold there by a pushed change (its cell marked data-via="feed").
axe-core finds no serious or critical violation on the phone or on the screen.
The shared harness is tests/browser.py."""
import os
import re
from datetime import datetime, timedelta, timezone

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.api import code_from, texts_to, unit_rows
from tests.browser import CHROMEDRIVER, CHROMIUM, browser, built_console, no_console_errors, shot, wait  # noqa: F401
from tests.conftest import staff
from tests.test_buyer_h5_browser import text_of, type_into
from tests.test_console_a11y_browser import axe_violations, report, settled

MOBILE = "13770000051"
ID_NUMBER = "110105199003071239"
OPENS_IN = 40  # seconds from the launch's creation to its opening: time to sign in and see the countdown
LONG = 120  # seconds: waiting for the opening, and for the saga of a 认购


def wait_long(driver, condition, what):
    try:
        return WebDriverWait(driver, LONG, poll_frequency=0.25,
                             ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                             ).until(lambda d: condition(d))
    except WebDriverException as exc:
        page = driver.find_element(By.TAG_NAME, "body").text[:600]
        raise AssertionError(f"timed out waiting for {what}: {exc.msg}; the page shows: {page!r}") from None


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project = director.ok(director.post("/api/projects", {"name": "抢房花园", "city": "杭州", "developer_name": "某地产"}), 201)
    building = director.ok(director.post(f"/api/projects/{project['id']}/buildings",
                                         {"name": "1号楼", "permit_no": "杭售许字抢房"}), 201)
    rows = [dict(r, delivery_date="2031-12-31") for r in unit_rows(building["id"], 4)]
    units = [u["id"] for u in director.ok(director.post(f"/api/projects/{project['id']}/units", {"units": rows}), 201)]
    director.ok(director.post(f"/api/projects/{project['id']}/releases", {"unit_ids": units}))
    manager = staff(system, director, "race_manager", "manager", [project["id"]])
    advisor = staff(system, director, "race_advisor", "advisor", [project["id"]])
    assistant = staff(system, director, "race_assistant", "assistant", [project["id"]])
    opens_at = datetime.now(timezone.utc) + timedelta(seconds=OPENS_IN)
    launch = manager.ok(manager.post(f"/api/projects/{project['id']}/launches", {
        "name": "线上抢房首开", "mode": "race", "opens_at": opens_at.isoformat(), "unit_ids": units,
        "deposit_amount": "0.00"}), 201)
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    reg = advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations", {
        "buyer_name": "孙抢房", "id_number": ID_NUMBER, "mobile": MOBILE}), 201)
    assistant.ok(assistant.post(f"/api/registrations/{reg['id']}/review", {"result": "eligible", "note": "本地户籍"}))
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "close_registration"}))
    manager.ok(manager.post(f"/api/launches/{launch['id']}/transitions", {"action": "start_selection"}))
    token = director.ok(director.post(f"/api/projects/{project['id']}/display-tokens", {"label": "选房大屏"}), 201)
    return {"launch": launch, "units": units, "reg": reg, "token": token["token"], "url": system.url()}


@pytest.fixture(scope="module")
def phone(browser):
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True})
    browser.execute_cdp_cmd("Emulation.setTouchEmulationEnabled", {"enabled": True})
    return browser


@pytest.fixture(scope="module")
def wall(built_console):
    """A second browser for the sales office's screen, 1920×1080, with nobody signed in."""
    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--force-color-profile=srgb", "--hide-scrollbars", "--window-size=1920,1080",
                "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False})
        yield driver
    finally:
        driver.quit()


def cell(driver, unit_id):
    return driver.find_element(By.CSS_SELECTOR, f'.ls-cell[data-unit-id="{unit_id}"]')


def test_a_buyer_chooses_and_confirms_on_the_phone_and_the_screen_lights_the_unit_up(system, site, phone, wall):
    launch_id, units = site["launch"]["id"], site["units"]

    # the 选房大屏 on the display token: the launch's units, the countdown, following the feed
    wall.get(f"{site['url']}/console/#/launch-screen?launch={launch_id}&display={site['token']}")
    wait(wall, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".ls-cell")) == len(units), "the screen's units")
    wait(wall, lambda d: d.find_elements(By.ID, "screen-live"), "the screen following the live feed")
    assert wall.execute_script("return sessionStorage.getItem('loupan.token')") is None  # nobody signed in
    assert not wall.find_elements(By.ID, "login-button") and not wall.find_elements(By.CSS_SELECTOR, ".ls-exit")
    assert text_of(wall, "ls-title") == "线上抢房首开"
    assert all(c.get_attribute("data-status") == "available" for c in wall.find_elements(By.CSS_SELECTOR, ".ls-cell"))
    assert wall.execute_script("return [window.innerWidth, window.innerHeight]") == [1920, 1080]

    # the buyer signs in on the phone with the texted code
    phone.get(f"{site['url']}/buyer/launch/{launch_id}")
    phone.execute_script("sessionStorage.clear()")
    phone.refresh()
    wait(phone, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form")
    type_into(phone, "buyer-mobile", MOBILE)
    phone.find_element(By.ID, "ask-code").click()
    wait(phone, lambda d: d.find_elements(By.ID, "code-sent"), "the code sent")
    (text,) = wait(phone, lambda d: [t for t in texts_to(system, MOBILE) if "验证码" in t], "the text in the SMS log")
    type_into(phone, "buyer-code", code_from(text))
    phone.find_element(By.ID, "signin-button").click()
    wait(phone, lambda d: d.find_elements(By.ID, "selection"), "我的认筹 with its 选房 card")
    wait(phone, lambda d: d.find_element(By.CSS_SELECTOR, "main.mine").get_attribute("data-live") == "on",
         "the phone following the live feed")

    # before the opening: the countdown, and nothing to tap (a slow machine may be past it already)
    if phone.find_element(By.ID, "selection").get_attribute("data-turn") == "waiting":
        assert re.fullmatch(r"\d\d:\d\d:\d\d", text_of(phone, "turn-countdown")), text_of(phone, "turn-countdown")
        assert not phone.find_elements(By.CSS_SELECTOR, ".unit-choose")
        found = axe_violations(phone)
        shot(phone, "buyer-selection-waiting-390x844.png")
        assert found == [], report({"buyer 选房 before the opening": found})
        assert wall.find_element(By.ID, "launch-screen").get_attribute("data-phase") == "before"
        assert re.fullmatch(r"\d\d:\d\d:\d\d", text_of(wall, "ls-countdown"))

    # the opening second: the units become choosable
    wait_long(phone, lambda d: d.find_element(By.ID, "selection").get_attribute("data-turn") == "choose", "the opening")
    buttons = wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, ".unit-choose"), "the units to choose")
    assert len(buttons) == len(units)
    chosen = units[1]
    row = phone.find_element(By.CSS_SELECTOR, f'#units .unit[data-unit-id="{chosen}"]')
    title = row.find_element(By.CSS_SELECTOR, ".unit-title").text
    row.find_element(By.CSS_SELECTOR, ".unit-choose").click()
    dialog = wait(phone, lambda d: [e for e in d.find_elements(By.ID, "hold-dialog") if e.is_displayed()],
                  "the confirmation dialog")[0]
    assert title in dialog.text and "建筑面积 100㎡" in dialog.text and "总价 ¥" in dialog.text
    wait(phone, settled, "the dialog drawn (its opening transition over)")
    found = axe_violations(phone)
    shot(phone, "buyer-selection-confirm-dialog-390x844.png")
    assert found == [], report({"buyer 选房 confirmation dialog": found})
    phone.find_element(By.CSS_SELECTOR, ".hold-dialog .van-dialog__confirm").click()

    # held: its countdown, the 认购's form; 放弃 asks first and says the turn is lost
    wait(phone, lambda d: d.find_element(By.ID, "selection").get_attribute("data-turn") == "held", "the hold")
    assert text_of(phone, "held-unit") == title
    assert re.fullmatch(r"(\d+天 )?\d\d:\d\d:\d\d", text_of(phone, "held-countdown"))  # the project's hold length
    wait(wall, lambda d: cell(d, chosen).get_attribute("data-status") == "held", "the hold on the screen")
    phone.find_element(By.ID, "give-up").click()
    asked = wait(phone, lambda d: [e for e in d.find_elements(By.ID, "give-up-dialog") if e.is_displayed()],
                 "the 放弃 dialog")[0]
    assert "失去本次选房资格" in asked.text
    phone.find_element(By.CSS_SELECTOR, ".give-up-dialog .van-dialog__cancel").click()  # 继续选房
    wait(phone, lambda d: not [e for e in d.find_elements(By.ID, "give-up-dialog") if e.is_displayed()],
         "the 放弃 dialog closed")
    assert phone.find_element(By.ID, "selection").get_attribute("data-turn") == "held"
    wait(phone, settled, "the page settled")
    found = axe_violations(phone)
    shot(phone, "buyer-selection-held-390x844.png")
    assert found == [], report({"buyer 选房 held": found})

    # no 诚意金 was paid: the 定金 is asked for, in a plain sentence, then given
    phone.find_element(By.ID, "confirm-purchase").click()
    assert wait(phone, lambda d: text_of(d, "selection-error"), "the 定金 asked for") == "您未交诚意金，请填写定金金额"
    type_into(phone, "deposit", "50000")
    phone.find_element(By.ID, "confirm-purchase").click()
    done = wait_long(phone, lambda d: d.find_element(By.ID, "selection").get_attribute("data-turn") == "confirmed"
                     and d.find_element(By.ID, "purchase-done").text, "the 认购 confirmed")
    assert title in done and "等待售楼处审核" in done
    assert not phone.find_elements(By.CSS_SELECTOR, ".unit-choose") and not phone.find_elements(By.ID, "give-up")
    shot(phone, "buyer-selection-confirmed-390x844.png")
    no_console_errors(phone)

    # the screen: the unit lit up as sold, by the change the feed pushed
    wait_long(wall, lambda d: cell(d, chosen).get_attribute("data-status") == "subscribed"
              and cell(d, chosen).get_attribute("data-via") == "feed", "the sale pushed to the screen")
    wait(wall, lambda d: text_of(d, "ls-sold") == "1", "the screen's count of units sold")
    assert wall.find_element(By.ID, "launch-screen").get_attribute("data-phase") == "race"
    assert wall.find_elements(By.ID, "screen-live")
    body = wall.find_element(By.TAG_NAME, "body").text
    assert "孙抢房" not in body and MOBILE not in body and ID_NUMBER not in body
    wait(wall, settled, "the screen settled (the sold unit's glow drawn)")
    found = axe_violations(wall)
    shot(wall, "launch-screen-1920x1080.png")
    assert found == [], report({"选房大屏": found})
    no_console_errors(wall)
