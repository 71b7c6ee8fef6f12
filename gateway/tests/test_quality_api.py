"""The gateway's API rules end to end, over HTTP on a running system started with low rate
limits and one allowed CORS origin: Idempotency-Key, pagination and filters, rate limits
with Retry-After, CORS, request ids."""
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from gateway.client import Api
from loupan.system import System
from loupan.testing import wait_until
from tests.api import DIRECTOR, make_project

ORIGIN = "https://console.example.com"
ENV = {"OUTBOX_SWEEP_SECONDS": "0.5", "RPC_TIMEOUT": "5", "CORS_ORIGINS": ORIGIN,
       "RATE_LOGIN_PER_MINUTE": "3", "RATE_LOGIN_PER_IP_PER_MINUTE": "0",
       "RATE_HOLDS_PER_MINUTE": "3", "RATE_HOLDS_PER_IP_PER_MINUTE": "0"}


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("quality"), database="postgresql", env=ENV)
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "质量代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        yield system
    finally:
        system.destroy()


@pytest.fixture(scope="module")
def director(system):
    return Api(system.url()).login(*DIRECTOR)


def post(api, path, body, key=None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return requests.post(api.base_url + path, json=body, headers=dict(api.headers(), **headers), timeout=30)


def projects_named(api, name):
    response = api.get(f"/api/projects?name={name}")
    assert response.status_code == 200, response.text
    return int(response.headers["X-Total-Count"])


def test_a_retried_post_with_the_same_key_replays_the_answer_and_acts_once(director):
    name, key = f"幂等-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    body = {"name": name, "city": "杭州", "developer_name": "某地产"}
    first = post(director, "/api/projects", body, key)
    again = post(director, "/api/projects", body, key)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again.headers["Idempotency-Replayed"] == "true"
    assert projects_named(director, name) == 1
    other = post(director, "/api/projects", dict(body, city="上海"), key)
    assert (other.status_code, other.json()["error"]) == (422, "IDEMPOTENCY_KEY_REUSED")
    without = post(director, "/api/projects", body)  # no key: runs again, as before (name taken)
    assert without.status_code == 409 and "Idempotency-Replayed" not in without.headers
    assert projects_named(director, name) == 1


def test_a_domain_refusal_is_replayed_and_concurrent_retries_act_once(director):
    refused = {"name": "", "city": "杭州", "developer_name": "x"}  # 400 at the gateway: not stored
    assert post(director, "/api/projects", refused, "k-invalid").status_code == 400
    name, key = f"并发-{uuid.uuid4().hex[:6]}", uuid.uuid4().hex
    body = {"name": name, "city": "杭州", "developer_name": "某地产"}
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda _: post(director, "/api/projects", body, key), range(4)))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(201) >= 1 and set(statuses) <= {201, 409}, statuses
    assert all(a.json()["error"] == "IDEMPOTENCY_IN_PROGRESS" for a in answers if a.status_code == 409)
    assert len({a.json()["id"] for a in answers if a.status_code == 201}) == 1
    assert projects_named(director, name) == 1


def test_lists_page_and_filter_uniformly(director):
    city = f"城{uuid.uuid4().hex[:6]}"
    for i in range(3):
        director.ok(director.post("/api/projects", {"name": f"页{i}", "city": city, "developer_name": "d"}), 201)
    everything = director.get(f"/api/projects?city={city}")
    assert everything.headers["X-Total-Count"] == "3" and len(everything.json()) == 3
    page = director.get(f"/api/projects?city={city}&limit=2&offset=2")
    assert page.headers["X-Total-Count"] == "3" and [p["id"] for p in page.json()] == [everything.json()[2]["id"]]
    for bad in ("limit=0", "limit=501", "offset=-1", "limit=x", "hold_minutes=many"):
        response = director.get(f"/api/projects?{bad}")
        assert (response.status_code, response.json()["error"]) == (400, "VALIDATION_ERROR"), bad
    project, units = make_project(director, f"自分页-{uuid.uuid4().hex[:6]}", units=5)
    own = director.ok(director.get(f"/api/projects/{project['id']}/units?limit=2&status=available"))
    assert len(own["items"]) == 2  # the service pages this route itself: left alone


def test_login_and_holds_are_rate_limited_with_retry_after(system, director):
    for _ in range(3):
        assert post(Api(system.url()), "/api/auth/login", {"username": "ghost", "password": "nope-nope"}).status_code == 401
    limited = post(Api(system.url()), "/api/auth/login", {"username": "ghost", "password": "nope-nope"})
    assert (limited.status_code, limited.json()["error"]) == (429, "RATE_LIMITED")
    assert int(limited.headers["Retry-After"]) >= 1
    other = post(Api(system.url()), "/api/auth/login", {"username": "ghost2", "password": "nope-nope"})
    assert other.status_code == 401  # per username: someone else may still try

    project, units = make_project(director, f"限流-{uuid.uuid4().hex[:6]}", units=12)
    answers = []
    for i, unit_id in enumerate(units):
        answers.append(post(director, f"/api/units/{unit_id}/holds",
                            {"customer_name": f"客户{i}", "customer_phone": f"139{i:08d}"}))
        if answers[-1].status_code == 429:
            break
    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    assert answers[-1].status_code == 429 and answers[-1].json()["error"] == "RATE_LIMITED"
    assert int(answers[-1].headers["Retry-After"]) >= 1


def test_cors_for_the_configured_origin_only(director):
    url = director.base_url + "/api/projects"
    preflight = requests.options(url, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST",
                                               "Access-Control-Request-Headers": "Idempotency-Key"}, timeout=30)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Idempotency-Key" in preflight.headers["Access-Control-Allow-Headers"]
    listed = requests.get(url, headers=dict(director.headers(), Origin=ORIGIN), timeout=30)
    assert listed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Total-Count" in listed.headers["Access-Control-Expose-Headers"]
    stranger = requests.options(url, headers={"Origin": "https://evil.example.com"}, timeout=30)
    assert "Access-Control-Allow-Origin" not in stranger.headers
    unauthorised = requests.get(url, headers={"Origin": ORIGIN}, timeout=30)
    assert unauthorised.status_code == 401 and unauthorised.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_request_ids_in_every_answer_and_in_the_gateway_log(system, director):
    given = f"req-{uuid.uuid4().hex[:10]}"
    ok = requests.get(director.base_url + "/api/projects", headers=dict(director.headers(), **{"X-Request-Id": given}),
                      timeout=30)
    assert ok.headers["X-Request-Id"] == given
    missing = requests.get(director.base_url + "/api/projects/999999",
                           headers=dict(director.headers(), **{"X-Request-Id": given + "<script>"}), timeout=30)
    assert missing.status_code == 404 and missing.headers["X-Request-Id"] == given + "script"
    made = requests.get(director.base_url + "/api/projects", timeout=30)
    assert made.status_code == 401 and len(made.headers["X-Request-Id"]) == 32
    log = system.log_dir / "gateway.0.log"
    wait_until(lambda: f'"request_id": "{given}script"' in log.read_text(), what="the request id in the log")
