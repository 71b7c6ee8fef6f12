"""培训 training over HTTP on PostgreSQL: courses, sessions and roll calls, exams and the
pre-job certification (上岗考核) with its `staff_certified` event, the monthly report, their
roles, 4xx answers and "nothing changed" checks."""
import pytest
from sqlalchemy import create_engine, func, select

from loupan.types import utcnow
from services.hr.models import Course, ExamResult, outbox
from services.hr.training_rules import SHANGHAI
from tests.api import make_project
from tests.conftest import staff
from tests.api import short


@pytest.fixture(scope="module")
def site(system, director):
    """A project with its team (three advisors among them) and a manager of another project."""
    project, _ = make_project(director, "培训一号", units=1)
    other, _ = make_project(director, "培训二号", units=1)
    pid = project["id"]
    people = {role: staff(system, director, f"trn_{role}", role, [pid])
              for role in ("manager", "supervisor", "hr", "developer_viewer")}
    people["advisors"] = [staff(system, director, f"trn_adv{i}", "advisor", [pid]) for i in range(3)]
    people["other_manager"] = staff(system, director, "trn_other_mgr", "manager", [other["id"]])
    people["stranger"] = staff(system, director, "trn_stranger", "advisor", [other["id"]])
    return {"pid": pid, "other": other["id"], **people}


@pytest.fixture(scope="module")
def db(system):
    engine = create_engine(system.urls["hr"])
    yield engine
    engine.dispose()


def count(db, statement):
    with db.connect() as conn:
        return conn.execute(statement).scalar_one()


def account_id(director, username):
    return next(a["id"] for a in director.ok(director.get("/api/accounts")) if short(a["username"]) == username)


@pytest.fixture(scope="module")
def certification(site, director):
    return director.ok(director.post("/api/courses", {"title": "上岗考核", "kind": "sales_qa", "project_id": site["pid"],
                                                      "is_certification": True}), 201)


def this_month():
    return utcnow().astimezone(SHANGHAI).strftime("%Y-%m")


def test_who_makes_which_course(site, director):
    hr, manager = site["hr"], site["manager"]
    culture = hr.ok(hr.post("/api/courses", {"title": "企业文化", "kind": "culture"}), 201)
    assert culture["project_id"] is None and culture["pass_score"] == "80.00"
    mine = manager.ok(manager.post("/api/courses", {"title": "沙盘讲解", "kind": "sand_table",
                                                    "project_id": site["pid"]}), 201)
    listed = [c["id"] for c in manager.ok(manager.get(f"/api/courses?project_id={site['pid']}"))]
    assert culture["id"] in listed and mine["id"] in listed


@pytest.mark.parametrize("who,body,status,code", [
    ("advisors", {"title": "x", "kind": "pitch"}, 403, "ROLE_FORBIDDEN"),
    ("supervisor", {"title": "x", "kind": "pitch"}, 403, "ROLE_FORBIDDEN"),
    ("manager", {"title": "x", "kind": "culture"}, 403, "ROLE_FORBIDDEN"),
    ("other_manager", {"title": "x", "kind": "pitch", "project_id": "pid"}, 403, "PROJECT_FORBIDDEN"),
    ("manager", {"title": "x", "kind": "pitch", "is_certification": True}, 400, "VALIDATION_ERROR"),
    ("manager", {"title": "x", "kind": "poetry", "project_id": "pid"}, 400, "VALIDATION_ERROR"),
    ("manager", {"title": "x", "kind": "pitch", "project_id": "pid", "pass_score": 79.5}, 400, "VALIDATION_ERROR"),
])
def test_refused_courses_change_nothing(site, db, who, body, status, code):
    api = site[who][0] if who == "advisors" else site[who]
    body = {k: site["pid"] if v == "pid" else v for k, v in body.items()}
    before = count(db, select(func.count()).select_from(Course))
    response = api.post("/api/courses", body)
    assert (response.status_code, response.json()["error"]) == (status, code)
    assert count(db, select(func.count()).select_from(Course)) == before


def test_two_passes_certify_once(site, director, certification, db):
    adviser_id = account_id(director, "trn_adv0")
    before = count(db, select(func.count()).select_from(outbox).where(outbox.c.routing_key == "staff_certified"))
    path = f"/api/courses/{certification['id']}/exams"
    first = site["manager"].ok(site["manager"].post(path, {"account_id": adviser_id, "score": "88.5"}), 201)
    second = site["hr"].ok(site["hr"].post(path, {"account_id": adviser_id, "score": "99"}), 201)
    assert first["certified"] and first["score"] == "88.50" and second["passed"] and second["certified"]
    events = count(db, select(func.count()).select_from(outbox).where(outbox.c.routing_key == "staff_certified"))
    assert events == before + 1
    for reader in (site["advisors"][1], site["supervisor"], director):
        rows = reader.ok(reader.get(f"/api/projects/{site['pid']}/certifications"))
        assert [(r["account_id"], r["score"]) for r in rows] == [(adviser_id, "88.50")]


@pytest.mark.parametrize("who,status", [("developer_viewer", 403), ("other_manager", 403), ("stranger", 403)])
def test_certifications_are_for_the_projects_staff(site, who, status):
    assert site[who].get(f"/api/projects/{site['pid']}/certifications").status_code == status


def test_refused_exams_change_nothing(site, director, certification, db):
    path = f"/api/courses/{certification['id']}/exams"
    stranger_id, adviser_id = account_id(director, "trn_stranger"), account_id(director, "trn_adv1")
    before = count(db, select(func.count()).select_from(ExamResult))
    cases = [
        (site["manager"], {"account_id": stranger_id, "score": "90"}, 422, "ACCOUNT_NOT_ASSIGNED"),
        (site["manager"], {"account_id": adviser_id, "score": "101"}, 400, "VALIDATION_ERROR"),
        (site["manager"], {"account_id": adviser_id, "score": 90.0}, 400, "VALIDATION_ERROR"),
        (site["manager"], {"score": "90"}, 400, "VALIDATION_ERROR"),
        (site["supervisor"], {"account_id": adviser_id, "score": "90"}, 403, "ROLE_FORBIDDEN"),
        (site["advisors"][1], {"account_id": adviser_id, "score": "90"}, 403, "ROLE_FORBIDDEN"),
        (site["other_manager"], {"account_id": adviser_id, "score": "90"}, 403, "PROJECT_FORBIDDEN"),
    ]
    for api, body, status, code in cases:
        response = api.post(path, body)
        assert (response.status_code, response.json()["error"]) == (status, code), body
    assert site["manager"].post("/api/courses/999999/exams", {"account_id": adviser_id, "score": "90"}).status_code == 404
    assert count(db, select(func.count()).select_from(ExamResult)) == before
    rows = director.ok(director.get(f"/api/projects/{site['pid']}/certifications"))
    assert adviser_id not in [r["account_id"] for r in rows]


def test_sessions_roll_calls_and_the_monthly_report(site, director, certification):
    manager, pid = site["manager"], site["pid"]
    ids = [account_id(director, f"trn_adv{i}") for i in range(3)]
    session = manager.ok(manager.post(f"/api/courses/{certification['id']}/sessions",
                                      {"starts_at": utcnow().isoformat(), "trainer": "王老师"}), 201)
    bad = manager.post(f"/api/sessions/{session['id']}/attendance", {"account_ids": [ids[0], account_id(
        director, "trn_stranger")]})
    assert (bad.status_code, bad.json()["error"]) == (422, "ACCOUNT_NOT_ASSIGNED")
    assert site["advisors"][0].post(f"/api/sessions/{session['id']}/attendance",
                                    {"account_ids": [ids[0]]}).status_code == 403
    held = manager.ok(manager.post(f"/api/sessions/{session['id']}/attendance", {"account_ids": ids[:2]}))
    assert held["status"] == "held" and [a["account_id"] for a in held["attendance"]] == ids[:2]
    cancel = manager.post(f"/api/sessions/{session['id']}/cancel", {"reason": "改期"})
    assert (cancel.status_code, cancel.json()["error"]) == (409, "SESSION_NOT_SCHEDULED")
    report = f"/api/projects/{pid}/training-stats?month={this_month()}"
    before = manager.ok(manager.get(report))
    manager.ok(manager.post(f"/api/courses/{certification['id']}/exams", {"account_id": ids[2], "score": "60"}), 201)
    stats = manager.ok(manager.get(report))
    assert (stats["advisors"], stats["advisors_trained"], stats["coverage_percent"]) == (3, 2, "66.67")
    assert (stats["exams_taken"], stats["exams_passed"]) == (before["exams_taken"] + 1, before["exams_passed"])
    assert stats["advisors_certified"] == before["advisors_certified"]
    for query, status in (("", 400), ("?month=2025-13", 400), ("?month=2025-1", 400)):
        response = manager.get(f"/api/projects/{pid}/training-stats{query}")
        assert (response.status_code, response.json()["error"]) == (status, "VALIDATION_ERROR")
    for who in ("advisors", "supervisor", "other_manager"):
        api = site[who][0] if who == "advisors" else site[who]
        assert api.get(f"/api/projects/{pid}/training-stats?month={this_month()}").status_code == 403


def test_the_document_lists_the_training_routes(system):
    import requests
    paths = requests.get(system.url() + "/api/openapi.json", timeout=30).json()["paths"]
    assert {"/api/courses", "/api/courses/{course_id}/exams", "/api/projects/{project_id}/certifications",
            "/api/projects/{project_id}/training-stats"} <= set(paths)


def test_a_sites_sessions_are_listed_for_the_roll_call(site, director, certification):
    manager, hr, pid = site["manager"], site["hr"], site["pid"]
    adv = account_id(director, "trn_adv0")
    session = manager.ok(manager.post(f"/api/courses/{certification['id']}/sessions",
                                      {"starts_at": "2026-11-30T09:00:00+08:00", "trainer": "赵老师"}), 201)
    path = f"/api/projects/{pid}/training-sessions"
    listed = hr.ok(hr.get(path, params={"status": "scheduled"}))
    assert session["id"] in [s["id"] for s in listed] and all(s["status"] == "scheduled" for s in listed)
    hr.ok(hr.post(f"/api/sessions/{session['id']}/attendance", {"account_ids": [adv]}))
    held = next(s for s in manager.ok(manager.get(path)) if s["id"] == session["id"])
    assert (held["status"], held["trainer"], held["attendance"]) == ("held", "赵老师", [{"account_id": adv, "present": True}])
    assert session["id"] not in [s["id"] for s in hr.ok(hr.get(path, params={"status": "scheduled"}))]
    bad = hr.get(path, params={"status": "zzz"})
    assert (bad.status_code, bad.json()["error"]) == (400, "VALIDATION_ERROR")
    for who in ("supervisor", "developer_viewer", "other_manager"):
        assert site[who].get(path).status_code == 403, who
