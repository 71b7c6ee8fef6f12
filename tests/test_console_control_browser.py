"""The manager's 销控 desk of the web console (issue 17) end to end in headless Chromium against
the whole system: a lock with its reason chosen on the desk's board, seen locked on the 销控
board and unlocked from the list; 推盘 of a whole floor now and of chosen units at a set time
(the schedule listed, then cancelled); a hold extended; the hold rules; a bulk 调价 previewed in the browser to the cent (the
figures checked against the server's own rule), made a draft and published; a cut below the
底价 refused on publishing, said in Chinese with the units, nothing repriced, and another
approved by a director then published; the advisors'
考核排名 with its weights and the month's 销售目标 split, 滞销房源 (two taken to 调价) and an auto-planned 排班 with a day edited by hand. Each step checks the page and what the API then
holds. Screenshots: control-*.png. The shared harness is tests/browser.py."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from services.inventory.price_rules import adjusted_price
from tests.api import DIRECTOR, make_project, unit_rows
from tests.browser import (STAFF_PASSWORD, account, browser, built_console, nav,  # noqa: F401 (fixtures)
                           no_console_errors, project_names, shot, sign_in, wait)


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, unit_ids = make_project(director, "销控台花园", units=12)  # 1号楼: 3 floors of 4, on sale
    pid = project["id"]
    second = director.ok(director.post(f"/api/projects/{pid}/buildings", {"name": "2号楼", "permit_no": "预售许可009"}), 201)
    later = director.ok(director.post(f"/api/projects/{pid}/units",
                                      {"units": unit_rows(second["id"], 8, floors=2, prefix="B")}), 201)  # not released
    manager = account(director, "ctl_mgr", "manager", [pid])
    advisor = account(director, "ctl_adv", "advisor", [pid])
    account(director, "ctl_adv2", "advisor", [pid])  # the rota is of advisors (and supervisors, assistants)
    return {"pid": pid, "units": unit_ids, "later": {u["number"]: u["id"] for u in later}, "director": director,
            "url": system.url(), "manager": manager, "advisor": advisor, "building2": second["id"]}


@pytest.fixture(scope="module", autouse=True)
def names(site):
    site["name_of"] = project_names(site["director"])


def api(site):
    return site["director"]


def unit(site, unit_id):
    return api(site).ok(api(site).get(f"/api/units/{unit_id}"))


def cell(driver, unit_id):
    return driver.find_element(By.CSS_SELECTOR, f'#control-board td.unit[data-unit-id="{unit_id}"]')


def status_of(driver, unit_id):
    return cell(driver, unit_id).get_attribute("data-status")


def give_reason(driver, text):
    box = wait(driver, lambda d: [e for e in d.find_elements(By.ID, "control-reason") if e.is_displayed()], "the reason box")[0]
    box.send_keys(text)
    driver.find_element(By.ID, "control-reason-ok").click()


def type_number(driver, element_id, value):
    """An Element Plus number box: select what it holds, type, leave it (it takes the value on change)."""
    box = driver.find_element(By.ID, element_id)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(str(value), Keys.TAB)


def manager_on(driver, site, page):
    sign_in(driver, site, site["manager"]["username"], STAFF_PASSWORD, page=page)


# 锁定 / 解锁 -----------------------------------------------------------------------------------
def test_a_manager_locks_a_unit_with_a_reason_and_the_board_shows_it_locked(browser, site):
    target = site["units"][5]
    manager_on(browser, site, "control")
    wait(browser, lambda d: status_of(d, target) == "available", "the desk's board")
    cell(browser, target).click()
    assert cell(browser, target).get_attribute("aria-checked") == "true"
    lock = browser.find_element(By.ID, "control-lock")
    assert "（1）" in lock.text
    lock.click()
    give_reason(browser, "开发商保留")
    wait(browser, lambda d: status_of(d, target) == "locked", "the unit locked on the desk")
    assert unit(site, target)["status"] == "locked"
    row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#control-locked tbody tr")
                                   if "开发商保留" in r.text], "the locked list with the reason")[0]
    assert "0202" in row.text  # unit_rows: 4 a floor, the 6th is 0202
    shot(browser, "control-locked.png")
    # the 销控 board everyone sees shows it locked
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="board"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#board td.unit[data-unit-id="{target}"][data-status="locked"]'),
         "the board showing the unit locked")
    # unlocked again from the list
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="control"]').click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#control-locked .l-unlock"), "the unlock button")[0].click()
    give_reason(browser, "重新开放销售")
    wait(browser, lambda d: status_of(d, target) == "available", "the unit on sale again")
    assert unit(site, target)["status"] == "available"
    history = api(site).ok(api(site).get(f"/api/units/{target}/history"))
    assert [h["reason"] for h in history if h["to_status"] in ("locked", "available")][-2:] == \
        ["locked: 开发商保留", "unlocked: 重新开放销售"]
    no_console_errors(browser)


def test_a_refused_lock_says_why_in_chinese(browser, site):
    # a unit held elsewhere after the page read it: the lock takes all or nothing, 409 in Chinese
    target = site["units"][6]
    manager_on(browser, site, "control")
    wait(browser, lambda d: status_of(d, target) == "available", "the desk's board")
    cell(browser, target).click()
    browser.find_element(By.ID, "control-lock").click()
    wait(browser, lambda d: d.find_element(By.ID, "control-reason").is_displayed(), "the reason box")
    # held by someone else while the manager types the reason
    api(site).ok(api(site).post(f"/api/units/{target}/holds", {"customer_name": "赵先生", "customer_phone": "13900001111"}), 201)
    give_reason(browser, "样板间")
    message = wait(browser, lambda d: d.find_element(By.ID, "control-error").text.strip(), "the refusal")
    assert "已被预留" in message and "UNIT_NOT_AVAILABLE" in message, message
    wait(browser, lambda d: status_of(d, target) == "held", "the board read again")
    # the manager extends that hold from the 预留中 list (by the default hour)
    before = unit(site, target)["hold"]
    row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#control-held tbody tr")
                                   if "赵先生" in r.text and "剩" in r.text], "the held unit listed")[0]
    assert "0203" in row.text
    row.find_element(By.CSS_SELECTOR, ".h-extend").click()
    wait(browser, lambda d: unit(site, target)["hold"]["expires_at"] != before["expires_at"], "the hold extended")
    after = unit(site, target)["hold"]
    assert after["hold_id"] == before["hold_id"]
    assert datetime.fromisoformat(after["expires_at"]) - datetime.fromisoformat(before["expires_at"]) == timedelta(hours=1)
    no_console_errors(browser)
    assert unit(site, target)["status"] == "held"


# 推盘 -----------------------------------------------------------------------------------------
def test_a_manager_releases_a_floor_now_and_schedules_units_for_later(browser, site):
    later = site["later"]
    floor1 = [later[n] for n in ("B0101", "B0102", "B0103", "B0104")]
    manager_on(browser, site, "control")
    wait(browser, lambda d: status_of(d, floor1[0]) == "unreleased", "the unreleased building")
    building = browser.find_element(By.CSS_SELECTOR, f'#control-board [data-building="{site["building2"]}"]')
    building.find_element(By.CSS_SELECTOR, 'tr[data-floor="1"] .floor-pick').click()  # the whole floor
    release = browser.find_element(By.ID, "control-release")
    assert "（4）" in release.text
    release.click()
    wait(browser, lambda d: all(status_of(d, u) == "available" for u in floor1), "the floor released")
    assert {unit(site, u)["status"] for u in floor1} == {"available"}
    # two units of floor 2 at a time two days ahead
    planned = [later["B0201"], later["B0202"]]
    for u in planned:
        cell(browser, u).click()
    browser.find_element(By.ID, "control-schedule").click()
    wait(browser, lambda d: d.find_element(By.ID, "plan-run-at").is_displayed(), "the schedule dialog")
    browser.execute_script("""const d = new Date(Date.now() + 2 * 86400e3), p = (n) => String(n).padStart(2, '0');
        const box = document.getElementById('plan-run-at');
        box.value = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T10:00`;
        box.dispatchEvent(new Event('input', { bubbles: true }));""")
    browser.find_element(By.ID, "plan-ok").click()
    row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#control-schedules tbody tr")
                                   if "待执行" in r.text], "the schedule listed")[0]
    assert "B0201" in row.text and "B0202" in row.text and "2 套" in row.text
    schedules = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/release-schedules"))
    assert [(s["status"], s["unit_ids"]) for s in schedules] == [("scheduled", sorted(planned))]
    assert {unit(site, u)["status"] for u in planned} == {"unreleased"}
    shot(browser, "control-schedule.png")
    row.find_element(By.CSS_SELECTOR, ".s-cancel").click()
    wait(browser, lambda d: "已取消" in d.find_element(By.ID, "control-schedules").text, "the schedule cancelled")
    assert [s["status"] for s in api(site).ok(api(site).get(f"/api/projects/{site['pid']}/release-schedules"))] == ["cancelled"]
    no_console_errors(browser)


# 调价 ------------------------------------------------------------------------------------------
def price_rows(driver, table):
    return {r.find_element(By.CSS_SELECTOR, ".p-unit").text.split()[-1]:
            (r.find_element(By.CSS_SELECTOR, ".p-old").text, r.find_element(By.CSS_SELECTOR, ".p-new").text)
            for r in driver.find_elements(By.CSS_SELECTOR, f"#{table} tbody tr")}


def yuan(value):
    return f"¥{Decimal(value):,.2f}"


def test_a_manager_previews_a_bulk_price_change_and_publishes_it(browser, site):
    pid = site["pid"]
    manager_on(browser, site, "prices")
    wait(browser, lambda d: d.find_elements(By.ID, "price-value"), "the 调价 form")
    type_number(browser, "price-floor-from", 3)
    type_number(browser, "price-floor-to", 3)
    browser.find_element(By.ID, "price-method-per_m2").click()
    browser.find_element(By.ID, "price-value").send_keys("123.45")
    summary = wait(browser, lambda d: d.find_element(By.ID, "price-preview-summary").text, "the preview")
    units = {u["number"]: u for u in api(site).ok(api(site).get(f"/api/projects/{pid}/units"))["items"]}
    # floor 3 of both buildings on sale: 1号楼's four (2号楼 has floors 1-2 only)
    expected = {n: adjusted_price(Decimal(u["list_price"]), Decimal(u["gross_area"]), u["floor"],
                                  {"method": "per_m2", "value": Decimal("123.45")})
                for n, u in units.items() if u["floor"] == 3}
    assert "选中在售 4 套" in summary and "变动 4 套" in summary, summary
    shown = price_rows(browser, "price-preview")
    assert shown == {n: (yuan(units[n]["list_price"]), yuan(p)) for n, p in expected.items()}
    shot(browser, "control-price-preview.png")
    browser.find_element(By.ID, "price-make-draft").click()
    wait(browser, lambda d: "草稿" in d.find_element(By.ID, "price-draft-status").text, "the draft")
    drafts = [v for v in api(site).ok(api(site).get(f"/api/projects/{pid}/price-lists")) if v["status"] == "draft"]
    assert len(drafts) == 1 and drafts[0]["changed_count"] == 4
    server = api(site).ok(api(site).get(f"/api/price-lists/{drafts[0]['id']}"))
    assert {i["number"]: Decimal(i["new_price"]) for i in server["items"]} == expected  # the browser's preview was exact
    assert price_rows(browser, "price-draft-items") == shown
    assert {unit(site, units[n]["id"])["list_price"] for n in expected} == {units[n]["list_price"] for n in expected}
    browser.find_element(By.ID, "price-publish").click()
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".publish-box .el-button--primary") if b.is_displayed()],
         "the confirmation")[0].click()
    wait(browser, lambda d: "现行" in d.find_element(By.ID, "price-versions").text, "the version published")
    assert {n: Decimal(unit(site, units[n]["id"])["list_price"]) for n in expected} == expected
    trend = wait(browser, lambda d: d.find_element(By.ID, "price-trend").text, "the price trend")
    assert "第 1 次" in trend and "上调" in trend, trend
    no_console_errors(browser)


def test_a_cut_below_the_floor_price_is_refused_in_chinese_and_nothing_is_repriced(browser, site):
    pid = site["pid"]
    before = {u["id"]: u["list_price"] for u in api(site).ok(api(site).get(f"/api/projects/{pid}/units"))["items"]}
    manager_on(browser, site, "prices")
    wait(browser, lambda d: d.find_elements(By.ID, "price-value"), "the 调价 form")
    browser.find_element(By.ID, "price-value").send_keys("-10")  # 底价 is about 6.5 % under 表价
    summary = wait(browser, lambda d: d.find_element(By.ID, "price-preview-summary").text, "the preview")
    assert "低于底价" in summary and "总监" in summary, summary
    assert browser.find_elements(By.CSS_SELECTOR, "#price-preview .p-below")
    browser.find_element(By.ID, "price-make-draft").click()
    wait(browser, lambda d: d.find_elements(By.ID, "price-needs-approval"), "the draft's warning")
    browser.find_element(By.ID, "price-publish").click()
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".publish-box .el-button--primary") if b.is_displayed()],
         "the confirmation")[0].click()
    refusal = wait(browser, lambda d: d.find_element(By.ID, "price-floor-refusal").text, "the 底价 refusal")
    assert "发布被拒绝" in refusal and "低于底价" in refusal and "总监" in refusal, refusal
    # waited for, not read at once: the error note fades in (Selenium leaves transparent text
    # out; a full run once read it empty, and the draft left behind failed the next two tests)
    note = wait(browser, lambda d: (lambda t: t if "BELOW_BASE_PRICE" in t else "")(
        d.find_element(By.ID, "prices-error").text), "the error note with its code")
    assert "须总监批准" in note, note
    assert not any(w in refusal + note for w in ("would go", "approval", "below their")), "English shown"
    shot(browser, "control-price-refused.png")
    after = {u["id"]: u["list_price"] for u in api(site).ok(api(site).get(f"/api/projects/{pid}/units"))["items"]}
    assert after == before
    draft = [v for v in api(site).ok(api(site).get(f"/api/projects/{pid}/price-lists")) if v["status"] == "draft"]
    assert len(draft) == 1 and draft[0]["needs_director_approval"] and draft[0]["approved_by"] is None
    browser.find_element(By.ID, "price-discard").click()
    wait(browser, lambda d: d.find_elements(By.ID, "price-adjust"), "the form back after discarding")
    assert not [v for v in api(site).ok(api(site).get(f"/api/projects/{pid}/price-lists")) if v["status"] == "draft"]
    no_console_errors(browser)


def test_a_director_approves_a_cut_below_the_floor_and_the_manager_publishes_it(browser, site):
    pid = site["pid"]
    manager_on(browser, site, "prices")
    wait(browser, lambda d: d.find_elements(By.ID, "price-value"), "the 调价 form")
    type_number(browser, "price-floor-from", 1)
    type_number(browser, "price-floor-to", 1)
    browser.find_element(By.ID, "price-value").send_keys("-8")
    wait(browser, lambda d: "低于底价" in d.find_element(By.ID, "price-preview-summary").text, "the preview")
    browser.find_element(By.ID, "price-make-draft").click()
    wait(browser, lambda d: d.find_elements(By.ID, "price-needs-approval"), "the draft waiting for a director")
    assert not browser.find_elements(By.ID, "price-approve")  # a manager may not approve it
    draft = [v for v in api(site).ok(api(site).get(f"/api/projects/{pid}/price-lists")) if v["status"] == "draft"][0]
    sign_in(browser, site, api(site).username, DIRECTOR[1], page="prices")
    wait(browser, lambda d: d.find_elements(By.ID, "price-approve"), "the director's approve button")[0].click()
    wait(browser, lambda d: "总监已于" in d.find_element(By.ID, "price-draft").text, "the approval shown")
    assert api(site).ok(api(site).get(f"/api/price-lists/{draft['id']}"))["approved_by"] is not None
    manager_on(browser, site, "prices")
    wait(browser, lambda d: d.find_elements(By.ID, "price-publish"), "the approved draft")[0].click()
    wait(browser, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, ".publish-box .el-button--primary") if b.is_displayed()],
         "the confirmation")[0].click()
    wait(browser, lambda d: not d.find_elements(By.ID, "price-draft") and d.find_elements(By.ID, "price-adjust"), "published")
    assert not browser.find_elements(By.ID, "price-floor-refusal")
    published = api(site).ok(api(site).get(f"/api/price-lists/{draft['id']}"))
    assert published["status"] == "published" and published["below_base_count"] > 0
    for item in published["items"]:
        assert Decimal(unit(site, item["unit_id"])["list_price"]) == Decimal(item["new_price"]) < Decimal(item["base_price"])
    no_console_errors(browser)


def test_a_manager_sets_the_hold_rules(browser, site):
    manager_on(browser, site, "control")
    wait(browser, lambda d: d.find_elements(By.ID, "rules-hold-minutes") and d.find_elements(By.CSS_SELECTOR, "#control-board td.unit"),
         "the hold rules, the project read")
    type_number(browser, "rules-hold-minutes", 30)
    type_number(browser, "rules-max-holds", 2)
    browser.find_element(By.ID, "rules-save").click()
    wait(browser, lambda d: api(site).ok(api(site).get(f"/api/projects/{site['pid']}"))["hold_minutes"] == 30, "the rules saved")
    project = api(site).ok(api(site).get(f"/api/projects/{site['pid']}"))
    assert (project["hold_minutes"], project["max_holds_per_buyer"]) == (30, 2)
    assert not browser.find_element(By.ID, "rules-error").text.strip()


# 考核, 滞销, 排班 --------------------------------------------------------------------------------
def test_the_manager_sees_the_ranking_slow_movers_and_plans_the_rota(browser, site):
    manager_on(browser, site, "rankings")
    table = wait(browser, lambda d: d.find_element(By.ID, "rank-table").text, "the ranking")
    assert "ctl_adv" in table, table
    month = browser.find_element(By.ID, "rank-month").get_attribute("value")
    ranking = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/scorecards", params={"month": month}))
    assert [c["full_name"] for c in ranking["cards"]] == [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#rank-table .r-name")]
    browser.find_element(By.CSS_SELECTOR, "#rank-table .el-table__expand-icon").click()
    parts = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, ".rank-parts").text, "a card's parts")
    assert "签约套数" in parts and "出勤" in parts
    # the month's 销售目标, split over the two advisors; the project's is their sum
    browser.find_element(By.ID, "targets-edit").click()
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#targets-table .t-units input")) == 2, "the advisors' rows")
    figures = {"ctl_adv": ("2", "6000000", "1000000"), "ctl_adv2": ("1", "3000000.50", "0")}
    for row in browser.find_elements(By.CSS_SELECTOR, "#targets-table tbody tr"):
        name = row.find_element(By.CSS_SELECTOR, ".t-name").text
        for cls, value in zip(("t-units", "t-amount", "t-collections"), figures[name]):
            box = row.find_element(By.CSS_SELECTOR, f".{cls} input")
            box.send_keys(Keys.CONTROL, "a")
            box.send_keys(value)
    browser.find_element(By.ID, "targets-save").click()
    wait(browser, lambda d: "项目目标 3 套" in d.find_element(By.ID, "targets-project").text, "the targets saved")
    targets = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/targets", params={"month": month}))
    assert (targets["project"]["units"], targets["project"]["amount"], targets["project"]["collections"]) == \
        (3, "9000000.50", "1000000.00")
    assert {a["full_name"]: (a["units"], a["amount"]) for a in targets["advisors"]} == \
        {"ctl_adv": (2, "6000000.00"), "ctl_adv2": (1, "3000000.50")}
    # 考核权重: 30 % on 套数 says the sum is off until 金额 gives 5 back
    browser.find_element(By.ID, "weights-edit").click()
    type_number(browser, "weight-units", 30)
    assert "现为 105%" in wait(browser, lambda d: d.find_element(By.ID, "weights-problem").text, "the sum refused")
    type_number(browser, "weight-amount", 20)
    wait(browser, lambda d: not d.find_elements(By.ID, "weights-problem"), "the sum right")
    browser.find_element(By.ID, "weights-save").click()
    wait(browser, lambda d: "签约套数 30%" in d.find_element(By.ID, "weights-shown").text, "the ranking with the new weights")
    weights = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/scorecard-weights"))
    assert (weights["units"], weights["amount"], weights["is_default"]) == (30, 20, False)
    shot(browser, "control-rankings.png")

    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="slow-movers"]').click()
    type_number(browser, "slow-days", 0)
    browser.find_element(By.ID, "slow-load").click()
    slow = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/slow-movers", params={"days": 0}))
    wait(browser, lambda d: f"共 {slow['total']} 套" in d.find_element(By.ID, "slow-total").text, "the slow movers")
    assert slow["total"] > 0 and len(browser.find_elements(By.CSS_SELECTOR, "#slow-units tbody tr")) == slow["total"]
    shot(browser, "control-slow-movers.png")
    # two of them taken to 调价: the price page starts with just those units chosen
    rows = browser.find_elements(By.CSS_SELECTOR, "#slow-units tbody tr")[:2]
    picked = [r.find_element(By.CSS_SELECTOR, ".s-unit").text for r in rows]
    for r in rows:
        r.find_element(By.CSS_SELECTOR, ".el-checkbox").click()
    browser.find_element(By.ID, "slow-reprice").click()
    wait(browser, lambda d: "#/prices?units=" in d.current_url, "the price page with the units")
    browser.find_element(By.ID, "price-value").send_keys("1")
    summary = wait(browser, lambda d: d.find_element(By.ID, "price-preview-summary").text, "the preview")
    assert "选中在售 2 套" in summary, summary
    assert sorted(e.text for e in browser.find_elements(By.CSS_SELECTOR, "#price-preview .p-unit")) == sorted(picked)

    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="rota"]').click()
    wait(browser, lambda d: d.find_elements(By.ID, "shift-name"), "the rota page")
    browser.find_element(By.ID, "shift-name").send_keys("全天班")
    browser.find_element(By.ID, "shift-add").click()
    wait(browser, lambda d: "全天班" in d.find_element(By.ID, "rota-shifts").text, "the shift added")
    this_week = browser.find_element(By.ID, "rota-week").get_attribute("value")
    browser.find_element(By.ID, "rota-next").click()  # next week: the accounts joined today
    wait(browser, lambda d: d.find_element(By.ID, "rota-week").get_attribute("value") != this_week, "next week")
    browser.find_element(By.ID, "rota-plan").click()
    grid = wait(browser, lambda d: "全天班" in d.find_element(By.ID, "rota-grid").text and d.find_element(By.ID, "rota-grid").text,
                "the week planned")
    assert "ctl_adv" in grid and "ctl_adv2" in grid and "休" in grid, grid
    week = browser.find_element(By.ID, "rota-week").get_attribute("value")
    rota = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/rota", params={"week_start": week}))
    assert {e["full_name"] for e in rota["entries"]} == {"ctl_adv", "ctl_adv2"}
    assert [r.find_element(By.CSS_SELECTOR, ".rota-name").text for r in browser.find_elements(By.CSS_SELECTOR, "#rota-grid tbody tr")] \
        == ["ctl_adv", "ctl_adv2"]
    shot(browser, "control-rota.png")
    # a day edited by hand: a rest day where the other advisor rests too leaves the shift empty,
    # refused in Chinese; on a day both work and the other is on duty, it is taken
    entries = {(e["full_name"], e["day"]): e for e in rota["entries"]}
    days = sorted({e["day"] for e in rota["entries"]})
    adv = {e["full_name"]: e["account_id"] for e in rota["entries"]}

    def set_rest(day):
        browser.find_element(By.CSS_SELECTOR, f'#rota-grid .rota-cell[data-day="{day}"][data-account="{adv["ctl_adv"]}"]').click()
        wait(browser, lambda d: d.find_element(By.ID, "cell-save").is_displayed(), "the day's editor")
        switch = browser.find_element(By.ID, "cell-rest")  # the switch's own input, drawn by its parent
        if switch.get_attribute("aria-checked") != "true":
            switch.find_element(By.XPATH, "..").click()
        wait(browser, lambda d: d.find_element(By.ID, "cell-rest").get_attribute("aria-checked") == "true", "rest chosen")
        browser.find_element(By.ID, "cell-save").click()

    clash = next(d for d in days if entries[("ctl_adv2", d)]["rest"] and not entries[("ctl_adv", d)]["rest"])
    set_rest(clash)
    message = wait(browser, lambda d: d.find_element(By.ID, "rota-error").text.strip(), "the refusal")
    assert "排班不合规" in message and "ROTA_INVALID" in message, message
    again = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/rota", params={"week_start": week}))
    assert again["entries"] == rota["entries"]
    free = next(d for d in days if not entries[("ctl_adv", d)]["rest"] and not entries[("ctl_adv", d)]["duty"]
                and not entries[("ctl_adv2", d)]["rest"])
    set_rest(free)
    wait(browser, lambda d: d.find_element(
        By.CSS_SELECTOR, f'#rota-grid .rota-cell[data-day="{free}"][data-account="{adv["ctl_adv"]}"]').text == "休", "the day saved")
    assert not browser.find_element(By.ID, "rota-error").text.strip()
    changed = api(site).ok(api(site).get(f"/api/projects/{site['pid']}/rota", params={"week_start": week}))
    assert [e["rest"] for e in changed["entries"] if e["full_name"] == "ctl_adv" and e["day"] == free] == [True]
    no_console_errors(browser)


def test_an_advisor_has_no_control_desk(browser, site):
    sign_in(browser, site, site["advisor"]["username"], STAFF_PASSWORD, page=None)
    pages = nav(browser)
    assert "board" in pages
    assert not {"control", "prices", "slow-movers", "rankings", "rota"} & set(pages), pages
