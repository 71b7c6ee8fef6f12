"""Personal data over HTTP (issue 30): applicants' phones are masked like customers' (in full
for hr and directors, who call them, and each such answer is in GET /api/data-reveals); a
撞单 answered to someone who is not the customer's owner shows no colleague's customer
profile, only that the number is protected and until when."""
import pytest

from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    project = director.ok(director.post("/api/projects", {"name": "隐私一号", "city": "杭州",
                                                          "developer_name": "某地产"}), 201)["id"]
    return {"project": project,
            "hr": staff(system, director, "pd_hr", "hr", [project]),
            "manager": staff(system, director, "pd_mgr", "manager", [project]),
            "alice": staff(system, director, "pd_alice", "advisor", [project]),
            "bob": staff(system, director, "pd_bob", "advisor", [project])}


def test_applicants_phones_are_masked_and_their_reveals_logged(director, site):
    hr, manager = site["hr"], site["manager"]
    req = manager.ok(manager.post(f"/api/projects/{site['project']}/requisitions",
                                  {"role": "advisor", "headcount": 1, "reason": "开盘补员"}), 201)
    director.ok(director.post(f"/api/requisitions/{req['id']}/approve"))
    cand = hr.ok(hr.post(f"/api/requisitions/{req['id']}/candidates", {"name": "钱九", "phone": "139-0000-2222"}), 201)
    assert cand["phone"] == "13900002222"  # the number hr has just typed
    before = director.ok(director.get("/api/data-reveals", params={"service": "hr"}))
    assert before == []

    assert [c["phone"] for c in manager.ok(manager.get(f"/api/requisitions/{req['id']}/candidates"))] == \
        ["139****2222"]
    assert manager.ok(manager.get(f"/api/candidates/{cand['id']}"))["phone"] == "139****2222"
    assert director.ok(director.get("/api/data-reveals", params={"service": "hr"})) == []

    assert [c["phone"] for c in hr.ok(hr.get(f"/api/requisitions/{req['id']}/candidates"))] == ["13900002222"]
    assert director.ok(director.get(f"/api/candidates/{cand['id']}"))["phone"] == "13900002222"
    logged = director.ok(director.get("/api/data-reveals", params={"service": "hr"}))
    assert [(r["service"], r["role"], r["kind"], r["candidate_id"], r["masked_mobile"], r["project_id"])
            for r in logged] == [("hr", "director", "detail", cand["id"], "139****2222", site["project"]),
                                 ("hr", "hr", "list", cand["id"], "139****2222", site["project"])]
    assert "13900002222" not in str(director.get("/api/data-reveals").json())
    assert [r["service"] for r in director.ok(director.get("/api/data-reveals"))][:2] == ["hr", "hr"]


def test_a_conflict_shows_a_non_owner_no_colleagues_customer(site):
    alice, bob, manager = site["alice"], site["bob"], site["manager"]
    path = f"/api/projects/{site['project']}/customers"
    mine = alice.ok(alice.post(path, {"mobile": "13700003333", "name": "李总", "channel": "walk_in",
                                      "budget_min": "3000000.00", "budget_max": "4000000.00",
                                      "notes": "想要高层"}), 201)
    assert mine["outcome"] == "created"
    answer = bob.post(path, {"mobile": "137 0000 3333", "name": "李先生", "channel": "walk_in"})
    claim = answer.json()
    assert answer.status_code == 202 and claim["outcome"] == "conflict", answer.text
    assert claim["customer"] == {"project_id": site["project"], "mobile": "137****3333", "mobile_masked": True,
                                 "status": mine["customer"]["status"],
                                 "protected_until": mine["customer"]["protected_until"]}
    for word in ("李总", "3000000", "想要高层", "pd_alice", "owner"):
        assert word not in answer.text, word
    assert "owner_id" not in claim["conflict"] and "customer_id" not in claim["conflict"]
    # the manager who rules it sees the whole conflict
    conflicts = manager.ok(manager.get(f"/api/projects/{site['project']}/conflicts"))
    assert [(c["customer_id"], c["claimant_name"] is not None) for c in conflicts] == [(mine["customer"]["id"], True)]
