"""考勤 attendance through the real hr entrypoints, on SQLite and PostgreSQL with the real
broker: shifts, planning and hand-editing the rota, clock in/out and its events, leave
requests and their decisions, and the monthly statistics."""
from collections import Counter
from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select

from loupan.errors import Conflict, Forbidden, Invalid, RuleViolated
from loupan.testing import db_rows, db_write
from services.hr.models import ClockEvent, LeaveRequest, RotaEntry
from services.hr.rota_rules import SHANGHAI
from services.hr.tests.conftest import actor_of

SITE, OTHER = 11, 12
MONDAY = date(2025, 1, 6)


def person(call, director, username, role, projects=(SITE,)):
    created = call("create_account", director, {"username": username, "password": "sales-office-42",
                                                "full_name": username, "role": role,
                                                "project_ids": list(projects)})
    return actor_of(created)


@pytest.fixture
def site(call, director):
    people = {"director": director}
    people["manager"] = person(call, director, "mgr", "manager")
    people["supervisor"] = person(call, director, "sup", "supervisor")
    for i in range(1, 6):
        people[f"adv{i}"] = person(call, director, f"adv{i}", "advisor")
    people["hr"] = person(call, director, "hr1", "hr")
    people["outsider"] = person(call, director, "adv_other", "advisor", (OTHER,))
    people["other_sup"] = person(call, director, "sup_other", "supervisor", (OTHER,))
    shifts = [call("create_shift", people["manager"], SITE, {"name": "早班", "starts": "09:00", "ends": "17:00",
                                                            "min_staff": 2}),
              call("create_shift", people["manager"], SITE, {"name": "晚班", "starts": "13:00", "ends": "21:00",
                                                            "min_staff": 1})]
    people["shifts"] = shifts
    return people



def rota_count(config):
    return db_rows(config, select(func.count()).select_from(RotaEntry))[0][0]


def test_shifts_are_listed_by_start(call, site):
    listed = call("list_shifts", site["adv1"], SITE)
    assert [(s["name"], s["starts"], s["min_staff"]) for s in listed] == [("早班", "09:00:00", 2), ("晚班", "13:00:00", 1)]


@pytest.mark.parametrize("who,data,error,code", [
    ("adv1", {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 1}, Forbidden, "ROLE_FORBIDDEN"),
    ("other_sup", {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 1}, Forbidden, "PROJECT_FORBIDDEN"),
    ("manager", {"name": "早班", "starts": "08:00", "ends": "12:00", "min_staff": 1}, Conflict, "SHIFT_EXISTS"),
    ("manager", {"name": "夜班", "starts": "21:00", "ends": "21:00", "min_staff": 1}, Invalid, "VALIDATION_ERROR"),
    ("manager", {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 0}, Invalid, "VALIDATION_ERROR"),
])
def test_bad_shifts_are_refused(call, site, who, data, error, code):
    with pytest.raises(error) as err:
        call("create_shift", site[who], SITE, data)
    assert err.value.code == code
    assert len(call("list_shifts", site["manager"], SITE)) == 2


def test_a_planned_week_covers_every_shift_and_is_replaced_by_a_new_plan(call, site, hr_config):
    rota = call("plan_rota", site["supervisor"], SITE, {"week_start": MONDAY.isoformat()})
    entries = rota["entries"]
    staff = {site[k]["account_id"] for k in ("supervisor", "adv1", "adv2", "adv3", "adv4", "adv5")}
    assert {e["account_id"] for e in entries} == staff and len(entries) == 42
    assert Counter(e["account_id"] for e in entries if e["rest"]) == {p: 1 for p in staff}
    by_day = {}
    for e in entries:
        by_day.setdefault(e["day"], []).append(e)
    for day, rows in by_day.items():
        assert sum(e["duty"] for e in rows) == 1
        assert sum(e["shift_name"] == "早班" for e in rows) >= 2 and sum(e["shift_name"] == "晚班" for e in rows) >= 1
    call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat(), "rest_days_per_person": 2})
    again = call("get_rota", site["adv1"], SITE, {"week_start": MONDAY.isoformat()})["entries"]
    assert len(again) == 42 and sum(e["rest"] for e in again) == 12 and rota_count(hr_config) == 42


def test_next_week_gives_no_weekend_rest_to_last_weekends_resters(call, site):
    first = call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})["entries"]
    weekend = {e["account_id"] for e in first if e["rest"] and date.fromisoformat(e["day"]).weekday() >= 5}
    assert weekend
    second = call("plan_rota", site["manager"], SITE, {"week_start": (MONDAY + timedelta(days=7)).isoformat()})
    again = {e["account_id"] for e in second["entries"] if e["rest"] and date.fromisoformat(e["day"]).weekday() >= 5}
    assert not weekend & again


@pytest.mark.parametrize("who,week_start,error,code", [
    ("adv1", MONDAY, Forbidden, "ROLE_FORBIDDEN"),
    ("other_sup", MONDAY, Forbidden, "PROJECT_FORBIDDEN"),
    ("manager", MONDAY + timedelta(days=2), Invalid, "NOT_A_MONDAY"),
])
def test_planning_is_for_planners_of_the_site(call, site, hr_config, who, week_start, error, code):
    with pytest.raises(error) as err:
        call("plan_rota", site[who], SITE, {"week_start": week_start.isoformat()})
    assert err.value.code == code and rota_count(hr_config) == 0


def test_a_week_the_staff_cannot_cover_is_refused_and_nothing_is_stored(call, site, hr_config):
    call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})
    call("create_shift", site["manager"], SITE, {"name": "夜班", "starts": "21:00", "ends": "23:00", "min_staff": 3})
    with pytest.raises(RuleViolated) as err:
        call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})
    assert err.value.code == "ROTA_NOT_COVERABLE" and rota_count(hr_config) == 42


def test_a_hand_edit_is_checked_against_the_rota_rules(call, site, hr_config):
    entries = call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})["entries"]
    monday = [e for e in entries if e["day"] == MONDAY.isoformat()]
    rows = [{"account_id": e["account_id"], "shift_id": e["shift_id"], "rest": e["rest"], "duty": e["duty"]}
            for e in monday]
    late = next(r for r in rows if r["shift_id"] == site["shifts"][1]["id"])
    late["duty"], next(r for r in rows if r["duty"] and r is not late)["duty"] = True, False
    edited = call("set_rota_day", site["supervisor"], SITE, MONDAY.isoformat(), {"entries": rows})
    after = [e for e in edited["entries"] if e["day"] == MONDAY.isoformat()]
    assert [e["account_id"] for e in after if e["duty"]] == [late["account_id"]]
    resting = next(r for r in rows if r["rest"])
    bad = [dict(r, shift_id=site["shifts"][0]["id"]) if r is resting else r for r in rows]
    with pytest.raises(RuleViolated) as err:
        call("set_rota_day", site["supervisor"], SITE, MONDAY.isoformat(), {"entries": bad})
    assert err.value.code == "ROTA_INVALID" and "rests but is on a shift" in err.value.message
    assert call("get_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})["entries"] == edited["entries"]


def test_clocking_in_and_out_publishes_the_facts(call, site, event_sink):
    sink = event_sink("hr")
    adv = site["adv1"]
    clocked = call("clock", adv, SITE, {"kind": "in"})
    assert clocked["kind"] == "in" and clocked["account_id"] == adv["account_id"]
    with pytest.raises(Conflict) as err:
        call("clock", adv, SITE, {"kind": "in"})
    assert err.value.code == "ALREADY_CLOCKED_IN"
    call("clock", adv, SITE, {"kind": "out"})
    with pytest.raises(Conflict) as err:
        call("clock", adv, SITE, {"kind": "out"})
    assert err.value.code == "NOT_CLOCKED_IN"
    ins, outs = sink.wait_for("staff_clocked_in"), sink.wait_for("staff_clocked_out")
    assert len(ins) == 1 and len(outs) == 1
    assert ins[0]["payload"] == {"account_id": adv["account_id"], "project_id": SITE, "at": clocked["at"]}
    assert ins[0]["project_id"] == SITE and ins[0]["actor"]["account_id"] == adv["account_id"]


@pytest.mark.parametrize("who,code", [("director", "NOT_ASSIGNED"), ("outsider", "PROJECT_FORBIDDEN")])
def test_only_staff_assigned_to_the_site_clock_in_there(call, site, hr_config, who, code):
    with pytest.raises(Forbidden) as err:
        call("clock", site[who], SITE, {"kind": "in"})
    assert err.value.code == code
    assert db_rows(hr_config, select(func.count()).select_from(ClockEvent))[0][0] == 0


def leave(call, actor, start, end, kind="annual"):
    return call("request_leave", actor, {"kind": kind, "start_on": start.isoformat(), "end_on": end.isoformat(),
                                         "reason": "家里有事"})


def test_an_approved_leave_is_decided_once_and_published(call, site, event_sink):
    sink = event_sink("hr")
    asked = leave(call, site["adv2"], MONDAY, MONDAY + timedelta(days=2))
    assert asked["status"] == "pending" and asked["project_ids"] == [SITE]
    approved = call("approve_leave", site["supervisor"], asked["id"], {"note": "同意"})
    assert approved["status"] == "approved" and approved["decided_by"] == site["supervisor"]["account_id"]
    assert approved["decision_note"] == "同意" and approved["decided_at"]
    for method in ("approve_leave", "reject_leave"):
        with pytest.raises(Conflict) as err:
            call(method, site["manager"], asked["id"], {})
        assert err.value.code == "LEAVE_NOT_PENDING"
    event = sink.wait_for("staff_leave_approved")[0]
    assert event["payload"] == {"account_id": site["adv2"]["account_id"], "project_ids": [SITE],
                                "start_on": "2025-01-06", "end_on": "2025-01-08", "kind": "annual"}


@pytest.mark.parametrize("who,code", [("adv1", "ROLE_FORBIDDEN"), ("other_sup", "PROJECT_FORBIDDEN"),
                                      ("adv2", "ROLE_FORBIDDEN")])
def test_leave_is_decided_by_the_sites_supervisors_and_managers(call, site, hr_config, who, code):
    asked = leave(call, site["adv2"], MONDAY, MONDAY)
    with pytest.raises(Forbidden) as err:
        call("approve_leave", site[who], asked["id"], {})
    assert err.value.code == code
    assert db_rows(hr_config, select(LeaveRequest.status))[0][0] == "pending"


def test_nobody_decides_their_own_leave_and_a_rejection_keeps_why(call, site):
    asked = leave(call, site["supervisor"], MONDAY, MONDAY, kind="sick")
    with pytest.raises(Forbidden) as err:
        call("approve_leave", site["supervisor"], asked["id"], {})
    assert err.value.code == "OWN_LEAVE"
    rejected = call("reject_leave", site["manager"], asked["id"], {"note": "开盘期间"})
    assert (rejected["status"], rejected["decision_note"]) == ("rejected", "开盘期间")


def test_bad_leave_requests_are_invalid(call, site):
    with pytest.raises(Invalid):
        leave(call, site["adv1"], MONDAY, MONDAY - timedelta(days=1))
    with pytest.raises(Invalid) as err:
        leave(call, site["director"], MONDAY, MONDAY)
    assert err.value.code == "NO_PROJECTS"


def shanghai(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(timezone.utc)


def test_monthly_statistics_count_late_early_absent_and_leave(call, site, hr_config):
    entries = call("plan_rota", site["manager"], SITE, {"week_start": MONDAY.isoformat()})["entries"]
    shift_hours = {s["id"]: (int(s["starts"][:2]), int(s["ends"][:2])) for s in site["shifts"]}
    adv1, adv2, adv3 = (site[k]["account_id"] for k in ("adv1", "adv2", "adv3"))
    clocks = []
    for e in entries:
        if e["rest"] or e["account_id"] not in (adv1, adv2):
            continue
        day = date.fromisoformat(e["day"])
        starts, ends = shift_hours[e["shift_id"]]
        # adv1 keeps time; adv2 comes 10 minutes late on Monday and Tuesday and leaves an hour early
        late = e["account_id"] == adv2 and day.weekday() < 2
        clock_in = shanghai(day, starts, 10) if late else shanghai(day, starts - 1, 55)
        clock_out = shanghai(day, ends - 1) if e["account_id"] == adv2 else shanghai(day, ends)
        clocks += [{"account_id": e["account_id"], "kind": "in", "at": clock_in},
                   {"account_id": e["account_id"], "kind": "out", "at": clock_out}]
    db_write(hr_config, insert(ClockEvent).values([dict(c, agency_id=site["director"]["agency_id"], project_id=SITE)
                                                  for c in clocks]))
    approved = leave(call, site["adv3"], MONDAY, MONDAY + timedelta(days=6))
    call("approve_leave", site["manager"], approved["id"], {})
    stats = {p["account_id"]: p for p in call("attendance_stats", site["hr"], SITE, {"month": "2025-01"})["people"]}
    assert stats[adv1] == {"account_id": adv1, "full_name": "adv1", "scheduled": 6, "present": 6, "late": 0,
                           "early_leave": 0, "absent": 0, "leave_days": 0}
    working_mon_tue = sum(1 for e in entries if e["account_id"] == adv2 and not e["rest"]
                          and date.fromisoformat(e["day"]).weekday() < 2)
    assert stats[adv2]["late"] == working_mon_tue and stats[adv2]["early_leave"] == 6
    assert (stats[adv2]["present"], stats[adv2]["absent"]) == (6, 0)
    assert (stats[adv3]["scheduled"], stats[adv3]["absent"], stats[adv3]["leave_days"]) == (0, 0, 6)
    adv4 = stats[site["adv4"]["account_id"]]
    assert (adv4["scheduled"], adv4["present"], adv4["absent"]) == (6, 0, 6)
    for who in ("adv1", "supervisor"):
        with pytest.raises(Forbidden):
            call("attendance_stats", site[who], SITE, {"month": "2025-01"})
    with pytest.raises(Invalid):
        call("attendance_stats", site["hr"], SITE, {"month": "2025-13"})
