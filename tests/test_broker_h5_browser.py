"""The brokers' mobile page 经纪人 (issue 19) in Chromium on a 390×844 phone, against the whole
system: a channel's broker opens the project's link (/broker/project/<id>), signs in with the
code texted to their mobile, picks the project by its name (the channel's only), files a 报备
with the middle digits hidden and gets its verdict, its 带看码 and QR once; reception verifies
the code (the office's API) and 我的报备 shows the report 已带看 at the named project; 我的佣金 is
the channel's (nothing yet). Signed out, a new mobile is no broker: the page offers the 全民经纪人
sign-up with the same code and a name; the 全民经纪人 (offered the agency's projects by name, the
linked one chosen) reports the same customer, is told another channel reported first, and
appeals from 我的报备. axe-core finds no serious or critical violation on the sign-in, sign-up
and each pane."""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.api import code_from, make_project, texts_to
from tests.browser import browser, built_console, no_console_errors, shot, wait  # noqa: F401 (fixtures)
from tests.conftest import staff
from tests.test_buyer_h5_browser import phone, text_of, type_into  # noqa: F401 (the phone fixture)
from tests.test_console_a11y_browser import axe_violations, report

BROKER, SELF, CUSTOMER = "13900880001", "13900880002", "13600008801"


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, _ = make_project(director, "经纪人手机苑", units=2)
    pid = project["id"]
    director.ok(director.post("/api/projects", {"name": "经纪人手机别苑", "city": "杭州", "developer_name": "某地产"}),
                201)  # of the agency, not the channel's
    manager = staff(system, director, "h5b_manager", "manager", [pid])
    office = staff(system, director, "h5b_assistant", "assistant", [pid])
    channel = manager.ok(manager.post("/api/channels", {"name": "链家手机", "grade": "A", "project_ids": [pid]}), 201)
    manager.ok(manager.post("/api/brokers", {"channel_id": channel["id"], "name": "周经纪", "mobile": BROKER}), 201)
    return {"pid": pid, "office": office, "url": system.url()}


def sign_in_with_texted_code(system, driver, mobile):
    type_into(driver, "broker-mobile", mobile)
    driver.find_element(By.ID, "ask-code").click()
    wait(driver, lambda d: d.find_elements(By.ID, "code-sent"), "the code sent")
    (text,) = wait(driver, lambda d: texts_to(system, mobile), "the text in the SMS log")
    type_into(driver, "broker-code", code_from(text))
    driver.find_element(By.ID, "signin-button").click()


def project_options(driver):
    return [o.text for o in driver.find_elements(By.CSS_SELECTOR, "#report-project option")]


def clean(driver, where):
    found = axe_violations(driver)
    assert found == [], report({where: found})
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390


def test_a_broker_reports_on_a_phone_and_a_quanmin_broker_signs_up_and_appeals(system, site, phone):
    driver, pid = phone, site["pid"]
    driver.get(f"{site['url']}/broker/project/{pid}")
    driver.execute_script("localStorage.clear()")
    driver.refresh()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form")
    assert driver.execute_script("return [window.innerWidth, window.innerHeight]") == [390, 844]
    assert driver.title.endswith("经纪人")
    clean(driver, "broker sign-in")

    sign_in_with_texted_code(system, driver, BROKER)
    wait(driver, lambda d: d.current_url.endswith("#/home") and text_of(d, "broker-name-title") == "周经纪", "home")
    assert driver.execute_script("return localStorage.getItem('loupan.broker.token')").startswith("lpk_")
    # the projects by their names: the channel's one, not the agency's other
    wait(driver, lambda d: project_options(d) == ["经纪人手机苑"], "the channel's project by its name")
    assert Select(driver.find_element(By.ID, "report-project")).first_selected_option.text == "经纪人手机苑"
    clean(driver, "broker 报备")

    # 报备 with the middle digits hidden: valid, the 带看码 and its QR shown once
    type_into(driver, "report-name", "手机赵先生")
    type_into(driver, "report-mobile", "136****8801")
    driver.find_element(By.ID, "report-submit").click()
    code = wait(driver, lambda d: d.find_elements(By.ID, "visit-code") and text_of(d, "visit-code"), "the 带看码")
    assert text_of(driver, "report-verdict").startswith("有效待带看 · 隐号报备")
    assert driver.execute_script("return document.getElementById('visit-qr').naturalWidth") > 0
    shot(driver, "broker-h5-report-390x844.png")
    clean(driver, "broker 报备 result")

    # the customer comes: reception verifies the code; 我的报备 shows it
    site["office"].ok(site["office"].post(f"/api/projects/{pid}/channel-visits", {"code": code, "mobile": CUSTOMER}), 201)
    driver.find_element(By.ID, "tab-mine").click()
    driver.refresh()  # the list as the server has it now
    wait(driver, lambda d: d.find_elements(By.ID, "tab-mine"), "home again")
    driver.find_element(By.ID, "tab-mine").click()
    row = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-pane .report"), "my reports")[0]
    assert "手机赵先生" in row.text and "已带看" in row.text and CUSTOMER not in row.text
    assert row.find_element(By.CSS_SELECTOR, ".report-project").text == "经纪人手机苑"
    clean(driver, "broker 我的报备")
    driver.find_element(By.ID, "tab-money").click()
    wait(driver, lambda d: "还没有成交" in text_of(d, "money-pane"), "my commission")
    clean(driver, "broker 我的佣金")
    no_console_errors(driver)

    # signed out; a mobile that is no broker signs up as a 全民经纪人 with the same code
    driver.find_element(By.ID, "sign-out").click()
    wait(driver, lambda d: d.find_elements(By.ID, "signin-button"), "the sign-in form after signing out")
    sign_in_with_texted_code(system, driver, SELF)
    wait(driver, lambda d: d.find_elements(By.ID, "signup-hint"), "the sign-up offered")
    clean(driver, "broker sign-up")
    type_into(driver, "broker-name", "业主钱女士")
    driver.find_element(By.ID, "signin-button").click()
    wait(driver, lambda d: d.current_url.endswith("#/home") and text_of(d, "broker-name-title") == "业主钱女士",
         "the 全民经纪人 home")
    assert "全民经纪人" in driver.find_element(By.TAG_NAME, "header").text
    # a 全民经纪人 reports to any of the agency's projects, the linked one chosen
    wait(driver, lambda d: {"经纪人手机苑", "经纪人手机别苑"} <= set(project_options(d)), "the agency's projects by name")
    assert not [o for o in project_options(driver) if o.startswith("项目 #")]
    assert Select(driver.find_element(By.ID, "report-project")).first_selected_option.text == "经纪人手机苑"

    # the same customer: another channel reported first; appealed from 我的报备
    type_into(driver, "report-name", "赵先生")
    type_into(driver, "report-mobile", CUSTOMER)
    driver.find_element(By.ID, "report-submit").click()
    verdict = wait(driver, lambda d: d.find_elements(By.ID, "report-verdict") and text_of(d, "report-verdict"),
                   "the verdict")
    assert verdict.startswith("无效 · 其他渠道已先报备") and not driver.find_elements(By.ID, "visit-code")
    assert "手机赵先生" not in driver.find_element(By.TAG_NAME, "body").text
    driver.find_element(By.ID, "tab-mine").click()
    row = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-pane .report"), "my reports")[0]
    row.find_element(By.CSS_SELECTOR, "button.link").click()
    box = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-pane textarea.appeal"), "the appeal form")[0]
    box.send_keys("客户是我家邻居，上周已带他看过样板间")
    clean(driver, "broker 申诉")
    driver.find_element(By.CSS_SELECTOR, "#mine-pane .appeal-submit").click()
    wait(driver, lambda d: any("待裁定" in x.text for x in d.find_elements(By.CSS_SELECTOR, "#mine-pane .appeal-row")),
         "the appeal waiting for the ruling")
    shot(driver, "broker-h5-appeal-390x844.png")
    no_console_errors(driver)
