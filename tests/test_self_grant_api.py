"""Nobody grants themselves power (issue 30), through the gateway: hr neither promotes its
own account nor makes a manager (a director does); a manager does not approve their own
discount, and a director does not approve their own requisition (403 with a stable code)."""
import pytest

from tests.api import make_project
from tests.api import short
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "授权一期", units=2)
    pid = project["id"]
    return {"pid": pid, "units": units, "hr": staff(system, director, "grant_hr", "hr", []),
            "manager": staff(system, director, "grant_manager", "manager", [pid]),
            "advisor": staff(system, director, "grant_advisor", "advisor", [pid])}


def refused(response, code):
    assert (response.status_code, response.json()["error"]) == (403, code), response.text


def test_hr_neither_promotes_itself_nor_makes_managers(site, director):
    hr = site["hr"]
    me = hr.ok(hr.get("/api/me"))
    refused(hr.post(f"/api/staff/{me['id']}/transfer", {"to_project_ids": [site["pid"]], "role": "manager",
                                                         "effective_on": "2026-04-01", "reason": "自封"}), "SELF_GRANT")
    refused(hr.post("/api/accounts", {"username": "grant_new_manager", "password": "grant-pass-123",
                                      "full_name": "经理", "role": "manager", "project_ids": [site["pid"]]}),
            "GRANT_ABOVE_OWN")
    refused(hr.post("/api/staff", {"username": "grant_new_sup", "password": "grant-pass-123", "full_name": "主管",
                                   "role": "supervisor", "project_ids": [site["pid"]], "joined_on": "2026-03-01"}),
            "GRANT_ABOVE_OWN")
    assert hr.ok(hr.get("/api/me"))["role"] == "hr"
    names = {short(a["username"]) for a in director.ok(director.get("/api/accounts"))}
    assert not names & {"grant_new_manager", "grant_new_sup"}
    # an advisor is hr's to make; a manager, the director's
    hr.ok(hr.post("/api/accounts", {"username": "grant_new_adv", "password": "grant-pass-123", "full_name": "顾问",
                                    "role": "advisor", "project_ids": [site["pid"]]}), 201)
    director.ok(director.post("/api/accounts", {"username": "grant_new_manager", "password": "grant-pass-123",
                                                "full_name": "经理", "role": "manager",
                                                "project_ids": [site["pid"]]}), 201)


def test_a_manager_does_not_approve_their_own_discount(site, director):
    manager = site["manager"]
    hold = manager.ok(manager.post(f"/api/units/{site['units'][0]}/holds",
                                   {"customer_name": "赵先生", "customer_phone": "13900000401"}), 201)
    request = manager.ok(manager.post(f"/api/holds/{hold['hold_id']}/discount",
                                      {"discount_pct": "5", "reason": "团购"}), 201)
    assert request["status"] == "pending"
    refused(manager.post(f"/api/discount-requests/{request['id']}/approve", {}), "SELF_APPROVAL")
    assert director.ok(director.post(f"/api/discount-requests/{request['id']}/approve", {}))["status"] == "approved"


def test_a_director_does_not_approve_their_own_requisition(site, director):
    requisition = director.ok(director.post(f"/api/projects/{site['pid']}/requisitions",
                                            {"role": "advisor", "headcount": 1, "reason": "补员"}), 201)
    refused(director.post(f"/api/requisitions/{requisition['id']}/approve"), "SELF_APPROVAL")
