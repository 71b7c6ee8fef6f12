"""销控 control over HTTP on PostgreSQL: locks, scheduled releases (推盘), hold rules,
slow movers and the daily reconciliation, with their roles, 4xx answers and "nothing
changed" checks."""
import time
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import create_engine, insert, select, update

from loupan.types import utcnow
from services.inventory.models import ReleaseSchedule, Unit, UnitHistory
from services.inventory.reports import SHANGHAI, day_bounds
from tests.api import make_project, unit_rows
from tests.conftest import staff

BUYER = {"customer_name": "李四", "customer_phone": "13812345678"}


@pytest.fixture(scope="module")
def site(system, director):
    """A project with every role assigned to it, and a manager of another project."""
    project, units = make_project(director, "销控一号", units=12)
    other, other_units = make_project(director, "销控二号", units=2)
    people = {role: staff(system, director, f"ctl_{role}", role, [project["id"]])
              for role in ("manager", "supervisor", "advisor", "assistant", "finance", "developer_viewer")}
    people["other_manager"] = staff(system, director, "ctl_other_mgr", "manager", [other["id"]])
    return {"project": project, "pid": project["id"], "units": units, "other": other,
            "other_units": other_units, **people}


@pytest.fixture(scope="module")
def db(system):
    engine = create_engine(system.urls["inventory"])
    yield engine
    engine.dispose()


def patch(api, path, body):
    return api.session.patch(api.base_url + path, json=body, headers=api.headers(), timeout=30)


def statuses(api, pid):
    page = api.ok(api.get(f"/api/projects/{pid}/units"))
    return {u["id"]: u["status"] for u in page["items"]}


def soon():
    return (utcnow() + timedelta(minutes=10)).isoformat()


# locks ------------------------------------------------------------------------------------
def test_a_manager_locks_and_unlocks_units(site):
    manager, pid, ids = site["manager"], site["pid"], site["units"][:2]
    locked = manager.ok(manager.post(f"/api/projects/{pid}/locks", {"unit_ids": ids, "reason": "留给甲方"}))
    assert locked == {"unit_ids": sorted(ids), "status": "locked"}
    taken = site["advisor"].post(f"/api/units/{ids[0]}/holds", BUYER)
    assert taken.status_code == 409 and taken.json()["error"] == "UNIT_NOT_AVAILABLE"
    manager.ok(manager.post(f"/api/projects/{pid}/unlocks", {"unit_ids": ids, "reason": "放回销售"}))
    assert {statuses(manager, pid)[i] for i in ids} == {"available"}


def test_a_lock_with_one_unavailable_unit_is_409_and_changes_nothing(site):
    manager, pid, ids = site["manager"], site["pid"], site["units"][2:5]
    hold = site["advisor"].ok(site["advisor"].post(f"/api/units/{ids[1]}/holds", BUYER), 201)
    before = statuses(manager, pid)
    response = manager.post(f"/api/projects/{pid}/locks", {"unit_ids": ids, "reason": "保留"})
    assert response.status_code == 409 and response.json()["error"] == "UNIT_NOT_AVAILABLE"
    assert str([ids[1]]) in response.json()["message"]
    assert statuses(manager, pid) == before
    response = manager.post(f"/api/projects/{pid}/unlocks", {"unit_ids": [ids[0]], "reason": "放出"})
    assert response.status_code == 409 and response.json()["error"] == "UNIT_NOT_LOCKED"
    site["advisor"].ok(site["advisor"].delete(f"/api/holds/{hold['hold_id']}"))


@pytest.mark.parametrize("who,status", [("advisor", 403), ("supervisor", 403), ("assistant", 403),
                                        ("other_manager", 403)])
def test_only_the_projects_managers_lock(site, who, status):
    unit_id = site["units"][5]
    response = site[who].post(f"/api/projects/{site['pid']}/locks", {"unit_ids": [unit_id], "reason": "保留"})
    assert response.status_code == status
    assert statuses(site["manager"], site["pid"])[unit_id] == "available"


@pytest.mark.parametrize("body", [{"unit_ids": [1]}, {"unit_ids": "1", "reason": "x"},
                                  {"unit_ids": [], "reason": "x"}, {"unit_ids": [1], "reason": " "}])
def test_bad_lock_bodies_are_400(site, body):
    response = site["manager"].post(f"/api/projects/{site['pid']}/locks", body)
    assert response.status_code == 400 and response.json()["error"] == "VALIDATION_ERROR"


# scheduled releases (推盘) ----------------------------------------------------------------
def test_a_scheduled_release_runs_when_due(system, director, db):
    project = director.ok(director.post("/api/projects", {"name": "推盘测试", "city": "杭州", "developer_name": "某地产"}),
                          201)
    pid = project["id"]
    manager = staff(system, director, "ctl_push_mgr", "manager", [pid])
    building = director.ok(director.post(f"/api/projects/{pid}/buildings", {"name": "1号楼", "permit_no": "许001"}), 201)
    units = director.ok(director.post(f"/api/projects/{pid}/units", {"units": unit_rows(building["id"], 8)}), 201)
    schedule = manager.ok(manager.post(f"/api/projects/{pid}/release-schedules",
                                       {"run_at": soon(), "building_id": building["id"], "floor_from": 2,
                                        "floor_to": 2}), 201)
    assert schedule["status"] == "scheduled"
    with db.begin() as conn:  # travel in time instead of waiting for run_at
        conn.execute(update(ReleaseSchedule).where(ReleaseSchedule.id == schedule["id"])
                     .values(run_at=utcnow() - timedelta(seconds=1)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        (listed,) = manager.ok(manager.get(f"/api/projects/{pid}/release-schedules"))
        if listed["status"] != "scheduled":
            break
        time.sleep(0.5)
    assert listed["status"] == "done" and listed["released_count"] == 4
    on_sale = {u["id"] for u in units if u["floor"] == 2}
    assert {i for i, s in statuses(manager, pid).items() if s == "available"} == on_sale
    response = manager.delete(f"/api/release-schedules/{schedule['id']}")
    assert response.status_code == 409 and response.json()["error"] == "SCHEDULE_NOT_PENDING"


def test_a_schedule_is_cancelled_once(site):
    manager, pid = site["manager"], site["pid"]
    schedule = manager.ok(manager.post(f"/api/projects/{pid}/release-schedules",
                                       {"run_at": soon(), "unit_ids": site["units"][:1]}), 201)
    assert site["advisor"].delete(f"/api/release-schedules/{schedule['id']}").status_code == 403
    assert site["other_manager"].delete(f"/api/release-schedules/{schedule['id']}").status_code == 403
    cancelled = manager.ok(manager.delete(f"/api/release-schedules/{schedule['id']}"))
    assert cancelled["status"] == "cancelled"
    again = manager.delete(f"/api/release-schedules/{schedule['id']}")
    assert again.status_code == 409 and again.json()["error"] == "SCHEDULE_NOT_PENDING"
    assert manager.delete("/api/release-schedules/987654").status_code == 404


@pytest.mark.parametrize("body,status", [
    ({"run_at": "2020-01-01T08:00:00+08:00", "unit_ids": [1]}, 422),
    ({"run_at": "2199-01-01T08:00:00+08:00"}, 400),
    ({"run_at": "2199-01-01T08:00:00+08:00", "floor_from": 2, "unit_ids": [1]}, 400),
    ({"run_at": "tomorrow", "unit_ids": [1]}, 400),
    ({"run_at": "2199-01-01T08:00:00+08:00", "building_id": 987654}, 404),
])
def test_bad_schedules_are_refused_and_store_nothing(site, body, status):
    manager, pid = site["manager"], site["pid"]
    before = manager.ok(manager.get(f"/api/projects/{pid}/release-schedules"))
    response = manager.post(f"/api/projects/{pid}/release-schedules", body)
    assert response.status_code == status, response.text
    assert manager.ok(manager.get(f"/api/projects/{pid}/release-schedules")) == before


def test_schedules_are_for_the_projects_managers(site):
    body = {"run_at": soon(), "unit_ids": site["units"][:1]}
    for who in ("advisor", "supervisor", "other_manager"):
        assert site[who].post(f"/api/projects/{site['pid']}/release-schedules", body).status_code == 403
        assert site[who].get(f"/api/projects/{site['pid']}/release-schedules").status_code == 403


# hold rules -------------------------------------------------------------------------------
def test_settings_and_the_buyer_hold_limit(site):
    manager, advisor, pid, ids = site["manager"], site["advisor"], site["pid"], site["units"][6:8]
    for who in ("advisor", "supervisor", "other_manager"):
        assert patch(site[who], f"/api/projects/{pid}", {"hold_minutes": 5}).status_code == 403
    for bad in ({}, {"hold_minutes": 0}, {"max_holds_per_buyer": "x"}, {"advisor_discount_pct": 2.5}):
        response = patch(manager, f"/api/projects/{pid}", bad)
        assert response.status_code == 400 and response.json()["error"] == "VALIDATION_ERROR"
    assert manager.ok(manager.get(f"/api/projects/{pid}"))["hold_minutes"] == 1440
    updated = manager.ok(patch(manager, f"/api/projects/{pid}", {"hold_minutes": 30, "max_holds_per_buyer": 1}))
    assert updated["hold_minutes"] == 30 and updated["max_holds_per_buyer"] == 1
    buyer = {"customer_name": "赵六", "customer_phone": "13700000001"}
    first = advisor.ok(advisor.post(f"/api/units/{ids[0]}/holds", buyer), 201)
    second = advisor.post(f"/api/units/{ids[1]}/holds", buyer)
    assert second.status_code == 422 and second.json()["error"] == "BUYER_HOLD_LIMIT"
    assert statuses(manager, pid)[ids[1]] == "available"
    advisor.ok(advisor.delete(f"/api/holds/{first['hold_id']}"))


def test_a_manager_extends_a_hold(site):
    manager, advisor, unit_id = site["manager"], site["advisor"], site["units"][8]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds", {**BUYER, "customer_phone": "13700000002"}), 201)
    assert advisor.post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 30}).status_code == 403
    assert site["other_manager"].post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 30}).status_code == 403
    assert manager.post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 0}).status_code == 400
    too_long = manager.post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 7 * 24 * 60})
    assert too_long.status_code == 422 and too_long.json()["error"] == "HOLD_TOO_LONG"
    extended = manager.ok(manager.post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 30}))
    assert extended["expires_at"] > hold["expires_at"] and extended["hold_id"] == hold["hold_id"]
    advisor.ok(advisor.delete(f"/api/holds/{hold['hold_id']}"))
    ended = manager.post(f"/api/holds/{hold['hold_id']}/extend", {"minutes": 30})
    assert ended.status_code == 409 and ended.json()["error"] == "HOLD_NOT_ACTIVE"
    assert manager.post("/api/holds/987654/extend", {"minutes": 30}).status_code == 404


# slow movers (滞销) and reconciliation (日对账) ----------------------------------------------
def test_slow_movers_by_role(site, db):
    pid, ids = site["pid"], site["units"][9:12]
    with db.begin() as conn:
        conn.execute(update(Unit).where(Unit.id.in_(ids), Unit.status == "available")
                     .values(status_changed_at=utcnow() - timedelta(days=120)))
    for who in ("manager", "supervisor", "developer_viewer"):
        report = site[who].ok(site[who].get(f"/api/projects/{pid}/slow-movers", params={"days": 100}))
        assert sorted(u["id"] for u in report["units"]) == sorted(ids)
        assert sum(g["count"] for g in report["by_floor_band"]) == 3
    for who in ("advisor", "assistant", "other_manager"):
        assert site[who].get(f"/api/projects/{pid}/slow-movers").status_code == 403
    assert site["manager"].get(f"/api/projects/{pid}/slow-movers", params={"days": "many"}).status_code == 400


def test_reconciliation_by_role(site, db):
    pid, unit_id = site["pid"], site["units"][0]
    start, _ = day_bounds(date(2026, 5, 1))
    with db.begin() as conn:  # a subscription the contracts events would have recorded
        agency_id = conn.execute(select(Unit.agency_id).where(Unit.id == unit_id)).scalar_one()
        conn.execute(insert(UnitHistory).values(
            agency_id=agency_id, project_id=pid, unit_id=unit_id, from_status="held", to_status="subscribed",
            advisor_id=42, actor_name="contracts", reason="deal", at=start + timedelta(hours=10)))
    for who in ("manager", "supervisor", "assistant", "finance"):
        report = site[who].ok(site[who].get(f"/api/projects/{pid}/reconciliation", params={"date": "2026-05-01"}))
        assert [a["advisor_id"] for a in report["advisors"]] == [42]
        assert report["subscribed"]["count"] == 1 and report["signed"]["count"] == 0
    before = str(utcnow().astimezone(SHANGHAI).date())
    today = site["assistant"].ok(site["assistant"].get(f"/api/projects/{pid}/reconciliation"))
    assert today["date"] in (before, str(utcnow().astimezone(SHANGHAI).date()))  # midnight may pass
    for who in ("advisor", "developer_viewer", "other_manager"):
        assert site[who].get(f"/api/projects/{pid}/reconciliation").status_code == 403
    bad = site["assistant"].get(f"/api/projects/{pid}/reconciliation", params={"date": "2026-13-01"})
    assert bad.status_code == 400


def test_the_openapi_document_lists_the_control_routes(system):
    doc = requests.get(system.url() + "/api/openapi.json", timeout=10).json()
    for path in ("/api/projects/{project_id}/locks", "/api/projects/{project_id}/release-schedules",
                 "/api/release-schedules/{schedule_id}", "/api/holds/{hold_id}/extend",
                 "/api/projects/{project_id}/slow-movers", "/api/projects/{project_id}/reconciliation"):
        assert path in doc["paths"], path
    assert "patch" in doc["paths"]["/api/projects/{project_id}"]
