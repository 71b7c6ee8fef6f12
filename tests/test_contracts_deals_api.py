"""认购 → 审核 → 签约 → 网签 → 备案 through the gateway, as a front-end drives it, with the unit's
status in inventory following each step; wrong-state calls refused with their codes, and a
rejected subscription putting the unit back on sale."""
from datetime import timedelta

import pytest

from loupan.testing import wait_until
from loupan.testing.days import yesterday
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

DELIVERY = (today() + timedelta(days=700)).isoformat()
LOANS = {"full": None, "instalments": None, "commercial_mortgage": "2000000.00", "provident_fund": "1200000.00",
         "combined": "2400000.00"}


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "认购签约", units=9)
    pid = project["id"]
    return {"project_id": pid, "units": units,
            "advisor": staff(system, director, "deal_adv", "advisor", [pid]),
            "peer": staff(system, director, "deal_peer", "advisor", [pid]),
            "manager": staff(system, director, "deal_mgr", "manager", [pid]),
            "assistant": staff(system, director, "deal_asst", "assistant", [pid]),
            "viewer": staff(system, director, "deal_viewer", "developer_viewer", [pid])}


def unit_status(api, unit_id):
    return api.ok(api.get(f"/api/units/{unit_id}"))["status"]


def subscribe(site, index, phone, method="full", **extra):
    advisor = site["advisor"]
    unit_id = site["units"][index]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "王五", "customer_phone": phone}), 201)
    list_price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    body = {"hold_id": hold["hold_id"], "price": list_price, "deposit": "50000.00", "payment_method": method,
            "delivery_date": DELIVERY, **extra}
    if LOANS[method]:
        body["loan_amount"] = LOANS[method]
    return advisor.post("/api/subscriptions", body), unit_id


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


@pytest.mark.parametrize("index, method", list(enumerate(LOANS)))
def test_hold_to_filing_for_each_payment_method(site, index, method):
    advisor, manager, assistant = site["advisor"], site["manager"], site["assistant"]
    response, unit_id = subscribe(site, index, f"1381234567{index}", method, subscribed_on=yesterday().isoformat())
    deal = advisor.ok(response, 201)
    assert (deal["status"], deal["payment_method"], deal["loan_amount"]) == ("submitted", method, LOANS[method])
    assert deal["subscription_no"].startswith("RG") and unit_status(advisor, unit_id) == "subscribed"

    assert manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))["status"] == "subscribed"
    contract = advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": yesterday().isoformat()}), 201)
    assert contract["status"] == "draft" and contract["contract_no"].startswith("HT")
    agreement = advisor.ok(advisor.post(f"/api/deals/{deal['id']}/agreements",
                                        {"title": "车位", "content": "赠送车位使用权一年"}), 201)
    assert manager.ok(manager.post(f"/api/agreements/{agreement['id']}/approve", {}))["status"] == "approved"
    assert manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))["status"] == "signed"
    wait_until(lambda: unit_status(advisor, unit_id) == "signed", what="unit signed in inventory")

    assistant.ok(assistant.post(f"/api/deals/{deal['id']}/online-signing",
                                {"number": f"WQ{deal['id']}", "date": yesterday().isoformat()}))
    filed = assistant.ok(assistant.post(f"/api/deals/{deal['id']}/filing",
                                        {"filing_no": f"BA{deal['id']}", "date": yesterday().isoformat()}))
    assert filed["filing_no"] == f"BA{deal['id']}"
    wait_until(lambda: unit_status(advisor, unit_id) == "filed", what="unit filed in inventory")

    detail = advisor.ok(advisor.get(f"/api/deals/{deal['id']}"))
    assert detail["status"] == "filed" and detail["customer_phone"] == f"1381234567{index}"
    assert [a["status"] for a in detail["agreements"]] == ["approved"]
    assert [h["to_status"] for h in detail["history"]] == ["pending", "submitted", "subscribed", "signed", "signed",
                                                          "filed"]


def test_wrong_state_calls_are_refused_and_a_rejection_releases_the_unit(site):
    advisor, peer, manager, assistant, viewer = (site[k] for k in ("advisor", "peer", "manager", "assistant",
                                                                    "viewer"))
    hold_unit = site["units"][5]
    hold = advisor.ok(advisor.post(f"/api/units/{hold_unit}/holds",
                                   {"customer_name": "李四", "customer_phone": "13900000001"}), 201)
    error(advisor.post("/api/subscriptions", {"hold_id": hold["hold_id"], "price": "2000000.00", "deposit": "1000.00",
                                              "payment_method": "full", "delivery_date": DELIVERY}),
          422, "PRICE_BELOW_FLOOR")
    error(advisor.post("/api/subscriptions", {"hold_id": hold["hold_id"], "price": "3020000.00"}),
          400, "VALIDATION_ERROR")

    response, unit_id = subscribe(site, 6, "13900000002")
    deal = advisor.ok(response, 201)
    error(advisor.post(f"/api/subscriptions/{deal['id']}/approve", {}), 403, "ROLE_FORBIDDEN")
    error(advisor.post(f"/api/deals/{deal['id']}/contract", {}), 409, "DEAL_NOT_SUBSCRIBED")
    assert peer.ok(peer.get(f"/api/deals/{deal['id']}"))["customer_phone"] == "139****0002"
    assert viewer.ok(viewer.get(f"/api/deals/{deal['id']}"))["customer_phone"] is None

    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    error(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}), 409, "DEAL_NOT_SUBMITTED")
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {}), 201)
    error(advisor.post(f"/api/deals/{deal['id']}/contract", {}), 409, "CONTRACT_EXISTS")
    error(assistant.post(f"/api/deals/{deal['id']}/online-signing", {"number": "WQ1", "date": yesterday().isoformat()}),
          409, "CONTRACT_NOT_SIGNED")
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))
    error(assistant.post(f"/api/deals/{deal['id']}/filing", {"filing_no": "BA1", "date": yesterday().isoformat()}),
          409, "ONLINE_SIGNING_REQUIRED")

    response, rejected_unit = subscribe(site, 7, "13900000003")
    rejected = advisor.ok(response, 201)
    assert manager.ok(manager.post(f"/api/subscriptions/{rejected['id']}/reject",
                                   {"note": "客户资料不全"}))["status"] == "rejected"
    error(manager.post(f"/api/subscriptions/{rejected['id']}/approve", {}), 409, "DEAL_NOT_SUBMITTED")
    wait_until(lambda: unit_status(advisor, rejected_unit) == "available", what="rejected unit back on sale")

    page = manager.ok(manager.get(f"/api/projects/{site['project_id']}/deals?status=rejected"))
    assert [d["id"] for d in page["items"]] == [rejected["id"]]
    error(manager.get(f"/api/projects/{site['project_id']}/deals?limit=0"), 400, "VALIDATION_ERROR")


def test_a_crm_customer_subscribes_under_its_record(site):
    advisor, manager = site["advisor"], site["manager"]
    registered = advisor.post(f"/api/projects/{site['project_id']}/customers",
                              {"mobile": "13600000009", "name": "赵七", "channel": "walk_in"})
    customer = advisor.ok(registered, 201)["customer"]
    response, unit_id = subscribe(site, 8, "13600000009", customer_id=customer["id"])
    deal = advisor.ok(response, 201)
    assert (deal["customer_id"], deal["customer_name"], deal["customer_phone"]) == (
        customer["id"], "赵七", "13600000009")
    assert manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))["customer_id"] == customer["id"]
