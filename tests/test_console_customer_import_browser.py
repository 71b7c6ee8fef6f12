"""导入客户 in the web console (headless Chromium, the whole system): the manager picks the
agency's old .xlsx, sees the dry run (each row's judgement: 新客户, 同一客户, 撞单; the bad rows
and why), nothing imported yet; 确认导入 then imports it, and the API holds the customers, the
撞单 and the log entry. The page with its table passes axe. Harness: tests/browser.py."""
import pytest
from selenium.webdriver.common.by import By

from services.inventory.tests.xlsx_files import xlsx
from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_a11y_browser import axe_violations


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, _ = make_project(director, "导入花园", units=1)
    pid = project["id"]
    people = {}
    for name, full_name, role in (("ci_adv1", "黄顾问", "advisor"), ("ci_adv2", "林顾问", "advisor"),
                                  ("ci_mgr", "何经理", "manager")):
        made = director.ok(director.post("/api/accounts", {"username": name, "password": STAFF_PASSWORD,
                                                           "full_name": full_name, "role": role,
                                                           "project_ids": [pid]}), 201)
        api = type(director)(system.url()).login(made["username"], STAFF_PASSWORD)
        api.username = made["username"]
        people[full_name] = (made["id"], api)
    return {"pid": pid, "url": system.url(), "director": director, "people": people,
            "name_of": project_names(director)}


def test_the_manager_previews_then_confirms_an_import(site, browser, tmp_path):
    pid = site["pid"]
    lin_id, lin = site["people"]["林顾问"]
    huang_id, _ = site["people"]["黄顾问"]
    _, manager = site["people"]["何经理"]
    lin.ok(lin.post(f"/api/projects/{pid}/customers", {"mobile": "13600000002", "name": "马先生",
                                                      "channel": "walk_in"}), 201)
    path = tmp_path / "老客户.xlsx"
    path.write_bytes(xlsx(["姓名", "手机", "渠道", "等级", "置业顾问", "最后跟进", "备注"], [
        ["高女士", "13600000001", "来电", "A", "黄顾问", "2026-11-01", "看过样板间"],
        ["马先生", "13600000002", "老带新", "B", "黄顾问", None, None],
        ["罗先生", "1360000", "来电", "A", "黄顾问", None, None],
    ]))
    sign_in(browser, site, manager.username, STAFF_PASSWORD, page="customer-import")
    browser.find_element(By.ID, "import-file").send_keys(str(path))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#import-rows tr[data-row]"), "the dry run")
    cells = {r.get_attribute("data-row"): r.find_element(By.CSS_SELECTOR, ".judgement").text
             for r in browser.find_elements(By.CSS_SELECTOR, "#import-rows tr[data-row]")}
    assert cells["2"] == "新客户" and cells["3"].startswith("撞单") and "林顾问" not in cells["3"]
    assert cells["4"] == "不导入"
    problem = browser.find_element(By.CSS_SELECTOR, '#import-rows tr[data-row="4"] .problems').text
    assert "手机号不正确" in problem
    assert "可导入 2 行" in browser.find_element(By.ID, "import-summary").text
    assert manager.ok(manager.get(f"/api/projects/{pid}/customers", params={"mobile": "13600000001"})) == []
    assert axe_violations(browser) == []
    shot(browser, "customer-import-dry-run.png")

    browser.find_element(By.ID, "import-confirm").click()
    wait(browser, lambda d: d.find_elements(By.ID, "import-done"), "the import confirmed")
    assert not browser.find_elements(By.ID, "import-confirm")
    [imported] = manager.ok(manager.get(f"/api/projects/{pid}/customers", params={"mobile": "13600000001"}))
    assert (imported["owner_id"], imported["owner_name"], imported["grade"]) == (huang_id, "黄顾问", "A")
    [conflict] = manager.ok(manager.get(f"/api/projects/{pid}/conflicts", params={"status": "open"}))
    assert (conflict["owner_id"], conflict["claimant_id"]) == (lin_id, huang_id)
    [entry] = manager.ok(manager.get(f"/api/projects/{pid}/export-log"))
    assert (entry["kind"], entry["file_name"], entry["row_count"]) == ("import", "老客户.xlsx", 2)
    no_console_errors(browser)
