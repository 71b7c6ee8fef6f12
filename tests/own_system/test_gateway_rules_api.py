"""The gateway's API rules end to end, over HTTP on a running system started with low rate
limits and one allowed CORS origin: Idempotency-Key, pagination and filters, rate limits
with Retry-After (shared by gateway replicas), CORS, request ids."""
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from loupan.testing.client import Api
from loupan.testing import wait_until
from tests.api import DIRECTOR, make_project, own_system

ORIGIN = "https://console.example.com"
ENV = {"OUTBOX_SWEEP_SECONDS": "0.5", "RPC_TIMEOUT": "5", "CORS_ORIGINS": ORIGIN,
       "RATE_LOGIN_PER_MINUTE": "3", "RATE_LOGIN_PER_IP_PER_MINUTE": "0",
       "RATE_HOLDS_PER_MINUTE": "3", "RATE_HOLDS_PER_IP_PER_MINUTE": "0",
       "TRUSTED_PROXY_HOPS": "1"}  # X-Forwarded-For plays other clients; without it, 127.0.0.1


system = own_system(**ENV)


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


def in_one_window(attempt):
    """attempt(n) -> answers, run until one run fell within one minute: the limits count in
    fixed one-minute windows, so a run across a boundary started afresh; `n` gives each run
    keys (usernames, IPs, users) of its own."""
    for n in range(3):
        window = time.time() // 60
        answers = attempt(n)
        if time.time() // 60 == window:
            return answers
    raise AssertionError("three runs crossed a minute boundary")


def login_from(system, ip, username, password, instance=0):
    return requests.post(system.url("gateway", instance) + "/api/auth/login",
                         json={"username": username, "password": password},
                         headers={"X-Forwarded-For": ip}, timeout=30)


def holder(system, director, project_id, username):
    """A manager of the project, signed in (the director's own holds are counted elsewhere)."""
    made = director.ok(director.post("/api/accounts", {"username": username, "password": "sales-office-42",
                                                       "full_name": username, "role": "manager",
                                                       "project_ids": [project_id]}), 201)
    return Api(system.url()).login(made["username"], "sales-office-42")


def hold(api, unit_id, i):
    return post(api, f"/api/units/{unit_id}/holds", {"customer_name": f"客户{i}", "customer_phone": f"139{i:08d}"})


def test_login_and_holds_are_rate_limited_with_retry_after(system, director):
    def logins(n):
        tries = [post(Api(system.url()), "/api/auth/login", {"username": f"ghost{n}", "password": "nope-nope"})
                 for _ in range(4)]
        return tries, post(Api(system.url()), "/api/auth/login", {"username": f"ghost{n}b", "password": "nope-nope"})

    tries, other = in_one_window(logins)
    assert [t.status_code for t in tries] == [401, 401, 401, 429]
    assert tries[-1].json()["error"] == "RATE_LIMITED" and int(tries[-1].headers["Retry-After"]) >= 1
    assert other.status_code == 401  # per username: someone else may still try

    project, units = make_project(director, f"限流-{uuid.uuid4().hex[:6]}", units=12)
    tag = uuid.uuid4().hex[:6]

    def holds(n):
        api = holder(system, director, project["id"], f"holder{n}{tag}")
        return [hold(api, unit_id, i) for i, unit_id in enumerate(units[4 * n:4 * n + 4])]

    answers = in_one_window(holds)
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert answers[-1].json()["error"] == "RATE_LIMITED" and int(answers[-1].headers["Retry-After"]) >= 1


def test_failed_logins_elsewhere_never_lock_the_rightful_user_out(system, director):
    """Failures are counted per (username, client IP): a guesser elsewhere is refused, the
    rightful user signs in from their own address, and successes are not counted at all."""
    def attack(n):
        guesses = [login_from(system, f"203.0.113.{n + 1}", DIRECTOR[0], "guess-guess") for _ in range(4)]
        return guesses, [login_from(system, "198.51.100.20", *DIRECTOR) for _ in range(5)]

    guesses, rightful = in_one_window(attack)
    assert [g.status_code for g in guesses] == [401, 401, 401, 429]
    assert [r.status_code for r in rightful] == [200] * 5


def test_the_limits_are_shared_by_gateway_replicas(system, director):
    """Two gateway processes on one database: the third failure on one and the fourth on the
    other are one count; so are one user's holds, whichever replica takes them."""
    system.start_service("gateway", 1)
    try:
        tag = uuid.uuid4().hex[:6]
        failures = in_one_window(lambda n: [login_from(system, "192.0.2.9", f"shared{n}{tag}", "nope-nope", i % 2)
                                            for i in range(4)])
        assert [f.status_code for f in failures] == [401, 401, 401, 429]

        project, units = make_project(director, f"共享限流-{tag}", units=12)
        replica = Api(system.url("gateway", 1))

        def holds(n):
            api = holder(system, director, project["id"], f"replica{n}{tag}")
            replica.token = api.token
            return [hold(replica if i % 2 else api, unit_id, i) for i, unit_id in enumerate(units[4 * n:4 * n + 4])]

        assert [a.status_code for a in in_one_window(holds)] == [201, 201, 201, 429]
    finally:
        system.kill("gateway", 1)


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
