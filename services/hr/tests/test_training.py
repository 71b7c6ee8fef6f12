"""培训 training through the real hr entrypoints, on SQLite and PostgreSQL with the real
broker: courses, sessions and roll calls, exams, the pre-job certification (上岗考核) and its
`staff_certified` event, and the monthly coverage and pass-rate report."""
import json

import pytest
from sqlalchemy import create_engine, func, select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.types import utcnow
from services.hr.models import Certification, ExamResult, outbox
from services.hr.tests.conftest import actor_of, make_director
from services.hr.training_rules import SHANGHAI

SITE, OTHER_SITE = 11, 12


def person(call, director, username, role="advisor", project_ids=(SITE,)):
    account = call("create_account", director, {"username": username, "password": "sales-office-42",
                                                "full_name": username, "role": role,
                                                "project_ids": list(project_ids)})
    return actor_of(account)


def count(config, statement):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(statement).scalar_one()
    finally:
        engine.dispose()


def certified_events(config):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            bodies = conn.execute(select(outbox.c.body).where(outbox.c.routing_key == "staff_certified")).scalars()
            return [json.loads(b) for b in bodies]
    finally:
        engine.dispose()


def this_month():
    return utcnow().astimezone(SHANGHAI).strftime("%Y-%m")


@pytest.fixture
def certification(call, director):
    return call("create_course", director, {"title": "一号项目上岗考核", "kind": "sales_qa", "project_id": SITE,
                                            "is_certification": True})


def test_courses_keep_their_kind_and_pass_mark(call, director, certification):
    culture = call("create_course", director, {"title": "企业文化", "kind": "culture", "pass_score": "60"})
    assert culture["project_id"] is None and culture["pass_score"] == "60.00" and culture["kind_name"] == "企业文化"
    assert culture["is_certification"] is False
    assert certification["pass_score"] == "80.00" and certification["kind_name"] == "销售百问"
    assert [c["id"] for c in call("list_courses", director)] == [certification["id"], culture["id"]]


@pytest.mark.parametrize("data", [
    {"title": "上岗考核", "kind": "pitch", "is_certification": True},
    {"title": "x", "kind": "dance"},
    {"title": "  ", "kind": "pitch"},
    {"title": "x", "kind": "pitch", "pass_score": "101"},
    {"title": "x", "kind": "pitch", "pass_score": 80.5},
])
def test_bad_courses_are_invalid(call, director, data):
    with pytest.raises(Invalid) as err:
        call("create_course", director, data)
    assert err.value.code == "VALIDATION_ERROR"
    assert call("list_courses", director) == []


def test_a_manager_makes_courses_of_its_own_projects_only(call, director):
    manager = person(call, director, "mgr", "manager")
    mine = call("create_course", manager, {"title": "项目说辞", "kind": "pitch", "project_id": SITE})
    assert mine["created_by"] == manager["account_id"]
    with pytest.raises(Forbidden) as err:
        call("create_course", manager, {"title": "企业文化", "kind": "culture"})
    assert err.value.code == "ROLE_FORBIDDEN"
    with pytest.raises(Forbidden) as err:
        call("create_course", manager, {"title": "沙盘", "kind": "sand_table", "project_id": OTHER_SITE})
    assert err.value.code == "PROJECT_FORBIDDEN"
    with pytest.raises(Forbidden):
        call("create_course", person(call, director, "adv"), {"title": "x", "kind": "pitch", "project_id": SITE})
    other = call("create_course", director, {"title": "沙盘", "kind": "sand_table", "project_id": OTHER_SITE})
    culture = call("create_course", director, {"title": "企业文化", "kind": "culture"})
    assert [c["id"] for c in call("list_courses", manager)] == [mine["id"], culture["id"]]
    assert [c["id"] for c in call("list_courses", director, {"project_id": OTHER_SITE})] == [other["id"], culture["id"]]


def test_two_passes_certify_once_and_publish_staff_certified_once(call, director, certification, hr_config,
                                                                  event_sink):
    sink = event_sink("hr")
    advisor = person(call, director, "adv1")
    first = call("record_exam", director, certification["id"], {"account_id": advisor["account_id"], "score": "85"})
    assert (first["passed"], first["certified"], first["score"], first["project_id"]) == (True, True, "85.00", SITE)
    second = call("record_exam", director, certification["id"], {"account_id": advisor["account_id"], "score": "95"})
    assert second["passed"] and second["certified"] and second["id"] != first["id"]
    [event] = sink.wait_for("staff_certified")
    today = utcnow().astimezone(SHANGHAI).date().isoformat()
    assert event["payload"] == {"account_id": advisor["account_id"], "project_id": SITE, "score": "85.00",
                                "certified_on": today}
    assert (event["agency_id"], event["project_id"], event["actor"]["account_id"]) == (
        director["agency_id"], SITE, director["account_id"])
    assert len(certified_events(hr_config)) == 1
    [held] = call("list_certifications", advisor, SITE)
    assert (held["account_id"], held["score"], held["certified_on"], held["full_name"]) == (
        advisor["account_id"], "85.00", today, "adv1")
    assert count(hr_config, select(func.count()).select_from(ExamResult)) == 2


def test_a_failed_exam_does_not_certify(call, director, certification, hr_config):
    advisor = person(call, director, "adv1")
    result = call("record_exam", director, certification["id"], {"account_id": advisor["account_id"], "score": "79.99"})
    assert (result["passed"], result["certified"]) == (False, False)
    assert call("list_certifications", director, SITE) == [] and certified_events(hr_config) == []


def test_passing_an_ordinary_course_does_not_certify(call, director, hr_config):
    pitch = call("create_course", director, {"title": "项目说辞", "kind": "pitch", "project_id": SITE})
    advisor = person(call, director, "adv1")
    result = call("record_exam", director, pitch["id"], {"account_id": advisor["account_id"], "score": "100"})
    assert (result["passed"], result["certified"]) == (True, False)
    assert certified_events(hr_config) == []


def test_only_staff_assigned_to_the_project_is_examined(call, director, certification, hr_config):
    elsewhere = person(call, director, "adv2", project_ids=[OTHER_SITE])
    with pytest.raises(RuleViolated) as err:
        call("record_exam", director, certification["id"], {"account_id": elsewhere["account_id"], "score": "90"})
    assert err.value.code == "ACCOUNT_NOT_ASSIGNED"
    with pytest.raises(NotFound):
        call("record_exam", director, certification["id"], {"account_id": 9999, "score": "90"})
    assert count(hr_config, select(func.count()).select_from(ExamResult)) == 0
    assert count(hr_config, select(func.count()).select_from(Certification)) == 0


def test_an_agency_wide_course_is_examined_for_a_named_project(call, director):
    culture = call("create_course", director, {"title": "企业文化", "kind": "culture"})
    advisor = person(call, director, "adv1")
    with pytest.raises(Invalid) as err:
        call("record_exam", director, culture["id"], {"account_id": advisor["account_id"], "score": "90"})
    assert err.value.code == "PROJECT_REQUIRED"
    result = call("record_exam", director, culture["id"],
                  {"account_id": advisor["account_id"], "score": "90", "project_id": SITE})
    assert result["project_id"] == SITE and result["certified"] is False


def test_a_manager_grades_its_own_projects_only(call, director):
    manager = person(call, director, "mgr", "manager", [OTHER_SITE])
    course = call("create_course", director, {"title": "上岗考核", "kind": "pitch", "project_id": SITE,
                                              "is_certification": True})
    advisor = person(call, director, "adv1")
    with pytest.raises(Forbidden):
        call("record_exam", manager, course["id"], {"account_id": advisor["account_id"], "score": "90"})
    with pytest.raises(Forbidden):
        call("record_exam", advisor, course["id"], {"account_id": advisor["account_id"], "score": "90"})


def test_another_agencys_course_is_not_found(call, director, certification, hr_config):
    stranger = make_director(hr_config, agency="别家代理", username="boss2")
    with pytest.raises(NotFound) as err:
        call("record_exam", stranger, certification["id"], {"account_id": stranger["account_id"], "score": "90"})
    assert err.value.code == "COURSE_NOT_FOUND"
    assert call("list_courses", stranger) == []


def test_a_roll_call_holds_the_session_and_a_cancelled_one_takes_none(call, director, certification):
    a, b = person(call, director, "adv1"), person(call, director, "adv2")
    session = call("create_training_session", director, certification["id"],
                   {"starts_at": utcnow().isoformat(), "trainer": "李老师"})
    assert (session["status"], session["project_id"], session["attendance"]) == ("scheduled", SITE, [])
    held = call("record_training_attendance", director, session["id"],
                {"account_ids": [a["account_id"], b["account_id"]]})
    assert held["status"] == "held" and held["status_changed_by"] == director["account_id"]
    again = call("record_training_attendance", director, session["id"], {"account_ids": [b["account_id"]],
                                                                         "present": False})
    assert again["attendance"] == [{"account_id": a["account_id"], "present": True},
                                   {"account_id": b["account_id"], "present": False}]
    with pytest.raises(Conflict) as err:
        call("cancel_training_session", director, session["id"], {"reason": "讲师请假"})
    assert err.value.code == "SESSION_NOT_SCHEDULED"
    later = call("create_training_session", director, certification["id"],
                 {"starts_at": utcnow().isoformat(), "trainer": "李老师"})
    cancelled = call("cancel_training_session", director, later["id"], {"reason": "讲师请假"})
    assert (cancelled["status"], cancelled["status_reason"]) == ("cancelled", "讲师请假")
    with pytest.raises(Conflict) as err:
        call("record_training_attendance", director, later["id"], {"account_ids": [a["account_id"]]})
    assert err.value.code == "SESSION_CANCELLED"


def test_a_sites_sessions_are_listed_newest_first_with_their_roll_calls(call, director, certification):
    """The desk schedules a session one day and calls the roll another: it lists them."""
    a = person(call, director, "adv1")
    manager = person(call, director, "mgr1", role="manager")
    stranger = person(call, director, "mgr2", role="manager", project_ids=[OTHER_SITE])
    earlier = call("create_training_session", director, certification["id"],
                   {"starts_at": "2026-11-02T09:00:00+08:00", "trainer": "李老师"})
    later = call("create_training_session", director, certification["id"],
                 {"starts_at": "2026-11-09T09:00:00+08:00", "trainer": "王老师"})
    call("record_training_attendance", director, earlier["id"], {"account_ids": [a["account_id"]]})
    listed = call("list_training_sessions", manager, SITE)
    assert [s["id"] for s in listed] == [later["id"], earlier["id"]]
    assert listed[1]["status"] == "held" and listed[1]["attendance"] == [{"account_id": a["account_id"], "present": True}]
    assert [s["id"] for s in call("list_training_sessions", manager, SITE, {"status": "scheduled"})] == [later["id"]]
    assert call("list_training_sessions", director, OTHER_SITE) == []
    with pytest.raises(Invalid) as err:
        call("list_training_sessions", manager, SITE, {"status": "zzz"})
    assert err.value.code == "VALIDATION_ERROR"
    for who in (a, stranger):  # an advisor does not run training; another site's manager does not see it
        with pytest.raises(Forbidden):
            call("list_training_sessions", who, SITE)


def test_a_roll_call_with_someone_from_another_site_changes_nothing(call, director, certification):
    a, stranger = person(call, director, "adv1"), person(call, director, "adv2", project_ids=[OTHER_SITE])
    session = call("create_training_session", director, certification["id"],
                   {"starts_at": utcnow().isoformat(), "trainer": "李老师"})
    with pytest.raises(RuleViolated):
        call("record_training_attendance", director, session["id"],
             {"account_ids": [a["account_id"], stranger["account_id"]]})
    with pytest.raises(Invalid):
        call("record_training_attendance", director, session["id"], {"account_ids": []})
    unchanged = call("cancel_training_session", director, session["id"], {"reason": "改期"})
    assert unchanged["attendance"] == []


def test_coverage_and_pass_rate_of_the_month(call, director, certification):
    a, b, c = (person(call, director, f"adv{i}") for i in (1, 2, 3))
    person(call, director, "sup", "supervisor")
    person(call, director, "adv_elsewhere", project_ids=[OTHER_SITE])
    session = call("create_training_session", director, certification["id"],
                   {"starts_at": utcnow().isoformat(), "trainer": "李老师"})
    call("record_training_attendance", director, session["id"], {"account_ids": [a["account_id"], b["account_id"]]})
    call("record_training_attendance", director, session["id"], {"account_ids": [c["account_id"]], "present": False})
    pitch = call("create_course", director, {"title": "项目说辞", "kind": "pitch", "project_id": SITE})
    for who, course, score in ((a, certification, "90"), (b, certification, "70"), (c, certification, "80"),
                               (a, pitch, "50")):
        call("record_exam", director, course["id"], {"account_id": who["account_id"], "score": score})
    stats = call("training_stats", director, SITE, {"month": this_month()})
    assert stats == {
        "project_id": SITE, "month": this_month(), "advisors": 3, "advisors_trained": 2,
        "coverage_percent": "66.67", "advisors_certified": 2, "exams_taken": 4, "exams_passed": 2,
        "pass_rate_percent": "50.00",
        "courses": [
            {"course_id": certification["id"], "title": "一号项目上岗考核", "kind": "sales_qa", "exams_taken": 3,
             "exams_passed": 2, "pass_rate_percent": "66.67"},
            {"course_id": pitch["id"], "title": "项目说辞", "kind": "pitch", "exams_taken": 1, "exams_passed": 0,
             "pass_rate_percent": "0.00"},
        ],
    }
    empty = call("training_stats", director, SITE, {"month": "2000-01"})
    assert (empty["advisors_trained"], empty["coverage_percent"], empty["exams_taken"],
            empty["pass_rate_percent"], empty["courses"]) == (0, "0.00", 0, None, [])
    with pytest.raises(Invalid):
        call("training_stats", director, SITE, {"month": "2025-13"})
