"""The 人事 desk of the web console (issue 17) end to end in headless Chromium against the whole
system, as hr works it: 入职 of a new advisor who then signs in with the login name the page
showed, a 调岗 to another site, a 离职; a candidate moved through the 招聘 pipeline to an offer
and 入职; an exam (上岗考核) recorded that certifies; the month's attendance. Each step checks
what the page shows and what the API then holds. The harness is tests/browser.py."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from datetime import timedelta

from loupan.types import today  # the agency's day (Asia/Shanghai), as the pages and services count

from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, account, browser, built_console, nav,  # noqa: F401 (fixtures)
                           no_console_errors, project_names, shot, sign_in, wait)


@pytest.fixture(scope="module")
def site(system, director, built_console):
    first, _ = make_project(director, "人事花园", units=4)
    second, _ = make_project(director, "调岗花园", units=4)
    pid, other = first["id"], second["id"]
    hr = account(director, "hrdesk_hr", "hr", [pid, other])
    mover = director.ok(director.post("/api/staff", {  # 入职 a week ago: the record starts with it
        "username": "hrdesk_mover", "password": STAFF_PASSWORD, "full_name": "hrdesk_mover", "role": "advisor",
        "project_ids": [pid], "joined_on": (today() - timedelta(days=7)).isoformat()}), 201)
    leaver = account(director, "hrdesk_leaver", "assistant", [pid])
    learner = account(director, "hrdesk_learner", "advisor", [pid])
    manager = account(director, "hrdesk_mgr", "manager", [pid])
    later = account(director, "hrdesk_later", "advisor", [pid])
    return {"pid": pid, "other": other, "director": director, "url": system.url(), "hr": hr["username"],
            "mover": mover, "leaver": leaver, "learner": learner, "manager": manager["username"], "later": later,
            "code": director.code}


@pytest.fixture(scope="module", autouse=True)
def names(site):
    site["name_of"] = project_names(site["director"])


def typed(driver, element_id, text):
    box = driver.find_element(By.ID, element_id)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)  # clear() fires no input event for Vue
    box.send_keys(text)


def choose(scope, css, text):
    """Click the radio button or checkbox of `scope` labelled `text`."""
    found = [e for e in scope.find_elements(By.CSS_SELECTOR, css) if e.text.strip() == text]
    assert found, f"no {css} labelled {text}: {[e.text for e in scope.find_elements(By.CSS_SELECTOR, css)]}"
    found[0].click()


def pick(driver, select_id, text):
    """Choose `text` in the Element Plus select `select_id` as a user would."""
    driver.find_element(By.XPATH, f"//*[@id='{select_id}']/ancestor::div[contains(@class, 'el-select__wrapper')]").click()
    wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item")
                            if o.is_displayed() and o.text.strip() == text], f"the option {text}")[0].click()


def row(driver, username):
    found = driver.find_elements(By.CSS_SELECTOR, f'#staff-list tr[data-username="{username}"]')
    return found[0] if found else None


def dialog(driver, css):
    return wait(driver, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()], css)[0]


UNLABELLED = """
const named = (el) => (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.closest('label')
    || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) || el.title || '').toString().trim();
const bad = [];
for (const el of document.querySelectorAll('input, select, textarea, [role=slider]')) {
  if (el.type === 'hidden' || !el.getClientRects().length) continue;
  if (!named(el)) bad.push(el.outerHTML.slice(0, 160));
}
for (const el of document.querySelectorAll('button, [role=button]')) {
  if (el.getClientRects().length && !el.textContent.trim() && !el.getAttribute('aria-label')) bad.push(el.outerHTML.slice(0, 160));
}
return bad;
"""


def labelled(driver):
    """Accessibility basics: every visible field has a label, every button a name."""
    bad = driver.execute_script(UNLABELLED)
    assert bad == [], bad


def staff_record(site, username):
    director = site["director"]
    return next(s for s in director.ok(director.get("/api/staff", params={"limit": 500})) if s["username"] == username)


# 员工 ---------------------------------------------------------------------------------------------
def test_hr_onboards_an_advisor_who_can_then_sign_in(browser, site):
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-staff")
    assert {"hr-staff"} <= set(nav(browser))
    wait(browser, lambda d: row(d, site["mover"]["username"]), "the staff list")
    browser.find_element(By.ID, "join-open").click()
    form = dialog(browser, ".join-dialog")
    typed(browser, "join-name", "赵新人")
    typed(browser, "join-username", "hrdesk_new")
    login = f"{site['code']}.hrdesk_new"
    assert browser.find_element(By.ID, "join-login-name").text == login  # the rule shown, as the API applies it
    policy = browser.find_element(By.ID, "join-password-policy").text
    assert "至少 10 个字符" in policy and "不能是用户名" in policy and "常见密码" in policy
    typed(browser, "join-password", "short")
    assert not browser.find_element(By.ID, "join-submit").is_enabled()  # the policy, before asking
    typed(browser, "join-password", STAFF_PASSWORD)
    choose(form, "#join-role .el-radio-button", "置业顾问")
    choose(form, "#join-projects .el-checkbox", site["name_of"](site["pid"]))
    shot(browser, "hr-join.png")
    labelled(browser)
    browser.find_element(By.ID, "join-submit").click()
    new = wait(browser, lambda d: row(d, login), "the new advisor in the list")
    wait(browser, lambda d: "在职" in new.text, "the new advisor's status")
    assert "赵新人" in new.text and "置业顾问" in new.text
    record = staff_record(site, login)
    assert (record["role"], record["project_ids"], record["employment_status"]) == ("advisor", [site["pid"]], "active")
    assert record["joined_on"]
    shot(browser, "hr-staff.png")
    # the API's refusals in Chinese: a common password, then the name taken
    browser.find_element(By.ID, "join-open").click()
    form = dialog(browser, ".join-dialog")
    typed(browser, "join-name", "赵新人")
    typed(browser, "join-username", "hrdesk_new")
    typed(browser, "join-password", "password123")  # long enough, but one of the most common
    choose(form, "#join-projects .el-checkbox", site["name_of"](site["pid"]))
    browser.find_element(By.ID, "join-submit").click()
    refusal = wait(browser, lambda d: form.find_element(By.CSS_SELECTOR, ".error-note").text, "the weak password refused")
    assert "密码" in refusal and "WEAK_PASSWORD" in refusal, refusal
    typed(browser, "join-password", STAFF_PASSWORD)
    browser.find_element(By.ID, "join-submit").click()
    wait(browser, lambda d: "USERNAME_TAKEN" in form.find_element(By.CSS_SELECTOR, ".error-note").text, "the name taken")
    assert "已被使用" in form.find_element(By.CSS_SELECTOR, ".error-note").text
    form.find_element(By.XPATH, ".//button[normalize-space()='取消']").click()
    no_console_errors(browser)
    # the new advisor signs in with the login name the page showed, and sees their site
    sign_in(browser, site, login, STAFF_PASSWORD, page=None)
    assert "赵新人" in browser.find_element(By.ID, "who").text
    assert "hr-staff" not in nav(browser)


def test_hr_transfers_someone_and_the_record_shows_the_move(browser, site):
    mover = site["mover"]["username"]
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-staff")
    wait(browser, lambda d: row(d, mover), "the mover's row").find_element(By.CSS_SELECTOR, ".s-transfer").click()
    form = dialog(browser, ".transfer-dialog")
    choose(form, "#transfer-projects .el-checkbox", site["name_of"](site["pid"]))  # off the first site
    choose(form, "#transfer-projects .el-checkbox", site["name_of"](site["other"]))
    assert "立即生效" in browser.find_element(By.ID, "transfer-timing").text  # dated today
    typed(browser, "transfer-reason", "新盘开盘支援")
    shot(browser, "hr-transfer.png")
    labelled(browser)
    browser.find_element(By.ID, "transfer-submit").click()
    # the list was filtered to the first site: the mover is gone from it; all sites shows the move
    wait(browser, lambda d: not row(d, mover), "the mover off the first site's list")
    assert staff_record(site, mover)["project_ids"] == [site["other"]]
    pick(browser, "staff-project", site["name_of"](site["other"]))
    moved = wait(browser, lambda d: row(d, mover), "the mover on the second site's list")
    assert site["name_of"](site["other"]) in moved.find_element(By.CSS_SELECTOR, ".s-projects").text
    moved.find_element(By.CSS_SELECTOR, ".staff-name").click()
    moves = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#staff-moves tr.move"), "the moves")
    assert [m.get_attribute("data-kind") for m in moves] == ["joined", "transferred"]
    # waited for, not read at once: the record opens in a drawer whose slide-in (and the tags'
    # zoom-in) leaves cells transparent for a moment, and Selenium's text leaves those out
    wait(browser, lambda d: all(t in moves[1].text for t in ("新盘开盘支援", site["name_of"](site["other"]), "已生效")),
         "the move with its reason, new site and status")
    shot(browser, "hr-staff-record.png")
    no_console_errors(browser)


def test_a_transfer_dated_later_is_shown_planned_and_nothing_moves_yet(browser, site):
    later = site["later"]["username"]
    day = (today() + timedelta(days=5)).isoformat()
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-staff")
    wait(browser, lambda d: row(d, later), "the row").find_element(By.CSS_SELECTOR, ".s-transfer").click()
    form = dialog(browser, ".transfer-dialog")
    choose(form, "#transfer-projects .el-checkbox", site["name_of"](site["other"]))  # both sites from that day
    typed(browser, "transfer-date", day)
    browser.find_element(By.ID, "transfer-date").send_keys(Keys.ENTER)
    wait(browser, lambda d: "待生效调岗" in d.find_element(By.ID, "transfer-timing").text, "said to be planned")
    typed(browser, "transfer-reason", "下周支援新盘")
    browser.find_element(By.ID, "transfer-submit").click()
    planned = wait(browser, lambda d: row(d, later).find_elements(By.CSS_SELECTOR, ".s-planned"), "the planned move")[0]
    assert day in planned.text and site["name_of"](site["other"]) in planned.text
    record = staff_record(site, later)
    assert record["project_ids"] == [site["pid"]]  # still on the first site until the day
    assert record["planned_transfer"]["effective_on"] == day
    assert sorted(record["planned_transfer"]["to_project_ids"]) == sorted([site["pid"], site["other"]])
    row(browser, later).find_element(By.CSS_SELECTOR, ".staff-name").click()
    moves = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#staff-moves tr.move"), "the moves")
    assert moves[-1].get_attribute("data-status") == "planned"
    wait(browser, lambda d: "待生效" in moves[-1].text, "the planned status")
    shot(browser, "hr-transfer-planned.png")
    no_console_errors(browser)


def test_hr_records_a_leave_with_what_follows(browser, site):
    leaver = site["leaver"]["username"]
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-staff")
    wait(browser, lambda d: row(d, leaver), "the leaver's row").find_element(By.CSS_SELECTOR, ".s-leave").click()
    dialog(browser, ".leave-dialog")
    effects = browser.find_element(By.ID, "leave-effects").text
    assert "公客池" in effects and "立即" in effects
    typed(browser, "leave-reason", "个人原因")
    browser.find_element(By.ID, "leave-submit").click()
    wait(browser, lambda d: not row(d, leaver), "the leaver off the list of active staff")
    record = staff_record(site, leaver)
    assert (record["employment_status"], record["active"]) == ("left", False)
    choose(browser, "#staff-status .el-radio-button", "已离职")
    gone = wait(browser, lambda d: row(d, leaver), "the leaver among those who left")
    assert "已离职" in gone.text
    no_console_errors(browser)


# 招聘 ---------------------------------------------------------------------------------------------
def card(driver, stage, name):
    found = [c for c in driver.find_elements(By.CSS_SELECTOR, f'#pipeline .stage[data-stage="{stage}"] .card')
             if name in c.text]
    return found[0] if found else None


def panel_stage(driver):
    found = driver.find_elements(By.ID, "candidate-panel")
    return found[0].get_attribute("data-stage") if found else None


def test_hr_moves_a_candidate_through_the_pipeline_to_hire(browser, site):
    director = site["director"]
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-recruiting")
    browser.find_element(By.ID, "requisition-open").click()
    typed(browser, "requisition-reason", "新盘开盘补员")
    browser.find_element(By.ID, "requisition-submit").click()
    wait(browser, lambda d: d.find_elements(By.ID, "needs-approval"), "the requisition waiting for the director")
    typed(browser, "candidate-name", "钱应聘")
    typed(browser, "candidate-phone-in", "13912345678")
    typed(browser, "candidate-source", "内推")
    browser.find_element(By.ID, "candidate-submit").click()
    wait(browser, lambda d: card(d, "applied", "钱应聘") and panel_stage(d) == "applied", "the candidate applied")
    browser.find_element(By.CSS_SELECTOR, '.c-move[data-to="screened"]').click()
    wait(browser, lambda d: card(d, "screened", "钱应聘") and panel_stage(d) == "screened", "the candidate screened")
    # past screening the requisition needs the director: the refusal in Chinese, the candidate stays
    browser.find_element(By.CSS_SELECTOR, '.c-move[data-to="interview_1"]').click()
    refusal = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#candidate-panel .error-note").text, "the refusal")
    assert "尚未批准" in refusal and "REQUISITION_NOT_APPROVED" in refusal, refusal
    requisition = director.ok(director.get(f"/api/projects/{site['pid']}/requisitions"))[0]
    director.ok(director.post(f"/api/requisitions/{requisition['id']}/approve"))
    browser.refresh()
    wait(browser, lambda d: card(d, "screened", "钱应聘"), "the board again").click()
    wait(browser, lambda d: panel_stage(d) == "screened", "the candidate opened")
    assert not browser.find_elements(By.ID, "needs-approval")
    browser.find_element(By.CSS_SELECTOR, '.c-move[data-to="interview_1"]').click()
    wait(browser, lambda d: panel_stage(d) == "interview_1" and d.find_elements(By.ID, "feedback-form"), "初试")
    typed(browser, "feedback-notes", "沟通能力强，熟悉本地市场")
    browser.find_element(By.ID, "feedback-submit").click()
    wait(browser, lambda d: "沟通能力强" in d.find_element(By.ID, "candidate-feedback").text, "the feedback recorded")
    typed(browser, "offer-salary", "6500.00")
    shot(browser, "hr-recruiting.png")
    labelled(browser)
    browser.find_element(By.ID, "offer-submit").click()
    wait(browser, lambda d: panel_stage(d) == "offer" and d.find_elements(By.ID, "offer-accept"), "the offer made")
    wait(browser, lambda d: card(d, "offer", "钱应聘"), "the candidate in the offer column")
    browser.find_element(By.ID, "offer-accept").click()
    wait(browser, lambda d: d.find_elements(By.ID, "hire-form"), "the hire form")
    typed(browser, "hire-username", "hrdesk_hired")
    assert browser.find_element(By.ID, "hire-login-name").text == f"{site['code']}.hrdesk_hired"
    typed(browser, "hire-password", STAFF_PASSWORD)
    browser.find_element(By.ID, "hire-submit").click()
    wait(browser, lambda d: card(d, "hired", "钱应聘") and panel_stage(d) == "hired", "the candidate hired")
    probation = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, '#probations tr[data-status="in_probation"]')
                                         if "钱应聘" in r.text], "the new hire's 试用期")[0]
    assert "试用中" in probation.text
    shot(browser, "hr-recruiting-hired.png")
    candidate = director.ok(director.get(f"/api/requisitions/{requisition['id']}/candidates"))[0]
    assert (candidate["name"], candidate["stage"]) == ("钱应聘", "hired")
    hired = staff_record(site, f"{site['code']}.hrdesk_hired")
    assert (hired["full_name"], hired["role"], hired["project_ids"]) == ("钱应聘", "advisor", [site["pid"]])
    no_console_errors(browser)
    # a manager reads the pipeline with the phone masked by the API
    sign_in(browser, site, site["manager"], STAFF_PASSWORD, page="hr-recruiting")
    masked = wait(browser, lambda d: card(d, "hired", "钱应聘"), "the manager's board")
    assert "139****5678" in masked.text and "13912345678" not in masked.text
    assert not browser.find_elements(By.ID, "candidate-form")  # reading, not managing
    masked.send_keys(Keys.ENTER)  # a card opens from the keyboard too
    phone = wait(browser, lambda d: d.find_element(By.ID, "candidate-phone").text, "the candidate opened by Enter")
    assert phone == "139****5678"


# 培训与上岗考核 --------------------------------------------------------------------------------------
def test_hr_records_an_exam_that_certifies_an_advisor(browser, site):
    learner = site["learner"]
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-training")
    wait(browser, lambda d: d.find_elements(By.ID, "training-stats"), "the month's figures")
    typed(browser, "course-title", "人事花园上岗考核")
    browser.find_element(By.CSS_SELECTOR, "#course-form .el-checkbox").click()  # 本项目上岗考核
    browser.find_element(By.ID, "course-submit").click()
    wait(browser, lambda d: "人事花园上岗考核" in d.find_element(By.ID, "courses").text, "the new course")
    pick(browser, "exam-person", "hrdesk_learner（置业顾问）")
    typed(browser, "exam-score", "92")
    browser.find_element(By.ID, "exam-submit").click()
    result = wait(browser, lambda d: d.find_element(By.ID, "exam-result").text, "the exam's result")
    assert "92" in result and "通过" in result and "已取得上岗资格" in result, result
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, f'#certifications tr[data-account-id="{learner["id"]}"]'),
         "the advisor on the certified list")
    director = site["director"]
    certified = director.ok(director.get(f"/api/projects/{site['pid']}/certifications"))
    assert learner["id"] in [c["account_id"] for c in certified]
    # a session scheduled, found again after a reload, and its roll call
    pick(browser, "session-course", "人事花园上岗考核")
    typed(browser, "session-start", "2026-12-01 10:00:00")
    browser.find_element(By.ID, "session-start").send_keys(Keys.ENTER)
    typed(browser, "session-trainer", "孙老师")
    browser.find_element(By.ID, "session-submit").click()
    wait(browser, lambda d: "孙老师" in d.find_element(By.ID, "sessions").text, "the new session")
    browser.refresh()
    session = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#sessions tr[data-session-id]")
                                       if "孙老师" in r.text], "the session after a reload")[0]
    session_id = int(session.get_attribute("data-session-id"))
    session.find_element(By.CSS_SELECTOR, ".s-roll").click()
    roll = wait(browser, lambda d: d.find_elements(By.ID, "roll-form"), "the roll call")[0]
    choose(roll, "#roll-people .el-checkbox", "hrdesk_learner")
    browser.find_element(By.ID, "roll-present").click()
    wait(browser, lambda d: "hrdesk_learner" in d.find_element(By.CSS_SELECTOR, f'#sessions tr[data-session-id="{session_id}"]').text,
         "the learner on the roll")
    shot(browser, "hr-training.png")
    labelled(browser)
    held = next(s for s in director.ok(director.get(f"/api/projects/{site['pid']}/training-sessions")) if s["id"] == session_id)
    assert (held["status"], held["attendance"]) == ("held", [{"account_id": learner["id"], "present": True}])
    no_console_errors(browser)


# 考勤 ---------------------------------------------------------------------------------------------
def test_hr_reads_the_months_attendance_and_the_weeks_rota(browser, site):
    director, pid = site["director"], site["pid"]
    director.ok(director.post(f"/api/projects/{pid}/shifts", {"name": "早班", "starts": "09:00", "ends": "18:00",
                                                              "min_staff": 1}), 201)
    day = today()
    monday = day - timedelta(days=day.weekday())
    director.ok(director.post(f"/api/projects/{pid}/rota/plan", {"week_start": monday.isoformat()}))
    rota = director.ok(director.get(f"/api/projects/{pid}/rota", params={"week_start": monday.isoformat()}))
    sign_in(browser, site, site["hr"], STAFF_PASSWORD, page="hr-attendance")
    names = {e["full_name"] for e in rota["entries"]}
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#rota tr")) == len(names), "the week's rota")
    shown = browser.find_element(By.ID, "rota").text
    assert all(n in shown for n in names) and ("早班" in shown or "轮休" in shown)
    month = browser.find_element(By.ID, "attendance-month").get_attribute("value")
    stats = director.ok(director.get(f"/api/projects/{pid}/attendance-stats", params={"month": month}))
    rows = browser.find_elements(By.CSS_SELECTOR, "#attendance-stats tr[data-account-id]")
    assert len(rows) == len(stats["people"])
    shot(browser, "hr-attendance.png")
    labelled(browser)
    # the pass sees what it looks for: a field and a button with no name are reported
    browser.execute_script("document.getElementById('view').insertAdjacentHTML('beforeend', "
                           "'<input id=\"nameless\"><button id=\"blank\"></button>')")
    reported = browser.execute_script(UNLABELLED)
    assert len(reported) == 2 and "nameless" in reported[0] and "blank" in reported[1], reported
    no_console_errors(browser)
