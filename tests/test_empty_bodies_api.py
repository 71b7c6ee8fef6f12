"""Approve and reject without a body over HTTP: where every field is optional (a leave's
note) no body is accepted as the empty object; where a field is needed (a 认购's rejection
says why) the answer names it, 400 VALIDATION_ERROR."""
import pytest

from tests.api import make_project
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "空体花园", units=1)
    pid = project["id"]
    return {"pid": pid, "advisor": staff(system, director, "empty_adv", "advisor", [pid]),
            "manager": staff(system, director, "empty_mgr", "manager", [pid])}


def ask_leave(advisor, day):
    return advisor.ok(advisor.post("/api/leave-requests", {"kind": "annual", "start_on": day, "end_on": day,
                                                          "reason": "家中有事"}), 201)


@pytest.mark.parametrize("decision,status", [("approve", "approved"), ("reject", "rejected")])
def test_a_decision_whose_fields_are_optional_takes_no_body(site, decision, status):
    asked = ask_leave(site["advisor"], "2030-02-04" if decision == "approve" else "2030-02-05")
    manager = site["manager"]
    response = manager.session.post(f"{manager.base_url}/api/leave-requests/{asked['id']}/{decision}",
                                    headers=manager.headers(), timeout=30)  # no body, no Content-Type
    decided = manager.ok(response)
    assert decided["status"] == status and decided["decision_note"] is None


def test_a_decision_that_needs_a_field_names_it(site):
    response = site["manager"].post("/api/subscriptions/999999/reject")
    assert (response.status_code, response.json()["error"]) == (400, "VALIDATION_ERROR"), response.text
    assert "note" in response.json()["message"]
