"""Staff lifecycle over HTTP (入职/调岗/离职): a leaver's token is refused on the very next
request, on every gateway replica; a transfer changes what old and new tokens reach, at
once on every replica; role checks and bad input change nothing."""
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import update

from loupan.testing import cluster_rpc, db_write
from loupan.types import today
from services.hr.models import StaffMove

from loupan.testing.client import Api
from loupan.testing import wait_until
from tests.api import make_project, short
from tests.conftest import staff

PASSWORD = "staff-pass-123"


@pytest.fixture(scope="module")
def site(system, director):
    """Two projects, an hr officer and an advisor and a manager on the first project."""
    first, first_units = make_project(director, "钱塘府", units=2)
    second, _ = make_project(director, "运河湾", units=2)
    return {"first": first["id"], "second": second["id"], "first_units": first_units, "code": director.code,
            "hr": staff(system, director, "hr_staff", "hr", []),
            "advisor": staff(system, director, "adv_staff", "advisor", [first["id"]]),
            "manager": staff(system, director, "mgr_staff", "manager", [first["id"]])}


def join(api, username, project_ids, role="advisor"):
    return api.ok(api.post("/api/staff", {"username": username, "password": PASSWORD, "full_name": username,
                                          "role": role, "project_ids": project_ids,
                                          "joined_on": "2026-03-01"}), 201)


def leave(api, account_id, left_on="2026-05-31"):
    return api.post(f"/api/staff/{account_id}/leave", {"left_on": left_on, "reason": "个人原因"})


def transfer(api, account_id, to_project_ids):
    return api.post(f"/api/staff/{account_id}/transfer",
                    {"to_project_ids": to_project_ids, "effective_on": "2026-04-01", "reason": "调岗"})


def actor_of(api):
    """The actor a service receives for `api`'s token (for calls made behind the gateway)."""
    claims = jwt.decode(api.token, options={"verify_signature": False})
    return {"account_id": int(claims["sub"]), "username": claims["username"], "role": claims["role"],
            "agency_id": claims["agency_id"], "project_ids": claims["projects"]}


def test_a_leavers_token_is_refused_on_the_next_request(system, site):
    hr = site["hr"]
    joined = join(hr, "adv_leaving", [site["first"]])
    leaver = Api(system.url()).login(site["code"] + ".adv_leaving", PASSWORD)
    assert [p["id"] for p in leaver.ok(leaver.get("/api/projects"))] == [site["first"]]

    left = hr.ok(leave(hr, joined["id"]))
    assert left["employment_status"] == "left" and left["active"] is False
    response = leaver.get("/api/projects")
    assert response.status_code == 401 and response.json()["error"] == "TOKEN_REVOKED"
    response = Api(system.url()).post("/api/auth/login", {"username": site["code"] + ".adv_leaving", "password": PASSWORD})
    assert response.status_code == 401 and response.json()["error"] == "BAD_CREDENTIALS"

    again = leave(hr, joined["id"], left_on="2026-06-01")
    assert again.status_code == 409 and again.json()["error"] == "STAFF_NOT_ACTIVE"
    record = hr.ok(hr.get(f"/api/staff/{joined['id']}"))
    assert record["left_on"] == "2026-05-31" and [m["kind"] for m in record["moves"]] == ["joined", "left"]


def test_the_refusal_holds_on_another_gateway_replica(system, site):
    hr = site["hr"]
    joined = join(hr, "adv_replica", [site["first"]])
    system.start_service("gateway", 1)
    try:
        on_replica = Api(system.url("gateway", 1)).login(site["code"] + ".adv_replica", PASSWORD)
        assert on_replica.get("/api/projects").status_code == 200
        hr.ok(leave(hr, joined["id"]))
        response = on_replica.get("/api/projects")
        assert response.status_code == 401 and response.json()["error"] == "TOKEN_REVOKED"
    finally:
        system.kill("gateway", 1)


def test_a_leave_recorded_behind_the_gateway_revokes_tokens_too(system, director, site):
    """The gateway's `staff_left` consumer covers leaves not made through a gateway route."""
    joined = join(site["hr"], "adv_backdoor", [site["first"]])
    leaver = Api(system.url()).login(site["code"] + ".adv_backdoor", PASSWORD)
    with cluster_rpc({"AMQP_URI": system.amqp_uri, "BUS_KEY": system.bus_key}, timeout=10) as rpc:
        rpc.hr.leave_staff(actor_of(director), joined["id"], {"left_on": "2026-05-31", "reason": "人事系统直接办理"})
    wait_until(lambda: leaver.get("/api/projects").status_code == 401, what="the leaver's token refused")
    assert leaver.get("/api/projects").json()["error"] == "TOKEN_REVOKED"


def test_a_transfer_changes_what_a_new_token_sees(system, site):
    hr = site["hr"]
    joined = join(hr, "adv_moving", [site["first"]])
    moved = hr.ok(hr.post(f"/api/staff/{joined['id']}/transfer",
                          {"to_project_ids": [site["second"]], "effective_on": "2026-04-01", "reason": "调往运河湾"}))
    assert moved["project_ids"] == [site["second"]]
    advisor = Api(system.url()).login(site["code"] + ".adv_moving", PASSWORD)
    assert [p["id"] for p in advisor.ok(advisor.get("/api/projects"))] == [site["second"]]
    assert advisor.get(f"/api/projects/{site['second']}").status_code == 200
    assert advisor.get(f"/api/projects/{site['first']}").status_code == 403
    record = hr.ok(hr.get(f"/api/staff/{joined['id']}"))
    assert [(m["kind"], m["from_project_ids"], m["to_project_ids"]) for m in record["moves"]] == [
        ("joined", [], [site["first"]]), ("transferred", [site["first"]], [site["second"]])]


def test_a_transfer_moves_an_old_token_at_once_on_every_replica(system, site):
    """调岗: the token signed before the move loses the old project on its next request, on
    both gateways (the services get the corrected actor too), and reaches the new one."""
    hr, first, second = site["hr"], site["first"], site["second"]
    joined = join(hr, "adv_live_move", [first])
    system.start_service("gateway", 1)
    try:
        old = Api(system.url()).login(site["code"] + ".adv_live_move", PASSWORD)
        apis = (old, Api(system.url("gateway", 1), old.token))
        for api in apis:
            assert api.get(f"/api/projects/{first}").status_code == 200
            assert api.get(f"/api/projects/{second}").status_code == 403

        hr.ok(transfer(hr, joined["id"], [second]))
        for api in apis:
            response = api.get(f"/api/projects/{first}")
            assert response.status_code == 403 and response.json()["error"] == "PROJECT_FORBIDDEN", response.text
            assert api.get(f"/api/projects/{first}/board").status_code == 403
            hold = api.post(f"/api/units/{site['first_units'][0]}/holds",
                            {"customer_name": "李四", "customer_phone": "13812345678"})
            assert hold.status_code == 403, hold.text
            assert api.get(f"/api/projects/{second}").status_code == 200
            assert [p["id"] for p in api.ok(api.get("/api/projects"))] == [second]

        hr.ok(leave(hr, joined["id"]))
        for api in apis:
            response = api.get(f"/api/projects/{second}")
            assert response.status_code == 401 and response.json()["error"] == "TOKEN_REVOKED"
    finally:
        system.kill("gateway", 1)


def test_a_role_change_applies_to_an_old_token_at_once_on_every_replica(system, site, director):
    """调岗 with a new role (顾问 promoted to 主管, then back): the token signed before reaches
    what the new role may on its next request, on both gateways, and loses it again."""
    hr, first = site["hr"], site["first"]
    joined = join(hr, "adv_promoted", [first])
    system.start_service("gateway", 1)
    try:
        old = Api(system.url()).login(site["code"] + ".adv_promoted", PASSWORD)
        apis = (old, Api(system.url("gateway", 1), old.token))
        conflicts = f"/api/projects/{first}/conflicts"  # supervisors and managers read 撞单, advisors do not
        for api in apis:
            response = api.get(conflicts)
            assert response.status_code == 403 and response.json()["error"] == "ROLE_FORBIDDEN", response.text

        response = hr.post(f"/api/staff/{joined['id']}/transfer", {
            "to_project_ids": [first], "role": "supervisor", "effective_on": "2026-04-01", "reason": "晋升主管"})
        assert (response.status_code, response.json()["error"]) == (403, "GRANT_ABOVE_OWN"), response.text
        promoted = director.ok(director.post(f"/api/staff/{joined['id']}/transfer", {
            "to_project_ids": [first], "role": "supervisor", "effective_on": "2026-04-01", "reason": "晋升主管"}))
        assert promoted["role"] == "supervisor"
        for api in apis:
            assert api.get(conflicts).status_code == 200
        record = hr.ok(hr.get(f"/api/staff/{joined['id']}"))
        assert [(m["kind"], m["from_role"], m["to_role"]) for m in record["moves"]] == [
            ("joined", None, None), ("transferred", "advisor", "supervisor")]

        hr.ok(hr.post(f"/api/staff/{joined['id']}/transfer", {
            "to_project_ids": [first], "role": "advisor", "effective_on": "2026-05-01", "reason": "调回顾问"}))
        for api in apis:
            response = api.get(conflicts)
            assert response.status_code == 403 and response.json()["error"] == "ROLE_FORBIDDEN", response.text
        response = hr.post(f"/api/staff/{joined['id']}/transfer", {
            "to_project_ids": [first], "role": "director", "effective_on": "2026-05-02", "reason": "越级"})
        assert response.status_code == 400, response.text  # nobody becomes a director by a transfer
    finally:
        system.kill("gateway", 1)


def test_a_transfer_recorded_behind_the_gateway_moves_tokens_too(system, director, site):
    """The gateway's `staff_transferred` consumer covers transfers not made through a gateway route."""
    first, second = site["first"], site["second"]
    joined = join(site["hr"], "adv_backdoor_move", [first])
    mover = Api(system.url()).login(site["code"] + ".adv_backdoor_move", PASSWORD)
    with cluster_rpc({"AMQP_URI": system.amqp_uri, "BUS_KEY": system.bus_key}, timeout=10) as rpc:
        rpc.hr.transfer_staff(actor_of(director), joined["id"],
                              {"to_project_ids": [second], "effective_on": "2026-04-01", "reason": "人事系统直接办理"})
    wait_until(lambda: mover.get(f"/api/projects/{first}").status_code == 403, what="the old project refused")
    assert mover.get(f"/api/projects/{first}").json()["error"] == "PROJECT_FORBIDDEN"
    assert mover.get(f"/api/projects/{second}").status_code == 200


def test_the_staff_list_filters_by_project_and_status(site, director):
    hr = site["hr"]
    join(hr, "adv_listed", [site["second"]])
    names = [short(s["username"]) for s in hr.ok(hr.get("/api/staff", params={"project_id": site["second"],
                                                                       "status": "active"}))]
    assert "adv_listed" in names and "adv_staff" not in names
    everyone = director.ok(director.get("/api/staff"))
    assert {director.username, "hr_staff", "adv_staff", "adv_listed"} <= {short(s["username"]) for s in everyone}
    assert all(s["employment_status"] in ("active", "left") for s in everyone)
    assert hr.get("/api/staff", params={"status": "retired"}).status_code == 400


@pytest.mark.parametrize("who", ["advisor", "manager"])
def test_other_roles_are_403_and_change_nothing(site, who):
    api, target = site[who], site["advisor"]
    target_id = int(jwt.decode(target.token, options={"verify_signature": False})["sub"])
    attempts = [
        api.post("/api/staff", {"username": "adv_sneaky", "password": PASSWORD, "full_name": "x",
                                "role": "advisor", "project_ids": [site["first"]], "joined_on": "2026-03-01"}),
        api.post(f"/api/staff/{target_id}/transfer",
                 {"to_project_ids": [site["second"]], "effective_on": "2026-04-01", "reason": "调岗"}),
        leave(api, target_id),
        api.get("/api/staff"),
        api.get(f"/api/staff/{target_id}"),
    ]
    for response in attempts:
        assert response.status_code == 403 and response.json()["error"] == "ROLE_FORBIDDEN", response.text
    record = site["hr"].ok(site["hr"].get(f"/api/staff/{target_id}"))
    assert record["employment_status"] == "active" and record["project_ids"] == [site["first"]]
    assert "adv_sneaky" not in [short(s["username"]) for s in site["hr"].ok(site["hr"].get("/api/staff"))]
    assert target.get("/api/projects").status_code == 200


@pytest.mark.parametrize("path,body", [
    ("/api/staff", {"username": "adv_bad", "password": PASSWORD, "full_name": "x", "role": "advisor",
                    "project_ids": [1]}),
    ("/api/staff", {"username": "adv_bad", "password": PASSWORD, "full_name": "x", "role": "advisor",
                    "project_ids": [1], "joined_on": "not a date"}),
    ("/{target}/transfer", {"to_project_ids": [], "effective_on": "2026-04-01", "reason": "调岗"}),
    ("/{target}/transfer", {"to_project_ids": [2], "reason": "调岗"}),
    ("/{target}/leave", {"left_on": "2026-05-31"}),
    ("/{target}/leave", {"left_on": "2026-05-31", "reason": ""}),
])
def test_bad_input_is_400_and_changes_nothing(site, path, body):
    hr, target = site["hr"], site["advisor"]
    target_id = int(jwt.decode(target.token, options={"verify_signature": False})["sub"])
    url = path if path.startswith("/api") else "/api/staff" + path.format(target=target_id)
    response = hr.post(url, body)
    assert response.status_code == 400 and response.json()["error"] == "VALIDATION_ERROR", response.text
    record = hr.ok(hr.get(f"/api/staff/{target_id}"))
    assert record["employment_status"] == "active" and record["project_ids"] == [site["first"]]
    assert "adv_bad" not in [s["username"] for s in hr.ok(hr.get("/api/staff"))]
    assert target.get("/api/projects").status_code == 200


def test_unknown_staff_is_404(site):
    response = site["hr"].post("/api/staff/999999/leave", {"left_on": "2026-05-31", "reason": "离职"})
    assert response.status_code == 404 and response.json()["error"] == "ACCOUNT_NOT_FOUND"


def test_a_transfer_dated_tomorrow_takes_effect_on_its_day(system, site):
    """调岗 effective tomorrow: today the person keeps working on their site (no 403) and the
    record shows the transfer as planned; on its day (dated today here) hr's sweep applies it
    and the same token loses the old site."""
    hr, first, second = site["hr"], site["first"], site["second"]
    joined = join(hr, "adv_planned", [first])
    mover = Api(system.url()).login(site["code"] + ".adv_planned", PASSWORD)
    tomorrow = (today() + timedelta(days=1)).isoformat()
    planned = hr.ok(hr.post(f"/api/staff/{joined['id']}/transfer",
                            {"to_project_ids": [second], "effective_on": tomorrow, "reason": "下月调往运河湾"}))
    assert planned["project_ids"] == [first]
    assert (planned["planned_transfer"]["effective_on"], planned["planned_transfer"]["to_project_ids"]) == (
        tomorrow, [second])
    assert mover.get(f"/api/projects/{first}").status_code == 200
    assert mover.get(f"/api/projects/{second}").status_code == 403
    listed = {s["id"]: s for s in hr.ok(hr.get("/api/staff", params={"project_id": first}))}
    assert listed[joined["id"]]["planned_transfer"]["to_project_ids"] == [second]
    record = hr.ok(hr.get(f"/api/staff/{joined['id']}"))
    assert [(m["kind"], m["status"]) for m in record["moves"]] == [("joined", "done"), ("transferred", "planned")]
    again = hr.post(f"/api/staff/{joined['id']}/transfer",
                    {"to_project_ids": [first, second], "effective_on": tomorrow, "reason": "改主意"})
    assert (again.status_code, again.json()["error"]) == (409, "TRANSFER_ALREADY_PLANNED")

    db_write(system.config("hr"), update(StaffMove).where(StaffMove.account_id == joined["id"],
                                                          StaffMove.status == "planned")
             .values(effective_on=today()))
    wait_until(lambda: mover.get(f"/api/projects/{first}").status_code == 403, what="the old site refused")
    assert mover.get(f"/api/projects/{second}").status_code == 200
    record = hr.ok(hr.get(f"/api/staff/{joined['id']}"))
    assert record["project_ids"] == [second] and record["planned_transfer"] is None
