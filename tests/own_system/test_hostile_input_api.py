"""Hostile and odd input over HTTP (issue 14): every answer is a JSON error with the right
status, never a framework page or a reset connection; a spreadsheet bomb is refused at once;
a large import does not stop inventory answering; 2,000 simultaneous connections all get an
HTTP answer (see docs/operations.md, "Hostile input")."""
import json
import os
import resource
import socket
import time

import eventlet
import pytest
import requests
from eventlet.greenpool import GreenPool

from loupan.testing import wait_until
from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from services.inventory.tests.xlsx_files import bomb, wide, xlsx
from tests.api import make_project, own_system
from tests.test_spreadsheets_api import ZH, finished, row

PROJECT = {"name": "敌意壹号", "city": "杭州", "developer_name": "某地产"}


# As tests/conftest.py's, with a longer RPC timeout (an import of a 20,000-row file without a
# dimension counts its rows before answering: seconds, on a busy machine) and 10 gateway
# workers (under 2,000 connections the gateway holds a database connection per worker: the
# test machine's PostgreSQL is shared).
system = own_system(RPC_TIMEOUT="30", GATEWAY_WORKERS="10")


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "敌意贰号", units=4)
    return {"project": project, "units": units}


def port_of(system):
    return int(system.url().rsplit(":", 1)[1])


def raw(system, data, read_timeout=30):
    """Send `data` as is; (status, headers, body) of the answer, read to the connection's end."""
    with socket.create_connection(("127.0.0.1", port_of(system)), timeout=read_timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def json_error(response, status, code=None):
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json"), response.headers
    body = response.json()
    assert body["error"] and body["message"], body
    if code is not None:
        assert body["error"] == code, body
    return body


def nested(depth):
    return "[" * depth + "]" * depth


def test_deeply_nested_json_is_400_in_the_body_or_in_a_field(director):
    for body in (nested(100_000), '{"name": ' + nested(100_000) + "}",
                 '{"name": "x", "city": ' + nested(32) + "}"):  # 33 levels with the object
        json_error(director.post("/api/projects", data=body.encode()), 400, "TOO_DEEP")
    # at the limit it is parsed (and the contract says what is wrong); deep text is only text
    json_error(director.post("/api/projects", data=('{"name": ' + nested(31) + "}").encode()),
               400, "VALIDATION_ERROR")
    director.ok(director.post("/api/projects", dict(PROJECT, name="敌意" + "[" * 40)), 201)


def test_odd_paths_are_404_json(system):
    for path in ("/console/%00", "/console/a%00.js", "/api/%00", "/api/projects/%00"):
        json_error(requests.get(system.url() + path, timeout=10), 404, "NO_ROUTE")
    for path in ("/console/../gateway/service.py", "/console/%2e%2e/gateway/service.py", "/api/../health/live"):
        status, headers, body = raw(system, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        assert status == 404 and headers["content-type"] == "application/json", (path, status, body)
        assert json.loads(body)["error"] == "NO_ROUTE"
    assert requests.get(system.url() + "/console/icon.svg", timeout=10).status_code == 200  # a real file still answers


def test_a_body_over_the_limit_is_413_before_it_is_read(system, director, site):
    pid = site["project"]["id"]
    too_big = b"\0" * (10 * 1024 * 1024 + 1)
    json_error(director.post(f"/api/projects/{pid}/imports", data=too_big), 413, "SPREADSHEET_TOO_LARGE")
    json_error(director.post("/api/projects", data=b" " * len(too_big)), 413, "BODY_TOO_LARGE")

    def chunks():  # no Content-Length: the limit stops the reading
        for _ in range(11):
            yield b"\0" * (1024 * 1024)

    json_error(director.post(f"/api/projects/{pid}/imports", data=chunks()), 413, "SPREADSHEET_TOO_LARGE")
    json_error(director.post("/api/projects", data=chunks()), 413, "BODY_TOO_LARGE")
    chunked = iter([json.dumps(dict(PROJECT, name="敌意肆号")).encode()])  # under it: read as usual
    director.ok(director.post("/api/projects", data=chunked), 201)
    # a huge Content-Length with no body behind it: the answer comes at once
    status, headers, body = raw(system, (
        f"POST /api/projects HTTP/1.1\r\nHost: x\r\nContent-Length: {10**12}\r\n\r\n").encode())
    assert status == 413 and json.loads(body)["error"] == "BODY_TOO_LARGE"
    director.ok(director.get("/api/projects"))  # and the gateway is fine


def post(api, path, data, content_type, **kwargs):
    return api.session.post(api.base_url + path, data=data, timeout=30,
                            headers=dict(api.headers(), **{"Content-Type": content_type}), **kwargs)


def test_only_json_is_taken_where_json_is_expected(director, site):
    body = json.dumps(PROJECT)
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", XLSX_TYPE):
        json_error(post(director, "/api/projects", body, kind), 415, "UNSUPPORTED_MEDIA_TYPE")
    director.ok(post(director, "/api/projects", json.dumps(dict(PROJECT, name="敌意叁号")),
                     "application/json; charset=utf-8"), 201)
    # the import still takes its file, whatever the client calls it
    content = xlsx(ZH, [row("0101", 1)])
    for kind in (XLSX_TYPE, "application/octet-stream"):
        director.ok(post(director, f"/api/projects/{site['project']['id']}/imports", content, kind,
                         params={"dry_run": "true"}), 202)


def test_a_wrong_method_is_405_with_allow(system, director):
    for method, path, allowed in (("DELETE", "/api/projects", {"GET", "POST"}), ("PUT", "/api/ping", {"GET"}),
                                  ("POST", "/api/projects/1", {"GET"}), ("POST", "/console/", {"GET"}),
                                  ("DELETE", "/health/live", {"GET"})):
        response = director.session.request(method, system.url() + path, headers=director.headers(), timeout=10)
        json_error(response, 405, "METHOD_NOT_ALLOWED")
        assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}, response.headers
    json_error(director.session.delete(system.url() + "/api/no-such-thing", headers=director.headers(),
                                       timeout=10), 404, "NO_ROUTE")


def test_an_over_long_url_is_414_json_and_documented(system, director):
    for length in (9_000, 200_000):
        response = director.get("/api/projects?q=" + "x" * length)
        json_error(response, 414, "URI_TOO_LONG")
    doc = requests.get(system.url() + "/api/openapi.json", timeout=10).json()
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            assert "414" in op["responses"] and "413" in op["responses"], (method, path)
            if "application/json" in op.get("requestBody", {}).get("content", {}):
                assert "415" in op["responses"], (method, path)


def test_malformed_requests_get_json_not_framework_pages(system):
    for request, status in ((b"GARBAGE\r\n\r\n", 400), (b"GET /api/ping HTTP/9.9\r\n\r\n", 505),
                            (b"GET /api/ping HTTP/1.1\r\nX: " + b"y" * 9000 + b"\r\n\r\n", 400),
                            (b"POST /api/projects HTTP/1.1\r\nContent-Length: -5\r\n\r\n", 400),
                            (b"POST /api/projects HTTP/1.1\r\nContent-Length: 2\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n", 400)):
        got, headers, body = raw(system, request)
        assert got == status and headers["content-type"] == "application/json", (request[:40], got, body)
        assert json.loads(body)["error"]


def test_a_spreadsheet_bomb_is_refused_at_once(director, site):
    """Refused at the upload by what the zip's directory says (nothing inflated; read in
    process, the bomb held inventory 45 s); a sheet of a million cells is counted by the parse,
    in the job, which fails TOO_MANY_CELLS (not by the parse's time limit, which answers
    SPREADSHEET_TOO_LARGE). bench/refusals.py times the refusals."""
    pid = site["project"]["id"]
    response = director.post(f"/api/projects/{pid}/imports", data=bomb(ZH))
    json_error(response, 413, "SPREADSHEET_TOO_LARGE")
    assert "inflates to" in response.json()["message"]
    job = finished(director, director.ok(director.post(f"/api/projects/{pid}/imports", data=wide(ZH, 62)), 202))
    assert (job["status"], job["error_code"]) == ("failed", "TOO_MANY_CELLS"), job
    assert "longer than" not in job["errors"][0]["reasons"][0]


def parsing(system):
    """True while one of this system's inventory processes runs a spreadsheet parser child."""
    inventory = {proc.pid for (name, _), proc in system.procs.items() if name == "inventory"}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat, open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                ppid = int(stat.read().rsplit(b")", 1)[1].split()[1])
                if ppid in inventory and b"loupan.xlsx_reader" in cmdline.read():
                    return True
        except (OSError, ValueError, IndexError):  # not a process, or gone meanwhile
            continue
    return False


def test_inventory_answers_while_a_large_import_is_read(system, director, site):
    """Ordering, not timing: the upload of a large file is answered before its file is read
    (202, queued), and while the job reads it in a child process the board answers before
    the job ends."""
    pid = site["project"]["id"]
    content = xlsx(ZH, [row(f"{i:05d}", i % 30 + 1) for i in range(20_000)], sized=False)
    job = director.ok(director.post(f"/api/projects/{pid}/imports", data=content, params={"dry_run": "true"}), 202)
    assert job["status"] == "queued" and job["total_rows"] == 0
    wait_until(lambda: parsing(system) or director.ok(director.get(f"/api/imports/{job['id']}"))["status"]
               in ("done", "failed"), timeout=60, what="inventory reading the upload")
    director.ok(director.get(f"/api/projects/{pid}/board"))
    assert director.ok(director.get(f"/api/imports/{job['id']}"))["status"] in ("queued", "running")
    assert finished(director, job)["total_rows"] == 20_000


def _one_request(port, path, token):
    """One connection, one request; the status, Retry-After and body, or the error's name."""
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=120)
        try:
            sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                         "Connection: close\r\n\r\n".encode())
            data = b""
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            sock.close()
    except OSError as exc:
        return type(exc).__name__, None, None
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    if not lines[0].startswith("HTTP/1."):
        return "NO_HTTP_ANSWER", None, data[:100]
    headers = {k.lower(): v for k, v in (line.split(": ", 1) for line in lines[1:])}
    return int(lines[0].split()[1]), headers.get("retry-after"), body


@pytest.mark.parametrize("path", ["/health/live", "/api/ping"])
def test_two_thousand_simultaneous_connections_all_get_an_http_answer(system, director, path):
    clients = 2000
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < clients + 500:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, clients + 1000), hard))
    pool = GreenPool(clients)
    started = time.monotonic()
    results = list(pool.imap(lambda _: _one_request(port_of(system), path, director.token), range(clients)))
    seconds = time.monotonic() - started
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    print(f"{clients} connections to {path} in {seconds:.1f} s: {statuses}")
    assert set(statuses) <= {200, 503}, statuses  # no reset, no refused connection, no timeout
    assert statuses.get(200, 0) > 0
    for status, retry_after, body in results:
        if status == 503:
            assert retry_after and json.loads(body)["error"] == "SERVICE_BUSY"
    if path.startswith("/health/"):
        assert statuses == {200: clients}  # probes are never shed
    director.ok(director.get("/api/projects"))
