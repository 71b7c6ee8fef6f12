"""The finance desk (财务) of the web console in headless Chromium, against the whole system:
the cashier finds a deal made through the API by the buyer's phone, sees its 付款计划, takes
the 定金 and prints the 收据 (amount in figures and in 大写, the cashier's name, only the
receipt on paper); a second finance account voids and refunds (the one who took them is not
offered it, the API's two-person rule); 催款 shows an overdue line with its advisor's name by
ageing bucket. Each flow checks what the page shows and what the API then holds.
Harness: tests/browser.py."""
from datetime import date, datetime, timedelta, timezone

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from loupan.testing import publish_event, wait_until
from loupan.types import today
from tests.api import make_project
from tests.browser import (STAFF_PASSWORD, browser, built_console, no_console_errors,  # noqa: F401 (fixtures)
                           project_names, shot, sign_in, wait)
from tests.test_console_a11y_browser import axe_violations, report  # the pages not in the navigation

BACKDATED_DEAL = 781701  # a deal contracts approved 45 days ago, as its event tells finance


def person(site, name, full_name, role):
    """An account with a Chinese full name, signed in through the API."""
    director = site["director"]
    made = director.ok(director.post("/api/accounts", {"username": name, "password": STAFF_PASSWORD,
                                                       "full_name": full_name, "role": role,
                                                       "project_ids": [site["pid"]]}), 201)
    api = type(director)(site["url"]).login(made["username"], STAFF_PASSWORD)
    api.username, api.id = made["username"], made["id"]
    return api


@pytest.fixture(scope="module")
def site(system, director, built_console):
    project, units = make_project(director, "收银花园", units=4)
    site = {"pid": project["id"], "units": units, "director": director, "url": system.url(), "system": system}
    site["advisor"] = person(site, "fd_adv", "孙顾问", "advisor")
    site["manager"] = person(site, "fd_mgr", "周经理", "manager")
    site["cashier"] = person(site, "fd_cash1", "钱出纳", "finance")
    site["checker"] = person(site, "fd_cash2", "吴会计", "finance")
    course = director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "pitch", "project_id": site["pid"],
                                                        "is_certification": True}), 201)
    director.ok(director.post(f"/api/courses/{course['id']}/exams", {"account_id": site["advisor"].id,
                                                                     "score": "95.00"}), 201)
    site["name_of"] = project_names(director)
    site["deal"] = subscribed_deal(site, "冯女士", "13800135678")
    return site


def subscribed_deal(site, buyer, phone):
    """A 认购 by 孙顾问 approved by the manager, all through the API; finance has its schedule."""
    advisor, manager = site["advisor"], site["manager"]
    unit_id = site["units"].pop(0)
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds", {"customer_name": buyer, "customer_phone": phone}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {"hold_id": hold["hold_id"], "price": price, "deposit": "50000.00",
                                                          "payment_method": "full", "delivery_date": "2028-12-31"}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    wait_until(lambda: manager.get(f"/api/deals/{deal['id']}/schedule").status_code == 200, timeout=30,
               what="finance's schedule of the approved 认购")
    return manager.ok(manager.get(f"/api/deals/{deal['id']}"))


def open_deal(driver, deal, search):
    box = wait(driver, lambda d: d.find_elements(By.ID, "deal-search"), "the deal search")[0]
    box.send_keys(search)
    wait(driver, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#cashier-deals .d-unit")) == 1, "one deal found")
    driver.find_element(By.CSS_SELECTOR, f'#cashier-deals .d-unit[data-deal-id="{deal["id"]}"]').click()
    wait(driver, lambda d: d.current_url.endswith(f"#/cashier/{deal['id']}"), "the deal's money page")
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#schedule-lines .l-kind"), "the schedule")


def receipt_row(driver, receipt_no):
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#deal-receipts tbody tr") if receipt_no in r.text]
    return rows[0] if rows else None


def pick(driver, select_id, label):
    """Choose an option of an Element Plus select as a user would."""
    driver.find_element(By.ID, select_id).find_element(By.XPATH, "ancestor::div[contains(concat(' ', @class, ' '), ' el-select ')][1]").click()
    option = wait(driver, lambda d: [o for o in d.find_elements(By.CSS_SELECTOR, ".el-select-dropdown__item")
                                     if o.is_displayed() and o.text.strip() == label], f"the option {label}")[0]
    option.click()


# 收银台 --------------------------------------------------------------------------------------
def test_the_cashier_finds_the_deal_takes_the_deposit_and_prints_the_receipt(browser, site):
    deal, cashier = site["deal"], site["cashier"]
    sign_in(browser, site, cashier.username, STAFF_PASSWORD, page="cashier")
    open_deal(browser, deal, "5678")  # the buyer gives the last digits of her phone
    kinds = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#schedule-lines .l-kind")]
    assert kinds[0] == "定金" and len(kinds) == 2, kinds
    assert "¥50,000.00" in browser.find_element(By.CSS_SELECTOR, "#schedule-lines tbody tr").text
    assert "认购审批通过" in browser.find_element(By.ID, "schedule-history").text  # where the schedule came from
    # the 款项 starts at the first open line (定金) and its remaining
    assert browser.find_element(By.ID, "receipt-amount").get_attribute("value") == "50000.00"
    found = axe_violations(browser)
    assert found == [], report({"deal": found})
    pick(browser, "receipt-method", "银行转账")
    browser.find_element(By.ID, "receipt-slip").send_keys("HD20261206-01")  # the bank slip she brings
    shot(browser, "finance-deal.png")
    browser.find_element(By.ID, "receipt-submit").click()
    wait(browser, lambda d: d.find_element(By.ID, "deal-collected").text == "¥50,000.00", "the deposit collected")
    receipts = cashier.ok(cashier.get(f"/api/deals/{deal['id']}/receipts"))
    assert [(r["amount"], r["method"], r["slip_no"], r["status"], r["recorded_by"]) for r in receipts] == \
        [("50000.00", "transfer", "HD20261206-01", "valid", cashier.id)]
    receipt = receipts[0]
    site["deposit_receipt"] = receipt
    row = wait(browser, lambda d: receipt_row(d, receipt["receipt_no"]), "the receipt in the list")
    assert "定金" in row.text and "钱出纳" in row.text and "有效" in row.text
    # whoever took it may not void it: the page says who may instead of offering the button
    assert not row.find_elements(By.CSS_SELECTOR, ".r-void") and "另一位" in row.text
    row.find_element(By.CSS_SELECTOR, ".r-print").click()
    wait(browser, lambda d: d.find_elements(By.ID, "receipt-words"), "the printable receipt")
    text = {key: browser.find_element(By.ID, f"receipt-{key}").text for key in
            ("project", "no", "date", "payer", "buyer", "unit", "kind", "words", "amount", "method", "slip", "cashier")}
    assert text == {"project": "收银花园", "no": receipt["receipt_no"], "date": receipt["received_on"],
                    "payer": "冯女士", "buyer": "冯女士", "unit": deal["unit_label"], "kind": "定金",
                    "words": "人民币伍万元整", "amount": "¥50,000.00", "method": "银行转账",
                    "slip": "HD20261206-01", "cashier": "钱出纳"}
    shot(browser, "finance-receipt.png")
    assert browser.find_element(By.ID, "receipt-pdf").is_displayed()  # the API's PDF of the same receipt
    pdf = cashier.get(f"/api/deals/{deal['id']}/receipts/{receipt['id']}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    found = axe_violations(browser)
    assert found == [], report({"receipt": found})
    # on paper: the receipt alone, no header, menu or buttons
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not browser.find_element(By.ID, "app-header").is_displayed()
        assert not browser.find_element(By.ID, "nav").is_displayed()
        assert not browser.find_element(By.ID, "receipt-print").is_displayed()
        assert browser.find_element(By.ID, "receipt").is_displayed()
        shot(browser, "finance-receipt-print.png")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    no_console_errors(browser)


def reason_box(driver, reason):
    box = wait(driver, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".end-box") if e.is_displayed()],
               "the reason box")[0]
    box.find_element(By.CSS_SELECTOR, "input").send_keys(reason)
    box.find_element(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary").click()


def test_a_second_finance_account_voids_and_refunds_with_reasons(browser, site):
    deal, cashier, checker = site["deal"], site["cashier"], site["checker"]
    if "deposit_receipt" not in site:
        site["deposit_receipt"] = cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts",
                                                          {"amount": "50000.00", "method": "cash"}), 201)
    deposit = site["deposit_receipt"]
    mistake = cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts", {"amount": "1000.00", "method": "pos"}), 201)
    sign_in(browser, site, checker.username, STAFF_PASSWORD, page="cashier")
    open_deal(browser, deal, deal["unit_label"])
    row = wait(browser, lambda d: receipt_row(d, mistake["receipt_no"]), "the mistaken receipt")
    row.find_element(By.CSS_SELECTOR, ".r-void").click()
    reason_box(browser, "POS 刷错金额")
    wait(browser, lambda d: "已作废" in (receipt_row(d, mistake["receipt_no"]) or d).text, "the receipt voided")
    assert "吴会计" in receipt_row(browser, mistake["receipt_no"]).text
    assert "POS 刷错金额" in receipt_row(browser, mistake["receipt_no"]).text
    receipt_row(browser, deposit["receipt_no"]).find_element(By.CSS_SELECTOR, ".r-refund").click()
    reason_box(browser, "客户放弃认购，退还定金")
    wait(browser, lambda d: "已退款" in (receipt_row(d, deposit["receipt_no"]) or d).text, "the deposit refunded")
    shot(browser, "finance-void-refund.png")
    ended = {r["id"]: r for r in checker.ok(checker.get(f"/api/deals/{deal['id']}/receipts"))}
    assert (ended[mistake["id"]]["status"], ended[mistake["id"]]["ended_by"], ended[mistake["id"]]["end_reason"]) == \
        ("voided", checker.id, "POS 刷错金额")
    assert (ended[deposit["id"]]["status"], ended[deposit["id"]]["ended_by"], ended[deposit["id"]]["end_reason"]) == \
        ("refunded", checker.id, "客户放弃认购，退还定金")
    assert checker.ok(checker.get(f"/api/deals/{deal['id']}/schedule"))["collected"] == "0.00"
    wait(browser, lambda d: d.find_element(By.ID, "deal-collected").text == "¥0.00", "nothing collected on the page")
    no_console_errors(browser)


# 催款 ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def overdue(site):
    """A full-payment 认购 of 孙顾问's approved 45 days ago, unpaid: contracts' event tells finance
    (the deposit is 45 days overdue, the balance 38, as the schedule's terms make them)."""
    site["approved_on"] = today() - timedelta(days=45)
    unit_id = site["units"].pop(0)
    publish_event(site["system"].amqp_uri, "subscription_approved", {
        "deal_id": BACKDATED_DEAL, "unit_id": unit_id, "advisor_id": site["advisor"].id,
        "subscription_id": BACKDATED_DEAL, "customer_name": "蒋先生", "customer_phone": "13900139000",
        "price": "3010000.00", "payment_method": "full", "deposit": "50000.00", "unit_label": "1号楼-0404",
        "approved_on": site["approved_on"]}, agency_id=site["director"].agency_id, project_id=site["pid"])
    manager = site["manager"]
    wait_until(lambda: manager.get(f"/api/deals/{BACKDATED_DEAL}/schedule").status_code == 200, timeout=30,
               what="the back-dated schedule")
    return manager.ok(manager.get(f"/api/projects/{site['pid']}/collections"))


def collection_rows(driver):
    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#collections tbody tr")]


def test_collections_show_the_overdue_lines_with_their_advisor_by_bucket(browser, site, overdue):
    mine = [l for l in overdue["lines"] if l["deal_id"] == BACKDATED_DEAL]
    assert {l["bucket"] for l in mine} == {"31-60"} and len(mine) == 2  # the deposit and the balance
    sign_in(browser, site, site["cashier"].username, STAFF_PASSWORD, page="collections")
    wait(browser, lambda d: any("蒋先生" in r for r in collection_rows(d)), "the overdue lines")
    rows = [r for r in collection_rows(browser) if "蒋先生" in r]
    assert len(rows) == 2 and all("孙顾问" in r and "1号楼-0404" in r and "逾期 31-60 天" in r for r in rows), rows
    days = sorted(int(e.text) for e in browser.find_elements(By.CSS_SELECTOR, "#collections .c-days"))
    assert days[-1] == (today() - site["approved_on"]).days  # the deposit, due the day of the 认购
    assert any("¥2,960,000.00" in r for r in rows) and any("¥50,000.00" in r for r in rows)
    card = browser.find_element(By.CSS_SELECTOR, '.bucket[data-bucket="31-60"]')
    assert "¥3,010,000.00" in card.text and "2 笔" in card.text
    shot(browser, "finance-collections.png")
    # the 1-30 bucket holds nothing of this deal: choosing it empties the list, choosing it again shows all
    browser.find_element(By.CSS_SELECTOR, '.bucket[data-bucket="1-30"]').click()
    wait(browser, lambda d: not any("蒋先生" in r for r in collection_rows(d)), "the 1-30 bucket alone")
    browser.find_element(By.CSS_SELECTOR, '.bucket[data-bucket="1-30"]').click()
    wait(browser, lambda d: sum("蒋先生" in r for r in collection_rows(d)) == 2, "every bucket again")
    pick(browser, "collections-advisor", "孙顾问")
    wait(browser, lambda d: collection_rows(d) and all("孙顾问" in r for r in collection_rows(d)), "孙顾问's lines")
    # 即将到期: 冯女士's balance falls due within 10 days (her 认购 is today's; the 7th day under the terms)
    browser.find_element(By.ID, "tab-soon").click()
    days = wait(browser, lambda d: [e for e in d.find_elements(By.ID, "due-soon-days") if e.is_displayed()], "the days")[0]
    days.send_keys(Keys.CONTROL, "a")
    days.send_keys("10", Keys.TAB)
    wait(browser, lambda d: "冯女士" in d.find_element(By.ID, "due-soon").text, "冯女士's line due soon")
    soon = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "#due-soon tbody tr") if "冯女士" in r.text]
    assert soon and all("孙顾问" in r for r in soon) and any("房款（尾款）" in r for r in soon), soon
    reminders = site["cashier"].ok(site["cashier"].get(f"/api/projects/{site['pid']}/collection-reminders",
                                                       params={"days": 10}))
    assert {l["deal_id"] for l in reminders["lines"] if l["state"] == "due_soon"} >= {site["deal"]["id"]}
    shot(browser, "finance-due-soon.png")
    browser.find_element(By.ID, "tab-overdue").click()
    # a line opens its deal at the desk
    browser.find_element(By.CSS_SELECTOR, f'#collections .c-unit[data-deal-id="{BACKDATED_DEAL}"]').click()
    wait(browser, lambda d: d.current_url.endswith(f"#/cashier/{BACKDATED_DEAL}"), "the deal's money page")
    wait(browser, lambda d: d.find_element(By.ID, "deal-outstanding").text == "¥3,010,000.00", "what it owes")
    no_console_errors(browser)


# 日结 ----------------------------------------------------------------------------------------
def test_the_days_reconciliation_shows_the_days_receipts_by_method_and_balances(browser, site):
    cashier, checker = site["cashier"], site["checker"]
    deal = subscribed_deal(site, "韩先生", "13600136000")
    taken = [cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts", body), 201)
             for body in ({"amount": "30000.00", "method": "cash"}, {"amount": "20000.00", "method": "transfer"})]
    day = taken[0]["received_on"]
    expected = checker.ok(checker.get(f"/api/projects/{site['pid']}/receipt-reconciliation", params={"day": day}))
    sign_in(browser, site, checker.username, STAFF_PASSWORD, page="receipt-reconciliation")
    wait(browser, lambda d: all(r["receipt_no"] in d.find_element(By.ID, "reconciliation-receipts").text for r in taken),
         "the day's receipts")
    assert browser.find_element(By.ID, "reconciliation-count").text == str(expected["count"])
    assert browser.find_element(By.ID, "reconciliation-total").text == f"¥{float(expected['total']):,.2f}"
    assert expected["balanced"] and "对账平衡" in browser.find_element(By.ID, "reconciliation-balanced").text
    methods = browser.find_element(By.ID, "reconciliation-methods").text
    assert "现金" in methods and "银行转账" in methods
    shot(browser, "finance-reconciliation.png")
    # a receipt opens its deal at the desk
    link = [a for a in browser.find_elements(By.CSS_SELECTOR, "#reconciliation-receipts .rr-no")
            if a.text == taken[1]["receipt_no"]][0]
    link.click()
    wait(browser, lambda d: d.current_url.endswith(f"#/cashier/{deal['id']}"), "the deal's money page")
    no_console_errors(browser)


# 代理佣金 and 提成 ----------------------------------------------------------------------------
SIGNED_DEAL = 781801  # signed in September 2026, as contracts' events tell finance


def signed_in_september(site):
    """孙顾问's deal approved on 1 and signed on 5 September 2026 (contracts' events), its down
    payment received on 10 September through the API."""
    uri, advisor = site["system"].amqp_uri, site["advisor"].id
    where = {"agency_id": site["director"].agency_id, "project_id": site["pid"]}
    publish_event(uri, "subscription_approved", {
        "deal_id": SIGNED_DEAL, "unit_id": SIGNED_DEAL, "advisor_id": advisor, "subscription_id": SIGNED_DEAL,
        "customer_name": "卫女士", "customer_phone": "13500135000", "price": "2000000.00", "deposit": "50000",
        "payment_method": "commercial_mortgage", "approved_on": date(2026, 9, 1), "unit_label": "1号楼-0909"},
        occurred_at=datetime(2026, 9, 1, 4, tzinfo=timezone.utc), **where)
    publish_event(uri, "contract_signed", {
        "deal_id": SIGNED_DEAL, "unit_id": SIGNED_DEAL, "advisor_id": advisor, "contract_id": SIGNED_DEAL,
        "price": "2000000.00", "payment_method": "commercial_mortgage", "signed_on": date(2026, 9, 5),
        "loan_amount": "1400000.00"}, occurred_at=datetime(2026, 9, 5, 4, tzinfo=timezone.utc), **where)
    cashier = site["cashier"]

    def signed():
        answer = cashier.get(f"/api/deals/{SIGNED_DEAL}/schedule")
        return answer.status_code == 200 and answer.json()["status"] == "signed"

    wait_until(signed, timeout=60, what="the September deal signed in finance")
    cashier.ok(cashier.post(f"/api/deals/{SIGNED_DEAL}/receipts", {"amount": "600000.00", "method": "transfer",
                                                                   "received_on": "2026-09-10"}), 201)


def pay(driver, reference):
    dialog = wait(driver, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".pay-dialog") if e.is_displayed()],
                  "the pay dialog")[0]
    dialog.find_element(By.ID, "pay-ref").send_keys(reference)
    dialog.find_element(By.ID, "pay-submit").click()
    wait(driver, lambda d: not [e for e in d.find_elements(By.CSS_SELECTOR, ".pay-dialog") if e.is_displayed()],
         "the dialog closed")


def test_agency_and_staff_commission_statements_are_issued_previewed_and_paid(browser, site):
    manager, checker, pid = site["manager"], site["checker"], site["pid"]
    manager.ok(manager.put(f"/api/projects/{pid}/agency-terms", {
        "base_rate": "1.0", "total_units": 10, "billable_when": "signed_and_down_payment",
        "tiers": [{"from_ratio": "0", "rate": "1.0"}, {"from_ratio": "0.5", "rate": "1.5"}]}))
    manager.ok(manager.put(f"/api/projects/{pid}/commission-rules",
                           {"rules": [{"role": "advisor", "kind": "percent", "rate": "0.5"}]}))
    signed_in_september(site)
    sign_in(browser, site, checker.username, STAFF_PASSWORD, page="statements")
    terms = wait(browser, lambda d: d.find_elements(By.ID, "agency-terms"), "the agency terms")[0]
    assert "1.0%" in terms.text and "签约且首付到账" in terms.text
    # the running period previewed (provisional, nothing written), then the statement of the period
    # after the last (none yet: last month) and its line
    browser.find_element(By.ID, "agency-preview").click()
    card = wait(browser, lambda d: d.find_elements(By.ID, "agency-preview-card"), "the preview")[0]
    assert "预览" in card.text and "1号楼-0909" in card.text
    assert checker.ok(checker.get(f"/api/projects/{pid}/agency-statements")) == []
    assert browser.find_element(By.ID, "agency-to").get_attribute("value") < today().isoformat()
    browser.find_element(By.ID, "agency-issue-submit").click()
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#agency-statements .a-number"), "the statement issued")
    issued = checker.ok(checker.get(f"/api/projects/{pid}/agency-statements"))
    assert len(issued) == 1 and [(l["deal_id"], l["kind"]) for l in issued[0]["lines"]] == [(SIGNED_DEAL, "fee")]
    row = browser.find_element(By.CSS_SELECTOR, "#agency-statements tbody tr")
    assert "第 1 期" in row.text and f"¥{float(issued[0]['total']):,.2f}" in row.text and "吴会计" in row.text
    row.find_element(By.CSS_SELECTOR, ".el-table__expand-icon").click()
    wait(browser, lambda d: "1号楼-0909" in d.find_element(By.ID, "agency-statements").text, "the statement's line")
    shot(browser, "finance-agency-statements.png")
    # settled up to the end of last month: the next statement waits for this month to end
    settled = wait(browser, lambda d: d.find_element(By.ID, "agency-settled").text, "the settled note")
    assert issued[0]["period_to"] in settled
    assert not browser.find_element(By.ID, "agency-issue-submit").is_enabled()
    # the developer pays it: marked 到账 with the bank slip, by whom
    browser.find_element(By.CSS_SELECTOR, "#agency-statements .a-pay").click()
    pay(browser, "HX20261206001")
    wait(browser, lambda d: "已到账" in d.find_element(By.ID, "agency-statements").text, "the statement paid")
    paid = checker.ok(checker.get(f"/api/agency-statements/{issued[0]['id']}"))
    assert (paid["paid"], paid["payment_ref"], paid["paid_by"]) == (True, "HX20261206001", checker.id)
    assert "HX20261206001" in browser.find_element(By.ID, "agency-statements").text

    browser.find_element(By.ID, "tab-staff").click()
    wait(browser, lambda d: d.find_elements(By.ID, "commission-issue"), "the staff tab")
    browser.find_element(By.ID, "commission-preview").click()
    wait(browser, lambda d: d.find_elements(By.ID, "commission-provisional"), "the provisional statements")
    assert "孙顾问" in browser.find_element(By.ID, "commission-statements").text
    browser.find_element(By.ID, "commission-issue").click()
    wait(browser, lambda d: not d.find_elements(By.ID, "commission-provisional"), "the statements issued")
    wait(browser, lambda d: "孙顾问" in d.find_element(By.ID, "commission-statements").text, "孙顾问's statement")
    month = browser.find_element(By.ID, "commission-month").get_attribute("value")
    statements = checker.ok(checker.get("/api/commission-statements", params={"project_id": pid, "month": month}))
    assert [(s["account_name"], s["lines"][0]["deal_id"]) for s in statements] == [("孙顾问", SIGNED_DEAL)]
    assert browser.find_element(By.ID, "commission-total").text == f"¥{float(statements[0]['total']):,.2f}"
    browser.find_element(By.CSS_SELECTOR, "#commission-statements .s-pay").click()
    pay(browser, "GZ-2026-11")
    wait(browser, lambda d: "已发放" in d.find_element(By.ID, "commission-statements").text, "the 提成 paid")
    after = checker.ok(checker.get("/api/commission-statements", params={"project_id": pid, "month": month}))
    assert [(s["paid"], s["payment_ref"]) for s in after] == [(True, "GZ-2026-11")]
    shot(browser, "finance-staff-statements.png")
    browser.find_element(By.ID, "commission-issue").click()
    refused = wait(browser, lambda d: d.find_element(By.ID, "commission-issue-error").text.strip(), "the refusal")
    assert "该月佣金已出具" in refused and "COMMISSION_MONTH_ISSUED" in refused
    no_console_errors(browser)


# 资金监管 (预售资金监管) ---------------------------------------------------------------------------
# Last in the module: from today the project's house price goes to the escrow account.
def test_finance_sets_the_escrow_account_the_desk_offers_it_and_the_receipt_is_deposited(browser, site):
    cashier, pid = site["cashier"], site["pid"]
    sign_in(browser, site, cashier.username, STAFF_PASSWORD, page="escrow")
    wait(browser, lambda d: d.find_elements(By.ID, "escrow-none"), "no account in force yet")
    browser.find_element(By.ID, "escrow-bank").send_keys("中国农业银行杭州分行")
    browser.find_element(By.ID, "escrow-name").send_keys("收银花园置业预售资金监管专户")
    browser.find_element(By.ID, "escrow-no").send_keys("6222 0202 0000 8888")
    browser.find_element(By.ID, "escrow-save").click()
    wait(browser, lambda d: d.find_elements(By.ID, "escrow-account-no")
         and d.find_element(By.ID, "escrow-account-no").text == "6222020200008888", "the account in force")
    in_force = cashier.ok(cashier.get(f"/api/projects/{pid}/escrow-accounts"))["in_force"]
    assert (in_force["bank"], in_force["from_on"]) == ("中国农业银行杭州分行", today().isoformat())
    found = axe_violations(browser)
    assert found == [], report({"escrow": found})
    shot(browser, "finance-escrow.png")

    # the desk offers the account on a receipt, and the house price goes to it
    deal = subscribed_deal(site, "陈女士", "13500135555")
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="cashier"]').click()
    open_deal(browser, deal, "5555")
    assert "6222020200008888" in browser.find_element(By.ID, "receipt-escrow").text
    assert browser.find_element(By.ID, "receipt-account").get_attribute("value") == "6222020200008888"
    amount = browser.find_element(By.ID, "receipt-amount")
    amount.send_keys(Keys.CONTROL, "a")
    amount.send_keys("80000.00")  # the 定金 and 30000 of house price
    pick(browser, "receipt-method", "银行转账")
    browser.find_element(By.ID, "receipt-slip").send_keys("JZ-8888")
    browser.find_element(By.ID, "receipt-submit").click()
    wait(browser, lambda d: d.find_element(By.ID, "deal-collected").text == "¥80,000.00", "the money collected")
    [receipt] = cashier.ok(cashier.get(f"/api/deals/{deal['id']}/receipts"))
    assert receipt["account_no"] == "6222020200008888"

    # the month's report has it pending; 存入监管 with the slip the receipt carries
    browser.find_element(By.CSS_SELECTOR, '#nav a[data-page="escrow"]').click()
    row = wait(browser, lambda d: [r for r in d.find_elements(By.CSS_SELECTOR, "#escrow-pending tbody tr")
                                   if receipt["receipt_no"] in r.text], "the receipt pending deposit")[0]
    assert "¥30,000.00" in row.text
    row.find_element(By.CSS_SELECTOR, ".p-deposit").click()
    box = wait(browser, lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, ".escrow-box") if e.is_displayed()],
               "the slip box")[0]
    assert box.find_element(By.CSS_SELECTOR, "input").get_attribute("value") == "JZ-8888"
    box.find_element(By.CSS_SELECTOR, ".el-message-box__btns .el-button--primary").click()
    wait(browser, lambda d: not [r for r in d.find_elements(By.CSS_SELECTOR, "#escrow-pending tbody tr")
                                 if receipt["receipt_no"] in r.text], "no longer pending")
    month = today().strftime("%Y-%m")
    current = [r for r in browser.find_elements(By.CSS_SELECTOR, "#escrow-months tbody tr") if r.text.startswith(month)]
    assert current and "¥30,000.00" in current[0].find_element(By.CSS_SELECTOR, ".e-escrowed").text
    deposited = cashier.ok(cashier.get(f"/api/deals/{deal['id']}/receipts"))[0]
    assert (deposited["escrow_slip_no"], deposited["escrow_deposited_on"]) == ("JZ-8888", today().isoformat())
    no_console_errors(browser)
