"""Holds, releases and the board through the real entrypoints, on SQLite and PostgreSQL,
with the real broker: the no-oversell rule, expiry, scope and the events that go out."""
import json
from datetime import timedelta

import pytest
from loupan.testing import cluster_rpc
from sqlalchemy import create_engine, select, update

from loupan.schemas.inventory_catalog import Board
from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.types import utcnow
from services.inventory.models import Hold, UnitHistory
from services.inventory.tests.conftest import DIRECTOR, unit

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

BUYER = {"customer_name": "李四", "customer_phone": "138 1234 5678"}
ADVISOR = {"account_id": 7, "username": "adv7", "role": "advisor", "agency_id": 1, "project_ids": None}


def released(call, project, count=10):
    ids = [u["id"] for u in project["units"][:count]]
    call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": ids})
    return ids


def advisor(project, account_id=7):
    return dict(ADVISOR, account_id=account_id, username=f"adv{account_id}",
                project_ids=[project["project"]["id"]])


def test_hold_takes_an_available_unit_and_publishes_unit_held(call, project, event_sink):
    sink = event_sink("inventory")
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    assert hold["status"] == "active" and hold["customer_phone"] == "13812345678"
    (event,) = sink.wait_for("unit_held")
    assert event["payload"]["hold_id"] == hold["hold_id"]
    assert event["payload"]["unit_label"] == "1号楼-101"
    assert event["project_id"] == project["project"]["id"] and event["actor"]["username"] == "adv7"
    board = json.loads(call("get_board", DIRECTOR, project["project"]["id"]))
    assert Board().validate(board) == {}  # the hand-written JSON keeps the contract
    assert board["totals"]["held"] == {"count": 1, "gross_area": "100.00", "amount": "3000000.00"}
    cells = [u for f in board["buildings"][0]["floors"] for u in f["units"]]
    assert [c["floor"] for c in board["buildings"][0]["floors"]] == list(range(10, 0, -1))
    assert len(cells) == 10 and cells[-1] == {"id": unit_id, "number": "101", "layout": "3室2厅2卫",
                                              "gross_area": "100.00", "list_price": "3000000.00",
                                              "status": "held"}


def test_second_hold_on_the_same_unit_is_a_conflict(call, project):
    unit_id = released(call, project)[0]
    call("hold_unit", advisor(project), unit_id, BUYER)
    with pytest.raises(Conflict) as err:
        call("hold_unit", advisor(project, 8), unit_id, {"customer_name": "王五", "customer_phone": "13900000000"})
    assert err.value.code == "UNIT_NOT_AVAILABLE"


def test_unreleased_unit_cannot_be_held(call, project):
    with pytest.raises(Conflict):
        call("hold_unit", advisor(project), project["units"][0]["id"], BUYER)


def test_racing_buyers_get_one_hold_per_unit(inventory, call, project):
    """30 concurrent RPC calls through the broker race for 3 units: 3 holds, 27 conflicts."""
    ids = released(call, project, 3)
    outcomes = []
    with cluster_rpc(inventory.config) as rpc:
        replies = [
            rpc.inventory.hold_unit.call_async(
                advisor(project, 100 + i), ids[i % 3],
                {"customer_name": f"买家{i}", "customer_phone": f"139{i:08d}"})
            for i in range(30)
        ]
        for reply in replies:
            try:
                reply.result()
                outcomes.append("held")
            except Conflict:
                outcomes.append("conflict")
    assert outcomes.count("held") == 3 and outcomes.count("conflict") == 27
    board = json.loads(call("get_board", DIRECTOR, project["project"]["id"]))
    assert board["totals"]["held"]["count"] == 3


def test_cancel_gives_the_unit_back_and_only_once(call, project, event_sink):
    sink = event_sink("inventory")
    unit_id = released(call, project)[0]
    hold = call("hold_unit", advisor(project), unit_id, BUYER)
    with pytest.raises(Forbidden):
        call("cancel_hold", advisor(project, 8), hold["hold_id"])  # another advisor's hold
    call("cancel_hold", advisor(project), hold["hold_id"])
    with pytest.raises(Conflict):
        call("cancel_hold", advisor(project), hold["hold_id"])
    sink.wait_for("unit_hold_cancelled")
    call("hold_unit", advisor(project, 8), unit_id, BUYER)  # available again


def test_expired_holds_release_their_units_and_tell_the_advisor(inventory, call, project, event_sink):
    from nameko.testing.services import entrypoint_hook

    sink = event_sink("inventory")
    ids = released(call, project, 2)
    due = call("hold_unit", advisor(project), ids[0], BUYER)
    fresh = call("hold_unit", advisor(project), ids[1], BUYER)
    engine = create_engine(inventory.config["DATABASE_URL"])
    with engine.begin() as conn:  # travel in time instead of sleeping
        conn.execute(update(Hold).where(Hold.id == due["hold_id"])
                     .values(expires_at=utcnow() - timedelta(seconds=1)))
    with entrypoint_hook(inventory, "expire_holds") as expire:
        expire()
    (event,) = sink.wait_for("unit_hold_expired")
    assert event["payload"]["hold_id"] == due["hold_id"] and event["payload"]["advisor_id"] == 7
    units = call("list_units", DIRECTOR, project["project"]["id"], {"status": "held"})
    assert [u["id"] for u in units["items"]] == [fresh["unit_id"]]
    with engine.connect() as conn:
        moves = conn.execute(select(UnitHistory.to_status).where(UnitHistory.unit_id == ids[0])
                             .order_by(UnitHistory.id)).scalars().all()
    assert moves == ["unreleased", "available", "held", "available"]
    engine.dispose()


def test_release_needs_a_presale_permit(call, project):
    blocked = project["units"][-1]["id"]  # in the building without 预售许可证
    with pytest.raises(RuleViolated) as err:
        call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": [project["units"][0]["id"], blocked]})
    assert err.value.code == "NO_PRESALE_PERMIT"
    assert call("list_units", DIRECTOR, project["project"]["id"], {"status": "available"})["total"] == 0


def test_release_reports_units_already_on_sale(call, project):
    ids = released(call, project, 2)
    result = call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": ids + [project["units"][2]["id"]]})
    assert result == {"released": [project["units"][2]["id"]], "already_released": ids}


def test_other_agencies_and_projects_are_out_of_reach(call, project):
    unit_id = released(call, project)[0]
    stranger = dict(DIRECTOR, agency_id=2)
    with pytest.raises(NotFound):
        call("hold_unit", stranger, unit_id, BUYER)
    with pytest.raises(NotFound):
        call("get_board", stranger, project["project"]["id"])
    elsewhere = dict(ADVISOR, project_ids=[999])
    with pytest.raises(Forbidden):
        call("hold_unit", elsewhere, unit_id, BUYER)


@pytest.mark.parametrize("bad,field", [
    ({"base_price": "0"}, "base_price"),               # no 底价 (above the 表价: only a director, test_spreadsheets)
    ({"gross_area": "0"}, "gross_area"),
    ({"list_price": 1.5}, "list_price"),              # floats lose cents: refused
    ({"floor": "3"}, "floor"),
])
def test_bad_units_are_refused_whole(call, project, bad, field):
    good = unit(project["building"]["id"], "9901", 99)
    with pytest.raises(Invalid) as err:
        call("create_units", DIRECTOR, project["project"]["id"], {"units": [good, dict(good, number="9902", **bad)]})
    assert field in err.value.message
    assert call("list_units", DIRECTOR, project["project"]["id"], {})["total"] == len(project["units"])


def test_duplicate_unit_numbers_are_a_conflict(call, project):
    dup = unit(project["building"]["id"], "101", 1)
    with pytest.raises(Conflict):
        call("create_units", DIRECTOR, project["project"]["id"], {"units": [dup]})


def test_bad_phone_is_invalid(call, project):
    unit_id = released(call, project)[0]
    with pytest.raises(Invalid):
        call("hold_unit", advisor(project), unit_id, {"customer_name": "李四", "customer_phone": "12345"})


def test_a_buyer_holds_at_most_the_project_limit(call, project):
    """max_holds_per_buyer is 3 in this project: the 4th hold of one phone is refused, and
    a freed slot can be used again."""
    ids = released(call, project, 5)
    holds = [call("hold_unit", advisor(project), ids[i], BUYER) for i in range(3)]
    with pytest.raises(RuleViolated) as err:
        call("hold_unit", advisor(project), ids[3], BUYER)
    assert err.value.code == "BUYER_HOLD_LIMIT"
    assert call("list_units", DIRECTOR, project["project"]["id"], {"status": "available"})["total"] == 2
    call("cancel_hold", advisor(project), holds[1]["hold_id"])
    call("hold_unit", advisor(project), ids[3], BUYER)
    call("hold_unit", advisor(project), ids[4], {"customer_name": "王五", "customer_phone": "13900000001"})


def test_a_unit_without_presale_permit_cannot_be_held(call, project):
    blocked = project["units"][-1]["id"]  # 2号楼 has no 预售许可证
    with pytest.raises(RuleViolated) as err:
        call("hold_unit", advisor(project), blocked, BUYER)
    assert err.value.code == "NO_PRESALE_PERMIT"


def test_a_permit_recorded_later_lets_the_building_be_released(call, project):
    building, blocked = project["unpermitted"], project["units"][-1]["id"]
    updated = call("update_building", DIRECTOR, building["id"], {"permit_no": "杭售许字002"})
    assert updated["permit_no"] == "杭售许字002"
    call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": [blocked]})
    with pytest.raises(RuleViolated) as err:  # units on sale keep their building's permit
        call("update_building", DIRECTOR, building["id"], {"permit_no": None})
    assert err.value.code == "PERMIT_IN_USE"
    with pytest.raises(Conflict):
        call("update_building", DIRECTOR, building["id"], {"name": "1号楼"})
    with pytest.raises(Forbidden):
        call("update_building", dict(ADVISOR, project_ids=[999]), building["id"], {"name": "3号楼"})
