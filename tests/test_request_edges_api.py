"""The edges of a request (issue 30), through a running gateway: bad text anywhere (a JSON
string with half a surrogate pair, a body, path or query string that is not UTF-8) is 400
BAD_TEXT, never a 500; ids are ASCII digits (full-width `１` and Arabic-Indic `١` reached
project 1); an encoded slash is no route and a method not in capitals is 405; a body in
another charset than UTF-8 is 415; every /api/ answer says `Cache-Control: no-store`.
gateway/edges.py and gateway/http.py (parse_body, sane); docs/operations.md, "Hostile input"."""
import http.client
import importlib
import json
import re
from urllib.parse import urlsplit

import pytest

from gateway.http import ROUTES
from tests.api import make_project
from tests.test_bad_input_api import broker, buyer, caller  # noqa: F401 - fixtures: the phones' own sessions

importlib.import_module("gateway.service")  # registers the routes
BODY_ROUTES = [(method, url) for method, url, opts in ROUTES
               if opts["body"] is not None and opts["raw_body"] is None]
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


@pytest.fixture(scope="module")
def site(director):
    project, units = make_project(director, "边界壹号", units=1)
    return {"project_id": project["id"], "unit_id": units[0]}


def concrete(url, site):
    url = url.replace("<int:project_id>", str(site["project_id"]))
    url = re.sub(r"<int:\w+>", "1", url)
    return url.replace("<month>", "2026-05").replace("<day>", "2026-05-04")


def send(api, method, path, data=None, content_type="application/json"):
    headers = dict(api.headers(), **({"Content-Type": content_type} if content_type else {}))
    return api.session.request(method, api.base_url + path, data=data, headers=headers, timeout=30)


def answer(response):
    try:
        body = response.json()
    except ValueError:
        body = {}
    return response.status_code, body.get("error")


def raw_request(api, method, path):
    """A request sent exactly as written (requests upper-cases the method)."""
    url = urlsplit(api.base_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for name, value in api.headers().items():
            conn.putheader(name, value)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}"), response.headers
    finally:
        conn.close()


# bad text ----------------------------------------------------------------------------------
@pytest.mark.parametrize("body", [
    '{"username": "\\ud800", "password": "x"}',  # half a pair, where the issue found it
    '{"name": "a\\udfffb"}', '{"\\udc00": 1}', '{"items": [{"note": ["\\ud83d"]}]}',
], ids=["value", "in-text", "key", "nested"])
def test_half_a_surrogate_pair_in_any_json_body_is_400_bad_text(director, buyer, broker, site, body):
    """Every JSON body route, login included: refused before its schema, its rate limit or
    any RPC (it answered 500 on 28 routes). A buyer's or a broker's own routes check their
    session first (401 without it), so they are sent with one."""
    wrong = []
    for method, url in BODY_ROUTES:
        got = answer(send(caller(director, buyer, url, broker), method, concrete(url, site), body.encode()))
        if got != (400, "BAD_TEXT"):
            wrong.append((method, url, got))
    assert wrong == [], wrong
    assert len(BODY_ROUTES) > 60


def test_a_body_that_is_not_utf8_is_400_bad_text_and_a_whole_pair_is_text(director):
    anonymous = type(director)(director.base_url)
    login = "/api/auth/login"
    assert answer(send(anonymous, "POST", login, b'{"username": "\xff\xfe", "password": "x"}')) == \
        (400, "BAD_TEXT")
    assert answer(send(anonymous, "POST", login, '{"username": "\xe9", "password": "x"}'.encode("latin-1"))) == \
        (400, "BAD_TEXT")
    # a surrogate pair is one character (😀): an ordinary unknown user
    assert answer(send(anonymous, "POST", login, b'{"username": "\\ud83d\\ude00", "password": "x"}'))[0] == 401


@pytest.mark.parametrize("path", [
    "/api/projects?name=%ED%A0%80",  # an encoded surrogate
    "/api/projects?name=%FF", "/api/projects?%C3=1", "/api/projects/%FF", "/api/me%C0%AF",
    "/api/auth/login?x=%80",
])
def test_a_path_or_query_that_is_not_utf8_is_400_bad_text(director, path):
    assert answer(director.get(path)) == (400, "BAD_TEXT")


# ids ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC], ids=["full-width", "arabic-indic"])
def test_ids_are_ascii_digits_in_the_path_and_the_query(director, site, digits):
    pid = str(site["project_id"])
    assert director.get(f"/api/projects/{pid}").status_code == 200
    assert director.get(f"/api/courses?project_id={pid}").status_code == 200
    other = pid.translate(digits)
    assert answer(director.get(f"/api/projects/{other}")) == (404, "NO_ROUTE")
    assert answer(director.get(f"/api/projects/{other}/units")) == (404, "NO_ROUTE")
    assert answer(director.post(f"/api/projects/{other}/buildings", {"name": "2号楼", "permit_no": "x"})) == \
        (404, "NO_ROUTE")
    for query in (f"project_id={other}", f"project_id=%20{other}", f"project_id={pid[:-1]}{other[-1]}"):
        assert answer(director.get(f"/api/courses?{query}")) == (400, "VALIDATION_ERROR"), query
    assert answer(director.get(f"/api/projects/{pid}/customers?limit={'5'.translate(digits)}")) == \
        (400, "VALIDATION_ERROR")
    # in a body, an id given as text of such digits (ids in bodies are JSON integers)
    assert answer(director.post(f"/api/projects/{pid}/releases", {"unit_ids": [str(site["unit_id"]).translate(digits)]})) \
        == (400, "VALIDATION_ERROR")


# spelling of a path and a method ------------------------------------------------------------
def test_an_encoded_slash_is_no_route(director, site):
    pid = site["project_id"]
    assert director.get(f"/api/projects/{pid}/units").status_code == 200
    for path in (f"/api/projects/{pid}%2Funits", f"/api/projects/{pid}%2funits", f"/api%2Fprojects/{pid}",
                 f"/api/projects/{pid}%5Cunits"):
        assert answer(director.get(path)) == (404, "NO_ROUTE"), path


def test_a_method_not_in_capitals_is_405_with_allow(director, site):
    pid = site["project_id"]
    status, body, headers = raw_request(director, "GET", f"/api/projects/{pid}")
    assert status == 200
    for method, path in (("get", f"/api/projects/{pid}"), ("Get", "/api/projects"), ("post", "/api/auth/login"),
                         ("delete", f"/api/projects/{pid}")):
        status, body, headers = raw_request(director, method, path)
        assert (status, body.get("error")) == (405, "METHOD_NOT_ALLOWED"), (method, path, status, body)
        assert headers["Allow"] and headers["Allow"] == headers["Allow"].upper()
    assert raw_request(director, "get", "/api/no-such-thing")[0] == 404


# charset -----------------------------------------------------------------------------------
def test_a_body_in_another_charset_than_utf8_is_415(director):
    anonymous = type(director)(director.base_url)
    body = json.dumps({"username": "nobody_here", "password": "x"}).encode()
    for charset in ("latin-1", "iso-8859-1", "gbk", "utf-16"):
        got = answer(send(anonymous, "POST", "/api/auth/login", body, f"application/json; charset={charset}"))
        assert got == (415, "UNSUPPORTED_MEDIA_TYPE"), charset
    for charset in ("utf-8", "UTF-8", "utf8"):
        assert send(anonymous, "POST", "/api/auth/login", body, f"application/json; charset={charset}") \
            .status_code == 401, charset


# caching -----------------------------------------------------------------------------------
def test_every_api_answer_says_no_store(director, site):
    pid = site["project_id"]
    anonymous = type(director)(director.base_url)
    answers = [director.get("/api/me"), director.get(f"/api/projects/{pid}"),
               director.get(f"/api/projects/{pid}/customers"), director.get(f"/api/projects/{pid}/board"),
               director.get("/api/projects/99999999"), director.get("/api/no-such-thing"),
               anonymous.post("/api/auth/login", {"username": director.username, "password": "wrong-password"}),
               director.post(f"/api/projects/{pid}/customers", {"mobile": "13900001111", "name": "缓存",
                                                              "channel": "walk_in"})]
    assert [r.status_code for r in answers] == [200, 200, 200, 200, 404, 404, 401, 201]
    assert [r.headers.get("Cache-Control") for r in answers] == ["no-store"] * len(answers)
    assert director.get("/health/live").headers.get("Cache-Control") != "no-store"  # no personal data
