"""集成推送 (#/webhooks) in headless Chromium against the whole system and a real HTTP receiver
on 127.0.0.1 (issue 20): a director registers an endpoint on the page (its address, two events,
personal data left masked) and copies the signing secret shown once; a release of two units
reaches the receiver, which refuses everything, as three deliveries (units_released, and
unit_status_changed for each unit); the page's delivery log shows each given up (已放弃) with its
attempts and the receiver's last answer; the receiver recovers and the director sends one again
from the page: it arrives with the same delivery id, signed with the secret the page showed, and
the log says 已送达; the director rotates the signing secret (轮换密钥, the old one kept for 24 h):
the new one is shown once, the list says until when the old one signs, and the next release
arrives signed with both; the director disables the endpoint and no redelivery nor rotation is
offered any more. axe finds nothing serious on the page, the rotation's dialog open and its new
secret shown. The shared harness is tests/browser.py."""
import json
import time

import pytest
from selenium.webdriver.common.by import By

from gateway import webhook_rules
from tests.api import DIRECTOR, make_project, own_system
from tests.browser import browser, built_console, no_console_errors, project_names, shot, sign_in, wait  # noqa: F401
from tests.test_console_a11y_browser import axe_violations, report, settled
from tests.test_webhooks_api import Receiver

# small retry delays (seconds): given up 8 s after the event
system = own_system(WEBHOOKS_ALLOW_LOCAL="1", WEBHOOK_SEND_SECONDS="0.2", WEBHOOK_TIMEOUT_SECONDS="1",
                    WEBHOOK_RETRY_FIRST_SECONDS="0.5", WEBHOOK_RETRY_MAX_SECONDS="1", WEBHOOK_GIVE_UP_SECONDS="8")


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, _ = make_project(director, "推送花园", units=2)
    return {"pid": project["id"], "director": director, "url": system.url(), "name_of": project_names(director)}


def log_rows(driver):
    return driver.find_elements(By.CSS_SELECTOR, "#deliveries .delivery-row")


def row_of(driver, delivery_id):
    return [r for r in log_rows(driver)
            if r.find_element(By.CSS_SELECTOR, ".d-id").get_attribute("data-delivery-id") == delivery_id][0]


def test_a_director_registers_an_endpoint_reads_its_log_and_redelivers_a_dead_delivery(browser, site, receiver):
    director = site["director"]
    receiver.scripts["/console"] = [500]
    sign_in(browser, site, director.username, DIRECTOR[1], page="webhooks")
    browser.find_element(By.ID, "webhook-url").send_keys(receiver.url("/console"))
    browser.find_element(By.ID, "webhook-description").send_keys("测试 CRM")
    for event in ("unit_status_changed", "units_released"):
        browser.find_element(By.CSS_SELECTOR, f'#webhook-events [data-event="{event}"]').click()
    browser.find_element(By.ID, "webhook-register").click()
    secret = wait(browser, lambda d: d.find_element(By.ID, "webhook-secret").get_attribute("value"), "the secret")
    assert secret.startswith("whsec_")
    (hook,) = [h for h in director.ok(director.get("/api/webhooks")) if h["url"] == receiver.url("/console")]
    assert sorted(hook["event_types"]) == ["unit_status_changed", "units_released"]
    assert hook["personal_data"] is False and hook["description"] == "测试 CRM" and "secret" not in hook
    row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#webhooks .webhook-row")
                                   if receiver.url("/console") in r.text], "the endpoint listed")[0]
    assert "房源状态变化" in row.text and "推盘" in row.text and "脱敏" in row.text and "启用" in row.text
    wait(browser, lambda d: d.find_elements(By.ID, "webhook-deliveries"), "its (empty) delivery log")

    # a release of two units: one units_released, one unit_status_changed per unit; all refused
    _, units = make_project(director, "推送楼盘", units=2)
    dead = wait(browser, lambda d: len(log_rows(d)) == 3 and all(
        r.find_element(By.CSS_SELECTOR, ".d-state").get_attribute("data-state") == "dead" for r in log_rows(d))
        and log_rows(d), "three deliveries given up in the log (read every 5 s)")
    events = sorted(r.find_element(By.CSS_SELECTOR, ".d-event").get_attribute("data-event") for r in dead)
    assert events == ["unit_status_changed", "unit_status_changed", "units_released"]
    for r in dead:
        assert "已放弃" in r.text and "HTTP 500 · receiver says no" in r.text
        assert int(r.find_element(By.CSS_SELECTOR, ".d-attempts").text) >= 2
    api_log = director.ok(director.get(f"/api/webhooks/{hook['id']}/deliveries"))
    assert {d["state"] for d in api_log} == {"dead"} and len(api_log) == 3
    wait(browser, settled, "the page settled")
    found = axe_violations(browser)
    assert found == [], report({"webhooks": found})
    shot(browser, "webhooks-dead.png")

    # the receiver recovers; the director sends one unit's status change again from the page
    receiver.scripts["/console"] = [200]
    (chosen,) = [d for d in api_log if d["event_type"] == "unit_status_changed"][:1]
    before = len(receiver.requests("/console"))
    row_of(browser, chosen["delivery_id"]).find_element(By.CSS_SELECTOR, ".d-redeliver").click()
    wait(browser, lambda d: row_of(d, chosen["delivery_id"]).find_element(By.CSS_SELECTOR, ".d-state")
         .get_attribute("data-state") == "delivered", "the redelivered one shown 已送达")
    delivered = row_of(browser, chosen["delivery_id"])
    assert "已送达" in delivered.text and "HTTP 200" in delivered.text
    assert not delivered.find_elements(By.CSS_SELECTOR, ".d-redeliver")
    got = [r for r in receiver.requests("/console")[before:] if r["answered"] == 200]
    assert [r["headers"]["Loupan-Delivery"] for r in got] == [chosen["delivery_id"]]
    request = got[0]
    assert webhook_rules.verify(secret, request["headers"]["Loupan-Timestamp"], request["body"],
                                request["headers"]["Loupan-Signature"], now=int(time.time()))
    body = json.loads(request["body"])
    assert body["type"] == "unit_status_changed" and body["payload"]["unit_id"] in units
    assert (body["payload"]["from_status"], body["payload"]["to_status"]) == ("unreleased", "available")
    others = [r for r in log_rows(browser) if r.find_element(By.CSS_SELECTOR, ".d-state").get_attribute("data-state") == "dead"]
    assert len(others) == 2 and all(r.find_elements(By.CSS_SELECTOR, ".d-redeliver") for r in others)
    shot(browser, "webhooks-redelivered.png")

    # 轮换密钥: the new secret shown once, the old one signing beside it for 24 h
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#webhooks .webhook-row") if receiver.url("/console") in r.text][0]
    row.find_element(By.CSS_SELECTOR, ".w-rotate").click()
    dialog = wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".webhook-rotate-box") if b.is_displayed()],
                  "the rotation's dialog")[0]
    assert dialog.find_element(By.CSS_SELECTOR, '[data-hours="24"] input').is_selected()
    wait(browser, settled, "the dialog settled")
    found = axe_violations(browser)
    assert found == [], report({"webhooks rotate dialog": found})
    browser.find_element(By.ID, "webhook-rotate-confirm").click()
    new = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, '#webhook-issued[data-rotated="true"] #webhook-secret')
               .get_attribute("value"), "the new secret")
    assert new.startswith("whsec_") and new != secret
    assert "旧密钥在" in browser.find_element(By.ID, "webhook-rotated-note").text
    read = director.ok(director.get(f"/api/webhooks/{hook['id']}"))
    assert "secret" not in read and read["previous_secret_until"] and read["secret_rotated_at"]
    wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#webhooks .webhook-row")
                             if receiver.url("/console") in r.text and "旧密钥同时签名至" in r.text], "the note in the list")
    assert secret not in browser.page_source  # the old secret is never shown again
    wait(browser, settled, "the page settled")
    found = axe_violations(browser)
    assert found == [], report({"webhooks rotated": found})
    shot(browser, "webhooks-rotated.png")
    before = len(receiver.requests("/console"))
    make_project(director, "轮换楼盘", units=1)
    rotated = wait(browser, lambda d: len(receiver.requests("/console")[before:]) >= 2 and receiver.requests("/console")[before:],
                   "the release after the rotation at the receiver")
    for request in rotated:
        signed = request["headers"]["Loupan-Signature"]
        assert len(webhook_rules.signatures_in(signed)) == 2
        for key in (new, secret):  # a receiver on either secret accepts it
            assert webhook_rules.verify(key, request["headers"]["Loupan-Timestamp"], request["body"], signed,
                                        now=int(time.time()))

    # disabled: nothing more is offered
    row = [r for r in browser.find_elements(By.CSS_SELECTOR, "#webhooks .webhook-row") if receiver.url("/console") in r.text][0]
    row.find_element(By.CSS_SELECTOR, ".w-disable").click()
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".webhook-disable-box .el-button--primary")
                             if b.is_displayed()], "the confirmation")[0].click()
    wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#webhooks .webhook-row")
                             if receiver.url("/console") in r.text and "已停用" in r.text], "the endpoint shown disabled")
    wait(browser, lambda d: not d.find_elements(By.CSS_SELECTOR, "#deliveries .d-redeliver"), "no redelivery offered")
    assert not browser.find_elements(By.CSS_SELECTOR, "#webhooks .w-rotate")
    assert director.ok(director.get(f"/api/webhooks/{hook['id']}"))["status"] == "disabled"
    no_console_errors(browser)
