"""来电/来访登记, the walk-in rotation (轮序接待) and the funnel over HTTP, with hr's real
上岗考核 and clock-ins feeding the rotation through the bus."""
from datetime import timedelta

import pytest
import requests

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff
from tests.api import short



def queue(api, pid):
    return [q["account_id"] for q in api.ok(api.get(f"/api/projects/{pid}/rotation"))["queue"]]


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "轮序花园", units=1)
    other, _ = make_project(director, "轮序别院", units=1)
    pid = project["id"]
    people = {"pid": pid, "director": director,
              "supervisor": staff(system, director, "cv_sup", "supervisor", [pid]),
              "assistant": staff(system, director, "cv_asst", "assistant", [pid]),
              "viewer": staff(system, director, "cv_dev", "developer_viewer", [pid]),
              "outsider": staff(system, director, "cv_out", "advisor", [other["id"]])}
    for i in (1, 2, 3):
        people[f"adv{i}"] = staff(system, director, f"cv_adv{i}", "advisor", [pid])
    ids = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    people["ids"] = {f"adv{i}": ids[f"cv_adv{i}"] for i in (1, 2, 3)}
    course = director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "pitch", "project_id": pid,
                                                        "is_certification": True}), 201)
    for name in ("adv1", "adv2"):  # adv3 has not passed 上岗考核
        director.ok(director.post(f"/api/courses/{course['id']}/exams",
                                  {"account_id": people["ids"][name], "score": "90.00"}), 201)
    for name in ("adv1", "adv2", "adv3"):
        people[name].ok(people[name].post(f"/api/projects/{pid}/clock", {"kind": "in"}), 201)
        if name != "adv3":
            wait_until(lambda: people["ids"][name] in queue(director, pid), timeout=30, what=f"{name} on the rotation")
    return people


def test_certified_clocked_in_advisors_rotate_and_a_returning_customer_goes_to_the_owner(site):
    pid, ids, assistant = site["pid"], site["ids"], site["assistant"]
    rotation = assistant.ok(assistant.get(f"/api/projects/{pid}/rotation"))
    assert [(q["account_id"], short(q["username"])) for q in rotation["queue"]] == [(ids["adv1"], "cv_adv1"),
                                                                             (ids["adv2"], "cv_adv2")]
    first = assistant.ok(assistant.post(f"/api/projects/{pid}/visits",
                                        {"mobile": "13800138000", "customer_name": "王先生"}), 201)
    assert (first["advisor_id"], first["assignment"], first["new_customer"]) == (ids["adv1"], "rotation", True)
    second = assistant.ok(assistant.post(f"/api/projects/{pid}/visits", {}), 201)
    assert second["advisor_id"] == ids["adv2"]
    back = assistant.ok(assistant.post(f"/api/projects/{pid}/visits", {"mobile": "138-0013-8000"}), 201)
    assert (back["advisor_id"], back["assignment"], back["customer_id"]) == (ids["adv1"], "owner", first["customer_id"])
    rotation = assistant.ok(assistant.get(f"/api/projects/{pid}/rotation"))
    assert [q["account_id"] for q in rotation["queue"]] == [ids["adv1"], ids["adv2"]]
    assert [(a["account_id"], a["visit_id"]) for a in rotation["assignments"]] == [
        (ids["adv1"], first["id"]), (ids["adv2"], second["id"])]


def test_supervisor_skips_and_restores_with_reasons_and_advisors_may_not(site):
    pid, ids, supervisor = site["pid"], site["ids"], site["supervisor"]
    refused = site["adv1"].post(f"/api/projects/{pid}/rotation/skip", {"account_id": ids["adv2"], "reason": "x"})
    assert (refused.status_code, refused.json()["error"]) == (403, "ROLE_FORBIDDEN")
    skipped = supervisor.ok(supervisor.post(f"/api/projects/{pid}/rotation/skip",
                                            {"account_id": ids["adv1"], "reason": "沙盘培训"}))
    assert ids["adv1"] not in [q["account_id"] for q in skipped["queue"]]
    assigned = site["assistant"].ok(site["assistant"].post(f"/api/projects/{pid}/visits", {}), 201)
    assert assigned["advisor_id"] == ids["adv2"]
    restored = supervisor.ok(supervisor.post(f"/api/projects/{pid}/rotation/restore",
                                             {"account_id": ids["adv1"], "reason": "培训结束"}))
    assert restored["queue"][-1]["account_id"] == ids["adv1"]
    audit = [(a["action"], a["reason"]) for a in restored["audit"] if a["action"] in ("skipped", "restored")]
    assert audit == [("skipped", "沙盘培训"), ("restored", "培训结束")]
    mismatch = supervisor.session.put(supervisor.base_url + f"/api/projects/{pid}/rotation/order",
                                      json={"order": [ids["adv1"]], "reason": "补位"}, headers=supervisor.headers(),
                                      timeout=30)
    assert (mismatch.status_code, mismatch.json()["error"]) == (422, "ORDER_MISMATCH")


def test_the_rotation_names_people_by_their_full_name_from_hr(site):
    """The console shows 李顾问, not a login name: each queue and skipped entry carries hr's
    full_name (staff() makes full_name the bare name, the login name has the agency prefix)."""
    pid, ids, supervisor, assistant = site["pid"], site["ids"], site["supervisor"], site["assistant"]
    skipped = supervisor.ok(supervisor.post(f"/api/projects/{pid}/rotation/skip",
                                            {"account_id": ids["adv2"], "reason": "外出"}))
    try:
        rotation = assistant.ok(assistant.get(f"/api/projects/{pid}/rotation"))
        for answer in (skipped, rotation):
            assert [(q["account_id"], q["full_name"]) for q in answer["queue"]] == [(ids["adv1"], "cv_adv1")]
            assert [(s["account_id"], s["full_name"]) for s in answer["skipped"]] == [(ids["adv2"], "cv_adv2")]
            assert answer["queue"][0]["username"] != "cv_adv1"  # the login name, <agency code>.cv_adv1
    finally:
        restored = supervisor.ok(supervisor.post(f"/api/projects/{pid}/rotation/restore",
                                                 {"account_id": ids["adv2"], "reason": "回来了"}))
    assert {q["full_name"] for q in restored["queue"]} == {"cv_adv1", "cv_adv2"}


def test_calls_are_registered_today_only_and_by_the_sites_staff(site):
    pid, adv3 = site["pid"], site["adv3"]
    call = adv3.ok(adv3.post(f"/api/projects/{pid}/calls", {"note": "问户型"}), 201)
    assert (call["advisor_id"], call["channel"]) == (site["ids"]["adv3"], "phone")
    yesterday = (today() - timedelta(days=1)).isoformat()
    late = adv3.post(f"/api/projects/{pid}/calls", {"day": yesterday})
    assert (late.status_code, late.json()["error"]) == (422, "NOT_TODAY")
    bad = adv3.post(f"/api/projects/{pid}/calls", {"visitor_kind": "friend"})
    assert (bad.status_code, bad.json()["error"]) == (400, "VALIDATION_ERROR")
    for who, status in (("viewer", 403), ("outsider", 403)):
        assert site[who].post(f"/api/projects/{pid}/calls", {}).status_code == status
    calls = site["supervisor"].ok(site["supervisor"].get(f"/api/projects/{pid}/calls"))
    assert [c["id"] for c in calls] == [call["id"]]


def test_a_clock_out_at_hr_takes_the_advisor_off_the_rotation(site):
    pid, adv2 = site["pid"], site["adv2"]
    adv2.ok(adv2.post(f"/api/projects/{pid}/clock", {"kind": "out"}), 201)
    wait_until(lambda: site["ids"]["adv2"] not in queue(site["supervisor"], pid), timeout=30, what="adv2 off")
    assert site["assistant"].ok(site["assistant"].post(f"/api/projects/{pid}/visits", {}), 201)["advisor_id"] == \
        site["ids"]["adv1"]


def test_the_developer_sees_the_funnel_and_counts_but_not_the_visits(site):
    pid, viewer = site["pid"], site["viewer"]
    day = today().isoformat()
    funnel = viewer.ok(viewer.get(f"/api/projects/{pid}/funnel", params={"from": day, "to": day, "by": "advisor"}))
    assert funnel["total"]["visits"] >= 3 and funnel["total"]["new_leads"] >= 1
    counts = viewer.ok(viewer.get(f"/api/projects/{pid}/visit-counts"))
    assert sum(r["visits"] for r in counts) == funnel["total"]["visits"]
    assert viewer.get(f"/api/projects/{pid}/visits").status_code == 403
    assert viewer.get(f"/api/projects/{pid}/funnel", params={"from": day}).status_code == 400


def test_the_routes_are_in_the_openapi_document(system):
    doc = requests.get(system.url() + "/api/openapi.json", timeout=10).json()
    for path in ("/api/projects/{project_id}/calls", "/api/projects/{project_id}/visits",
                 "/api/projects/{project_id}/visit-counts", "/api/projects/{project_id}/rotation",
                 "/api/projects/{project_id}/rotation/order", "/api/projects/{project_id}/rotation/skip",
                 "/api/projects/{project_id}/rotation/restore", "/api/projects/{project_id}/funnel"):
        assert path in doc["paths"], path
