"""预售资金监管 over HTTP: finance records the project's escrow account from a date; house
price received from then on to another account is refused, to the escrow account (or to
none) accepted, money received before the from-date is not subject; a receipt is deposited
to escrow once with its bank slip; the monthly report (JSON and xlsx) splits collected house
price into escrowed, pending and not subject with the 定金 apart; another agency reaches
none of it. The contracts facts are published onto the broker, as in test_finance_money_api."""
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from loupan.testing import publish_event, wait_until
from loupan.testing.client import Api
from loupan.types import today
from tests.api import make_project
from tests.conftest import DIRECTOR, staff

DEAL = 790001
ESCROW = "6222020200005678"
OTHER = "6222020200004321"


def month_start(day, back):
    """The first day of the month `back` months before `day`'s."""
    year, month = day.year, day.month - back
    while month < 1:
        year, month = year - 1, month + 12
    return date(year, month, 1)


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "监管花园", units=2)
    pid = project["id"]
    people = {"pid": pid, "director": director,
              "manager": staff(system, director, "esc_mgr", "manager", [pid]),
              "cashier": staff(system, director, "esc_cash", "finance", [pid]),
              "assistant": staff(system, director, "esc_asst", "assistant", [pid])}
    # 认购 on the 1st two months ago, full payment: 50000 定金 then the balance
    people["m2"], people["m1"] = month_start(today(), 2), month_start(today(), 1)
    publish_event(system.amqp_uri, "subscription_approved", {
        "deal_id": DEAL, "unit_id": units[0], "advisor_id": None, "subscription_id": DEAL,
        "customer_name": "钱先生", "customer_phone": "13700137001", "price": "2000000.00",
        "payment_method": "full", "deposit": "50000.00", "unit_label": "1号楼-0201",
        "approved_on": people["m2"]}, agency_id=director.agency_id, project_id=pid)
    wait_until(lambda: director.get(f"/api/deals/{DEAL}/schedule").status_code == 200, timeout=30,
               what="schedule built from subscription_approved")
    return people


def refused(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


def account(site, **extra):
    return dict({"bank": "中国建设银行杭州分行", "account_name": "监管花园置业有限公司预售资金监管专户",
                 "account_no": "6222 0202 0000 5678", "from_on": site["m1"].isoformat()}, **extra)


def receive(site, day, amount, **extra):
    return site["cashier"].post(f"/api/deals/{DEAL}/receipts", dict(
        {"amount": amount, "method": "transfer", "received_on": day.isoformat()}, **extra))


def test_finance_sets_the_escrow_account_and_managers_read_it(site):
    cashier, manager, pid = site["cashier"], site["manager"], site["pid"]
    refused(manager.post(f"/api/projects/{pid}/escrow-accounts", account(site)), 403, "ROLE_FORBIDDEN")
    refused(site["assistant"].get(f"/api/projects/{pid}/escrow-accounts"), 403, "ROLE_FORBIDDEN")
    refused(cashier.post(f"/api/projects/{pid}/escrow-accounts", account(site, bank=" ")), 422,
            "ESCROW_BANK_REQUIRED")
    refused(cashier.post(f"/api/projects/{pid}/escrow-accounts", account(site, account_no="6222-0202-ABCD")), 422,
            "ACCOUNT_NO_INVALID")
    refused(cashier.post(f"/api/projects/{pid}/escrow-accounts", account(site, from_on=None)), 400,
            "VALIDATION_ERROR")
    made = cashier.ok(cashier.post(f"/api/projects/{pid}/escrow-accounts", account(site)), 201)
    assert (made["account_no"], made["deposits_escrowed"]) == (ESCROW, False)
    refused(cashier.post(f"/api/projects/{pid}/escrow-accounts", account(site, account_no=OTHER)), 409,
            "ESCROW_FROM_TAKEN")
    read = manager.ok(manager.get(f"/api/projects/{pid}/escrow-accounts"))
    assert (read["in_force"]["id"], [a["id"] for a in read["accounts"]]) == (made["id"], [made["id"]])
    # the cashier's desk sees it on the deal's schedule
    assert cashier.ok(cashier.get(f"/api/deals/{DEAL}/schedule"))["escrow_account"]["account_no"] == ESCROW


def test_house_price_to_another_account_is_refused_once_the_account_is_in_force(site):
    m2, m1 = site["m2"], site["m1"]
    # before the from-date: 50000 定金 + 30000 house price to another account, not subject
    early = site["cashier"].ok(receive(site, m2 + timedelta(days=1), "80000.00", account_no=OTHER), 201)
    assert early["account_no"] == OTHER
    refused(receive(site, m1 + timedelta(days=2), "100000.00", account_no=OTHER), 422, "ESCROW_ACCOUNT_MISMATCH")
    right = site["cashier"].ok(receive(site, m1 + timedelta(days=2), "100000.00", account_no=ESCROW,
                                       slip_no="JH-0001"), 201)
    assert right["account_no"] == ESCROW
    site["right"] = right
    # none named: recorded to the escrow account (cash, no slip yet)
    cash = site["cashier"].ok(receive(site, m1 + timedelta(days=4), "20000.00", method="cash"), 201)
    assert cash["account_no"] == ESCROW
    site["cash"] = cash
    site["early"] = early


def test_a_receipt_is_deposited_to_escrow_once_with_its_slip(site):
    cashier = site["cashier"]
    refused(site["manager"].post(f"/api/receipts/{site['right']['id']}/escrow-deposit", {}), 403, "ROLE_FORBIDDEN")
    refused(cashier.post(f"/api/receipts/{site['cash']['id']}/escrow-deposit", {}), 422, "ESCROW_SLIP_REQUIRED")
    refused(cashier.post(f"/api/receipts/{site['early']['id']}/escrow-deposit", {"slip_no": "JH-0009"}), 422,
            "NOT_SUBJECT_TO_ESCROW")
    done = cashier.ok(cashier.post(f"/api/receipts/{site['right']['id']}/escrow-deposit", {}))
    assert (done["escrow_slip_no"], done["escrow_deposited_on"]) == ("JH-0001", today().isoformat())
    refused(cashier.post(f"/api/receipts/{site['right']['id']}/escrow-deposit", {"slip_no": "JH-0002"}), 409,
            "ESCROW_ALREADY_DEPOSITED")
    refused(cashier.post(f"/api/receipts/{site['cash']['id']}/escrow-deposit", {"slip_no": "JH-0001"}), 409,
            "ESCROW_SLIP_USED")


def test_the_monthly_report_of_escrowed_against_collected(site):
    manager, pid = site["manager"], site["pid"]
    m2, m1 = site["m2"].strftime("%Y-%m"), site["m1"].strftime("%Y-%m")
    report = manager.ok(manager.get(f"/api/projects/{pid}/escrow-report", params={"from": m2, "to": m1}))
    figures = ("collected", "escrowed", "pending", "not_subject", "deposits_excluded", "receipts")
    months = {m["month"]: [m[f] for f in figures] for m in report["months"]}
    assert months == {m2: ["30000.00", "0.00", "0.00", "30000.00", "50000.00", 1],
                      m1: ["120000.00", "100000.00", "20000.00", "0.00", "0.00", 2]}
    assert [report["total"][f] for f in figures] == ["150000.00", "100000.00", "20000.00", "30000.00", "50000.00", 3]
    assert [p["receipt_id"] for p in report["pending"]] == [site["cash"]["id"]]
    refused(manager.get(f"/api/projects/{pid}/escrow-report", params={"from": m1, "to": m2}), 422,
            "MONTHS_OUT_OF_ORDER")
    sheet = manager.get(f"/api/projects/{pid}/escrow-report", params={"from": m2, "to": m1, "format": "xlsx"})
    assert sheet.status_code == 200, sheet.text
    book = load_workbook(BytesIO(sheet.content))
    rows = list(book["监管资金"].iter_rows(values_only=True))
    assert rows[0][:4] == ("月份", "房款收款(元)", "已存入监管(元)", "待存入监管(元)")
    assert rows[2][:4] == (m1, 120000, 100000, 20000) and rows[-1][0] == "合计"
    assert [r[0] for r in book["待存入"].iter_rows(min_row=2, values_only=True)] == [site["cash"]["receipt_no"]]


def test_another_agency_reaches_nothing(system, site):
    from services.hr.create_director import create_director

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri}, "代理 escrow_b",
                    "director_escrow_b", DIRECTOR[1], "总监", "escrow-b")
    other = Api(system.url()).login("director_escrow_b", DIRECTOR[1])
    pid = site["pid"]
    refused(other.get(f"/api/projects/{pid}/escrow-accounts"), 404, "PROJECT_NOT_FOUND")
    refused(other.post(f"/api/projects/{pid}/escrow-accounts", account(site, from_on="2030-01-01")), 404,
            "PROJECT_NOT_FOUND")
    refused(other.get(f"/api/projects/{pid}/escrow-report"), 404, "PROJECT_NOT_FOUND")
    refused(other.post(f"/api/receipts/{site['cash']['id']}/escrow-deposit", {"slip_no": "B-1"}), 404,
            "RECEIPT_NOT_FOUND")
    # and nothing changed for agency A
    assert len(site["manager"].ok(site["manager"].get(f"/api/projects/{pid}/escrow-accounts"))["accounts"]) == 1
