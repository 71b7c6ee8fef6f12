"""开盘活动 in the web console (issue 18) in headless Chromium, against the whole system: a
manager plans a lottery launch on the board (its units, a 诚意金, a priority group), opens
registration, pauses it with a reason and resumes; an advisor registers two buyers (a mistyped
身份证 number is caught by the page before anything is sent; their ID numbers masked); an
assistant reviews both eligible and records their 诚意金; the manager, who sees the full ID
numbers, closes registration, publishes the list with the SHA-256 of a seed typed on the page
(computed in the browser), draws with the seed and a public value and sees the order, which the
documented command, shown on the page, recomputes from the two files the page saves. The pages pass axe.
Harness: tests/browser.py."""
import hashlib
import json
import os
import subprocess
import sys

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.api import code_from, make_project, texts_to
from tests.browser import (ROOT, STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_a11y_browser import axe_violations, report, settled

SEED = "notary-Wang-2026-12-06-x7Qp"
BUYERS = [("林小满", "11010519491231002X", "13900001001"), ("高远", "440304199001011233", "13900001002")]


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "开盘花园", units=6)
    pid = project["id"]
    people = {}
    for key, full, role in (("manager", "卢经理", "manager"), ("advisor", "詹顾问", "advisor"),
                            ("assistant", "毛助理", "assistant")):
        made = director.ok(director.post("/api/accounts", {"username": f"lc_{key}", "password": STAFF_PASSWORD,
                                                           "full_name": full, "role": role, "project_ids": [pid]}), 201)
        people[key] = made["username"]
    api = type(director)(system.url()).login(people["manager"], STAFF_PASSWORD)
    return {"pid": pid, "units": units, "url": system.url(), "director": director, "people": people,
            "name_of": project_names(director), "manager_api": api}


def as_(driver, site, who, page):
    sign_in(driver, site, site["people"][who], STAFF_PASSWORD, page=page)


def no_axe_violations(driver, page):
    wait(driver, settled, f"the page {page} with its data")
    found = axe_violations(driver)
    if found:
        shot(driver, f"launch-a11y-{page}.png")
    assert found == [], report({page: found})


def status_is(driver, label):
    wait(driver, lambda d: d.find_element(By.ID, "launch-status").text.strip() == label, f"the launch {label}")


def click_action(driver, action):
    button = wait(driver, lambda d: [b for b in d.find_elements(By.ID, f"launch-action-{action}") if b.is_enabled()],
                  f"the button {action}")[0]
    button.click()


def test_a_lottery_launch_from_plan_to_the_drawn_order(browser, site, tmp_path):
    # the manager plans it on the board
    as_(browser, site, "manager", "launches")
    wait(browser, lambda d: d.find_element(By.ID, "launch-new"), "the new launch button").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#launch-form td.unit")) == 6, "the board's units")
    browser.find_element(By.ID, "launch-name").send_keys("一期首开")
    browser.find_element(By.ID, "launch-create").click()
    wait(browser, lambda d: "请在销控图上选择" in d.find_element(By.ID, "launch-problem").text, "units asked for")
    browser.find_element(By.ID, "launch-pick-available").click()
    cells = browser.find_elements(By.CSS_SELECTOR, "#launch-form td.unit")
    left_out = int(cells[-1].get_attribute("data-unit-id"))
    cells[-1].click()  # one unit left out of the batch
    wait(browser, lambda d: d.find_element(By.ID, "launch-units-count").text == "已选 5 套", "five units chosen")
    deposit = browser.find_element(By.ID, "launch-deposit")
    deposit.send_keys(Keys.CONTROL, "a")
    deposit.send_keys("5000", Keys.TAB)
    browser.find_element(By.ID, "launch-add-quota").click()
    browser.find_element(By.CSS_SELECTOR, ".quota-row .q-group input").send_keys("刚需")
    no_axe_violations(browser, "launches")
    browser.find_element(By.ID, "launch-create").click()
    wait(browser, lambda d: "#/launches/" in d.current_url, "the launch's page")
    launch_id = int(browser.current_url.rsplit("/", 1)[1])
    status_is(browser, "草稿")
    api = site["manager_api"]
    launch = api.ok(api.get(f"/api/launches/{launch_id}"))
    assert (launch["mode"], launch["deposit_amount"], len(launch["unit_ids"])) == ("lottery", "5000.00", 5)
    assert sorted(launch["unit_ids"]) == sorted(u for u in site["units"] if u != left_out) and launch["priority_quotas"] == [{"group": "刚需", "quota": 1}]

    # open registration, pause with a reason, resume
    click_action(browser, "open_registration")
    status_is(browser, "认筹中")
    click_action(browser, "pause")
    box = wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".launch-pause-box") if e.is_displayed()],
               "the pause box")[0]
    box.find_element(By.TAG_NAME, "input").send_keys("等待公证员到场")
    box.find_element(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary").click()
    status_is(browser, "已暂停")
    assert "等待公证员到场" in browser.find_element(By.ID, "launch-paused").text
    click_action(browser, "resume")
    status_is(browser, "认筹中")
    history = browser.find_element(By.ID, "launch-history").text
    assert "等待公证员到场" in history and "恢复" in history and "开放认筹" in history
    wait(browser, lambda d: {a.text for a in d.find_elements(By.CSS_SELECTOR, "#launch-history .h-actor")} == {"卢经理"},
         "who acted, by name, not login")
    no_axe_violations(browser, "launch")
    no_console_errors(browser)

    # the advisor registers two buyers; a mistyped ID number is caught on the page
    as_(browser, site, "advisor", "registrations")
    wait(browser, lambda d: d.find_elements(By.ID, "reg-form"), "the registration form")
    for name, id_number, mobile in BUYERS:
        browser.find_element(By.ID, "reg-name").send_keys(name)
        field = browser.find_element(By.ID, "reg-id-number")
        if name == BUYERS[0][0]:
            field.send_keys(id_number[:-1] + "7")
            wait(browser, lambda d: "校验位不符" in d.find_element(By.ID, "reg-form").text, "the check character's hint")
            field.send_keys(Keys.CONTROL, "a")
            field.send_keys(Keys.BACKSPACE)
        field.send_keys(id_number)
        browser.find_element(By.ID, "reg-mobile").send_keys(mobile)
        browser.find_element(By.ID, "reg-submit").click()
        wait(browser, lambda d, n=name: n in d.find_element(By.ID, "registrations").text, f"{name} registered")
    wait(browser, lambda d: d.find_element(By.ID, "reg-count").text == "2", "two registrations")
    ids = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#registrations .r-id")]
    assert ids == ["110***********002X", "440***********1233"], ids
    no_console_errors(browser)

    # the assistant reviews both and records their 诚意金
    as_(browser, site, "assistant", "registrations")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#registrations .r-review")) == 2, "the review buttons")
    for i in range(2):
        browser.find_elements(By.CSS_SELECTOR, "#registrations .r-review")[i].click()
        note = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "review-note") if e.is_displayed()], "the review")[0]
        note.send_keys("本市户籍，名下无房")
        browser.find_element(By.ID, "review-documents").send_keys("身份证\n户口本")
        browser.find_element(By.ID, "review-ok").click()
        wait(browser, lambda d, n=i + 1: d.find_element(By.ID, "reg-eligible").text == str(n), f"{i + 1} eligible")
        wait(browser, lambda d: not [e for e in d.find_elements(By.ID, "review-ok") if e.is_displayed()], "the dialog closed")
        browser.find_elements(By.CSS_SELECTOR, "#registrations tbody tr")[i].find_element(By.CSS_SELECTOR, ".r-pay").click()
        receipt = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "deposit-receipt") if e.is_displayed()], "诚意金")[0]
        receipt.send_keys(f"SY-2026-{i + 1:03d}")
        browser.find_element(By.ID, "deposit-ok").click()
        wait(browser, lambda d, n=i + 1: len(d.find_elements(By.CSS_SELECTOR, "#registrations .r-deposit")) == n, "诚意金 recorded")
        wait(browser, lambda d: not [e for e in d.find_elements(By.ID, "deposit-ok") if e.is_displayed()], "the dialog closed")
    assert "SY-2026-002" in browser.find_element(By.ID, "registrations").text
    no_axe_violations(browser, "registrations")
    no_console_errors(browser)

    # the manager sees the full ID numbers, closes registration, publishes and draws
    as_(browser, site, "manager", "registrations")
    wait(browser, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, "#registrations .r-id")]
         == [b[1] for b in BUYERS], "the full ID numbers")
    browser.get(f"{site['url']}/console/#/launches/{launch_id}")
    click_action(browser, "close_registration")
    status_is(browser, "认筹截止")
    browser.find_element(By.CSS_SELECTOR, ".to-lottery").click()
    seed = wait(browser, lambda d: d.find_element(By.ID, "lottery-seed"), "the seed field")
    assert "妥善保管" in browser.find_element(By.ID, "seed-warning").text
    seed.send_keys(SEED)
    commitment = hashlib.sha256(SEED.encode()).hexdigest()
    wait(browser, lambda d: d.find_element(By.ID, "lottery-commitment").get_attribute("value") == commitment,
         "the commitment computed in the browser")
    browser.find_element(By.ID, "lottery-publish").click()
    wait(browser, lambda d: d.find_element(By.ID, "lottery-commitment-published").text == commitment, "the list published")
    assert len(browser.find_elements(By.CSS_SELECTOR, "#lottery-entries tbody tr")) == 2
    draw_seed = browser.find_element(By.ID, "lottery-draw-seed")
    draw_seed.send_keys(SEED[:-1])
    wait(browser, lambda d: d.find_element(By.ID, "lottery-seed-check").text == "与承诺值不一致", "a wrong seed flagged")
    assert not browser.find_element(By.ID, "lottery-draw").is_enabled()
    draw_seed.send_keys(SEED[-1])
    wait(browser, lambda d: d.find_element(By.ID, "lottery-seed-check").text == "与承诺值一致", "the seed matches")
    browser.find_element(By.ID, "lottery-public-value").send_keys("2026142")
    browser.find_element(By.ID, "lottery-draw").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#lottery-order .o-number")) == 2, "the drawn order")
    shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#lottery-order .o-number")]
    result = api.ok(api.get(f"/api/launches/{launch_id}/lottery/result"))
    assert shown == [p["number"] for p in result["order"]] and sorted(shown) == ["RC-0001", "RC-0002"]
    command = browser.find_element(By.ID, "lottery-verify-command").text
    assert command == ("python -m services.inventory.lottery_verify published.json --seed " + SEED
                       + " --public-value 2026142 --result result.json")
    assert browser.find_element(By.ID, "download-published").is_displayed()
    assert browser.find_element(By.ID, "download-result").is_displayed()
    no_axe_violations(browser, "lottery")
    no_console_errors(browser)

    # the two files as the page saves them, and the command it shows: MATCH
    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    browser.find_element(By.ID, "download-published").click()
    browser.find_element(By.ID, "download-result").click()
    wait(browser, lambda d: all((tmp_path / n).is_file() for n in ("published.json", "result.json")), "the two files saved")
    saved = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert saved == result and json.loads((tmp_path / "published.json").read_text(encoding="utf-8"))["seed_commitment"] == commitment
    args = command.split()[1:]  # python -m ...
    checked = subprocess.run([sys.executable, *args], cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(ROOT)},
                             capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0 and "MATCH" in checked.stdout, checked.stdout + checked.stderr


def test_an_ineligible_and_a_cancelled_registration_stay_off_the_published_list(browser, site):
    api = site["manager_api"]
    advisor = type(api)(site["url"]).login(site["people"]["advisor"], STAFF_PASSWORD)
    launch = api.ok(api.post(f"/api/projects/{site['pid']}/launches", {
        "name": "二期加推", "mode": "lottery", "opens_at": "2030-05-01T02:00:00+00:00", "unit_ids": site["units"][:2]}), 201)
    api.ok(api.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    for name, id_number, mobile in [("甲一", "110101198001010010", "13900002001"), *BUYERS]:
        advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations",
                                {"buyer_name": name, "id_number": id_number, "mobile": mobile}), 201)

    sign_in(browser, site, site["people"]["assistant"], STAFF_PASSWORD, page=None)
    browser.get(f"{site['url']}/console/#/registrations?launch={launch['id']}")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#registrations .r-review")) == 3, "three to review")
    assert not browser.find_elements(By.CSS_SELECTOR, "#registrations .r-pay")  # this launch asks no 诚意金
    rows = lambda d: d.find_elements(By.CSS_SELECTOR, "#registrations tbody tr")  # noqa: E731
    rows(browser)[0].find_element(By.CSS_SELECTOR, ".r-review").click()
    wait(browser, lambda d: [e for e in d.find_elements(By.ID, "review-ineligible") if e.is_displayed()], "the review").pop().click()
    browser.find_element(By.ID, "review-note").send_keys("名下已有两套住房")
    browser.find_element(By.ID, "review-ok").click()
    wait(browser, lambda d: rows(d)[0].find_element(By.CSS_SELECTOR, ".r-eligibility").text == "资格不符", "ineligible")
    assert "名下已有两套住房" in rows(browser)[0].text
    wait(browser, lambda d: not [e for e in d.find_elements(By.ID, "review-ok") if e.is_displayed()], "the dialog closed")
    rows(browser)[1].find_element(By.CSS_SELECTOR, ".r-cancel").click()
    box = wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".registration-cancel-box") if e.is_displayed()],
               "the cancel box")[0]
    box.find_element(By.TAG_NAME, "input").send_keys("买家放弃")
    box.find_element(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary").click()
    wait(browser, lambda d: rows(d)[1].find_element(By.CSS_SELECTOR, ".r-status").text.startswith("已取消"), "cancelled")
    rows(browser)[2].find_element(By.CSS_SELECTOR, ".r-review").click()
    wait(browser, lambda d: [e for e in d.find_elements(By.ID, "review-ok") if e.is_displayed()], "the review").pop().click()
    wait(browser, lambda d: d.find_element(By.ID, "reg-eligible").text == "1", "one eligible")
    assert browser.find_element(By.ID, "reg-count").text == "2"  # the cancelled one is not counted
    no_console_errors(browser)

    api.ok(api.post(f"/api/launches/{launch['id']}/transitions", {"action": "close_registration"}))
    sign_in(browser, site, site["people"]["manager"], STAFF_PASSWORD, page=None)
    browser.get(f"{site['url']}/console/#/lottery?launch={launch['id']}")
    wait(browser, lambda d: d.find_element(By.ID, "lottery-seed-random"), "the seed form").click()
    seed = browser.find_element(By.ID, "lottery-seed").get_attribute("value")
    assert len(seed) == 32 and browser.find_element(By.ID, "lottery-seed").get_attribute("type") == "text"
    wait(browser, lambda d: d.find_element(By.ID, "lottery-commitment").get_attribute("value")
         == hashlib.sha256(seed.encode()).hexdigest(), "the random seed's commitment")
    browser.find_element(By.ID, "lottery-publish").click()
    wait(browser, lambda d: d.find_elements(By.ID, "lottery-entries"), "the list published")
    entries = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#lottery-entries tbody tr")]
    assert len(entries) == 1 and entries[0].startswith("RC-0003"), entries
    published = api.ok(api.get(f"/api/launches/{launch['id']}/lottery/published"))
    assert [e["number"] for e in published["entries"]] == ["RC-0003"]
    assert published["seed_commitment"] == hashlib.sha256(seed.encode()).hexdigest()
    no_console_errors(browser)


def test_the_launch_report_page_shows_the_figures_and_downloads_its_excel(browser, system, site, tmp_path):
    api = site["manager_api"]
    advisor = type(api)(site["url"]).login(site["people"]["advisor"], STAFF_PASSWORD)
    assistant = type(api)(site["url"]).login(site["people"]["assistant"], STAFF_PASSWORD)
    launch = api.ok(api.post(f"/api/projects/{site['pid']}/launches", {
        "name": "三期抢房", "mode": "race", "opens_at": "2026-01-01T02:00:00+00:00", "unit_ids": site["units"][3:5]}), 201)
    api.ok(api.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    registered = advisor.ok(advisor.post(f"/api/launches/{launch['id']}/registrations",
                                         {"buyer_name": "甲二", "id_number": "110101198001010010", "mobile": "13900003001"}), 201)
    assistant.ok(assistant.post(f"/api/registrations/{registered['id']}/review", {"result": "eligible", "note": "本地"}))
    for action in ("close_registration", "start_selection"):
        api.ok(api.post(f"/api/launches/{launch['id']}/transitions", {"action": action}))

    as_(browser, site, "manager", None)
    browser.get(f"{site['url']}/console/#/launches/{launch['id']}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".to-report"), "the report's link")[0].click()
    figure = lambda d, name: d.find_element(By.CSS_SELECTOR, f'#report-figures [data-figure="{name}"]').text  # noqa: E731
    wait(browser, lambda d: d.find_elements(By.ID, "report-figures"), "the figures")
    assert (figure(browser, "registrations"), figure(browser, "eligible"), figure(browser, "units"),
            figure(browser, "sell_out"), figure(browser, "attempts")) == ("1", "1", "2 / 0 / 2", "未售罄", "0")
    assert not browser.find_elements(By.ID, "report-windows")  # a race has no windows
    # the buyer asks for a unit that is not the launch's: the refusal is said in Chinese
    body = {"launch_id": launch["id"], "mobile": "13900003001"}
    assert requests.post(f"{site['url']}/api/buyer/codes", json=body, timeout=30).status_code == 202
    phone = requests.post(f"{site['url']}/api/buyer/sessions", timeout=30,
                          json=dict(body, code=code_from(texts_to(system, "13900003001")[-1]))).json()["token"]
    held = requests.post(f"{site['url']}/api/buyer/holds", json={"unit_id": site["units"][0]}, timeout=30,
                         headers={"Authorization": f"Bearer {phone}"})
    assert (held.status_code, held.json()["error"]) == (404, "UNIT_NOT_IN_LAUNCH")
    browser.refresh()
    reason = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#report-refusals .r-reason"), "the refusal")[0]
    assert reason.text and not any("A" <= c <= "Z" for c in reason.text), reason.text  # a sentence, not the code
    no_axe_violations(browser, "launch-report")

    browser.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    button = browser.find_element(By.ID, "launch-report-xlsx")
    button.click()
    wait(browser, lambda d: button.get_attribute("data-status") == "200", "the download answered")
    saved = wait(browser, lambda d: [p for p in tmp_path.iterdir() if p.suffix == ".xlsx"], "the file saved")[0]
    assert saved.name == f"launch-{launch['id']}-report.xlsx"
    no_console_errors(browser)


def test_the_launch_pages_follow_the_address_to_another_launch(browser, site):
    """A launch's page and its report are reused when the address names another launch (back
    and forward, a typed address): each shows that one, not the first."""
    api = site["manager_api"]
    ids = [api.ok(api.post(f"/api/projects/{site['pid']}/launches", {
        "name": name, "mode": "race", "opens_at": "2030-06-01T02:00:00+00:00", "unit_ids": units}), 201)["id"]
        for name, units in (("四期东区", site["units"][5:6]), ("五期西区", site["units"][2:3]))]
    as_(browser, site, "manager", None)

    def shows(page, heading):
        return lambda d: [h for h in d.find_elements(By.CSS_SELECTOR, f"{page} h2") if h.text.startswith(heading)]

    for path, page, title in (("", ".launch-detail", ""), ("/report", ".launch-report", "开盘报告：")):
        browser.execute_script("location.hash = arguments[0]", f"#/launches/{ids[0]}{path}")
        wait(browser, shows(page, f"{title}四期东区"), f"the first launch{path}")
        browser.execute_script("location.hash = arguments[0]", f"#/launches/{ids[1]}{path}")
        wait(browser, shows(page, f"{title}五期西区"), f"the second launch{path}")
        browser.back()
        wait(browser, shows(page, f"{title}四期东区"), f"the first launch{path} again")
    # the report's links follow it too
    href = browser.find_element(By.CSS_SELECTOR, ".launch-report p a").get_attribute("href")
    assert href.endswith(f"#/launches/{ids[0]}")
    no_console_errors(browser)
