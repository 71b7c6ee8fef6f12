"""销控 control through the real entrypoints, on SQLite and PostgreSQL: locks, scheduled
releases run by the timer, hold rules and extension, slow movers, daily reconciliation."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import eventlet
import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import create_engine, insert, select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.types import utcnow
from services.inventory.models import Hold, ReleaseSchedule, Unit, UnitHistory
from services.inventory.reports import area_band, day_bounds, floor_band
from services.inventory.tests.conftest import DIRECTOR

BUYER = {"customer_name": "李四", "customer_phone": "13812345678"}
MANAGER = {"account_id": 5, "username": "mgr5", "role": "manager", "agency_id": 1, "project_ids": None}
ADVISOR = {"account_id": 7, "username": "adv7", "role": "advisor", "agency_id": 1, "project_ids": None}


@pytest.fixture
def db(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    yield engine
    engine.dispose()


def pid(project):
    return project["project"]["id"]


def manager(project):
    return dict(MANAGER, project_ids=[pid(project)])


def advisor(project):
    return dict(ADVISOR, project_ids=[pid(project)])


def release(call, project, count=10):
    ids = [u["id"] for u in project["units"][:count]]
    call("release_units", DIRECTOR, pid(project), {"unit_ids": ids})
    return ids


def statuses(call, project):
    page = call("list_units", DIRECTOR, pid(project), {})
    return {u["id"]: u["status"] for u in page["items"]}


def history(db, unit_id):
    with db.connect() as conn:
        return conn.execute(select(UnitHistory.from_status, UnitHistory.to_status, UnitHistory.actor_name,
                                   UnitHistory.reason).where(UnitHistory.unit_id == unit_id)
                            .order_by(UnitHistory.id)).all()


def run_timer(inventory):
    with entrypoint_hook(inventory, "run_release_schedules") as run:
        run()


def make_due(db, schedule_id):
    """Travel in time instead of sleeping until run_at."""
    with db.begin() as conn:
        conn.execute(update(ReleaseSchedule).where(ReleaseSchedule.id == schedule_id)
                     .values(run_at=utcnow() - timedelta(seconds=1)))


def soon():
    return (utcnow() + timedelta(minutes=10)).isoformat()


# locks ------------------------------------------------------------------------------------
def test_lock_and_unlock_move_units_with_a_reason_in_history(call, project, db):
    ids = release(call, project, 3)
    result = call("lock_units", manager(project), pid(project), {"unit_ids": ids[:2], "reason": "留给甲方"})
    assert result == {"unit_ids": ids[:2], "status": "locked"}
    assert [statuses(call, project)[i] for i in ids] == ["locked", "locked", "available"]
    call("unlock_units", manager(project), pid(project), {"unit_ids": [ids[0]], "reason": "甲方放弃"})
    assert statuses(call, project)[ids[0]] == "available"
    assert history(db, ids[0])[-2:] == [("available", "locked", "mgr5", "locked: 留给甲方"),
                                        ("locked", "available", "mgr5", "unlocked: 甲方放弃")]


def test_a_lock_is_all_or_nothing(call, project):
    ids = release(call, project, 3)
    call("hold_unit", advisor(project), ids[1], BUYER)
    unreleased = project["units"][5]["id"]
    before = statuses(call, project)
    with pytest.raises(Conflict) as err:
        call("lock_units", manager(project), pid(project), {"unit_ids": ids + [unreleased], "reason": "内部保留"})
    assert err.value.code == "UNIT_NOT_AVAILABLE"
    assert str([ids[1], unreleased]) in err.value.message
    assert statuses(call, project) == before


def test_unlock_needs_locked_units(call, project):
    ids = release(call, project, 2)
    call("lock_units", manager(project), pid(project), {"unit_ids": [ids[0]], "reason": "保留"})
    with pytest.raises(Conflict) as err:
        call("unlock_units", manager(project), pid(project), {"unit_ids": ids, "reason": "放出"})
    assert err.value.code == "UNIT_NOT_LOCKED" and str([ids[1]]) in err.value.message
    assert statuses(call, project)[ids[0]] == "locked"


def test_a_locked_unit_cannot_be_held(call, project):
    unit_id = release(call, project, 1)[0]
    call("lock_units", manager(project), pid(project), {"unit_ids": [unit_id], "reason": "保留"})
    with pytest.raises(Conflict) as err:
        call("hold_unit", advisor(project), unit_id, BUYER)
    assert err.value.code == "UNIT_NOT_AVAILABLE"


def test_locks_are_for_managers_of_the_project(call, project):
    unit_id = release(call, project, 1)[0]
    body = {"unit_ids": [unit_id], "reason": "保留"}
    with pytest.raises(Forbidden):
        call("lock_units", advisor(project), pid(project), body)
    with pytest.raises(Forbidden):
        call("lock_units", dict(MANAGER, project_ids=[999]), pid(project), body)
    with pytest.raises(NotFound):
        call("lock_units", dict(DIRECTOR, agency_id=2), pid(project), body)
    with pytest.raises(NotFound):
        call("lock_units", manager(project), pid(project), {"unit_ids": [unit_id, 99999], "reason": "保留"})
    with pytest.raises(Invalid):
        call("lock_units", manager(project), pid(project), {"unit_ids": [unit_id], "reason": "  "})
    assert statuses(call, project)[unit_id] == "available"


# scheduled releases (推盘) ----------------------------------------------------------------
def test_a_due_schedule_releases_its_floors_once(inventory, call, project, db, event_sink):
    sink = event_sink("inventory")
    ids = [u["id"] for u in project["units"]]
    call("release_units", DIRECTOR, pid(project), {"unit_ids": [ids[2]]})  # floor 3 is already on sale
    schedule = call("schedule_release", manager(project), pid(project),
                    {"run_at": soon(), "building_id": project["building"]["id"], "floor_from": 2, "floor_to": 4})
    assert schedule["status"] == "scheduled" and schedule["unit_ids"] is None
    run_timer(inventory)  # not due yet: nothing happens
    assert statuses(call, project)[ids[1]] == "unreleased"
    make_due(db, schedule["id"])
    run_timer(inventory)
    run_timer(inventory)
    now = statuses(call, project)
    assert [now[i] for i in ids[:5]] == ["unreleased", "available", "available", "available", "unreleased"]
    (done,) = call("list_release_schedules", manager(project), pid(project))
    assert done["status"] == "done" and done["released_count"] == 2 and done["ran_at"] is not None
    assert "1 already released" in done["message"]
    events = sink.wait_for("units_released", count=2)
    assert sorted(events[-1]["payload"]["unit_ids"]) == [ids[1], ids[3]]
    assert history(db, ids[1])[-1][:3] == ("unreleased", "available", "mgr5")


def test_a_unit_list_schedule_without_permit_fails_with_the_reason(inventory, call, project, db):
    blocked = project["units"][-1]["id"]  # building without 预售许可证
    schedule = call("schedule_release", manager(project), pid(project),
                    {"run_at": soon(), "unit_ids": [project["units"][0]["id"], blocked]})
    assert schedule["unit_ids"] == sorted([project["units"][0]["id"], blocked])
    make_due(db, schedule["id"])
    run_timer(inventory)
    (failed,) = call("list_release_schedules", manager(project), pid(project))
    assert failed["status"] == "failed" and "NO_PRESALE_PERMIT" in failed["message"]
    assert set(statuses(call, project).values()) == {"unreleased"}


def test_replicas_racing_for_a_schedule_run_it_once(inventory, call, project, db):
    schedule = call("schedule_release", manager(project), pid(project),
                    {"run_at": soon(), "building_id": project["building"]["id"]})
    make_due(db, schedule["id"])
    pool = eventlet.GreenPool()
    for _ in range(4):
        pool.spawn(run_timer, inventory)
    pool.waitall()
    unit_id = project["units"][0]["id"]
    assert [h[1] for h in history(db, unit_id)] == ["unreleased", "available"]
    (done,) = call("list_release_schedules", manager(project), pid(project))
    assert done["status"] == "done" and done["released_count"] == 10


def test_cancelled_schedules_do_not_run_and_cancel_once(inventory, call, project, db):
    schedule = call("schedule_release", manager(project), pid(project),
                    {"run_at": soon(), "building_id": project["building"]["id"]})
    with pytest.raises(Forbidden):
        call("cancel_release_schedule", advisor(project), schedule["id"])
    with pytest.raises(NotFound):
        call("cancel_release_schedule", dict(DIRECTOR, agency_id=2), schedule["id"])
    cancelled = call("cancel_release_schedule", manager(project), schedule["id"])
    assert cancelled["status"] == "cancelled"
    with pytest.raises(Conflict) as err:
        call("cancel_release_schedule", manager(project), schedule["id"])
    assert err.value.code == "SCHEDULE_NOT_PENDING"
    make_due(db, schedule["id"])
    run_timer(inventory)
    assert set(statuses(call, project).values()) == {"unreleased"}
    with pytest.raises(NotFound):
        call("cancel_release_schedule", manager(project), 99999)


def test_a_schedule_that_ran_cannot_be_cancelled(inventory, call, project, db):
    schedule = call("schedule_release", manager(project), pid(project),
                    {"run_at": soon(), "unit_ids": [project["units"][0]["id"]]})
    make_due(db, schedule["id"])
    run_timer(inventory)
    with pytest.raises(Conflict):
        call("cancel_release_schedule", manager(project), schedule["id"])


@pytest.mark.parametrize("body,error", [
    ({"run_at": "2020-01-01T08:00:00+08:00", "unit_ids": [1]}, RuleViolated),   # in the past
    ({"run_at": "2999-01-01T08:00:00", "unit_ids": [1]}, Invalid),             # naive time
    ({"run_at": "2999-01-01T08:00:00+08:00"}, Invalid),                        # no selector
    ({"run_at": "2999-01-01T08:00:00+08:00", "floor_from": 3, "unit_ids": [1]}, Invalid),  # floors need a building
    ({"run_at": "2999-01-01T08:00:00+08:00", "building_id": 1, "floor_from": 5, "floor_to": 2}, Invalid),
    ({"run_at": "2999-01-01T08:00:00+08:00", "building_id": 99999}, NotFound),
    ({"run_at": "2999-01-01T08:00:00+08:00", "unit_ids": [99999]}, NotFound),
])
def test_bad_schedules_are_refused_and_store_nothing(call, project, body, error):
    with pytest.raises(error):
        call("schedule_release", manager(project), pid(project), body)
    assert call("list_release_schedules", manager(project), pid(project)) == []


# hold rules -------------------------------------------------------------------------------
def test_project_settings_change_the_next_holds(call, project):
    updated = call("update_project_settings", manager(project), pid(project),
                   {"hold_minutes": 45, "max_holds_per_buyer": 1, "advisor_discount_pct": "2.50"})
    assert (updated["hold_minutes"], updated["max_holds_per_buyer"], updated["advisor_discount_pct"]) == \
        (45, 1, "2.50")
    ids = release(call, project, 2)
    hold = call("hold_unit", advisor(project), ids[0], BUYER)
    minutes = (datetime.fromisoformat(hold["expires_at"]) - datetime.fromisoformat(hold["created_at"]))
    assert minutes == timedelta(minutes=45)
    with pytest.raises(RuleViolated) as err:
        call("hold_unit", advisor(project), ids[1], BUYER)
    assert err.value.code == "BUYER_HOLD_LIMIT"


@pytest.mark.parametrize("actor,body,error", [
    (ADVISOR, {"hold_minutes": 30}, Forbidden),
    (dict(MANAGER, project_ids=[999]), {"hold_minutes": 30}, Forbidden),
    (MANAGER, {}, Invalid),
    (MANAGER, {"hold_minutes": 0}, Invalid),
    (MANAGER, {"max_holds_per_buyer": "2"}, Invalid),
    (MANAGER, {"advisor_discount_pct": 1.5}, Invalid),
])
def test_bad_settings_change_nothing(call, project, actor, body, error):
    with pytest.raises(error):
        call("update_project_settings", actor, pid(project), body)
    assert call("get_project", DIRECTOR, pid(project))["hold_minutes"] == 30


def test_a_manager_extends_an_active_hold(call, project, db):
    unit_id = release(call, project, 1)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    extended = call("extend_hold", manager(project), hold["hold_id"], {"minutes": 60})
    before, after = (datetime.fromisoformat(h["expires_at"]) for h in (hold, extended))
    assert after - before == timedelta(minutes=60) and extended["status"] == "active"
    assert history(db, unit_id)[-1] == ("held", "held", "mgr5", f"hold {hold['hold_id']} extended by 60 min")
    with db.connect() as conn:
        assert conn.execute(select(UnitHistory.advisor_id).where(UnitHistory.unit_id == unit_id)
                            .order_by(UnitHistory.id.desc()).limit(1)).scalar_one() == 7
        stored = conn.execute(select(Hold.expires_at).where(Hold.id == hold["hold_id"])).scalar_one()
    assert stored == after


def test_ended_or_lapsed_holds_cannot_be_extended(call, project, db):
    ids = release(call, project, 2)
    cancelled = call("hold_unit", advisor(project), ids[0], BUYER)
    call("cancel_hold", advisor(project), cancelled["hold_id"])
    with pytest.raises(Conflict) as err:
        call("extend_hold", manager(project), cancelled["hold_id"], {"minutes": 30})
    assert err.value.code == "HOLD_NOT_ACTIVE"
    lapsed = call("hold_unit", advisor(project), ids[1], BUYER)
    past = utcnow() - timedelta(seconds=1)
    with db.begin() as conn:  # expired, but the expiry timer has not swept it yet
        conn.execute(update(Hold).where(Hold.id == lapsed["hold_id"]).values(expires_at=past))
    with pytest.raises(Conflict):
        call("extend_hold", manager(project), lapsed["hold_id"], {"minutes": 30})
    with db.connect() as conn:
        assert conn.execute(select(Hold.expires_at).where(Hold.id == lapsed["hold_id"])).scalar_one() == past


def test_extension_is_bounded_and_for_managers(call, project, db):
    unit_id = release(call, project, 1)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    with pytest.raises(RuleViolated) as err:
        call("extend_hold", manager(project), hold["hold_id"], {"minutes": 7 * 24 * 60})
    assert err.value.code == "HOLD_TOO_LONG"
    with pytest.raises(Forbidden):
        call("extend_hold", advisor(project), hold["hold_id"], {"minutes": 30})
    with pytest.raises(Invalid):
        call("extend_hold", manager(project), hold["hold_id"], {"minutes": 0})
    with pytest.raises(NotFound):
        call("extend_hold", manager(project), 99999, {"minutes": 30})
    with pytest.raises(NotFound):
        call("extend_hold", dict(DIRECTOR, agency_id=2), hold["hold_id"], {"minutes": 30})
    with db.connect() as conn:
        stored = conn.execute(select(Hold.expires_at).where(Hold.id == hold["hold_id"])).scalar_one()
    assert stored == datetime.fromisoformat(hold["expires_at"])


# slow movers (滞销) and reconciliation (日对账) ----------------------------------------------
@pytest.mark.parametrize("floor,label", [(-1, "≤0"), (1, "1-5"), (5, "1-5"), (6, "6-10"), (10, "6-10"),
                                         (11, "11-20"), (20, "11-20"), (21, "21+")])
def test_floor_bands(floor, label):
    assert floor_band(floor) == label


@pytest.mark.parametrize("area,label", [("89.99", "<90"), ("90.00", "90-120"), ("119.99", "90-120"),
                                        ("120.00", "120-144"), ("143.99", "120-144"), ("144.00", "≥144")])
def test_area_bands(area, label):
    assert area_band(Decimal(area)) == label


def test_slow_movers_are_units_on_sale_for_more_than_n_days(call, project, db):
    ids = release(call, project, 10)
    call("hold_unit", advisor(project), ids[0], BUYER)
    long_ago = utcnow() - timedelta(days=100, hours=1)
    with db.begin() as conn:
        conn.execute(update(Unit).where(Unit.id.in_(ids[:8])).values(status_changed_at=long_ago))
        conn.execute(update(Unit).where(Unit.id == ids[7]).values(gross_area=Decimal("150.00")))
    report = call("slow_movers", DIRECTOR, pid(project), {})
    assert report["days"] == 90 and report["total"] == 7  # the held one is not on sale
    assert [u["id"] for u in report["units"]] == ids[1:8]
    assert {u["days_on_market"] for u in report["units"]} == {100}
    assert report["by_layout"] == [{"key": "3室2厅2卫", "count": 7, "amount": "21000000.00"}]
    assert [(g["key"], g["count"]) for g in report["by_floor_band"]] == \
        [("≤0", 0), ("1-5", 4), ("6-10", 3), ("11-20", 0), ("21+", 0)]
    assert [(g["key"], g["count"]) for g in report["by_area_band"]] == \
        [("<90", 0), ("90-120", 6), ("120-144", 0), ("≥144", 1)]
    assert call("slow_movers", DIRECTOR, pid(project), {"days": 0})["total"] == 9
    assert call("slow_movers", DIRECTOR, pid(project), {"days": 200})["total"] == 0
    with pytest.raises(Invalid):
        call("slow_movers", DIRECTOR, pid(project), {"days": -1})
    with pytest.raises(Forbidden):
        call("slow_movers", dict(MANAGER, project_ids=[999]), pid(project), {})


def test_reconciliation_counts_a_shanghai_day_per_advisor(call, project, db):
    """Units moved to subscribed/signed by the contracts events are simulated by history rows."""
    ids = [u["id"] for u in project["units"]]
    start, end = day_bounds(date(2026, 3, 8))
    assert start == datetime(2026, 3, 7, 16, 0, tzinfo=timezone.utc)
    rows = [  # (unit, to_status, advisor, at)
        (ids[0], "subscribed", 7, start),
        (ids[1], "subscribed", 7, start + timedelta(hours=3)),
        (ids[1], "signed", 7, start + timedelta(hours=5)),
        (ids[2], "subscribed", 8, end - timedelta(seconds=1)),
        (ids[3], "subscribed", None, start + timedelta(hours=1)),
        (ids[4], "subscribed", 8, end),                           # the next day
        (ids[5], "subscribed", 8, start - timedelta(seconds=1)),  # the day before
        (ids[6], "held", 8, start + timedelta(hours=2)),          # not a sale
    ]
    with db.begin() as conn:
        conn.execute(insert(UnitHistory), [
            {"agency_id": 1, "project_id": pid(project), "unit_id": u, "from_status": "held", "to_status": s,
             "advisor_id": a, "actor_name": "contracts", "reason": "deal", "at": at} for u, s, a, at in rows
        ])
    report = call("reconciliation", project_ids_actor("assistant", project), pid(project), {"date": "2026-03-08"})
    assert report["date"] == "2026-03-08"
    assert [a["advisor_id"] for a in report["advisors"]] == [7, 8, None]
    seven = report["advisors"][0]
    assert seven["subscribed"] == {"count": 2, "amount": "6000000.00"}
    assert seven["signed"] == {"count": 1, "amount": "3000000.00"}
    assert [u["unit_label"] for u in seven["units"]] == ["1号楼-101", "1号楼-201", "1号楼-201"]
    assert report["subscribed"] == {"count": 4, "amount": "12000000.00"}
    assert report["signed"] == {"count": 1, "amount": "3000000.00"}
    today = call("reconciliation", DIRECTOR, pid(project), {})
    assert today["advisors"] == [] and today["subscribed"]["count"] == 0
    with pytest.raises(Invalid):
        call("reconciliation", DIRECTOR, pid(project), {"date": "2026-02-30"})
    with pytest.raises(NotFound):
        call("reconciliation", dict(DIRECTOR, agency_id=2), pid(project), {})


def project_ids_actor(role, project):
    return {"account_id": 30, "username": role, "role": role, "agency_id": 1, "project_ids": [pid(project)]}
