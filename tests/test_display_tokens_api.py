"""销控大屏 display tokens (issue 17): a director issues a read-only token for one project; it
reads that project's board (with its name and counts) and nothing else, every other route
answers it 401; revoked or expired it is refused at once; only its hash is stored."""
import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from gateway.roles import ROLES
from loupan.testing.client import Api
from tests.api import make_project
from tests.conftest import staff

PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "大屏甲苑", units=4)
    other, _ = make_project(director, "大屏乙苑", units=2)
    return {"project": project["id"], "other": other["id"], "units": units}


def issue(director, project_id, label="售楼处大厅", **extra):
    return director.ok(director.post(f"/api/projects/{project_id}/display-tokens", dict(label=label, **extra)), 201)


def as_display(system, token):
    return Api(system.url(), token)


def test_a_display_token_reads_its_project_s_board(system, director, site):
    issued = issue(director, site["project"])
    assert issued["token"].startswith("lpd_") and issued["status"] == "active"
    assert issued["created_by"] and issued["expires_at"] is None and issued["revoked_at"] is None
    wall = as_display(system, issued["token"])
    answer = wall.ok(wall.get("/api/display/board"))
    assert answer["label"] == "售楼处大厅"
    assert answer["board"]["project"]["name"] == "大屏甲苑"
    cells = [u["id"] for b in answer["board"]["buildings"] for f in b["floors"] for u in f["units"]]
    assert sorted(cells) == sorted(site["units"])
    assert answer["board"]["totals"]["available"]["count"] == 4
    # what the board shows is what a signed-in reader sees: a hold appears on the next read
    advisor = staff(system, director, "display_adv", "advisor", [site["project"]])
    advisor.ok(advisor.post(f"/api/units/{site['units'][0]}/holds",
                            {"customer_name": "大屏客户", "customer_phone": "13900007777"}), 201)
    board = wall.ok(wall.get("/api/display/board"))["board"]
    assert board["totals"]["held"]["count"] == 1
    assert "大屏客户" not in str(board) and "13900007777" not in str(board)


def test_only_the_hash_of_the_token_is_stored(system, director, site):
    issued = issue(director, site["project"], label="只存摘要")
    engine = create_engine(system.urls["gateway"])
    try:
        with engine.connect() as conn:
            stored = conn.execute(text("SELECT token_hash FROM display_tokens WHERE id = :id"),
                                  {"id": issued["id"]}).scalar()
            everything = str(conn.execute(text("SELECT * FROM display_tokens")).all())
    finally:
        engine.dispose()
    assert stored == hashlib.sha256(issued["token"].encode()).hexdigest()
    assert issued["token"] not in everything


BUYER = ("POST /api/buyer/", "GET /api/buyer/", "DELETE /api/buyer/")
BROKER = ("POST /api/broker/", "GET /api/broker/", "DELETE /api/broker/")
BROKER_SIGN_IN = ("POST /api/broker/codes", "POST /api/broker/sessions", "POST /api/broker/signup")
SCREEN = "GET /api/display/launches/<int:launch_id>/screen"


def test_a_display_token_reads_no_other_project_and_no_other_route(system, director, site):
    token = issue(director, site["project"])["token"]
    wall = as_display(system, token)
    tried = 0
    buyers = [key for key in ROLES if key.startswith(BUYER)]  # public sign-in, then a buyer session
    brokers = [key for key in ROLES if key.startswith(BROKER)]  # and a broker's (gateway/routes/brokers.py)
    for key in ROLES:
        if key in ("GET /api/display/board", "POST /api/auth/login", SCREEN) or key.startswith(BUYER + BROKER):
            continue
        method, template = key.split(" ", 1)
        # the other project where a route names one: no id of any kind lets the token in
        path = PARAM.sub(lambda m: str(site["other"] if m.group(1) == "project_id" else 1), template)
        response = wall.session.request(method, wall.base_url + path, headers=wall.headers(), timeout=30,
                                        json={} if method in ("POST", "PUT", "PATCH") else None)
        assert (response.status_code, response.json().get("error")) == (401, "TOKEN_INVALID"), (key, response.text)
        tried += 1
    assert tried == len(ROLES) - 3 - len(buyers) - len(brokers)  # the 选房大屏 on a token: test_launch_screen_api
    # a buyer's routes take no account's token either: a display token is no buyer session
    for key in [k for k in buyers if k not in ("POST /api/buyer/codes", "POST /api/buyer/sessions")]:
        method, path = key.split(" ", 1)
        path = PARAM.sub("1", path)
        response = wall.session.request(method, wall.base_url + path, headers=wall.headers(), timeout=30,
                                        json={} if method == "POST" else None)
        # (checked before the body is read: an empty body is no 400 first)
        assert (response.status_code, response.json().get("error")) == (401, "BUYER_SESSION_INVALID"), key
    # nor a broker session
    for key in [k for k in brokers if k not in BROKER_SIGN_IN]:
        method, path = key.split(" ", 1)
        response = wall.session.request(method, wall.base_url + PARAM.sub("1", path), headers=wall.headers(),
                                        timeout=30, json={} if method == "POST" else None)
        assert (response.status_code, response.json().get("error")) == (401, "BROKER_SESSION_INVALID"), key
    # the board route takes no project: the token's own is the only one it can read
    answer = wall.ok(wall.get("/api/display/board", params={"project_id": site["other"]}))
    assert answer["board"]["project"]["id"] == site["project"]


def test_a_revoked_token_is_refused_at_once_and_listed_as_revoked(system, director, site):
    issued = issue(director, site["project"], label="门口大屏")
    wall = as_display(system, issued["token"])
    wall.ok(wall.get("/api/display/board"))
    revoked = director.ok(director.delete(f"/api/projects/{site['project']}/display-tokens/{issued['id']}"))
    assert revoked["status"] == "revoked" and revoked["revoked_by"] == issued["created_by"]
    response = wall.get("/api/display/board")
    assert (response.status_code, response.json()["error"]) == (401, "DISPLAY_TOKEN_REVOKED")
    again = director.ok(director.delete(f"/api/projects/{site['project']}/display-tokens/{issued['id']}"))
    assert again["revoked_at"] == revoked["revoked_at"]
    listed = {t["id"]: t for t in director.ok(director.get(f"/api/projects/{site['project']}/display-tokens"))}
    assert listed[issued["id"]]["status"] == "revoked" and listed[issued["id"]]["label"] == "门口大屏"
    assert all("token" not in t for t in listed.values())
    # a revocation is of one project's token: the other project's list does not know it
    response = director.delete(f"/api/projects/{site['other']}/display-tokens/{issued['id']}")
    assert (response.status_code, response.json()["error"]) == (404, "DISPLAY_TOKEN_NOT_FOUND")


def test_unknown_missing_and_account_tokens_are_refused_by_the_board(system, director, site):
    anonymous = Api(system.url())
    response = anonymous.get("/api/display/board")
    assert (response.status_code, response.json()["error"]) == (401, "TOKEN_MISSING")
    response = as_display(system, "lpd_" + "x" * 43).get("/api/display/board")
    assert (response.status_code, response.json()["error"]) == (401, "DISPLAY_TOKEN_INVALID")
    response = director.get("/api/display/board")  # an account's token is no display token
    assert (response.status_code, response.json()["error"]) == (401, "DISPLAY_TOKEN_INVALID")


def test_an_expiry_is_in_the_future_and_an_expired_token_is_refused(system, director, site):
    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).isoformat()
    response = director.post(f"/api/projects/{site['project']}/display-tokens", {"label": "过去", "expires_at": past})
    assert (response.status_code, response.json()["error"]) == (400, "EXPIRY_IN_PAST")
    soon = datetime.now(timezone.utc) + timedelta(hours=12)
    issued = issue(director, site["project"], label="半天", expires_at=soon.isoformat())
    assert datetime.fromisoformat(issued["expires_at"]) == soon
    wall = as_display(system, issued["token"])
    wall.ok(wall.get("/api/display/board"))
    engine = create_engine(system.urls["gateway"])  # its expiry passes (the clock is not the test's to move)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE display_tokens SET expires_at = now() - interval '1 second' WHERE id = :id"),
                         {"id": issued["id"]})
    finally:
        engine.dispose()
    response = wall.get("/api/display/board")
    assert (response.status_code, response.json()["error"]) == (401, "DISPLAY_TOKEN_EXPIRED")
    listed = {t["id"]: t for t in director.ok(director.get(f"/api/projects/{site['project']}/display-tokens"))}
    assert listed[issued["id"]]["status"] == "expired"


@pytest.mark.parametrize("role", ["manager", "supervisor", "advisor", "developer_viewer"])
def test_only_a_director_issues_lists_and_revokes(system, director, site, role):
    other = staff(system, director, f"display_{role}", role, [site["project"]])
    issued = issue(director, site["project"], label="总监发放")
    for response in (other.post(f"/api/projects/{site['project']}/display-tokens", {"label": "越权"}),
                     other.get(f"/api/projects/{site['project']}/display-tokens"),
                     other.delete(f"/api/projects/{site['project']}/display-tokens/{issued['id']}")):
        assert (response.status_code, response.json()["error"]) == (403, "ROLE_FORBIDDEN"), response.text
