"""The dates of a deal follow the deal, through the gateway (issue 16; loupan/deal_dates.py):
a 认购 entered late (补录) with its date, then every later date refused with 422 and a stable
code when it goes back in time: a contract before its 认购, a 补充协议 before the contract, a
handover dated 2000-01-01, a receipt dated before the deal existed (finance), a year typed
wrong."""
from datetime import timedelta
from functools import partial

import pytest

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

poll = partial(wait_until, timeout=60)
DELIVERY = (today() + timedelta(days=700)).isoformat()


def day(n):
    return (today() - timedelta(days=n)).isoformat()


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "日期顺序", units=2)
    pid = project["id"]
    return {"pid": pid, "units": units,
            "advisor": staff(system, director, "dates_adv", "advisor", [pid]),
            "manager": staff(system, director, "dates_mgr", "manager", [pid]),
            "assistant": staff(system, director, "dates_asst", "assistant", [pid]),
            "cashier": staff(system, director, "dates_fin", "finance", [pid])}


def refused(response, code, *words):
    assert (response.status_code, response.json()["error"]) == (422, code), response.text
    assert all(word in response.json()["message"] for word in words), response.text


def test_every_date_of_a_deal_follows_its_subscription(site):
    advisor, manager, assistant, cashier = (site[k] for k in ("advisor", "manager", "assistant", "cashier"))
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "周先生", "customer_phone": "13911110001"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    body = {"hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
            "delivery_date": DELIVERY}
    refused(advisor.post("/api/subscriptions", dict(body, subscribed_on="1999-12-31")), "DATE_TOO_EARLY",
            "subscribed_on 1999-12-31")
    refused(advisor.post("/api/subscriptions", dict(body, subscribed_on=day(-1))), "DATE_IN_FUTURE")
    deal = advisor.ok(advisor.post("/api/subscriptions", dict(body, subscribed_on=day(20))), 201)
    assert deal["subscribed_on"] == day(20)
    deal_id = deal["id"]
    manager.ok(manager.post(f"/api/subscriptions/{deal_id}/approve", {}))

    refused(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": day(21)}), "DATE_OUT_OF_ORDER",
            f"signed_on {day(21)}", f"subscribed_on {day(20)}")
    refused(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": day(-1)}), "DATE_IN_FUTURE",
            f"签约 date {day(-1)}")
    advisor.ok(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": day(15)}), 201)
    refused(advisor.post(f"/api/deals/{deal_id}/agreements", {"title": "车位", "content": "赠送车位",
                                                               "signed_on": day(-3)}), "DATE_IN_FUTURE")
    refused(advisor.post(f"/api/deals/{deal_id}/agreements", {"title": "车位", "content": "赠送车位",
                                                               "signed_on": day(16)}),
            "DATE_OUT_OF_ORDER", f"agreement_on {day(16)}", f"signed_on {day(15)}")
    agreement = advisor.ok(advisor.post(f"/api/deals/{deal_id}/agreements",
                                        {"title": "车位", "content": "赠送车位"}), 201)
    assert agreement["signed_on"] == today().isoformat()
    manager.ok(manager.post(f"/api/deals/{deal_id}/contract/approve", {}))
    refused(assistant.post(f"/api/deals/{deal_id}/online-signing", {"number": "WQ-DATES-1", "date": day(16)}),
            "DATE_OUT_OF_ORDER")
    assistant.ok(assistant.post(f"/api/deals/{deal_id}/online-signing", {"number": "WQ-DATES-1", "date": day(10)}))
    assistant.ok(assistant.post(f"/api/deals/{deal_id}/filing", {"filing_no": "BA-DATES-1", "date": day(5)}))
    refused(assistant.post(f"/api/deals/{deal_id}/handover", {"date": "2000-01-01"}), "DATE_OUT_OF_ORDER",
            "handed_over_on 2000-01-01", f"filed_on {day(5)}")
    refused(assistant.post(f"/api/deals/{deal_id}/handover", {"date": "1990-01-01"}), "DATE_TOO_EARLY")
    # a step already taken is never dated after today (2062 typed for 2026)
    refused(assistant.post(f"/api/deals/{deal_id}/handover", {"date": "2062-01-01"}), "DATE_IN_FUTURE",
            "交房 date 2062-01-01")
    assistant.ok(assistant.post(f"/api/deals/{deal_id}/handover", {"date": day(1)}), 201)
    refused(assistant.post(f"/api/deals/{deal_id}/title", {"to": "applied", "date": day(-1)}), "DATE_IN_FUTURE")

    # finance knows the 认购 date from subscription_approved: no receipt before it
    poll(lambda: cashier.get(f"/api/deals/{deal_id}/schedule").status_code == 200, what="finance has the deal")
    refused(cashier.post(f"/api/deals/{deal_id}/receipts",
                         {"amount": "50000.00", "method": "transfer", "received_on": day(21)}),
            "DATE_OUT_OF_ORDER", f"received_on {day(21)}", f"subscribed_on {day(20)}")
    receipt = cashier.ok(cashier.post(f"/api/deals/{deal_id}/receipts",
                                      {"amount": "50000.00", "method": "transfer", "received_on": day(20)}), 201)
    assert receipt["received_on"] == day(20)


def test_the_mortgage_stuck_list_goes_by_the_date_each_step_happened(site):
    """Papers collected 31 days ago and entered today: stuck after 30 days, counted from then."""
    advisor, manager = site["advisor"], site["manager"]
    unit_id = site["units"][1]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "吴女士", "customer_phone": "13911110002"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "commercial_mortgage",
        "loan_amount": "1000000.00", "delivery_date": DELIVERY, "subscribed_on": day(45)}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": day(44)}), 201)
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))
    refused(advisor.post(f"/api/deals/{deal['id']}/mortgage", {
        "bank": "工商银行", "amount": "1000000.00", "kind": "commercial", "date": day(-30)}), "DATE_IN_FUTURE")
    case = advisor.ok(advisor.post(f"/api/deals/{deal['id']}/mortgage", {
        "bank": "工商银行", "amount": "1000000.00", "kind": "commercial", "date": day(40)}), 201)
    refused(advisor.post(f"/api/mortgages/{case['id']}/advance", {"to": "papers_collected", "date": day(41)}),
            "DATE_OUT_OF_ORDER", f"papers_collected_on {day(41)}", f"opened_on {day(40)}")
    refused(advisor.post(f"/api/mortgages/{case['id']}/advance", {"to": "papers_collected", "date": day(-2)}),
            "DATE_IN_FUTURE", f"资料齐 date {day(-2)}")
    case = advisor.ok(advisor.post(f"/api/mortgages/{case['id']}/advance", {"to": "papers_collected", "date": day(31)}))
    assert (case["step_on"], case["days_in_step"]) == (day(31), 31)
    stuck = manager.ok(manager.get(f"/api/projects/{site['pid']}/mortgages/stuck", params={"days": 30}))
    assert [(m["id"], m["step"], m["days_in_step"]) for m in stuck] == [(case["id"], "papers_collected", 31)]
    assert manager.ok(manager.get(f"/api/projects/{site['pid']}/mortgages/stuck", params={"days": 32})) == []
