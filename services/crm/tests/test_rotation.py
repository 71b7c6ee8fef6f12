"""轮序接待 through the crm service on both databases: the queue built from hr's events, new
walk-ins taking the head, returning customers going to their owner, the supervisors'
changes with their audit, and (PostgreSQL) ten walk-ins at once."""
from collections import Counter
from datetime import datetime, time, timedelta, timezone

import pytest
import requests
from loupan.testing import cluster_rpc
from sqlalchemy import func, select

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.testing import db_rows, publish_event, wait_until
from loupan.types import SHANGHAI, today
from services.crm.models import RotationAudit, Visit
from services.crm.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

P = 7
SUPERVISOR = actor(50, "supervisor", [P])
ASSISTANT = actor(60, "assistant", [P])


def today_at(i):
    """An instant early today (Asia/Shanghai): clock-ins in a known order, all in the past."""
    midnight = datetime.combine(today(), time(0), SHANGHAI).astimezone(timezone.utc)
    return midnight + timedelta(milliseconds=i)


def queue(call, day=None):
    return [q["account_id"] for q in call("get_rotation", SUPERVISOR, P, {"day": day} if day else {})["queue"]]


def on_duty(config, call, *advisors, certified=True):
    for i, advisor in enumerate(advisors):
        if certified:
            publish_event(config["AMQP_URI"], "staff_certified",
                          {"account_id": advisor, "project_id": P, "score": "90.00",
                           "certified_on": today() - timedelta(days=1)}, project_id=P)
        publish_event(config["AMQP_URI"], "staff_clocked_in",
                      {"account_id": advisor, "project_id": P, "at": today_at(i + 1)}, project_id=P,
                      actor={"account_id": advisor, "username": f"adv{advisor}", "role": "advisor"})
        if certified:  # one at a time: hr's events of different people may be handled in any order
            wait_until(lambda: advisor in queue(call), what=f"advisor {advisor} on the queue")


def walk_in(call, **data):
    return call("register_visit", ASSISTANT, P, data)


def test_the_queue_holds_certified_advisors_clocked_in_today_in_arrival_order(crm_config, call):
    on_duty(crm_config, call, 11, 12, 13)
    on_duty(crm_config, call, 14, certified=False)
    wait_until(lambda: queue(call) == [11, 12, 13], what="three advisors on the queue")
    joined = [a for a in call("get_rotation", SUPERVISOR, P, {})["audit"] if a["action"] == "joined"]
    assert sorted(a["account_id"] for a in joined) == [11, 12, 13]
    assert 14 not in queue(call)
    assert [q["username"] for q in call("get_rotation", SUPERVISOR, P, {})["queue"]] == ["adv11", "adv12", "adv13"]


def test_new_walk_ins_take_the_head_which_moves_to_the_back(crm_config, call):
    on_duty(crm_config, call, 11, 12, 13)
    wait_until(lambda: queue(call) == [11, 12, 13], what="queue")
    taken = [walk_in(call)["advisor_id"] for _ in range(4)]
    assert taken == [11, 12, 13, 11]
    rotation = call("get_rotation", SUPERVISOR, P, {})
    assert [q["account_id"] for q in rotation["queue"]] == [12, 13, 11]
    assert [a["account_id"] for a in rotation["assignments"]] == taken
    assert all(a["visit_id"] and a["by_id"] == 60 for a in rotation["assignments"])


def test_a_returning_customer_goes_to_the_owner_and_the_queue_does_not_move(crm_config, call):
    on_duty(crm_config, call, 11, 12)
    wait_until(lambda: queue(call) == [11, 12], what="queue")
    first = walk_in(call, mobile="138 0013 8000", customer_name="王先生")
    assert (first["advisor_id"], first["assignment"], first["new_customer"]) == (11, "rotation", True)
    version = call("get_rotation", SUPERVISOR, P, {})["version"]
    again = walk_in(call, mobile="13800138000")
    assert (again["advisor_id"], again["assignment"], again["customer_id"]) == (11, "owner", first["customer_id"])
    assert again["new_customer"] is False
    after = call("get_rotation", SUPERVISOR, P, {})
    assert after["version"] == version and [q["account_id"] for q in after["queue"]] == [12, 11]
    assert walk_in(call)["advisor_id"] == 12


def test_a_walk_in_an_advisor_registers_for_a_colleague_registers_no_customer(crm_config, call):
    on_duty(crm_config, call, 12)
    visit = call("register_visit", actor(11, "advisor", [P]), P, {"mobile": "13600136000", "customer_name": "赵先生"})
    assert (visit["advisor_id"], visit["assignment"], visit["customer_id"], visit["customer_name"]) == (
        12, "rotation", None, "赵先生")


def test_with_nobody_on_duty_a_walk_in_is_refused_and_nothing_recorded(crm_config, call):
    on_duty(crm_config, call, 11, certified=False)
    with pytest.raises(RuleViolated) as refused:
        walk_in(call, mobile="13900139000", customer_name="李女士")
    assert refused.value.code == "NO_ADVISOR_ON_DUTY"
    assert db_rows(crm_config, select(func.count()).select_from(Visit))[0][0] == 0


def test_clock_out_leave_and_leaving_take_advisors_off_and_clocking_in_again_joins_the_back(crm_config, call):
    on_duty(crm_config, call, 11, 12, 13, 14)
    wait_until(lambda: queue(call) == [11, 12, 13, 14], what="queue")
    uri = crm_config["AMQP_URI"]
    publish_event(uri, "staff_clocked_out", {"account_id": 11, "project_id": P, "at": today_at(50)}, project_id=P)
    publish_event(uri, "staff_leave_approved", {"account_id": 12, "project_ids": [P], "start_on": today(),
                                                "end_on": today(), "kind": "personal"}, project_id=P, copies=2)
    publish_event(uri, "staff_left", {"account_id": 13, "username": "a13", "role": "advisor", "project_ids": [P],
                                      "left_on": today()}, project_id=P)
    wait_until(lambda: queue(call) == [14], what="only 14 left")
    publish_event(uri, "staff_clocked_in", {"account_id": 11, "project_id": P, "at": today_at(60)}, project_id=P)
    wait_until(lambda: queue(call) == [14, 11], what="11 back at the end")
    left = {a["account_id"]: a["reason"] for a in call("get_rotation", SUPERVISOR, P, {})["audit"]
            if a["action"] == "left"}
    assert left == {11: "clocked out", 12: "on leave", 13: "left"}


def test_a_transfer_to_another_site_takes_the_advisor_off_and_a_transfer_back_puts_them_on(crm_config, call):
    on_duty(crm_config, call, 11, 12)
    wait_until(lambda: queue(call) == [11, 12], what="queue")
    move = {"account_id": 11, "from_project_ids": [P], "to_project_ids": [P + 1], "effective_on": today()}
    publish_event(crm_config["AMQP_URI"], "staff_transferred", move)
    wait_until(lambda: queue(call) == [12], what="11 transferred away")
    back = dict(move, from_project_ids=[P + 1], to_project_ids=[P])
    publish_event(crm_config["AMQP_URI"], "staff_transferred", back)
    wait_until(lambda: queue(call) == [12, 11], what="11 back at the end")


def test_supervisors_skip_restore_and_reorder_with_reasons_in_the_audit(crm_config, call):
    on_duty(crm_config, call, 11, 12, 13)
    wait_until(lambda: queue(call) == [11, 12, 13], what="queue")
    skipped = call("skip_advisor", SUPERVISOR, P, {"account_id": 11, "reason": "销讲培训"})
    assert [q["account_id"] for q in skipped["queue"]] == [12, 13]
    assert skipped["skipped"] == [{"account_id": 11, "username": "adv11", "reason": "销讲培训"}]
    assert walk_in(call)["advisor_id"] == 12
    with pytest.raises(Conflict):
        call("skip_advisor", SUPERVISOR, P, {"account_id": 11, "reason": "again"})
    restored = call("restore_advisor", SUPERVISOR, P, {"account_id": 11, "reason": "培训结束"})
    assert [q["account_id"] for q in restored["queue"]] == [13, 12, 11]
    reordered = call("reorder_rotation", SUPERVISOR, P, {"order": [11, 13, 12], "reason": "补位",
                                                         "version": restored["version"]})
    assert [q["account_id"] for q in reordered["queue"]] == [11, 13, 12]
    assert walk_in(call)["advisor_id"] == 11
    actions = [(a["action"], a["account_id"], a["reason"], a["by_id"]) for a in reordered["audit"]
               if a["action"] in ("skipped", "restored", "reordered")]
    assert actions == [("skipped", 11, "销讲培训", 50), ("restored", 11, "培训结束", 50), ("reordered", None, "补位", 50)]


def test_bad_rotation_changes_are_refused_and_change_nothing(crm_config, call):
    on_duty(crm_config, call, 11, 12)
    wait_until(lambda: queue(call) == [11, 12], what="queue")
    before = call("get_rotation", SUPERVISOR, P, {})
    with pytest.raises(RuleViolated) as mismatch:
        call("reorder_rotation", SUPERVISOR, P, {"order": [12], "reason": "x"})
    assert mismatch.value.code == "ORDER_MISMATCH"
    with pytest.raises(Conflict) as stale:
        call("reorder_rotation", SUPERVISOR, P, {"order": [12, 11], "reason": "x", "version": before["version"] - 1})
    assert stale.value.code == "ROTATION_CHANGED"
    with pytest.raises(NotFound) as unknown:
        call("skip_advisor", SUPERVISOR, P, {"account_id": 99, "reason": "x"})
    assert unknown.value.code == "ADVISOR_NOT_IN_ROTATION"
    with pytest.raises(Conflict) as not_skipped:
        call("restore_advisor", SUPERVISOR, P, {"account_id": 11, "reason": "x"})
    assert not_skipped.value.code == "NOT_SKIPPED"
    with pytest.raises(Forbidden):
        call("skip_advisor", actor(11, "advisor", [P]), P, {"account_id": 12, "reason": "x"})
    with pytest.raises(Forbidden):
        call("get_rotation", actor(70, "supervisor", [P + 1]), P, {})
    assert call("get_rotation", SUPERVISOR, P, {}) == before


def test_the_business_gauge_sums_eligible_advisors_without_ids(crm_config, call):
    on_duty(crm_config, call, 11, 12)
    wait_until(lambda: queue(call) == [11, 12], what="queue")
    text = requests.get(f"http://{crm_config['WEB_SERVER_ADDRESS']}/metrics", timeout=10).text
    line = next(x for x in text.splitlines() if x.startswith("loupan_crm_rotation_eligible_advisors"))
    assert line.split() == ["loupan_crm_rotation_eligible_advisors", "2.0"]


def test_ten_walk_ins_at_once_share_three_advisors_fairly(crm_config, crm, call, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent workers need PostgreSQL (SQLite serialises units of work)")
    on_duty(crm_config, call, 11, 12, 13)
    wait_until(lambda: queue(call) == [11, 12, 13], what="queue")
    with cluster_rpc(crm_config, timeout=30) as cluster:
        replies = [cluster.crm.register_visit.call_async(ASSISTANT, P, {}) for _ in range(10)]
        results = [r.result() for r in replies]
    counts = Counter(r["advisor_id"] for r in results)
    assert sorted(counts.values()) == [3, 3, 4]
    rows = db_rows(crm_config, select(RotationAudit.visit_id).where(RotationAudit.action == "assigned"))
    assert len(rows) == 10 and len({r[0] for r in rows}) == 10
    assert sorted(r["id"] for r in results) == sorted(r[0] for r in rows)
