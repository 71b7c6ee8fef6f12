"""Staff lifecycle (入职/调岗/离职) through the real hr entrypoints, on SQLite and PostgreSQL
with the real broker: the staff record and its moves, the conditional leave, who may do
what, and the events crm and the gateway react to."""
import pytest

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated, Unauthenticated
from sqlalchemy import insert

from loupan.testing import db_write, wait_until
from loupan.types import utcnow
from services.hr.models import known_projects
from services.hr.tests.conftest import actor_of, make_director

PASSWORD = "staff-pass-123"
RIVALS_PROJECT = 5001  # a project of the rival agency, as hr's copy of the registry knows it


def joiner(username, role="advisor", project_ids=(1,), joined_on="2026-03-01"):
    return {"username": username, "password": PASSWORD, "full_name": f"{username.split('.')[-1]}姓名", "role": role,
            "project_ids": list(project_ids), "joined_on": joined_on}


def moves(call, director, account_id):
    return [(m["kind"], m["from_project_ids"], m["to_project_ids"])
            for m in call("get_staff", director, account_id)["moves"]]


def test_join_transfer_leave_keep_the_record_and_publish_the_facts(call, director, event_sink):
    sink = event_sink("hr")
    joined = call("join_staff", director, joiner("a1.adv1", project_ids=[2, 1]))
    assert joined["employment_status"] == "active" and joined["joined_on"] == "2026-03-01"
    assert joined["project_ids"] == [1, 2] and joined["token_version"] == 0
    assert call("authenticate", "a1.adv1", PASSWORD)["project_ids"] == [1, 2]

    moved = call("transfer_staff", director, joined["id"],
                 {"to_project_ids": [3], "effective_on": "2026-04-01", "reason": "新盘开盘"})
    assert moved["project_ids"] == [3] and moved["token_version"] == 1
    assert call("authenticate", "a1.adv1", PASSWORD)["project_ids"] == [3]

    left = call("leave_staff", director, joined["id"], {"left_on": "2026-05-31", "reason": "个人原因"})
    assert left["employment_status"] == "left" and left["active"] is False
    assert left["left_on"] == "2026-05-31" and left["token_version"] == 2
    with pytest.raises(Unauthenticated):
        call("authenticate", "a1.adv1", PASSWORD)

    detail = call("get_staff", director, joined["id"])
    assert [(m["kind"], m["effective_on"], m["reason"], m["by"]) for m in detail["moves"]] == [
        ("joined", "2026-03-01", None, director["account_id"]),
        ("transferred", "2026-04-01", "新盘开盘", director["account_id"]),
        ("left", "2026-05-31", "个人原因", director["account_id"]),
    ]
    assert moves(call, director, joined["id"]) == [("joined", [], [1, 2]), ("transferred", [1, 2], [3]),
                                                   ("left", [3], [])]

    assert sink.wait_for("staff_joined")[0]["payload"] == {
        "account_id": joined["id"], "username": "a1.adv1", "full_name": "adv1姓名", "role": "advisor",
        "project_ids": [1, 2], "joined_on": "2026-03-01"}
    assert sink.wait_for("staff_transferred")[0]["payload"] == {
        "account_id": joined["id"], "from_project_ids": [1, 2], "to_project_ids": [3],
        "effective_on": "2026-04-01", "role": "advisor", "token_version": 1}
    left_event = sink.wait_for("staff_left")[0]
    assert left_event["payload"] == {"account_id": joined["id"], "username": "a1.adv1", "role": "advisor",
                                     "project_ids": [3], "left_on": "2026-05-31", "token_version": 2}
    assert left_event["agency_id"] == director["agency_id"]
    assert left_event["actor"] == {"account_id": director["account_id"], "username": "boss", "role": "director"}
    wait_until(lambda: any(e["type"] == "account_created" and e["payload"]["username"] == "a1.adv1"
                           for e in sink.drain()), what="account_created of adv1")


def test_leaving_twice_is_a_conflict_and_a_leaver_cannot_be_transferred(call, director, event_sink):
    sink = event_sink("hr")
    joined = call("join_staff", director, joiner("a1.adv1"))
    call("leave_staff", director, joined["id"], {"left_on": "2026-05-31", "reason": "个人原因"})
    with pytest.raises(Conflict) as err:
        call("leave_staff", director, joined["id"], {"left_on": "2026-06-01", "reason": "再来一次"})
    assert err.value.code == "STAFF_NOT_ACTIVE"
    with pytest.raises(Conflict) as err:
        call("transfer_staff", director, joined["id"],
             {"to_project_ids": [2], "effective_on": "2026-06-01", "reason": "调岗"})
    assert err.value.code == "STAFF_NOT_ACTIVE"
    record = call("get_staff", director, joined["id"])
    assert record["left_on"] == "2026-05-31" and record["project_ids"] == [1] and record["token_version"] == 1
    assert [m["kind"] for m in record["moves"]] == ["joined", "left"]
    sink.wait_for("staff_left")
    assert [e["type"] for e in sink.drain()].count("staff_left") == 1


@pytest.mark.parametrize("role", ["advisor", "manager", "supervisor", "finance"])
def test_only_director_and_hr_manage_staff(call, director, role):
    target = call("join_staff", director, joiner("a1.adv1"))
    call("join_staff", director, joiner("a1.someone", role=role))
    actor = actor_of(call("authenticate", "a1.someone", PASSWORD))
    attempts = [
        ("join_staff", joiner("a1.adv2")),
        ("transfer_staff", target["id"], {"to_project_ids": [2], "effective_on": "2026-04-01", "reason": "调岗"}),
        ("leave_staff", target["id"], {"left_on": "2026-05-31", "reason": "离职"}),
        ("list_staff", {}),
        ("get_staff", target["id"]),
    ]
    for method, *args in attempts:
        with pytest.raises(Forbidden):
            call(method, actor, *args)
    record = call("get_staff", director, target["id"])
    assert record["employment_status"] == "active" and record["project_ids"] == [1]
    assert [s["username"] for s in call("list_staff", director, {})] == ["boss", "a1.adv1", "a1.someone"]


def test_hr_manages_staff_but_not_directors_and_nobody_records_their_own_leave(call, director):
    call("join_staff", director, joiner("a1.hr1", role="hr", project_ids=[]))
    hr_actor = actor_of(call("authenticate", "a1.hr1", PASSWORD))
    adv = call("join_staff", hr_actor, joiner("a1.adv1"))
    assert call("transfer_staff", hr_actor, adv["id"],
                {"to_project_ids": [4], "effective_on": "2026-04-01", "reason": "调岗"})["project_ids"] == [4]
    with pytest.raises(Forbidden):
        call("join_staff", hr_actor, joiner("a1.boss2", role="director"))
    with pytest.raises(Forbidden):
        call("leave_staff", hr_actor, director["account_id"], {"left_on": "2026-05-31", "reason": "离职"})
    with pytest.raises(Forbidden) as err:
        call("leave_staff", hr_actor, hr_actor["account_id"], {"left_on": "2026-05-31", "reason": "离职"})
    assert err.value.code == "OWN_LEAVE_FORBIDDEN"
    assert call("leave_staff", hr_actor, adv["id"], {"left_on": "2026-05-31", "reason": "离职"})["active"] is False
    assert [s["employment_status"] for s in call("list_staff", director, {})] == ["active", "active", "left"]


@pytest.mark.parametrize("method,data,field", [
    ("join_staff", dict(joiner("a1.adv2"), joined_on="yesterday"), "joined_on"),
    ("join_staff", {k: v for k, v in joiner("a1.adv2").items() if k != "joined_on"}, "joined_on"),
    ("join_staff", dict(joiner("a1.adv2"), role="king"), "role"),
    ("transfer_staff", {"to_project_ids": [], "effective_on": "2026-04-01", "reason": "调岗"}, "to_project_ids"),
    ("transfer_staff", {"to_project_ids": ["2"], "effective_on": "2026-04-01", "reason": "调岗"}, "to_project_ids"),
    ("transfer_staff", {"to_project_ids": [2], "effective_on": "2026-04-01", "reason": "  "}, "reason"),
    ("leave_staff", {"left_on": "2026-05-31"}, "reason"),
    ("leave_staff", {"left_on": "2026-02-28", "reason": "离职"}, "left_on"),
    ("transfer_staff", {"to_project_ids": [1], "effective_on": "2026-04-01", "reason": "调岗"}, "projects"),
])
def test_invalid_moves_are_refused_and_change_nothing(call, director, method, data, field):
    adv = call("join_staff", director, joiner("a1.adv1"))
    args = (data,) if method == "join_staff" else (adv["id"], data)
    with pytest.raises(Invalid) as err:
        call(method, director, *args)
    assert field in err.value.message
    record = call("get_staff", director, adv["id"])
    assert record["employment_status"] == "active" and record["project_ids"] == [1]
    assert record["token_version"] == 0 and [m["kind"] for m in record["moves"]] == ["joined"]
    assert [s["username"] for s in call("list_staff", director, {})] == ["boss", "a1.adv1"]


def test_a_director_cannot_be_transferred(call, director):
    boss2 = call("join_staff", director, joiner("a1.boss2", role="director"))
    assert boss2["project_ids"] is None
    with pytest.raises(RuleViolated) as err:
        call("transfer_staff", director, boss2["id"],
             {"to_project_ids": [1], "effective_on": "2026-04-01", "reason": "调岗"})
    assert err.value.code == "AGENCY_WIDE_ROLE"


def test_staff_list_filters_by_project_and_status(call, director):
    a = call("join_staff", director, joiner("a1.adv1", project_ids=[1]))
    b = call("join_staff", director, joiner("a1.adv2", project_ids=[1, 2]))
    call("join_staff", director, joiner("a1.adv3", project_ids=[2]))
    call("leave_staff", director, b["id"], {"left_on": "2026-05-31", "reason": "离职"})

    def names(**query):
        return [s["username"] for s in call("list_staff", director, {k: str(v) for k, v in query.items()})]

    assert names(project_id=1) == ["a1.adv1", "a1.adv2"]
    assert names(project_id=1, status="active") == ["a1.adv1"]
    assert names(status="left") == ["a1.adv2"]
    assert names(project_id=2, status="active") == ["a1.adv3"]
    assert names(project_id=9) == []
    with pytest.raises(Invalid):
        call("list_staff", director, {"status": "retired"})
    assert call("get_staff", director, a["id"])["moves"][0]["to_project_ids"] == [1]


def test_staff_are_scoped_to_the_agency(call, director, hr_config):
    other = make_director(hr_config, agency="别家代理", username="rival")
    db_write(hr_config, insert(known_projects).values(id=RIVALS_PROJECT, agency_id=other["agency_id"],
                                                      known_at=utcnow()))
    theirs = call("join_staff", other, joiner("a2.adv9", project_ids=[RIVALS_PROJECT]))
    for method, *args in [("get_staff", theirs["id"]),
                          ("leave_staff", theirs["id"], {"left_on": "2026-05-31", "reason": "离职"}),
                          ("transfer_staff", theirs["id"],
                           {"to_project_ids": [2], "effective_on": "2026-04-01", "reason": "调岗"}),
                          ("get_staff", 999999)]:
        with pytest.raises(NotFound) as err:
            call(method, director, *args)
        assert err.value.code == "ACCOUNT_NOT_FOUND"
    assert call("get_staff", other, theirs["id"])["employment_status"] == "active"
    assert [s["username"] for s in call("list_staff", director, {})] == ["boss"]


def test_staff_are_given_only_projects_of_the_own_agency(call, director, hr_config):
    """An account, a 入职 or a 调岗 naming another agency's project is 404 PROJECT_NOT_FOUND and
    nothing is written (a project that exists nowhere: tests/test_isolation_matrix.py, where an
    inventory is there to say so)."""
    other = make_director(hr_config, agency="别家代理", username="rival")
    db_write(hr_config, insert(known_projects).values(id=RIVALS_PROJECT, agency_id=other["agency_id"],
                                                      known_at=utcnow()))
    mine = call("join_staff", director, joiner("a1.adv1"))
    for project_ids in ([RIVALS_PROJECT], [1, RIVALS_PROJECT]):
        for method, *args in [("join_staff", joiner("a1.adv2", project_ids=project_ids)),
                              ("create_account", {k: v for k, v in joiner("a1.adv3", project_ids=project_ids).items()
                                                if k != "joined_on"}),
                              ("transfer_staff", mine["id"], {"to_project_ids": project_ids,
                                                              "effective_on": "2026-04-01", "reason": "调岗"})]:
            with pytest.raises(NotFound) as err:
                call(method, director, *args)
            assert err.value.code == "PROJECT_NOT_FOUND", (method, project_ids)
    assert sorted(s["username"] for s in call("list_staff", director, {})) == ["a1.adv1", "boss"]
    assert call("get_staff", director, mine["id"])["project_ids"] == [1]


def test_nobody_grants_themselves_power(call, director):
    """hr neither changes its own role or projects, nor grants a role above its own; a
    supervisor or manager is made (joined, created, promoted or moved) by a director only
    (issue 30: hr promoted itself to manager, and made managers with nobody's approval)."""
    call("join_staff", director, joiner("a1.hr1", role="hr", project_ids=[]))
    hr_actor = actor_of(call("authenticate", "a1.hr1", PASSWORD))
    move = {"to_project_ids": [1], "effective_on": "2026-04-01", "reason": "晋升"}
    for role in (None, "manager", "advisor"):
        with pytest.raises(Forbidden) as err:
            call("transfer_staff", hr_actor, hr_actor["account_id"], dict(move, **({"role": role} if role else {})))
        assert err.value.code == "SELF_GRANT"
    for role in ("manager", "supervisor"):
        with pytest.raises(Forbidden) as err:
            call("join_staff", hr_actor, joiner(f"new_{role}", role=role))
        assert err.value.code == "GRANT_ABOVE_OWN"
        with pytest.raises(Forbidden) as err:
            call("create_account", hr_actor, {k: v for k, v in joiner(f"acc_{role}", role=role).items()
                                              if k != "joined_on"})
        assert err.value.code == "GRANT_ABOVE_OWN"
    adv = call("join_staff", hr_actor, joiner("a1.adv1"))
    with pytest.raises(Forbidden) as err:
        call("transfer_staff", hr_actor, adv["id"], dict(move, role="supervisor"))
    assert err.value.code == "GRANT_ABOVE_OWN"
    assert call("get_staff", director, hr_actor["account_id"])["role"] == "hr"
    assert [a["username"] for a in call("list_accounts", director)] == ["boss", "a1.hr1", "a1.adv1"]
    promoted = call("transfer_staff", director, adv["id"], dict(move, role="supervisor"))
    assert promoted["role"] == "supervisor"
    with pytest.raises(Forbidden) as err:  # moving a supervisor grants the role on new projects
        call("transfer_staff", hr_actor, adv["id"], dict(move, to_project_ids=[2]))
    assert err.value.code == "GRANT_ABOVE_OWN"
    assert call("transfer_staff", hr_actor, adv["id"], dict(move, role="advisor"))["role"] == "advisor"
