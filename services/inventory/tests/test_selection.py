"""选房 through the real entrypoints, on SQLite and PostgreSQL: a lottery launch's windows
(in drawn order, moved on by time once, early when everyone in it finished, 放弃, pause and
resume), who may hold, the 认购 closing a buyer's turn, race mode's attempt limit kept in
the database, and two buyers racing for one unit through the broker."""
import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, update

from loupan.errors import Conflict, Forbidden, NotFound, TooSoon
from loupan.testing import cluster_rpc
from loupan.types import utcnow
from services.inventory.models import Launch, LaunchAttempt, LaunchWindow
from services.inventory.tests.conftest import DIRECTOR
from services.inventory.tests.test_launches import ADVISOR, ASSISTANT, MANAGER, SEED, buyer, move

pytestmark = pytest.mark.sqlite


@pytest.fixture
def db(inventory):
    engine = create_engine(inventory.config["DATABASE_URL"])
    yield engine
    engine.dispose()


def selecting(call, project, mode="lottery", buyers=3, **changes):
    """A launch of five released units in selection, its registrations in drawn order (race:
    in 认筹 order)."""
    units = [u["id"] for u in project["units"][:6]]
    call("release_units", DIRECTOR, project["project"]["id"], {"unit_ids": units})
    body = dict({"name": "选房", "mode": mode, "opens_at": (utcnow() - timedelta(minutes=1)).isoformat(),
                 "unit_ids": units[:5], "window_size": 1, "window_minutes": 5, "deposit_amount": "0.00"}, **changes)
    launch = call("create_launch", MANAGER, project["project"]["id"], body)
    move(call, launch, "open_registration")
    regs = [call("register_for_launch", ADVISOR, launch["id"], buyer(i)) for i in range(buyers)]
    for r in regs:
        call("review_registration", ASSISTANT, r["id"], {"result": "eligible", "note": "ok"})
    move(call, launch, "close_registration")
    if mode == "lottery":
        call("publish_lottery", MANAGER, launch["id"], {"seed_commitment": hashlib.sha256(SEED.encode()).hexdigest()})
        order = call("draw_lottery", MANAGER, launch["id"], {"seed": SEED})["order"]
        by_number = {r["number"]: r for r in regs}
        regs = [by_number[e["number"]] for e in order]
    launch = move(call, launch, "start_selection")
    return launch, regs, units


def refused(exc_type, code, call, *args):
    with pytest.raises(exc_type) as caught:
        call(*args)
    assert caught.value.code == code, caught.value.message
    return caught.value


def window(call, launch):
    return call("get_selection", MANAGER, launch["id"])["current_window"]["number"]


def test_the_current_window_alone_holds_units_of_the_launch_within_the_limit(call, project):
    launch, (first, second, third), units = selecting(call, project)
    assert window(call, launch) == 1
    refused(Conflict, "NOT_YOUR_WINDOW", call, "buyer_hold", second["id"], units[1])
    refused(NotFound, "UNIT_NOT_IN_LAUNCH", call, "buyer_hold", first["id"], units[5])  # released, not the launch's
    held = call("buyer_hold", first["id"], units[0])
    assert held["status"] == "active" and held["unit_id"] == units[0]
    refused(Conflict, "BUYER_UNIT_LIMIT", call, "buyer_hold", first["id"], units[1])
    view = call("buyer_view", first["id"])["selection"]
    assert (view["your_window"], view["status"], view["current_window"]["number"]) == (1, "open", 1)
    assert [h["unit_id"] for h in view["holds"]] == [units[0]]
    assert call("buyer_view", third["id"])["selection"]["status"] == "waiting"


def test_a_confirmation_closes_the_window_early_and_ends_the_turn(call, project, db):
    launch, (first, second, _), units = selecting(call, project)
    held = call("buyer_hold", first["id"], units[0])
    ready = call("buyer_confirmable", first["id"], held["hold_id"])
    assert ready["advisor_id"] == ADVISOR["account_id"] and ready["list_price"] == "3000000.00"
    actor = dict(ADVISOR, project_ids=[project["project"]["id"]])
    call("subscribe_hold", actor, held["hold_id"], 9001)  # what contracts' 认购 saga calls
    assert window(call, launch) == 2
    refused(Conflict, "TURN_OVER", call, "buyer_hold", first["id"], units[1])
    assert call("buyer_view", first["id"])["selection"]["status"] == "done"
    assert call("buyer_hold", second["id"], units[1])["status"] == "active"
    site = call("get_selection", MANAGER, launch["id"])
    assert [(w["number"], w["opened_reason"], w["closed_reason"], w["sold"]) for w in site["windows"]] == \
        [(1, "start", "early", 1), (2, "early", None, 0)]
    assert site["sold"] == 1 and [c["number"] for c in site["choosing"]] == [second["number"]]


def test_giving_up_releases_the_buyers_holds_and_opens_the_next_window(call, project):
    launch, (first, second, third), units = selecting(call, project)
    call("buyer_hold", first["id"], units[0])
    turn = call("buyer_give_up", first["id"])
    assert turn["gave_up"] and turn["status"] == "done" and turn["holds"][0]["status"] == "cancelled"
    assert window(call, launch) == 2
    refused(Conflict, "TURN_OVER", call, "buyer_give_up", first["id"])
    refused(Conflict, "TURN_OVER", call, "buyer_hold", first["id"], units[0])
    call("buyer_give_up", third["id"])  # a later buyer may give up ahead of their window
    call("buyer_give_up", second["id"])  # the last of window 2: window 3's buyer gave up already
    site = call("get_selection", MANAGER, launch["id"])
    assert site["current_window"]["over"] and site["current_window"]["number"] == 4


def test_windows_move_on_by_time_once_whoever_runs_the_timer(call, project, db):
    launch, (first, second, _), units = selecting(call, project)
    with db.begin() as conn:
        opened = conn.execute(select(Launch.window_opened_at).where(Launch.id == launch["id"])).scalar_one()
        conn.execute(update(Launch).where(Launch.id == launch["id"])
                     .values(window_opened_at=opened - timedelta(minutes=5, seconds=10)))
    call("advance_selection_windows")
    call("advance_selection_windows")  # a second replica's tick: nothing more is due
    site = call("get_selection", MANAGER, launch["id"])
    assert site["current_window"]["number"] == 2
    with db.connect() as conn:
        runs = conn.execute(select(LaunchWindow).where(LaunchWindow.launch_id == launch["id"])
                            .order_by(LaunchWindow.number)).all()
    assert [(r.number, r.opened_reason, r.closed_reason) for r in runs] == [(1, "start", "time"), (2, "time", None)]
    assert runs[1].opened_at == runs[0].closed_at == opened - timedelta(seconds=10)  # on schedule
    refused(Conflict, "WINDOW_PASSED", call, "buyer_hold", first["id"], units[0])
    assert call("buyer_hold", second["id"], units[0])["status"] == "active"


def test_a_paused_launch_refuses_and_resuming_restarts_the_window(call, project, db):
    launch, (first, *_), units = selecting(call, project)
    move(call, launch, "pause", "系统故障")
    refused(Conflict, "LAUNCH_PAUSED", call, "buyer_hold", first["id"], units[0])
    call("advance_selection_windows")
    move(call, launch, "resume")
    assert window(call, launch) == 1
    assert call("buyer_hold", first["id"], units[0])["status"] == "active"


def test_race_attempts_are_limited_per_unit_and_kept(call, project, db):
    launch, (first, second), units = selecting(call, project, mode="race", buyers=2, attempt_limit=2,
                                               attempt_cooldown_minutes=30, units_per_buyer=2)
    call("buyer_hold", second["id"], units[0])
    refused(Conflict, "UNIT_NOT_AVAILABLE", call, "buyer_hold", first["id"], units[0])
    refused(Conflict, "UNIT_NOT_AVAILABLE", call, "buyer_hold", first["id"], units[0])
    wait = refused(TooSoon, "HOLD_ATTEMPTS_EXCEEDED", call, "buyer_hold", first["id"], units[0])
    assert 29 * 60 < wait.retry_after <= 30 * 60
    assert call("buyer_hold", first["id"], units[1])["status"] == "active"  # per unit
    with db.connect() as conn:
        kept = conn.execute(select(LaunchAttempt.unit_id).where(LaunchAttempt.registration_id == first["id"])).scalars()
        assert sorted(kept) == [units[0], units[0], units[1]]
    # the oldest attempts leave the cooldown: the buyer may try again
    with db.begin() as conn:
        conn.execute(update(LaunchAttempt).where(LaunchAttempt.registration_id == first["id"])
                     .values(at=utcnow() - timedelta(minutes=31)))
    refused(Conflict, "UNIT_NOT_AVAILABLE", call, "buyer_hold", first["id"], units[0])


def test_a_race_opens_at_its_second_and_only_to_the_list(call, project, db):
    launch, (first, second), units = selecting(call, project, mode="race", buyers=2)
    with db.begin() as conn:
        conn.execute(update(Launch).where(Launch.id == launch["id"]).values(opens_at=utcnow() + timedelta(hours=1)))
    refused(Conflict, "SELECTION_NOT_OPEN", call, "buyer_hold", first["id"], units[0])
    with db.begin() as conn:
        conn.execute(update(Launch).where(Launch.id == launch["id"]).values(opens_at=utcnow() - timedelta(seconds=1)))
        from services.inventory.models import LaunchRegistration
        conn.execute(update(LaunchRegistration).where(LaunchRegistration.id == second["id"])
                     .values(eligibility="ineligible"))
    refused(Forbidden, "NOT_ON_THE_LIST", call, "buyer_hold", second["id"], units[0])
    assert call("buyer_hold", first["id"], units[0])["status"] == "active"
    assert call("get_selection", MANAGER, launch["id"])["attempts"] == 1


def test_two_buyers_racing_for_one_unit_one_wins(inventory, call, project):
    launch, regs, units = selecting(call, project, mode="race", buyers=4)
    outcomes = []
    with cluster_rpc(inventory.config) as rpc:
        replies = [rpc.inventory.buyer_hold.call_async(r["id"], units[0]) for r in regs]
        for reply in replies:
            try:
                outcomes.append(reply.result()["status"])
            except Conflict as exc:
                outcomes.append(exc.code)
    assert sorted(outcomes) == ["UNIT_NOT_AVAILABLE"] * 3 + ["active"]
