"""A 调岗 dated after today is planned: the person keeps their projects, role and tokens until
its day, the record shows it, and hr's sweep applies it on the day (publishing
`staff_transferred` then, not before); a leave cancels it."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from loupan.errors import Conflict
from loupan.testing import db_write
from loupan.types import today
from services.hr.models import StaffMove
from services.hr.tests.test_lifecycle import PASSWORD, joiner


def tomorrow():
    return (today() + timedelta(days=1)).isoformat()


def bring_forward(hr_config, account_id):
    """The planned day comes: the move is dated today (the sweep reads the real clock)."""
    db_write(hr_config, update(StaffMove).where(StaffMove.account_id == account_id, StaffMove.status == "planned")
             .values(effective_on=today()))


def test_a_transfer_dated_tomorrow_waits_for_its_day(call, director, hr_config, event_sink):
    sink = event_sink("hr")
    joined = call("join_staff", director, joiner("a1.adv1", project_ids=[1]))
    planned = call("transfer_staff", director, joined["id"],
                   {"to_project_ids": [2], "role": "supervisor", "effective_on": tomorrow(), "reason": "新盘开盘"})
    assert planned["project_ids"] == [1] and planned["role"] == "advisor" and planned["token_version"] == 0
    assert planned["planned_transfer"] == {
        "move_id": planned["planned_transfer"]["move_id"], "effective_on": tomorrow(), "to_project_ids": [2],
        "to_role": "supervisor", "reason": "新盘开盘", "by": director["account_id"]}
    assert call("authenticate", "a1.adv1", PASSWORD)["project_ids"] == [1]
    listed = {s["id"]: s for s in call("list_staff", director, {})}
    assert listed[joined["id"]]["planned_transfer"]["effective_on"] == tomorrow()
    assert [(m["kind"], m["status"]) for m in call("get_staff", director, joined["id"])["moves"]] == [
        ("joined", "done"), ("transferred", "planned")]

    with pytest.raises(Conflict) as err:
        call("transfer_staff", director, joined["id"],
             {"to_project_ids": [3], "effective_on": tomorrow(), "reason": "再调"})
    assert err.value.code == "TRANSFER_ALREADY_PLANNED"

    call("sweep_planned_transfers")  # not its day yet: nothing moves
    assert call("get_staff", director, joined["id"])["project_ids"] == [1]
    assert [e["type"] for e in sink.drain()].count("staff_transferred") == 0

    bring_forward(hr_config, joined["id"])
    call("sweep_planned_transfers")
    call("sweep_planned_transfers")  # applied once
    record = call("get_staff", director, joined["id"])
    assert (record["project_ids"], record["role"], record["token_version"]) == ([2], "supervisor", 1)
    assert record["planned_transfer"] is None
    assert [(m["kind"], m["status"], m["from_project_ids"], m["to_project_ids"]) for m in record["moves"]] == [
        ("joined", "done", [], [1]), ("transferred", "done", [1], [2])]
    assert call("authenticate", "a1.adv1", PASSWORD)["project_ids"] == [2]
    [event] = sink.wait_for("staff_transferred")
    assert event["payload"] == {"account_id": joined["id"], "from_project_ids": [1], "to_project_ids": [2],
                                "effective_on": today().isoformat(), "role": "supervisor", "token_version": 1}
    assert event["actor"] == {"account_id": director["account_id"], "username": "boss", "role": "director"}


def test_a_transfer_dated_today_or_before_is_at_once(call, director):
    joined = call("join_staff", director, joiner("a1.adv1", project_ids=[1]))
    moved = call("transfer_staff", director, joined["id"],
                 {"to_project_ids": [2], "effective_on": today().isoformat(), "reason": "调岗"})
    assert moved["project_ids"] == [2] and moved["planned_transfer"] is None and moved["token_version"] == 1


def test_leaving_cancels_a_planned_transfer(call, director, hr_config):
    joined = call("join_staff", director, joiner("a1.adv1", project_ids=[1]))
    call("transfer_staff", director, joined["id"], {"to_project_ids": [2], "effective_on": tomorrow(), "reason": "调岗"})
    call("leave_staff", director, joined["id"], {"left_on": today().isoformat(), "reason": "个人原因"})
    bring_forward(hr_config, joined["id"])
    call("sweep_planned_transfers")
    record = call("get_staff", director, joined["id"])
    assert record["planned_transfer"] is None and record["project_ids"] == [1]
    assert [(m["kind"], m["status"]) for m in record["moves"]] == [
        ("joined", "done"), ("transferred", "cancelled"), ("left", "done")]
