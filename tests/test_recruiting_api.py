"""招聘 recruiting over HTTP: a manager's requisition approved by the director, a candidate
through the interviews to an offer and a hire whose account signs in, the 转正 review; role
and project checks (403), bad input (400), illegal moves (409), each changing nothing."""

import pytest

from loupan.testing.client import Api
from loupan.types import today
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    """Two projects; hr and a manager on the first, a manager on the second, an advisor."""
    first = director.ok(director.post("/api/projects", {"name": "招聘一号", "city": "杭州",
                                                        "developer_name": "某地产"}), 201)["id"]
    second = director.ok(director.post("/api/projects", {"name": "招聘二号", "city": "杭州",
                                                         "developer_name": "某地产"}), 201)["id"]
    return {"first": first, "second": second,
            "hr": staff(system, director, "rec_hr", "hr", [first]),
            "manager": staff(system, director, "rec_mgr", "manager", [first]),
            "manager2": staff(system, director, "rec_mgr2", "manager", [second]),
            "advisor": staff(system, director, "rec_adv", "advisor", [first])}


def requisition(site, director, headcount=1):
    manager = site["manager"]
    req = manager.ok(manager.post(f"/api/projects/{site['first']}/requisitions",
                                  {"role": "advisor", "headcount": headcount, "reason": "开盘补员"}), 201)
    return director.ok(director.post(f"/api/requisitions/{req['id']}/approve"))


def candidate(site, req, phone, stages=("screened", "interview_1")):
    hr = site["hr"]
    cand = hr.ok(hr.post(f"/api/requisitions/{req['id']}/candidates", {"name": "孙八", "phone": phone}), 201)
    for stage in stages:
        cand = hr.ok(hr.post(f"/api/candidates/{cand['id']}/advance", {"to_stage": stage}))
    return cand


def test_from_requisition_to_confirmation_over_http(system, director, site):
    hr, manager = site["hr"], site["manager"]
    req = requisition(site, director)
    assert req["status"] == "approved" and req["project_id"] == site["first"]
    cand = candidate(site, req, "139-0000-1111")
    assert cand["stage"] == "interview_1" and cand["phone"] == "13900001111"
    manager.ok(manager.post(f"/api/candidates/{cand['id']}/feedback",
                            {"score": 4, "recommendation": "hire", "notes": "销讲流畅"}), 201)
    offer = hr.ok(hr.post(f"/api/candidates/{cand['id']}/offer",
                          {"salary": "7000.00", "start_on": "2025-01-31", "probation_months": 1}), 201)
    assert offer["salary"] == "7000.00" and offer["status"] == "offered"
    hr.ok(hr.post(f"/api/offers/{offer['id']}/accept"))
    hired = hr.ok(hr.post(f"/api/candidates/{cand['id']}/hire",
                          {"username": "sunba", "password": "welcome-aboard-42"}), 201)
    assert hired["probation"]["end_on"] == "2025-02-28" and hired["account"]["project_ids"] == [site["first"]]
    assert hired["account"]["username"] == f"{director.code}.sunba"
    newcomer = Api(system.url()).login(hired["account"]["username"], "welcome-aboard-42")
    assert newcomer.get(f"/api/projects/{site['first']}/probations").status_code == 403
    assert director.ok(director.get(f"/api/projects/{site['first']}/requisitions"))[0]["status"] == "filled"

    probation_id = hired["probation"]["id"]
    assert hr.post(f"/api/probations/{probation_id}/review",
                   {"decision": "confirm", "notes": "考核通过"}).status_code == 403
    decided = manager.ok(manager.post(f"/api/probations/{probation_id}/review",
                                      {"decision": "confirm", "notes": "考核通过"}))
    assert decided["status"] == "confirmed"
    again = manager.post(f"/api/probations/{probation_id}/review", {"decision": "confirm", "notes": "再次"})
    assert again.status_code == 409 and again.json()["error"] == "PROBATION_DECIDED"
    listed = hr.ok(hr.get(f"/api/projects/{site['first']}/probations"))
    assert [(p["id"], p["status"]) for p in listed] == [(probation_id, "confirmed")]


def test_roles_and_projects_are_checked_and_refusals_change_nothing(director, site):
    first, hr, manager, manager2, advisor = (site[k] for k in ("first", "hr", "manager", "manager2", "advisor"))
    before = director.ok(director.get(f"/api/projects/{first}/requisitions"))
    body = {"role": "advisor", "headcount": 1, "reason": "补员"}
    for api, code in ((advisor, "ROLE_FORBIDDEN"), (manager2, "PROJECT_FORBIDDEN")):
        response = api.post(f"/api/projects/{first}/requisitions", body)
        assert response.status_code == 403 and response.json()["error"] == code
    assert advisor.get(f"/api/projects/{first}/requisitions").status_code == 403

    pending = manager.ok(manager.post(f"/api/projects/{first}/requisitions", body), 201)
    for api in (hr, manager):
        assert api.post(f"/api/requisitions/{pending['id']}/approve").status_code == 403
    assert manager.post(f"/api/requisitions/{pending['id']}/candidates",
                        {"name": "周九", "phone": "13700000000"}).status_code == 403
    cand = candidate(site, pending, "13700000000", stages=("screened",))
    assert manager2.get(f"/api/candidates/{cand['id']}").status_code == 403
    assert advisor.post(f"/api/candidates/{cand['id']}/feedback",
                        {"score": 3, "recommendation": "hire", "notes": "一般"}).status_code == 403
    after = director.ok(director.get(f"/api/projects/{first}/requisitions"))
    assert [r["id"] for r in after] == [pending["id"]] + [r["id"] for r in before]
    assert after[0]["status"] == "open"
    assert hr.ok(hr.get(f"/api/candidates/{cand['id']}"))["stage"] == "screened"


@pytest.mark.parametrize("path,body", [
    ("requisitions", {"role": "advisor", "headcount": "2", "reason": "补员"}),
    ("requisitions", {"role": "director", "headcount": 1, "reason": "补员"}),
    ("requisitions", {"role": "advisor", "headcount": 0, "reason": "补员"}),
    ("requisitions", {"role": "advisor", "headcount": 1}),
])
def test_bad_requisitions_are_400(director, site, path, body):
    manager, first = site["manager"], site["first"]
    before = manager.ok(manager.get(f"/api/projects/{first}/requisitions"))
    response = manager.post(f"/api/projects/{first}/{path}", body)
    assert response.status_code == 400 and response.json()["error"] == "VALIDATION_ERROR"
    assert manager.ok(manager.get(f"/api/projects/{first}/requisitions")) == before


def test_bad_candidates_offers_and_moves_are_400(director, site):
    hr = site["hr"]
    req = requisition(site, director)
    assert hr.post(f"/api/requisitions/{req['id']}/candidates", {"name": "吴十", "phone": "555"}).status_code == 400
    cand = candidate(site, req, "13600000000")
    for body in ({"to_stage": "offer"}, {"to_stage": "hired"}, {"to_stage": "promoted"}, {}):
        response = hr.post(f"/api/candidates/{cand['id']}/advance", body)
        assert response.status_code == 400, body
    for body in ({"salary": 7000.5, "start_on": "2026-01-01", "probation_months": 3},
                 {"salary": "0", "start_on": "2026-01-01", "probation_months": 3},
                 {"salary": "7000", "start_on": "2026-01-01", "probation_months": 7},
                 {"salary": "7000", "start_on": "not a day", "probation_months": 3}):
        assert hr.post(f"/api/candidates/{cand['id']}/offer", body).status_code == 400, body
    response = hr.session.post(hr.base_url + f"/api/candidates/{cand['id']}/advance", data="{oops",
                               headers=dict(hr.headers(), **{"Content-Type": "application/json"}), timeout=30)
    assert response.status_code == 400 and response.json()["error"] == "INVALID_JSON"
    detail = hr.ok(hr.get(f"/api/candidates/{cand['id']}"))
    assert detail["stage"] == "interview_1" and detail["offers"] == []


def test_illegal_stage_moves_are_409_and_change_nothing(director, site):
    hr, manager = site["hr"], site["manager"]
    unapproved = manager.ok(manager.post(f"/api/projects/{site['first']}/requisitions",
                                         {"role": "advisor", "headcount": 1, "reason": "补员"}), 201)
    waiting = candidate(site, unapproved, "13500000000", stages=("screened",))
    response = hr.post(f"/api/candidates/{waiting['id']}/advance", {"to_stage": "interview_1"})
    assert response.status_code == 409 and response.json()["error"] == "REQUISITION_NOT_APPROVED"

    req = requisition(site, director)
    cand = candidate(site, req, "13500000001", stages=())
    response = hr.post(f"/api/candidates/{cand['id']}/advance", {"to_stage": "interview_2"})
    assert response.status_code == 409 and response.json()["error"] == "ILLEGAL_STAGE_MOVE"
    hr.ok(hr.post(f"/api/candidates/{cand['id']}/advance", {"to_stage": "rejected", "reason": "不合适"}))
    for stage in ("screened", "withdrawn"):
        assert hr.post(f"/api/candidates/{cand['id']}/advance", {"to_stage": stage}).status_code == 409
    response = hr.post(f"/api/candidates/{cand['id']}/offer",
                       {"salary": "7000", "start_on": str(today()), "probation_months": 3})
    assert response.status_code == 409
    detail = hr.ok(hr.get(f"/api/candidates/{cand['id']}"))
    assert detail["stage"] == "rejected" and detail["offers"] == []
    assert hr.ok(hr.get(f"/api/candidates/{waiting['id']}"))["stage"] == "screened"


def test_headcount_reached_is_409(director, site):
    hr = site["hr"]
    req = requisition(site, director)
    first, second = candidate(site, req, "13300000001"), candidate(site, req, "13300000002")
    terms = {"salary": "6000", "start_on": str(today()), "probation_months": 3}
    hr.ok(hr.post(f"/api/candidates/{first['id']}/offer", terms), 201)
    response = hr.post(f"/api/candidates/{second['id']}/offer", terms)
    assert response.status_code == 409 and response.json()["error"] == "HEADCOUNT_REACHED"
    assert hr.ok(hr.get(f"/api/candidates/{second['id']}"))["offers"] == []
    assert hr.get("/api/candidates/999999").status_code == 404
