"""Bad input in every JSON body (issue 14, "One money type at the edge"): for each money,
area, rate and integer field of each route's body schema, a 25-digit number, a decimal
too many, full-width digits and a negative where none is allowed are 400 VALIDATION_ERROR
naming the field (never a 5xx, never rounded, never stored); and for every body route a
field nested 40 levels deep is 400 TOO_DEEP, text/plain is 415 and a wrong method 405 with
Allow. Path ids may be missing or foreign: the gateway checks the body before any RPC
(gateway/http.py, get_entrypoint_parameters). See docs/kernel.md, "Money at the edge"."""
import importlib
import json
import re
import zlib

import pytest
from marshmallow import fields, validate
from werkzeug.routing import Map, Rule

from gateway.http import ROUTES
from loupan.schemas import schema_instance
from loupan.types import MAX_AREA, MAX_MONEY
from loupan.validators import Exact
from loupan.testing.client import Api
from tests.api import code_from, make_project, texts_to

importlib.import_module("gateway.service")  # registers the routes
BODY_ROUTES = [(method, url, opts["body"]) for method, url, opts in ROUTES
               if opts["body"] is not None and opts["raw_body"] is None]
URLS = Map([Rule(url, methods=[method], endpoint=url) for method, url, _ in ROUTES]).bind("localhost")
ITEM = object()  # a path step into a list's item
METHODS = ("DELETE", "PUT", "PATCH", "POST", "GET")
TOO_BIG = "1" + "0" * 24  # 25 digits
SIGN_IN = ("/api/buyer/codes", "/api/buyer/sessions",  # public: no session to check
           "/api/broker/codes", "/api/broker/sessions", "/api/broker/signup")


def route_id(route):
    return f"{route[0]} {route[1]}"


def number_fields(schema, path=()):
    """(path, field) of every Exact (money, area, percent, rate) and Integer field the body
    takes, into nested objects and lists; path: JSON keys and ITEM."""
    for name, field in schema_instance(schema).fields.items():
        if not field.dump_only:
            yield from _leaves(field, path + (field.data_key or name,))


def _leaves(field, path):
    if isinstance(field, fields.Nested):
        yield from number_fields(field.nested if isinstance(field.nested, type) else type(field.nested), path)
    elif isinstance(field, fields.List):
        yield from _leaves(field.inner, path + (ITEM,))
    elif isinstance(field, (Exact, fields.Number)) or loose_decimal(field):
        yield path, field


def loose_decimal(field):
    """A number field that is not an edge type (refused by the test below; probed anyway)."""
    return type(field).__name__ == "Amount" or type(field) is fields.Field


def body_with(path, value):
    """The smallest body that puts `value` at `path`; the missing required fields are
    reported too, but the field's own error must be among them."""
    if not path:
        return value
    if path[0] is ITEM:
        return [body_with(path[1:], value)]
    return {path[0]: body_with(path[1:], value)}


def names_field(path):
    """The message part that names the field: `units.0.gross_area: ...` (the contract) or
    `body.units.gross_area: ...` (the gateway's 64-bit check)."""
    pattern = r"(?:\.\d+)?\.".join(re.escape(step) for step in path if step is not ITEM)
    return re.compile(rf"^(?:body\.)?{pattern}(?:\.\d+)?: (.*)$")


def integer_low(field):
    lows = [v.min for v in field.validators if isinstance(v, validate.Range) and v.min is not None]
    return max(lows) if lows else None


def bad_values(field):
    """(case, value, what the message must say) for one field."""
    if isinstance(field, Exact):
        below = "-1" if field.low >= 0 else f"{field.low - 1:f}"
        return [("25 digits", TOO_BIG, "must be"), ("25-digit integer", int(TOO_BIG), "must be"),
                ("a decimal too many", "0." + "0" * field.places + "1", f"at most {field.places} decimal places"),
                ("full-width digits", "１２３", "ASCII digits"), ("a float", 12.5, "decimal string"),
                ("below the range", below, "must be")]
    if not isinstance(field, fields.Integer):
        return [("25 digits", TOO_BIG, ""), ("a decimal too many", "0.001", ""), ("full-width digits", "１２３", ""),
                ("below the range", "-1", "")]
    low = integer_low(field)
    return [("25-digit integer", int(TOO_BIG), ""), ("a decimal", 1.005, "integer"),
            ("full-width digits", "１２３", "integer"),
            ("below the range", -1 if low is None or low >= 0 else low - 1, "")]


@pytest.fixture(scope="module")
def site(director):
    project, units = make_project(director, "坏输入壹号", units=1)
    return {"project_id": project["id"], "unit_id": units[0]}


def module_mobile(request, prefix):
    """A mobile of the module's own (the fixtures below serve other modules too, on the same
    system: one code a minute per mobile, one broker per mobile)."""
    return f"{prefix}{zlib.crc32(request.module.__name__.encode()) % 10**6:06d}"


@pytest.fixture(scope="module")
def buyer(system, director, site, request):
    """A buyer signed in on their phone (a race launch of the site's unit): the buyer's own
    routes check their session before the body (gateway/routes/buyers.py), so they are sent
    with it; an account's token is 401 there whatever the body (tests/test_role_matrix.py)."""
    launch = director.ok(director.post(f"/api/projects/{site['project_id']}/launches", {
        "name": "坏输入", "mode": "race", "opens_at": "2030-06-01T09:00:00+08:00", "unit_ids": [site["unit_id"]],
        "window_size": 10, "window_minutes": 5, "deposit_amount": "0.00"}), 201)
    director.ok(director.post(f"/api/launches/{launch['id']}/transitions", {"action": "open_registration"}))
    mobile = module_mobile(request, "13791")
    director.ok(director.post(f"/api/launches/{launch['id']}/registrations", {
        "buyer_name": "坏输入", "id_number": "110105199003071239", "mobile": mobile}), 201)
    asked = {"launch_id": launch["id"], "mobile": mobile}
    assert director.session.post(f"{director.base_url}/api/buyer/codes", json=asked, timeout=30).status_code == 202
    code = code_from([t for t in texts_to(system, mobile) if "验证码" in t][-1])
    signed = director.session.post(f"{director.base_url}/api/buyer/sessions", json=dict(asked, code=code), timeout=30)
    assert signed.status_code == 201, signed.text
    return Api(director.base_url, signed.json()["token"])


@pytest.fixture(scope="module")
def broker(system, director, request):
    """A broker signed in on their phone (a 全民经纪人 the director made): the broker's routes
    check their session before the body (gateway/routes/brokers.py), so they are sent with it."""
    mobile = module_mobile(request, "13792")
    director.ok(director.post("/api/brokers", {"name": "坏输入经纪人", "mobile": mobile}), 201)
    asked = {"mobile": mobile}
    assert director.session.post(f"{director.base_url}/api/broker/codes", json=asked, timeout=30).status_code == 202
    code = code_from(texts_to(system, mobile)[-1])
    signed = director.session.post(f"{director.base_url}/api/broker/sessions", json=dict(asked, code=code),
                                   timeout=30)
    assert signed.status_code == 201, signed.text
    return Api(director.base_url, signed.json()["token"])


def caller(director, buyer, url, broker=None):
    """Who sends to `url`: the buyer or the broker for their own session's routes, else the director."""
    if url in SIGN_IN:
        return director
    if url.startswith("/api/buyer/"):
        return buyer
    return broker if url.startswith("/api/broker/") else director


def concrete(url, site):
    """A URL of the route: the test project, id 1 elsewhere (perhaps missing: the body is
    checked first), a month or a day."""
    url = url.replace("<int:project_id>", str(site["project_id"]))
    url = re.sub(r"<int:\w+>", "1", url)
    return url.replace("<month>", "2026-05").replace("<day>", "2026-05-04")


def send(api, method, path, data, content_type="application/json"):
    return api.session.request(method, api.base_url + path, data=data, timeout=30,
                               headers=dict(api.headers(), **{"Content-Type": content_type}))


def answer(response):
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body.get("error"), body.get("message") or ""


def all_leaves(schema, path=()):
    for name, field in schema_instance(schema).fields.items():
        if field.dump_only:
            continue
        if isinstance(field, fields.Nested):
            yield from all_leaves(field.nested if isinstance(field.nested, type) else type(field.nested),
                                  path + (name,))
        else:
            while isinstance(field, fields.List):
                field = field.inner
            yield path + (name,), field


def test_every_number_a_body_takes_is_an_edge_type_or_a_bounded_integer():
    """No body takes a bare decimal (fields.Decimal, Float, loupan.validators.Amount, an
    untyped Field): money, areas, percents and rates are Money, Area, Percent or Exact with
    its own range, so one rule holds everywhere; and every integer has both bounds."""
    loose = []
    for route in BODY_ROUTES:
        for path, field in all_leaves(route[2]):
            if isinstance(field, fields.Integer):
                bounded = [v for v in field.validators if isinstance(v, validate.Range)
                           and v.min is not None and v.max is not None]
                if not (field.strict and bounded):
                    loose.append((route_id(route), path, "integer"))
            elif isinstance(field, fields.Number) or loose_decimal(field):
                loose.append((route_id(route), path, type(field).__name__))
    assert not loose, loose
    assert sum(1 for route in BODY_ROUTES for _path, f in number_fields(route[2]) if isinstance(f, Exact)) > 40


@pytest.mark.parametrize("route", [r for r in BODY_ROUTES if any(True for _ in number_fields(r[2]))],
                         ids=route_id)
def test_bad_numbers_are_400_naming_the_field(director, buyer, broker, site, route):
    method, url, schema = route
    path_url, problems = concrete(url, site), []
    director = caller(director, buyer, url, broker)
    for path, field in number_fields(schema):
        named = names_field(path)
        for case, value, says in bad_values(field):
            status, code, message = answer(send(director, method, path_url, json.dumps(body_with(path, value))))
            parts = [m.group(1) for m in map(named.match, message.split("; ")) if m]
            if status != 400 or code != "VALIDATION_ERROR" or not any(says in part for part in parts):
                problems.append((".".join(s if s is not ITEM else "[]" for s in path), case, status, code,
                                 message[:200]))
    assert not problems, problems


@pytest.mark.parametrize("route", BODY_ROUTES, ids=route_id)
def test_deep_json_wrong_type_and_wrong_method(director, buyer, broker, site, route):
    method, url, schema = route
    path_url = concrete(url, site)
    director = caller(director, buyer, url, broker)
    name, first = next(iter(schema_instance(schema).fields.items()))
    deep = '{"%s": %s}' % (first.data_key or name, "[" * 40 + "]" * 40)
    assert answer(send(director, method, path_url, deep))[:2] == (400, "TOO_DEEP")
    assert answer(send(director, method, path_url, "{}", "text/plain"))[:2] == (415, "UNSUPPORTED_MEDIA_TYPE")
    allowed = URLS.allowed_methods(path_url)
    wrong = next(m for m in METHODS if m not in allowed)
    response = send(director, wrong, path_url, "{}")
    assert answer(response)[:2] == (405, "METHOD_NOT_ALLOWED"), (wrong, response.text[:200])
    assert set(allowed) - {"HEAD", "OPTIONS"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_the_largest_amounts_and_areas_are_taken_and_kept_exactly(director, site):
    """At the edge's bounds, on PostgreSQL: a unit, a collection target, a budget line and a
    per-unit commission of 10^11 CNY and an area of 10^6 m² are stored and read back."""
    pid, money, area = site["project_id"], f"{MAX_MONEY:f}.00", f"{MAX_AREA:f}.00"
    building = director.ok(director.post(f"/api/projects/{pid}/buildings", {"name": "2号楼", "permit_no": "许可002"}),
                           201)
    unit = {"building_id": building["id"], "number": "0101", "floor": 1, "layout": "3室2厅2卫",
            "orientation": "南", "property_type": "residential", "gross_area": area, "net_area": area,
            "list_price": money, "base_price": money}
    created = director.ok(director.post(f"/api/projects/{pid}/units", {"units": [unit]}), 201)
    stored = director.ok(director.get(f"/api/units/{created[0]['id']}"))
    assert (stored["gross_area"], stored["net_area"], stored["list_price"], stored["base_price"]) == \
        (area, area, money, money)
    director.ok(director.put(f"/api/projects/{pid}/collection-targets/2026-05", {"amount": money}))
    assert director.ok(director.get(f"/api/projects/{pid}/collection-targets/2026-05"))["target"] == money
    budget = director.ok(director.put(f"/api/projects/{pid}/expense-budgets/2026-05",
                                      {"lines": [{"category": "events", "amount": money}]}))
    assert budget["lines"][0]["amount"] == money
    director.ok(director.put(f"/api/projects/{pid}/commission-rules",
                             {"rules": [{"role": "advisor", "kind": "per_unit", "amount": money}]}))
    rules = director.ok(director.get(f"/api/projects/{pid}/commission-rules"))
    assert rules["rules"][0]["amount"] == money
