"""The role matrix (gateway/roles.py, grants of the kernel's table loupan/roles.py) is what the
routes enforce and what a running system does: every route's entrypoint checks its grant, and
every route × role pair is tried once, a refused role gets 403 ROLE_FORBIDDEN and an allowed
one never does. Then the project scope and the phone masking on top of it: an advisor
of project A is refused project B, a developer_viewer reads its project's board and reports
without one customer's number, an advisor sees another advisor's buyer masked."""
import inspect
import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest

from gateway.roles import DEV, PUBLIC, ROLE_NAMES, ROLES, markdown, route_summaries
from loupan.roles import GROUPS, PERMISSIONS
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
MISSING = 999999  # an id nobody has: an allowed role gets past the role check to a 404
DELIVERY = (today() + timedelta(days=700)).isoformat()
PARAM = re.compile(r"<(?:\w+:)?(\w+)>")
PAIRS = [(key, role) for key in ROLES for role in ROLE_NAMES]
DISPLAY = "GET /api/display/board"
DISPLAY_SCREEN = "GET /api/display/launches/<int:launch_id>/screen"  # 选房大屏 on a display token
# a buyer's phone: no account; the session (lpb_…) is checked by the route (gateway/routes/buyers.py)
BUYER_CODES = ["POST /api/buyer/codes", "POST /api/buyer/sessions"]  # signing in
BUYER_SESSION = [key for key in ROLES if key.split(" ")[1].startswith("/api/buyer/") and key not in BUYER_CODES]
# a broker's phone (role broker): no account; the session (lpk_…) is checked by the route (gateway/routes/brokers.py)
BROKER_CODES = ["POST /api/broker/codes", "POST /api/broker/sessions", "POST /api/broker/signup"]  # signing in/up
BROKER_SESSION = [key for key in ROLES if key.split(" ")[1].startswith("/api/broker/") and key not in BROKER_CODES]


def enforced():
    """{"METHOD /path": roles} that each HTTP entrypoint of GatewayService checks at request
    time (the JsonRoute's own roles, not what the table or ROUTES says of it)."""
    from gateway.http import JsonRoute
    from gateway.service import GatewayService
    found = {}
    for _, method in inspect.getmembers(GatewayService, callable):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, JsonRoute):
                key = f"{entrypoint.method} {entrypoint.url}"
                assert key not in found, f"{key} is declared twice"
                found[key] = set(entrypoint.roles)
    return found


# the table itself ---------------------------------------------------------------------------
def test_every_route_enforces_the_roles_of_the_table():
    routes = enforced()
    table = {key: set(roles) for key, roles in ROLES.items()}
    assert sorted(set(routes) - set(table)) == [], "routes missing from gateway/roles.py"
    assert sorted(set(table) - set(routes)) == [], "gateway/roles.py lists routes that do not exist"
    differ = {key: {"enforced": sorted(routes[key]), "table": sorted(table[key])}
              for key in routes if routes[key] != table[key]}
    assert differ == {}


def test_every_grant_of_the_table_is_one_of_the_kernels():
    """A route's roles are a named group or permission of loupan/roles.py, never a tuple
    written in the gateway: a role is granted in one place."""
    kernel = {id(g) for g in list(GROUPS.values()) + list(PERMISSIONS.values())}
    assert [key for key, roles in ROLES.items() if id(roles) not in kernel] == []


def test_a_route_says_no_other_roles_than_the_table():
    from gateway.http import route
    with pytest.raises(ValueError, match="grants"):
        route("POST", "/api/projects", roles=("director", "manager"), summary="wrong roles")
    with pytest.raises(LookupError, match="not in gateway/roles.py"):
        route("GET", "/api/no-such-route", summary="not in the table")


def test_the_table_names_only_known_roles_and_the_developer_viewer_only_reads():
    assert all(set(roles) <= set(ROLE_NAMES) for roles in ROLES.values())
    # besides reads, the viewer only looks after their own session: their password, signing out
    assert [key for key, roles in ROLES.items() if DEV in roles and not key.startswith("GET ")] == \
        ["POST /api/me/password", "POST /api/logout"]
    # the wall's board takes no account's token: a display token (tests/test_display_tokens_api.py)
    # nor do a buyer's sign-in and session: a texted code, then a buyer session (tests/test_buyer_signin_api.py),
    # nor a broker's (tests/test_broker_flow_api.py)
    assert [key for key, roles in ROLES.items() if roles == PUBLIC] == \
        ["POST /api/auth/login", DISPLAY, *BUYER_CODES, *BUYER_SESSION, *BROKER_CODES, *BROKER_SESSION, DISPLAY_SCREEN]


def test_docs_roles_md_is_generated_from_the_table():
    doc = Path(__file__).resolve().parent.parent / "docs" / "roles.md"
    assert doc.read_text(encoding="utf-8") == markdown(route_summaries()), \
        "regenerate it: python -m gateway.roles > docs/roles.md"


# a running system ---------------------------------------------------------------------------
def call(api, method, path, **kwargs):
    if method in ("POST", "PUT", "PATCH"):
        kwargs.setdefault("json", {})
    return api.session.request(method, api.base_url + path, headers=api.headers(), timeout=30, **kwargs)


def code_of(response):
    try:
        return response.json().get("error")
    except ValueError:
        return None


def hold(api, unit_id, name, phone):
    return api.ok(api.post(f"/api/units/{unit_id}/holds", {"customer_name": name, "customer_phone": phone}), 201)


def subscribe(api, unit_id, name, phone):
    held = hold(api, unit_id, name, phone)
    price = api.ok(api.get(f"/api/units/{unit_id}"))["list_price"]
    return api.ok(api.post("/api/subscriptions", {
        "hold_id": held["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY}), 201)


@pytest.fixture(scope="module")
def site(system, director):
    """Project A with one account per role (all assigned to A), a second advisor, a customer of
    the advisor, a unit held and a deal; project B with its own customer and deal."""
    project_a, units_a = make_project(director, "权限甲苑", units=4)
    project_b, units_b = make_project(director, "权限乙苑", units=2)
    a, b = project_a["id"], project_b["id"]
    people = {"director": director}
    for role in ROLE_NAMES[1:]:
        people[role] = staff(system, director, f"rm_{role}", role, [a])
    people["advisor2"] = staff(system, director, "rm_advisor2", "advisor", [a])
    advisor = people["advisor"]
    customer = advisor.ok(advisor.post(f"/api/projects/{a}/customers", {
        "mobile": "13912345678", "name": "权限客户", "channel": "walk_in"}), 201)
    hold(advisor, units_a[0], "权限客户", "13912345678")
    deal = subscribe(advisor, units_a[1], "权限买家", "13912345679")
    customer_b = director.ok(director.post(f"/api/projects/{b}/customers", {
        "mobile": "13712345678", "name": "乙苑客户", "channel": "walk_in"}), 201)
    deal_b = subscribe(director, units_b[0], "乙苑买家", "13712345679")
    return {"people": people, "a": a, "b": b, "held_unit": units_a[0], "free_unit": units_a[2],
            "unit_b": units_b[1], "customer": customer["customer"]["id"], "customer_b": customer_b["customer"]["id"],
            "deal": deal["id"], "deal_b": deal_b["id"]}


def path_of(key, values):
    """The route's path with each <param> filled from `values` (MISSING when not given)."""
    method, template = key.split(" ", 1)
    return method, PARAM.sub(lambda m: str(values.get(m.group(1), MISSING)), template)


def walk_values(site):
    # existing project, unit and customer; other ids missing, so a write let through changes nothing
    return {"project_id": site["a"], "unit_id": site["free_unit"], "customer_id": site["customer"],
            "day": "2020-01-06", "month": "2020-01"}


def test_an_advisor_of_project_a_is_refused_project_b(site):
    advisor, b = site["people"]["advisor"], site["b"]
    for path in (f"/api/projects/{b}/board", f"/api/projects/{b}/customers", f"/api/projects/{b}/deals",
                 f"/api/projects/{b}/units", f"/api/projects/{b}/reports/daily", f"/api/customers/{site['customer_b']}",
                 f"/api/deals/{site['deal_b']}", f"/api/units/{site['unit_b']}"):
        response = advisor.get(path)
        assert (response.status_code, code_of(response)) == (403, "PROJECT_FORBIDDEN"), (path, response.text)
    response = advisor.post(f"/api/units/{site['unit_b']}/holds",
                            {"customer_name": "越界", "customer_phone": "13600000000"})
    assert (response.status_code, code_of(response)) == (403, "PROJECT_FORBIDDEN"), response.text
    assert advisor.ok(advisor.get(f"/api/projects/{site['a']}/board"))
    viewer = site["people"]["developer_viewer"]
    for path in (f"/api/projects/{b}/board", f"/api/projects/{b}/reports/daily"):
        response = viewer.get(path)
        assert (response.status_code, code_of(response)) == (403, "PROJECT_FORBIDDEN"), (path, response.text)


def signed_in_again(api, key):
    """After a route that signs the account out (logout ends every token of the account), the
    person signs in again, so the tests after it still act as them."""
    if key in SIGNS_OUT:
        api.login(api.username, api.password)


SIGNS_OUT = ("POST /api/logout",)


def body_text(response):
    """The response as text; an .xlsx is its sheets' XML."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            return "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return response.text


def test_a_developer_viewer_reads_board_and_reports_but_no_phone_number(site):
    people = site["people"]
    values = {"project_id": site["a"], "unit_id": site["held_unit"], "customer_id": site["customer"],
              "deal_id": site["deal"], "month": today().strftime("%Y-%m"), "day": today().isoformat()}
    director = people["director"]
    # the numbers are there to be seen by those who may: the check below can fail
    assert "13912345678" in director.get(f"/api/units/{site['held_unit']}").text
    assert "13912345679" in director.get(f"/api/deals/{site['deal']}").text
    viewer = people["developer_viewer"]
    statuses = {}
    for key in [k for k, roles in ROLES.items() if DEV in roles]:
        method, path = path_of(key, values)
        response = call(viewer, method, path)
        signed_in_again(viewer, key)
        statuses[key] = response.status_code
        assert response.status_code < 500 and response.status_code != 403, (key, response.text)
        assert MOBILE.findall(body_text(response)) == [], (key, response.text[:500])
    for key in ("GET /api/projects/<int:project_id>/board", "GET /api/projects/<int:project_id>/board.xlsx",
                "GET /api/projects/<int:project_id>/units", "GET /api/projects/<int:project_id>/deals",
                "GET /api/deals/<int:deal_id>", "GET /api/units/<int:unit_id>",
                "GET /api/projects/<int:project_id>/visit-counts"):
        assert statuses[key] == 200, key
    board = viewer.ok(viewer.get(f"/api/projects/{site['a']}/board"))
    assert "13912345678" not in str(board)
    # and what it is not given: the customers, the calls and visits, any write
    for method, path in (("GET", f"/api/projects/{site['a']}/customers"), ("GET", f"/api/customers/{site['customer']}"),
                         ("GET", f"/api/projects/{site['a']}/visits"), ("GET", f"/api/projects/{site['a']}/calls"),
                         ("POST", f"/api/units/{site['free_unit']}/holds")):
        response = call(viewer, method, path)
        assert (response.status_code, code_of(response)) == (403, "ROLE_FORBIDDEN"), (path, response.text)


def test_an_advisor_sees_another_advisors_buyer_masked(site):
    owner, other = site["people"]["advisor"], site["people"]["advisor2"]
    assert owner.ok(owner.get(f"/api/deals/{site['deal']}"))["customer_phone"] == "13912345679"
    assert other.ok(other.get(f"/api/deals/{site['deal']}"))["customer_phone"] == "139****5679"
    listed = other.ok(other.get(f"/api/projects/{site['a']}/deals"))
    assert "13912345679" not in str(listed) and "139****5679" in str(listed)
    assert owner.ok(owner.get(f"/api/units/{site['held_unit']}"))["hold"]["customer_phone"] == "13912345678"
    assert other.ok(other.get(f"/api/units/{site['held_unit']}"))["hold"]["customer_phone"] == "139****5678"
    response = other.get(f"/api/customers/{site['customer']}")
    assert (response.status_code, code_of(response)) == (403, "CUSTOMER_NOT_YOURS"), response.text


@pytest.mark.parametrize("who", ["supervisor", "advisor2", "assistant", "finance", "hr", "developer_viewer"])
def test_nobody_but_the_owner_and_managers_reads_an_advisors_customer_numbers(site, who):
    """Every GET route the role may call, on the advisor's customer, held unit and deal:
    the full numbers never appear (DOMAIN: privacy)."""
    api = site["people"][who]
    role = "advisor" if who == "advisor2" else who
    values = {"project_id": site["a"], "unit_id": site["held_unit"], "customer_id": site["customer"],
              "deal_id": site["deal"], "month": today().strftime("%Y-%m"), "day": today().isoformat()}
    for key in [k for k, roles in ROLES.items() if role in roles and k.startswith("GET ")]:
        response = call(api, *path_of(key, values))
        assert response.status_code < 500, (key, response.text)
        text = body_text(response)
        assert "13912345678" not in text and "13912345679" not in text, (key, text[:500])


@pytest.mark.parametrize("key, role", PAIRS, ids=[f"{k} as {r}" for k, r in PAIRS])
def test_role_matrix(site, key, role):
    method, path = path_of(key, walk_values(site))
    response = call(site["people"][role], method, path)
    signed_in_again(site["people"][role], key)
    refused = response.status_code == 403 and code_of(response) == "ROLE_FORBIDDEN"
    if key in (DISPLAY, DISPLAY_SCREEN):  # no role reads it: an account's token is no display token
        assert (response.status_code, code_of(response)) == (401, "DISPLAY_TOKEN_INVALID"), response.text
    elif key in BUYER_SESSION:  # nor a buyer's session (checked before the body is read)
        assert (response.status_code, code_of(response)) == (401, "BUYER_SESSION_INVALID"), response.text
    elif key in BROKER_SESSION:  # nor a broker's: a staff token on /api/broker/* is 401, whatever the role
        assert (response.status_code, code_of(response)) == (401, "BROKER_SESSION_INVALID"), response.text
    elif role in ROLES[key] or ROLES[key] == PUBLIC:
        assert not refused and response.status_code not in (401, 405), (response.status_code, response.text)
        assert response.status_code < 500, (response.status_code, response.text)
    else:
        assert refused, (response.status_code, response.text)
