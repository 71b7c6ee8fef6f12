"""The API as a front-end meets it: the sales path, and the right 4xx for bad requests."""
import time

import eventlet
import jwt
import pytest
import requests

from loupan.roles import ADVISOR, DIRECTOR, PERMISSIONS, TITLES, permissions_of
from loupan.testing.client import Api
from tests.api import make_project
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    """Two projects; an advisor assigned to the first only."""
    project, units = make_project(director, "滨江壹号", units=12)
    other, other_units = make_project(director, "城西花园", units=2)
    advisor = staff(system, director, "adv_api", "advisor", [project["id"]])
    return {"project": project, "units": units, "other": other, "other_units": other_units,
            "advisor": advisor}


def test_the_sales_path_over_http(director, site):
    advisor, pid = site["advisor"], site["project"]["id"]
    assert advisor.ok(advisor.get("/api/ping")) == {"inventory": "pong"}
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "李四", "customer_phone": "13812345678"}), 201)
    assert {"hold_id", "unit_id", "expires_at"} <= set(hold)
    taken = advisor.post(f"/api/units/{unit_id}/holds", {"customer_name": "王五", "customer_phone": "13900000000"})
    assert taken.status_code == 409 and taken.json()["error"] == "UNIT_NOT_AVAILABLE"
    board = advisor.ok(advisor.get(f"/api/projects/{pid}/board"))
    cells = [u for b in board["buildings"] for f in b["floors"] for u in f["units"]]
    assert len(cells) == 12 and board["totals"]["held"]["count"] == 1
    assert board["totals"]["available"]["count"] == 11
    advisor.ok(advisor.delete(f"/api/holds/{hold['hold_id']}"))
    assert advisor.delete(f"/api/holds/{hold['hold_id']}").status_code == 409
    held = advisor.ok(advisor.get(f"/api/projects/{pid}/units", params={"status": "held"}))
    assert held["total"] == 0


def test_money_and_areas_travel_as_decimal_strings(director, site):
    page = director.ok(director.get(f"/api/projects/{site['project']['id']}/units", params={"limit": 1}))
    unit = page["items"][0]
    assert isinstance(unit["list_price"], str) and unit["gross_area"] == "100.00"
    assert page["total"] == 12 and len(page["items"]) == 1


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_missing_or_bad_tokens_are_401(system, header):
    headers = {"Authorization": header} if header else {}
    response = requests.get(system.url() + "/api/projects", headers=headers, timeout=10)
    assert response.status_code == 401 and response.json()["error"].startswith("TOKEN_")


def test_expired_or_forged_tokens_are_401(system, director):
    claims = jwt.decode(director.token, options={"verify_signature": False})
    secret = system.config("gateway")["JWT_SECRET"]
    expired = jwt.encode(dict(claims, exp=int(time.time()) - 10), secret, algorithm="HS256")
    forged = jwt.encode(dict(claims, role="director"), "not-the-key-but-long-enough-for-hs256!!", algorithm="HS256")
    for token in (expired, forged):
        response = Api(system.url(), token).get("/api/projects")
        assert response.status_code == 401


def test_wrong_password_is_401(system):
    response = Api(system.url()).post("/api/auth/login", {"username": "director", "password": "nope"})
    assert response.status_code == 401 and response.json()["error"] == "BAD_CREDENTIALS"


def test_other_projects_are_403_for_an_assigned_advisor(site):
    advisor, other = site["advisor"], site["other"]
    for response in (
        advisor.get(f"/api/projects/{other['id']}"),
        advisor.get(f"/api/projects/{other['id']}/board"),
        advisor.post(f"/api/units/{site['other_units'][0]}/holds",
                     {"customer_name": "李四", "customer_phone": "13812345678"}),
    ):
        assert response.status_code == 403, response.text
    listed = advisor.ok(advisor.get("/api/projects"))
    assert [p["id"] for p in listed] == [site["project"]["id"]]


def test_roles_are_enforced(site):
    advisor = site["advisor"]
    response = advisor.post("/api/projects", {"name": "x", "city": "y", "developer_name": "z"})
    assert response.status_code == 403 and response.json()["error"] == "ROLE_FORBIDDEN"
    response = advisor.post(f"/api/projects/{site['project']['id']}/releases", {"unit_ids": [1]})
    assert response.status_code == 403


def test_me_says_who_is_signed_in_and_what_they_may_do(director, site):
    """GET /api/me: what the console decides its pages by, the permissions of loupan/roles.py."""
    advisor = site["advisor"]
    me = advisor.ok(advisor.get("/api/me"))
    assert {k: me[k] for k in ("username", "full_name", "role", "role_title", "project_ids")} == {
        "username": f"{director.code}.adv_api", "full_name": "adv_api", "role": ADVISOR, "role_title": TITLES[ADVISOR],
        "project_ids": [site["project"]["id"]]}
    assert me["permissions"] == permissions_of(ADVISOR)
    assert "deals.sell" in me["permissions"] and "deals.review" not in me["permissions"]
    assert me["id"] == int(jwt.decode(advisor.token, options={"verify_signature": False})["sub"])
    boss = director.ok(director.get("/api/me"))
    assert boss["role"] == DIRECTOR and boss["project_ids"] is None
    assert set(boss["permissions"]) == {name for name, grant in PERMISSIONS.items() if DIRECTOR in grant}
    assert requests.get(advisor.base_url + "/api/me", timeout=10).status_code == 401


def test_unknown_ids_are_404(director):
    assert director.get("/api/projects/987654").status_code == 404
    assert director.post("/api/units/987654/holds",
                         {"customer_name": "a", "customer_phone": "13812345678"}).status_code == 404
    assert director.delete("/api/holds/987654").status_code == 404
    assert director.get("/api/projects/99999999999999999999999").status_code == 404
    assert director.get("/api/nothing-here").json()["error"] == "NO_ROUTE"


@pytest.mark.parametrize("body,code", [
    ('{"customer_name": "李四",', "INVALID_JSON"),
    ('["a list"]', "INVALID_JSON"),
    ('{"customer_name": 5, "customer_phone": "13812345678"}', "VALIDATION_ERROR"),
    ('{"customer_name": "李四", "customer_phone": "12345"}', "VALIDATION_ERROR"),
    ('{"customer_name": "李四"}', "VALIDATION_ERROR"),
])
def test_malformed_bodies_are_400(site, body, code):
    advisor = site["advisor"]
    response = advisor.post(f"/api/units/{site['units'][1]}/holds", data=body.encode())
    assert response.status_code == 400 and response.json()["error"] == code


def test_wrong_types_in_bulk_units_are_400_and_name_the_field(director, site):
    pid = site["project"]["id"]
    response = director.post(f"/api/projects/{pid}/units", {"units": [{"building_id": "one", "number": 5}]})
    assert response.status_code == 400
    assert "building_id" in response.json()["message"]


def test_openapi_document_lists_every_route(system):
    doc = requests.get(system.url() + "/api/openapi.json", timeout=10).json()
    assert doc["openapi"].startswith("3.")
    for path in ("/api/auth/login", "/api/ping", "/api/projects", "/api/projects/{project_id}",
                 "/api/projects/{project_id}/buildings", "/api/projects/{project_id}/units",
                 "/api/projects/{project_id}/releases", "/api/units/{unit_id}/holds",
                 "/api/holds/{hold_id}", "/api/projects/{project_id}/board", "/api/me"):
        assert path in doc["paths"], path
    assert "HoldIn" in doc["components"]["schemas"] and "MeOut" in doc["components"]["schemas"]
    assert requests.get(system.url() + "/api/docs", timeout=10).status_code == 200


def test_fifty_clients_race_for_ten_units(system, director):
    """On PostgreSQL: exactly 10 holds and 40 clean 409s, whatever the interleaving."""
    project, units = make_project(director, "开盘测试", units=10)
    advisor = staff(system, director, "adv_race", "advisor", [project["id"]])
    statuses = []

    def buyer(i):
        response = requests.post(f"{system.url()}/api/units/{units[i % 10]}/holds",
                                 json={"customer_name": f"买家{i}", "customer_phone": f"139{i:08d}"},
                                 headers=advisor.headers(), timeout=30)
        statuses.append((response.status_code, response.json().get("error")))

    pool = eventlet.GreenPool(50)
    for i in range(50):
        pool.spawn(buyer, i)
    pool.waitall()
    assert statuses.count((201, None)) == 10
    assert statuses.count((409, "UNIT_NOT_AVAILABLE")) == 40
    board = director.ok(director.get(f"/api/projects/{project['id']}/board"))
    assert board["totals"]["held"]["count"] == 10 and board["totals"]["available"]["count"] == 0


def test_permit_recorded_later_over_http(system, director, site):
    pid = site["project"]["id"]
    building = director.ok(director.post(f"/api/projects/{pid}/buildings", {"name": "9号楼"}), 201)
    assert site["advisor"].session.patch(f"{system.url()}/api/buildings/{building['id']}",
                                         json={"permit_no": "x"}, headers=site["advisor"].headers(),
                                         timeout=10).status_code == 403
    response = director.session.patch(f"{system.url()}/api/buildings/{building['id']}",
                                      json={"permit_no": "杭售许字(2026)第0909号"},
                                      headers=director.headers(), timeout=10)
    assert response.status_code == 200 and response.json()["permit_no"] == "杭售许字(2026)第0909号"
    bad = director.session.patch(f"{system.url()}/api/buildings/{building['id']}", json={"name": 5},
                                 headers=director.headers(), timeout=10)
    assert bad.status_code == 400
