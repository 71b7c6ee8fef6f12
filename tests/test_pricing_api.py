"""价目表 and 折扣 over HTTP, every service running on PostgreSQL: the happy path, role and
project checks (403), bad input (400) and refused rules (422) that change nothing."""
import pytest

from tests.api import make_project
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    """A project of 8 released units (floors 1-2, list 3,010,000/3,020,000, 底价 200,000 less),
    its manager, supervisor and advisor, and another project nobody of them is assigned to."""
    project, units = make_project(director, "价目花园", units=8)
    other, _ = make_project(director, "别家项目", units=2)
    pid = project["id"]
    return {"project": project, "units": units, "other": other,
            "manager": staff(system, director, "pl_manager", "manager", [pid]),
            "supervisor": staff(system, director, "pl_supervisor", "supervisor", [pid]),
            "advisor": staff(system, director, "pl_advisor", "advisor", [pid]),
            "assistant": staff(system, director, "pl_assistant", "assistant", [pid])}


def unit_prices(api, pid):
    return {u["id"]: u["list_price"] for u in api.ok(api.get(f"/api/projects/{pid}/units"))["items"]}


def price_lists(api, pid):
    return api.ok(api.get(f"/api/projects/{pid}/price-lists"))


def test_adjust_preview_publish_and_history(site):
    manager, advisor, pid = site["manager"], site["advisor"], site["project"]["id"]
    body = {"adjustments": [{"selector": {"floor_from": 2}, "method": "per_m2", "value": "300"},
                            {"selector": {"layouts": ["3室2厅2卫"]}, "method": "percent", "value": "-1"}],
            "note": "二期加推前调价"}
    assert advisor.post(f"/api/projects/{pid}/price-lists", body).status_code == 403
    draft = manager.ok(manager.post(f"/api/projects/{pid}/price-lists", body), 201)
    assert (draft["version"], draft["changed_count"], draft["unit_count"]) == (1, 5, 8)
    assert draft["adjustments"][0]["value"] == "300.00"
    assert advisor.get(f"/api/price-lists/{draft['id']}").status_code == 403
    preview = manager.ok(manager.get(f"/api/price-lists/{draft['id']}"))
    assert preview["items"] == draft["items"]
    floor1 = next(i for i in preview["items"] if i["floor"] == 1)  # 3室2厅2卫 on floor 1: −1 % only
    assert (floor1["old_price"], floor1["new_price"], floor1["difference"]) == \
        ("3010000.00", "2979900.00", "-30100.00")
    assert advisor.post(f"/api/price-lists/{draft['id']}/publish").status_code == 403

    published = manager.ok(manager.post(f"/api/price-lists/{draft['id']}/publish"))
    assert published["status"] == "published"
    prices = unit_prices(manager, pid)
    assert prices[floor1["unit_id"]] == "2979900.00"
    history = advisor.ok(advisor.get(f"/api/units/{floor1['unit_id']}/prices"))
    assert [(c["step"], c["direction"], c["percent"]) for c in history["changes"]] == [(1, "down", "-1.00")]
    trend = advisor.ok(advisor.get(f"/api/projects/{pid}/price-history"))["versions"]
    assert [(v["version"], v["direction"], v["changed_count"]) for v in trend] == [(1, "up", 5)]


def test_below_base_is_422_until_a_director_approves(site, director):
    manager, pid = site["manager"], site["project"]["id"]
    before = unit_prices(manager, pid)
    draft = manager.ok(manager.post(f"/api/projects/{pid}/price-lists", {
        "adjustments": [{"selector": {"floor_to": 1}, "method": "percent", "value": "-10"}]}), 201)
    assert draft["needs_director_approval"] and draft["below_base_count"] == 4
    refused = manager.post(f"/api/price-lists/{draft['id']}/publish")
    assert refused.status_code == 422 and refused.json()["error"] == "BELOW_BASE_PRICE"
    assert "1号楼-0101" in refused.json()["message"]
    assert unit_prices(manager, pid) == before
    assert manager.post(f"/api/price-lists/{draft['id']}/approve").status_code == 403
    director.ok(director.post(f"/api/price-lists/{draft['id']}/approve"))
    manager.ok(manager.post(f"/api/price-lists/{draft['id']}/publish"))
    assert unit_prices(manager, pid) != before
    versions = price_lists(manager, pid)
    assert [v["status"] for v in versions][:2] == ["published", "superseded"]


@pytest.mark.parametrize("body, status, code", [
    ({}, 400, "VALIDATION_ERROR"),
    ({"adjustments": []}, 400, "VALIDATION_ERROR"),
    ({"adjustments": [{"selector": {"floor_from": 5, "floor_to": 1}, "method": "percent", "value": "1"}]},
     400, "VALIDATION_ERROR"),
    ({"adjustments": [{"selector": {}, "method": "percent", "value": 1.5}]}, 400, "VALIDATION_ERROR"),
    ({"adjustments": [{"selector": {"layouts": ["别墅"]}, "method": "percent", "value": "1"}]},
     422, "EMPTY_SELECTION"),
    ({"adjustments": [{"selector": {"building_id": 987654}, "method": "percent", "value": "1"}]},
     404, "BUILDING_NOT_FOUND"),
])
def test_bad_adjustments_are_refused_and_create_nothing(site, body, status, code):
    manager, pid = site["manager"], site["project"]["id"]
    before = price_lists(manager, pid)
    response = manager.post(f"/api/projects/{pid}/price-lists", body)
    assert response.status_code == status and response.json()["error"] == code, response.text
    assert price_lists(manager, pid) == before


def test_another_projects_prices_are_403(site, director):
    manager, other = site["manager"], site["other"]["id"]
    body = {"adjustments": [{"selector": {}, "method": "percent", "value": "1"}]}
    assert manager.post(f"/api/projects/{other}/price-lists", body).status_code == 403
    draft = director.ok(director.post(f"/api/projects/{other}/price-lists", body), 201)
    for response in (manager.get(f"/api/price-lists/{draft['id']}"),
                     manager.post(f"/api/price-lists/{draft['id']}/publish"),
                     manager.delete(f"/api/price-lists/{draft['id']}")):
        assert response.status_code == 403 and response.json()["error"] == "PROJECT_FORBIDDEN"
    director.ok(director.delete(f"/api/price-lists/{draft['id']}"))
    assert director.get(f"/api/price-lists/{draft['id']}").status_code == 404


def test_discount_request_goes_to_the_manager(site):
    manager, supervisor, advisor = site["manager"], site["supervisor"], site["advisor"]
    pid = site["project"]["id"]
    unit_id = site["units"][-1]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "王五", "customer_phone": "13900000001"}), 201)
    path = f"/api/holds/{hold['hold_id']}/discount"
    assert advisor.post(path, {"reason": "缺价格"}).status_code == 400
    assert advisor.post(path, {"price": 100.5, "reason": "浮点"}).status_code == 400
    # the project lets advisors give nothing alone: any discount waits for a manager
    request = advisor.ok(advisor.post(path, {"discount_pct": "2", "reason": "一次性付款"}), 201)
    assert request["status"] == "pending" and not request["needs_director"]
    assert advisor.get(f"/api/projects/{pid}/discount-requests").status_code == 403
    assert manager.get(f"/api/projects/{pid}/discount-requests", params={"status": "nope"}).status_code == 400
    pending = manager.ok(manager.get(f"/api/projects/{pid}/discount-requests", params={"status": "pending"}))
    assert [r["id"] for r in pending] == [request["id"]]
    assert supervisor.post(f"/api/discount-requests/{request['id']}/approve", {}).status_code == 403
    approved = manager.ok(manager.post(f"/api/discount-requests/{request['id']}/approve", {"note": "同意"}))
    assert approved["status"] == "approved" and approved["executed_at"] is None
    # in effect once the 内勤 executes it: the hold then carries the price
    assistant = site["assistant"]
    assert advisor.ok(advisor.get(f"/api/units/{unit_id}"))["hold"]["special_price"] is None
    waiting = assistant.ok(assistant.get(f"/api/projects/{pid}/discount-requests", params={"status": "approved"}))
    assert [r["id"] for r in waiting] == [request["id"]]
    assert advisor.post(f"/api/discount-requests/{request['id']}/execute").status_code == 403
    refused = manager.post(f"/api/discount-requests/{request['id']}/execute")
    assert (refused.status_code, refused.json()["error"]) == (403, "SELF_APPROVAL")
    executed = assistant.ok(assistant.post(f"/api/discount-requests/{request['id']}/execute"))
    assert executed["executed_at"] and advisor.ok(advisor.get(f"/api/units/{unit_id}"))["hold"]["special_price"] == \
        approved["requested_price"]
    twice = assistant.post(f"/api/discount-requests/{request['id']}/execute")
    assert (twice.status_code, twice.json()["error"]) == (409, "NOT_AWAITING_EXECUTION")
    again = manager.post(f"/api/discount-requests/{request['id']}/reject", {})
    assert again.status_code == 409 and again.json()["error"] == "REQUEST_NOT_PENDING"
    assert manager.post("/api/discount-requests/987654/approve", {}).status_code == 404
