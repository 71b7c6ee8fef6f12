"""考勤 attendance over HTTP as a front-end meets it: shifts, the weekly rota, clock in/out,
leave requests and statistics, with the role checks (403), bad input (400), rule breaks
(422) and conflicts (409) changing nothing."""
import pytest

from tests.api import make_project
from tests.conftest import staff

MONDAY = "2030-01-07"


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "考勤花园", units=1)
    other, _ = make_project(director, "考勤别院", units=1)
    pid = project["id"]
    people = {"pid": pid, "director": director,
              "manager": staff(system, director, "att_mgr", "manager", [pid]),
              "supervisor": staff(system, director, "att_sup", "supervisor", [pid]),
              "hr": staff(system, director, "att_hr", "hr", [pid]),
              "outsider": staff(system, director, "att_out", "advisor", [other["id"]])}
    for i in range(1, 4):
        people[f"adv{i}"] = staff(system, director, f"att_adv{i}", "advisor", [pid])
    manager = people["manager"]
    people["shifts"] = [
        manager.ok(manager.post(f"/api/projects/{pid}/shifts",
                                {"name": "早班", "starts": "09:00", "ends": "17:00", "min_staff": 1}), 201),
        manager.ok(manager.post(f"/api/projects/{pid}/shifts",
                                {"name": "晚班", "starts": "13:00", "ends": "21:00", "min_staff": 1}), 201)]
    manager.ok(manager.post(f"/api/projects/{pid}/rota/plan", {"week_start": MONDAY}))
    return people


def rota(site):
    return site["manager"].ok(site["manager"].get(f"/api/projects/{site['pid']}/rota",
                                                  params={"week_start": MONDAY}))


def test_the_planned_week_is_readable_by_the_sites_staff(site):
    week = site["adv1"].ok(site["adv1"].get(f"/api/projects/{site['pid']}/rota", params={"week_start": MONDAY}))
    assert len(week["entries"]) == 28 and sum(e["rest"] for e in week["entries"]) == 4
    assert sum(e["duty"] for e in week["entries"]) == 7
    names = site["adv1"].ok(site["adv1"].get(f"/api/projects/{site['pid']}/shifts"))
    assert [s["name"] for s in names] == ["早班", "晚班"]


@pytest.mark.parametrize("who,body,status,error", [
    ("adv1", {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 1}, 403, "ROLE_FORBIDDEN"),
    ("outsider", {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 1}, 403, "ROLE_FORBIDDEN"),
    ("manager", {"name": "夜班", "starts": "9am", "ends": "23:00", "min_staff": 1}, 400, "VALIDATION_ERROR"),
    ("manager", {"name": "早班", "starts": "08:00", "ends": "12:00", "min_staff": 1}, 409, "SHIFT_EXISTS"),
])
def test_bad_shifts_change_nothing(site, who, body, status, error):
    response = site[who].post(f"/api/projects/{site['pid']}/shifts", body)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert len(site["manager"].ok(site["manager"].get(f"/api/projects/{site['pid']}/shifts"))) == 2


@pytest.mark.parametrize("who,body,status,error", [
    ("adv1", {"week_start": MONDAY}, 403, "ROLE_FORBIDDEN"),
    ("manager", {"week_start": "2030-01-08"}, 400, "NOT_A_MONDAY"),
    ("manager", {"week_start": "next week"}, 400, "VALIDATION_ERROR"),
    ("supervisor", {"week_start": MONDAY, "rest_days_per_person": 6}, 422, "ROTA_NOT_COVERABLE"),
])
def test_bad_plans_change_nothing(site, who, body, status, error):
    before = rota(site)
    response = site[who].post(f"/api/projects/{site['pid']}/rota/plan", body)
    assert (response.status_code, response.json()["error"]) == (status, error)
    assert rota(site) == before


def day_rows(site, day=MONDAY):
    return [{"account_id": e["account_id"], "shift_id": e["shift_id"], "rest": e["rest"], "duty": e["duty"]}
            for e in rota(site)["entries"] if e["day"] == day]


def test_a_hand_edit_breaking_the_rules_is_422_and_changes_nothing(site):
    before = rota(site)
    rows = [dict(r, rest=False, shift_id=site["shifts"][0]["id"]) if r["rest"] else r for r in day_rows(site)]
    response = site["supervisor"].put(f"/api/projects/{site['pid']}/rota/{MONDAY}", {"entries": rows})
    assert response.status_code == 422 and response.json()["error"] == "ROTA_INVALID"
    assert "rests 0 day(s)" in response.json()["message"]
    for path, status in ((f"/api/projects/{site['pid']}/rota/2030-02-30", 400),
                         (f"/api/projects/{site['pid']}/rota/{MONDAY}", 403)):
        who = site["supervisor"] if status == 400 else site["adv1"]
        assert who.put(path, {"entries": day_rows(site)}).status_code == status
    assert rota(site) == before


def test_a_valid_hand_edit_moves_the_duty(site):
    rows = day_rows(site, "2030-01-08")
    on_duty = next(r for r in rows if r["duty"])
    other = next(r for r in rows if not r["rest"] and not r["duty"])
    on_duty["duty"], other["duty"] = False, True
    edited = site["manager"].ok(site["manager"].put(f"/api/projects/{site['pid']}/rota/2030-01-08",
                                    {"entries": rows}))
    assert [e["account_id"] for e in edited["entries"] if e["day"] == "2030-01-08" and e["duty"]] == \
        [other["account_id"]]


def test_staff_clock_themselves_in_and_out(site):
    adv = site["adv2"]
    path = f"/api/projects/{site['pid']}/clock"
    clocked = adv.ok(adv.post(path, {"kind": "in"}), 201)
    assert clocked["kind"] == "in"
    again = adv.post(path, {"kind": "in"})
    assert (again.status_code, again.json()["error"]) == (409, "ALREADY_CLOCKED_IN")
    adv.ok(adv.post(path, {"kind": "out"}), 201)
    for who, body, status, error in (("director", {"kind": "in"}, 403, "NOT_ASSIGNED"),
                                     ("outsider", {"kind": "in"}, 403, "PROJECT_FORBIDDEN"),
                                     ("adv3", {"kind": "lunch"}, 400, "VALIDATION_ERROR")):
        response = site[who].post(path, body)
        assert (response.status_code, response.json()["error"]) == (status, error)
    after = site["adv3"].post(path, {"kind": "out"})
    assert (after.status_code, after.json()["error"]) == (409, "NOT_CLOCKED_IN")


def test_leave_is_asked_for_and_decided_once(site):
    adv = site["adv1"]
    bad = adv.post("/api/leave-requests", {"kind": "annual", "start_on": "2030-01-10", "end_on": "2030-01-09",
                                           "reason": "回老家"})
    assert bad.status_code == 400
    asked = adv.ok(adv.post("/api/leave-requests", {"kind": "annual", "start_on": "2030-01-09",
                                                    "end_on": "2030-01-10", "reason": "回老家"}), 201)
    assert asked["status"] == "pending" and asked["project_ids"] == [site["pid"]]
    path = f"/api/leave-requests/{asked['id']}"
    for who in ("adv2", "hr"):
        assert site[who].post(f"{path}/approve", {}).status_code == 403
    approved = site["supervisor"].ok(site["supervisor"].post(f"{path}/approve", {"note": "同意"}))
    assert approved["status"] == "approved" and approved["decision_note"] == "同意"
    again = site["manager"].post(f"{path}/reject", {})
    assert (again.status_code, again.json()["error"]) == (409, "LEAVE_NOT_PENDING")
    missing = site["manager"].post("/api/leave-requests/999999/approve", {})
    assert missing.status_code == 404


def test_statistics_are_for_hr_and_managers(site):
    pid = site["pid"]
    stats = site["hr"].ok(site["hr"].get(f"/api/projects/{pid}/attendance-stats", params={"month": "2030-01"}))
    people = {p["full_name"]: p for p in stats["people"]}
    assert set(people) == {"att_sup", "att_adv1", "att_adv2", "att_adv3"}
    assert people["att_adv1"]["leave_days"] == 2 - sum(
        1 for e in rota(site)["entries"] if e["full_name"] == "att_adv1" and e["rest"]
        and e["day"] in ("2030-01-09", "2030-01-10"))
    assert all(p["absent"] == 0 for p in people.values())  # 2030 has not happened yet
    for who, params, status in (("adv1", {"month": "2030-01"}, 403), ("supervisor", {"month": "2030-01"}, 403),
                                ("manager", {"month": "2030-1"}, 400), ("manager", {}, 400)):
        assert site[who].get(f"/api/projects/{pid}/attendance-stats", params=params).status_code == status


def test_nobody_is_planned_or_scored_before_joining_and_assistants_are_planned(system, director):
    """排班 over a site with an assistant and an advisor joining on Thursday: the assistant is
    planned every day, the newcomer from Thursday on; the month before the newcomer joined
    has no scorecard of theirs (doing nothing there is worth no points)."""
    project, _ = make_project(director, "入职花园", units=1)
    pid = project["id"]
    supervisor = staff(system, director, "att_join_sup", "supervisor", [pid])
    staff(system, director, "att_join_asst", "assistant", [pid])
    newcomer = director.ok(director.post("/api/staff", {
        "username": "att_join_new", "password": "sales-office-42", "full_name": "新人", "role": "advisor",
        "project_ids": [pid], "joined_on": "2030-01-10"}), 201)
    supervisor.ok(supervisor.post(f"/api/projects/{pid}/shifts",
                                  {"name": "全天", "starts": "09:00", "ends": "18:00", "min_staff": 1}), 201)
    week = supervisor.ok(supervisor.post(f"/api/projects/{pid}/rota/plan", {"week_start": MONDAY}))["entries"]
    ids = {e["full_name"]: e["account_id"] for e in week}
    days = {name: sorted(e["day"] for e in week if e["account_id"] == ids[name]) for name in ids}
    assert len(days["att_join_asst"]) == 7 and len(days["att_join_sup"]) == 7
    assert days["新人"] == ["2030-01-10", "2030-01-11", "2030-01-12", "2030-01-13"]

    before = director.ok(director.get(f"/api/projects/{pid}/scorecards", params={"month": "2029-12"}))
    assert newcomer["id"] not in [c["account_id"] for c in before["cards"]]
    joined = director.ok(director.get(f"/api/projects/{pid}/scorecards", params={"month": "2030-01"}))
    assert newcomer["id"] in [c["account_id"] for c in joined["cards"]]
