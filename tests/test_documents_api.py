"""The documents an office prints, as PDF through the gateway with every service running: the
认购书 of an approved deal, the 收据 of its deposit, the 置业计划书 of a draft and the day's
销控表. The PDFs are read back (pypdf) and their figures checked against what the API says."""
from datetime import timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader

from loupan.testing import wait_until
from loupan.testing.client import Api
from loupan.types import today
from tests.api import DIRECTOR, make_project
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "印章花园", units=4)
    pid = project["id"]
    people = {"pid": pid, "units": units, "director": director,
              "advisor": staff(system, director, "doc_adv", "advisor", [pid]),
              "manager": staff(system, director, "doc_mgr", "manager", [pid]),
              "cashier": staff(system, director, "doc_cash", "finance", [pid]),
              "hr": staff(system, director, "doc_hr", "hr", [pid])}
    advisor, manager, cashier = people["advisor"], people["manager"], people["cashier"]
    hold = advisor.ok(advisor.post(f"/api/units/{units[0]}/holds",
                                   {"customer_name": "钱先生", "customer_phone": "13900139000"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{units[0]}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": (today() + timedelta(days=700)).isoformat()}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    wait_until(lambda: cashier.get(f"/api/deals/{deal['id']}/schedule").status_code == 200, timeout=30,
               what="the schedule built from subscription_approved")
    receipt = cashier.ok(cashier.post(f"/api/deals/{deal['id']}/receipts",
                                      {"amount": "50000.00", "method": "cash", "payer": "钱先生"}), 201)
    return dict(people, deal=advisor.ok(advisor.get(f"/api/deals/{deal['id']}")), receipt=receipt, price=price)


def pdf_text(response):
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    return "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)


def yuan(amount):
    whole, _, cents = amount.partition(".")
    return f"¥{int(whole):,}.{cents}"


def test_the_subscription_agreement_has_the_buyer_the_price_in_capitals_and_the_schedule(site):
    deal = site["deal"]
    text = pdf_text(site["advisor"].get(f"/api/deals/{deal['id']}/subscription.pdf"))
    for expected in ("印章花园 · 认购书", deal["subscription_no"], "钱先生", deal["unit_label"], yuan(site["price"]),
                     "¥50,000.00", "一次性付款", "付款计划", "定金", "尾款", "买受人（签字）"):
        assert expected in text, expected
    assert deal["customer_phone"] in text  # the number as the API shows it to this caller (masked or not)


def test_the_receipt_has_the_amount_in_capitals_and_the_cashier(site):
    deal, receipt = site["deal"], site["receipt"]
    text = pdf_text(site["cashier"].get(f"/api/deals/{deal['id']}/receipts/{receipt['id']}.pdf"))
    for expected in ("收款收据", receipt["receipt_no"], "钱先生", deal["unit_label"], "¥50,000.00", "伍万元整", "现金",
                     "doc_cash"):
        assert expected in text, expected
    other = site["cashier"].get(f"/api/deals/{deal['id']}/receipts/{receipt['id'] + 1000}.pdf")
    assert (other.status_code, other.json()["error"]) == (404, "RECEIPT_NOT_FOUND")


def test_the_plan_shows_the_schedule_the_terms_give_and_the_monthly_figures(site):
    advisor, pid, unit = site["advisor"], site["pid"], site["units"][1]
    query = {"unit_id": unit, "customer": "孙女士", "price": "1000000.00", "deposit": "50000.00",
             "payment_method": "commercial_mortgage", "start_on": "2026-12-01", "years": 30, "annual_rate": "4.9",
             "mortgage_method": "equal_instalment"}
    text = pdf_text(advisor.get(f"/api/projects/{pid}/plan.pdf", params=query))
    quote = advisor.ok(advisor.get("/api/finance/mortgage-quote", params={
        "principal": "700000.00", "years": 30, "annual_rate": "4.9", "method": "equal_instalment"}))
    for expected in ("置业计划书", "孙女士", "商业贷款", "¥700,000.00", "2026-12-31", "¥250,000.00", "2027-03-01",
                     "等额本息", yuan(quote["monthly_payment"]), yuan(quote["total_interest"])):
        assert expected in text, expected
    refused = advisor.get(f"/api/projects/{pid}/plan.pdf", params=dict(query, deposit="1000000.00"))
    assert (refused.status_code, refused.json()["error"]) == (422, "DEPOSIT_OUT_OF_RANGE")
    assert site["hr"].get(f"/api/projects/{pid}/plan.pdf", params=query).status_code == 403


def test_the_board_lists_every_building_floor_and_unit_with_its_status(site):
    text = pdf_text(site["manager"].get(f"/api/projects/{site['pid']}/board.pdf"))
    board = site["manager"].ok(site["manager"].get(f"/api/projects/{site['pid']}/board"))
    assert "印章花园 · 销控表" in text and today().isoformat() in text
    for building in board["buildings"]:
        assert building["name"] in text
        for floor in building["floors"]:
            for unit in floor["units"]:
                assert unit["number"] in text
    assert "认购" in text and "可售" in text


def test_documents_of_another_agency_are_not_reached(site, system):
    other = Api(system.url()).login(*DIRECTOR)  # the system's first agency
    deal = site["deal"]
    assert other.get(f"/api/deals/{deal['id']}/subscription.pdf").status_code in (403, 404)
    assert other.get(f"/api/projects/{site['pid']}/board.pdf").status_code in (403, 404)
