"""开盘报告 through the real entrypoints, on SQLite and PostgreSQL: a lottery launch run to its
end (one buyer chose, one let the window pass, one gave up ahead of theirs) and a race launch
sold out (attempts, refused holds by code, the time to sell out); each window's opening
published with its members' mobiles (selection_window_opened, for the gateway's texts)."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text, update

from loupan.errors import Conflict, Forbidden, TooSoon
from services.inventory.models import Launch
from services.inventory.tests.test_launches import ADVISOR, MANAGER, OTHER_AGENCY
from services.inventory.tests.test_selection import refused, selecting

pytestmark = pytest.mark.sqlite
VIEWER = {"account_id": 11, "username": "dev11", "role": "developer_viewer", "agency_id": 1, "project_ids": None}


@pytest.fixture
def db(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    yield engine
    engine.dispose()


def subscribe(call, project, hold_id, deal_id):
    call("subscribe_hold", dict(ADVISOR, project_ids=[project["project"]["id"]]), hold_id, deal_id)


def test_a_lottery_launch_run_to_its_end(call, project, db):
    launch, (first, second, third), units = selecting(call, project)  # windows of one buyer, five units
    subscribe(call, project, call("buyer_hold", first["id"], units[0])["hold_id"], 9101)  # window 2 opens early
    refused(Conflict, "NOT_YOUR_WINDOW", call, "buyer_hold", third["id"], units[1])
    call("buyer_give_up", third["id"])  # ahead of their window
    with db.begin() as conn:  # window 2 ran its five minutes: the second buyer let it pass
        opened = conn.execute(select(Launch.window_opened_at).where(Launch.id == launch["id"])).scalar_one()
        conn.execute(update(Launch).where(Launch.id == launch["id"])
                     .values(window_opened_at=opened - timedelta(minutes=5, seconds=10)))
    call("advance_selection_windows")  # window 3 opens by time; its buyer gave up: selection is over
    call("move_launch", MANAGER, launch["id"], {"action": "finish", "reason": None})

    report = call("launch_report", MANAGER, launch["id"])
    assert report["registrations"] == {"total": 3, "cancelled": 0, "eligible": 3, "sincerity_paid": None}
    assert (report["mode"], report["status"], report["drawn"], report["no_shows"]) == ("lottery", "finished", 3, 1)
    rows = [(w["number"], w["opened_reason"], w["closed_reason"], w["members"], w["chose"], w["gave_up"],
             w["no_shows"], w["pending"], w["sold"]) for w in report["windows"]]
    assert rows == [(1, "start", "early", 1, 1, 0, 0, 0, 1), (2, "early", "time", 1, 0, 0, 1, 0, 0),
                    (3, "time", "early", 1, 0, 1, 0, 0, 0)]
    assert report["units"] == {"total": 5, "sold": 1, "left": 4} and report["sell_out_seconds"] is None
    assert report["selecting_at"] is not None and report["last_sold_at"] is not None
    assert report["refusals"] == [{"code": "NOT_YOUR_WINDOW", "count": 1}] and report["attempts"] == 0
    assert call("launch_report", VIEWER, launch["id"])["units"]["sold"] == 1  # the developer's viewer: figures
    refused(Forbidden, "ROLE_FORBIDDEN", call, "launch_report", ADVISOR, launch["id"])
    with pytest.raises(Exception) as other:
        call("launch_report", OTHER_AGENCY, launch["id"])
    assert getattr(other.value, "code", None) == "LAUNCH_NOT_FOUND"

    # each window's opening was published once, with its member's 认筹 and mobile
    with db.connect() as conn:
        bodies = conn.execute(text("SELECT body FROM outbox WHERE routing_key = 'selection_window_opened' "
                                   "ORDER BY created_at")).scalars().all()
    opened = [json.loads(b)["payload"] for b in bodies if json.loads(b)["payload"]["launch_id"] == launch["id"]]
    assert [(p["number"], p["reason"], p["registration_ids"]) for p in opened] == \
        [(1, "start", [first["id"]]), (2, "early", [second["id"]]), (3, "time", [third["id"]])]
    assert opened[1]["members"] == [{"registration_id": second["id"], "number": second["number"],
                                     "mobile": second["mobile"]}]
    assert opened[0]["launch_name"] == "选房" and opened[0]["closes_at"] > opened[0]["opened_at"]


def test_a_race_sold_out_counts_attempts_and_refusals_by_code(call, project):
    only = project["units"][0]["id"]  # a launch of one unit
    launch, (first, second), _ = selecting(call, project, mode="race", buyers=2, attempt_limit=2, unit_ids=[only])
    held = call("buyer_hold", first["id"], only)
    refused(Conflict, "UNIT_NOT_AVAILABLE", call, "buyer_hold", second["id"], only)
    refused(Conflict, "UNIT_NOT_AVAILABLE", call, "buyer_hold", second["id"], only)
    refused(TooSoon, "HOLD_ATTEMPTS_EXCEEDED", call, "buyer_hold", second["id"], only)
    before = call("launch_report", MANAGER, launch["id"])
    assert before["units"] == {"total": 1, "sold": 0, "left": 1} and before["sell_out_seconds"] is None
    subscribe(call, project, held["hold_id"], 9201)

    report = call("launch_report", MANAGER, launch["id"])
    assert report["attempts"] == 3  # the refused third was never counted: over the limit
    assert report["refusals"] == [{"code": "UNIT_NOT_AVAILABLE", "count": 2},
                                  {"code": "HOLD_ATTEMPTS_EXCEEDED", "count": 1}]
    assert (report["windows"], report["drawn"], report["no_shows"]) == ([], None, None)
    assert report["units"] == {"total": 1, "sold": 1, "left": 0}
    assert report["sell_out_seconds"] is not None and report["sell_out_seconds"] >= 0
