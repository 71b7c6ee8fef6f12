"""Changes of a deal (更名/换房/退房), mortgage and handover through the gateway, with every
service running on PostgreSQL: the deal made as a front-end makes it (hold → 认购 → 审核 →
签约 → 网签/备案), inventory's units checked after each change, and 20 concurrent 换房 to
one free unit."""
from functools import partial

import eventlet
import pytest

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

poll = partial(wait_until, timeout=30)
LOAN_METHODS = ("commercial_mortgage", "provident_fund", "combined")



class Site:
    """A project with released units, its manager, advisor and assistant, and a way to make
    a deal in any status through the API."""

    def __init__(self, system, director, tag, units):
        self.project, self.units = make_project(director, f"变更测试{tag}", units=units)
        pid = self.project["id"]
        self.manager = staff(system, director, f"mgr_{tag}", "manager", [pid])
        self.advisor = staff(system, director, f"adv_{tag}", "advisor", [pid])
        self.assistant = staff(system, director, f"ast_{tag}", "assistant", [pid])
        self.free = list(self.units)
        self.buyers = 0

    def unit(self, unit_id):
        return self.manager.ok(self.manager.get(f"/api/units/{unit_id}"))

    def deal(self, status="subscribed", payment_method="full"):
        """(deal id, unit id) of a new deal in `status` (subscribed, signed or filed)."""
        adv, mgr = self.advisor, self.manager
        unit_id = self.free.pop(0)
        self.buyers += 1
        hold = adv.ok(adv.post(f"/api/units/{unit_id}/holds",
                               {"customer_name": f"买家{self.buyers}", "customer_phone": f"139{self.buyers:08d}"}), 201)
        body = {"hold_id": hold["hold_id"], "price": self.unit(unit_id)["list_price"], "deposit": "50000.00",
                "payment_method": payment_method, "delivery_date": "2028-12-31"}
        if payment_method in LOAN_METHODS:
            body["loan_amount"] = "2000000.00"
        deal_id = adv.ok(adv.post("/api/subscriptions", body), 201)["id"]
        mgr.ok(mgr.post(f"/api/subscriptions/{deal_id}/approve", {}))
        if status in ("signed", "filed"):
            adv.ok(adv.post(f"/api/deals/{deal_id}/contract", {"signed_on": today().isoformat()}), 201)
            mgr.ok(mgr.post(f"/api/deals/{deal_id}/contract/approve", {}))
        if status == "filed":
            mgr.ok(mgr.post(f"/api/deals/{deal_id}/online-signing", {"number": f"WQ{deal_id}", "date": today().isoformat()}))
            mgr.ok(mgr.post(f"/api/deals/{deal_id}/filing", {"filing_no": f"BA{deal_id}", "date": today().isoformat()}))
        assert self.get_deal(deal_id)["status"] == status
        poll(lambda: self.unit(unit_id)["status"] == status and self.unit(unit_id)["deal_id"] == deal_id,
             what=f"unit {unit_id} {status} in inventory")
        return deal_id, unit_id

    def get_deal(self, deal_id):
        return self.manager.ok(self.manager.get(f"/api/deals/{deal_id}"))

    def ask(self, deal_id, body, status=201):
        return self.advisor.ok(self.advisor.post(f"/api/deals/{deal_id}/changes", body), status)

    def approve(self, change_id, body=None):
        return self.manager.post(f"/api/changes/{change_id}/approve", body or {})

    def refused(self, deal_id, body, status, code):
        response = self.advisor.post(f"/api/deals/{deal_id}/changes", body)
        assert (response.status_code, response.json()["error"]) == (status, code), response.text


RENAME = {"kind": "rename", "buyers": [{"name": "李四", "phone": "13912340001", "share": "50"},
                                       {"name": "王五", "phone": "+86 139 1234 0002", "share": "50"}]}
CANCEL = {"kind": "cancel", "reason": "客户放弃购买"}


@pytest.fixture(scope="module")
def site(system, director):
    return Site(system, director, "a", units=16)


@pytest.mark.parametrize("status", ["subscribed", "signed"])
def test_rename_and_swap_from_subscribed_and_signed(site, status):
    deal_id, unit_id = site.deal(status)
    change = site.ask(deal_id, RENAME)
    assert site.manager.ok(site.approve(change["id"]))["status"] == "applied"
    assert [(b["name"], b["share"]) for b in site.get_deal(deal_id)["buyers"]] == [("李四", "50.00"), ("王五", "50.00")]

    target = site.free.pop()
    swap = site.ask(deal_id, {"kind": "swap", "to_unit_id": target})
    difference = int(float(site.unit(target)["list_price"])) - int(float(site.unit(unit_id)["list_price"]))
    assert swap["price_difference"] == f"{difference}.00"
    applied = site.manager.ok(site.approve(swap["id"]))
    assert applied["status"] == "applied"
    deal = site.get_deal(deal_id)
    assert (deal["unit_id"], deal["status"], deal["price"]) == (target, status, applied["new_price"])
    assert (site.unit(target)["status"], site.unit(target)["deal_id"]) == (status, deal_id)
    assert (site.unit(unit_id)["status"], site.unit(unit_id)["deal_id"]) == ("available", None)
    kinds = [(c["kind"], c["status"]) for c in site.manager.ok(site.manager.get(f"/api/deals/{deal_id}/changes"))]
    assert kinds == [("rename", "applied"), ("swap", "applied")]


@pytest.mark.parametrize("status", ["subscribed", "signed", "filed"])
def test_cancel_releases_the_unit_in_inventory(site, status):
    deal_id, unit_id = site.deal(status)
    change = site.ask(deal_id, CANCEL)
    assert site.manager.ok(site.approve(change["id"]))["status"] == "applied"
    assert site.get_deal(deal_id)["status"] == "cancelled"
    poll(lambda: site.unit(unit_id)["status"] == "available" and site.unit(unit_id)["deal_id"] is None,
         what="unit released")
    site.refused(deal_id, CANCEL, 409, "DEAL_STATE")
    site.refused(deal_id, RENAME, 409, "DEAL_STATE")


def test_filed_deal_refuses_rename_and_swap_then_is_handed_over_and_refuses_cancel(site):
    deal_id, unit_id = site.deal("filed", payment_method="commercial_mortgage")
    site.refused(deal_id, RENAME, 422, "DEAL_FILED")
    site.refused(deal_id, {"kind": "swap", "to_unit_id": site.free[-1]}, 422, "DEAL_FILED")

    adv, mgr, ast = site.advisor, site.manager, site.assistant
    case = adv.ok(adv.post(f"/api/deals/{deal_id}/mortgage",
                           {"bank": "工商银行", "amount": "2000000.00", "kind": "commercial"}), 201)
    skipped = adv.post(f"/api/mortgages/{case['id']}/advance", {"to": "approved"})
    assert (skipped.status_code, skipped.json()["error"]) == (422, "MORTGAGE_STEP")
    for step in ("papers_collected", "submitted", "approved", "disbursed"):
        case = adv.ok(adv.post(f"/api/mortgages/{case['id']}/advance", {"to": step, "date": today().isoformat()}))
    assert case["step"] == "disbursed"
    assert mgr.ok(mgr.get(f"/api/projects/{site.project['id']}/mortgages/stuck", params={"days": 1})) == []

    handover = ast.ok(ast.post(f"/api/deals/{deal_id}/handover",
                               {"date": today().isoformat(), "inspection_notes": "验房通过", "issues": ["阳台窗户划痕"]}), 201)
    assert handover["issues"] == ["阳台窗户划痕"]
    assert site.get_deal(deal_id)["status"] == "handed_over"
    poll(lambda: site.unit(unit_id)["status"] == "delivered", what="unit delivered in inventory")
    ast.ok(ast.post(f"/api/deals/{deal_id}/title", {"to": "applied", "date": today().isoformat()}))
    site.refused(deal_id, CANCEL, 409, "DEAL_STATE")


def test_handover_before_filing_and_roles_are_refused(site):
    deal_id, _ = site.deal("signed")
    early = site.assistant.post(f"/api/deals/{deal_id}/handover", {"date": today().isoformat()})
    assert (early.status_code, early.json()["error"]) == (422, "DEAL_NOT_FILED")
    change = site.ask(deal_id, CANCEL)
    assert site.advisor.post(f"/api/changes/{change['id']}/approve", {}).status_code == 403
    rejected = site.manager.ok(site.manager.post(f"/api/changes/{change['id']}/reject", {"note": "客户改主意"}))
    assert rejected["status"] == "rejected" and site.get_deal(deal_id)["status"] == "signed"
    listed = site.manager.ok(site.manager.get(f"/api/projects/{site.project['id']}/changes",
                                              params={"status": "rejected"}))
    assert change["id"] in [c["id"] for c in listed]


def test_twenty_concurrent_swaps_to_one_free_unit_end_with_exactly_one(system, director):
    """20 deals each ask to move to the same free unit, and the 20 approvals run at once:
    one moves, the 19 others fail with UNIT_NOT_AVAILABLE and their deals keep their units."""
    crowd = Site(system, director, "b", units=21)
    target = crowd.free.pop()
    deals = [crowd.deal("subscribed") for _ in range(20)]
    changes = [crowd.ask(deal_id, {"kind": "swap", "to_unit_id": target})["id"] for deal_id, _ in deals]
    pool = eventlet.GreenPool(20)
    responses = list(pool.imap(crowd.approve, changes))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] + [409] * 19, [r.text for r in responses]
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"UNIT_NOT_AVAILABLE"}
    (winner,) = [(deal, r.json()) for deal, r in zip(deals, responses) if r.status_code == 200]
    (deal_id, old_unit), change = winner
    assert change["status"] == "applied"
    assert (crowd.unit(target)["deal_id"], crowd.unit(target)["status"]) == (deal_id, "subscribed")
    assert crowd.unit(old_unit)["status"] == "available"
    for (other_id, unit_id), response in zip(deals, responses):
        if other_id == deal_id:
            continue
        assert crowd.get_deal(other_id)["unit_id"] == unit_id
        assert crowd.unit(unit_id)["deal_id"] == other_id
    failed = crowd.manager.ok(crowd.manager.get(f"/api/projects/{crowd.project['id']}/changes",
                                                params={"status": "failed"}))
    assert len(failed) == 19 and {c["error_code"] for c in failed} == {"UNIT_NOT_AVAILABLE"}


def test_the_document_lists_the_change_mortgage_and_handover_routes(system):
    import requests

    paths = requests.get(system.url() + "/api/openapi.json", timeout=30).json()["paths"]
    assert {"/api/deals/{deal_id}/changes", "/api/changes/{change_id}/approve", "/api/changes/{change_id}/reject",
            "/api/projects/{project_id}/changes", "/api/deals/{deal_id}/mortgage",
            "/api/mortgages/{mortgage_id}/advance", "/api/projects/{project_id}/mortgages/stuck",
            "/api/deals/{deal_id}/handover", "/api/deals/{deal_id}/title"} <= set(paths)
    assert "DEAL_FILED" in paths["/api/deals/{deal_id}/changes"]["post"]["summary"]
