"""Outbound webhooks (issue 20, docs/webhooks.md) against a real receiver on 127.0.0.1: a
director registers endpoints; the agency's events reach them signed, with the same delivery id
on every attempt; a receiver that fails (500), then times out, then recovers gets the event
accepted once and the log shows the three attempts; a receiver that never recovers has its
delivery dead, then redelivered by hand; payloads masked unless the endpoint is granted
personal data; another agency's events never reach this agency's endpoints, nor its routes; a
rotated secret signs beside the new one for its grace period, then never; of two directors
rotating one endpoint at the same moment one gets the new secret, the other is told."""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gateway import webhook_rules
from loupan.testing import wait_until
from loupan.testing.client import Api
from tests.api import make_project, own_system
from tests.conftest import staff

# small retry delays (seconds): the schedule's shape is gateway/tests/test_webhook_rules.py's
system = own_system(WEBHOOKS_ALLOW_LOCAL="1", WEBHOOK_SEND_SECONDS="0.2", WEBHOOK_TIMEOUT_SECONDS="1",
                    WEBHOOK_RETRY_FIRST_SECONDS="0.2", WEBHOOK_RETRY_MAX_SECONDS="0.5",
                    WEBHOOK_GIVE_UP_SECONDS="15")
SLOW = 4  # the receiver's sleep for a timed-out attempt: beyond the sender's 1 s


class Receiver:
    """An HTTP receiver on 127.0.0.1; each path answers from its script (a status, or "slow"),
    the last entry repeated; every request is kept with what was answered."""

    def __init__(self):
        self.scripts, self.seen, self.lock = {}, [], threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver.lock:
                    script = receiver.scripts.setdefault(self.path, [200])
                    action = script.pop(0) if len(script) > 1 else script[0]
                status = 503 if action == "slow" else action
                with receiver.lock:  # kept as it arrives (a slow answer comes after the sender gave up)
                    receiver.seen.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                          "answered": status})
                if action == "slow":
                    time.sleep(SLOW)
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"ok" if status < 300 else b"receiver says no")
                except OSError:
                    pass  # the sender gave up on a slow answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def requests(self, path):
        with self.lock:
            return [r for r in self.seen if r["path"] == path]


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.server.shutdown()


def register(api, receiver, path, events, personal_data=False, script=(200,)):
    receiver.scripts[path] = list(script)
    return api.ok(api.post("/api/webhooks", {"url": receiver.url(path), "event_types": events,
                                             "description": f"测试 {path}", "personal_data": personal_data}), 201)


def deliveries(api, hook):
    return api.ok(api.get(f"/api/webhooks/{hook['id']}/deliveries"))


def verified(hook, request):
    h = request["headers"]
    return webhook_rules.verify(hook["secret"], h["Loupan-Timestamp"], request["body"], h["Loupan-Signature"],
                                now=int(time.time()))


@pytest.fixture(scope="module")
def agency_b(system):
    from services.hr.create_director import create_director
    from tests.api import DIRECTOR

    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    "代理 webhooks 乙", "director_webhooks_b", DIRECTOR[1], "总监", "webhooks-b")
    return Api(system.url()).login("director_webhooks_b", DIRECTOR[1])


def test_endpoints_are_https_and_a_directors_alone(director, receiver):
    refused = director.post("/api/webhooks", {"url": "http://crm.example.com/hooks", "event_types": ["contract_signed"]})
    assert refused.status_code == 400 and refused.json()["error"] == "WEBHOOK_URL_NOT_HTTPS"
    assert director.post("/api/webhooks", {"url": "https://crm.example.com/h", "event_types": ["nope"]}).status_code == 400
    hook = director.ok(director.post("/api/webhooks", {"url": "https://crm.example.com/h",
                                                       "event_types": ["contract_signed"]}), 201)
    assert hook["secret"].startswith("whsec_") and hook["status"] == "active" and hook["personal_data"] is False
    read = director.ok(director.get(f"/api/webhooks/{hook['id']}"))
    assert "secret" not in read and read["url"] == "https://crm.example.com/h"
    gone = director.ok(director.delete(f"/api/webhooks/{hook['id']}"))
    assert gone["status"] == "disabled" and gone["disabled_at"]
    assert hook["id"] in [h["id"] for h in director.ok(director.get("/api/webhooks"))]


def test_a_failing_then_slow_receiver_gets_the_event_once_signed_with_one_delivery_id(
        system, director, agency_b, receiver):
    flaky = register(director, receiver, "/flaky", ["units_released"], script=[500, "slow", 200])
    dead = register(director, receiver, "/dead", ["units_released"], script=[500])
    other = register(agency_b, receiver, "/b", ["units_released", "unit_held"])
    assert agency_b.get(f"/api/webhooks/{flaky['id']}").status_code == 404
    assert agency_b.get(f"/api/webhooks/{flaky['id']}/deliveries").json()["error"] == "WEBHOOK_NOT_FOUND"
    assert flaky["id"] not in [h["id"] for h in agency_b.ok(agency_b.get("/api/webhooks"))]
    make_project(agency_b, "乙方楼盘", units=2)  # B's release: B's endpoint only
    project, _ = make_project(director, "甲方楼盘", units=2)

    log = wait_until(lambda: [d for d in deliveries(director, flaky) if d["state"] == "delivered"], timeout=90,
                     what=lambda: f"delivered: {deliveries(director, flaky)} {receiver.requests('/flaky')}")
    assert len(log) == 1 and log[0]["attempts"] == 3 and log[0]["last_status"] == 200
    got = receiver.requests("/flaky")
    assert [r["answered"] for r in got] == [500, 503, 200]  # the 503 came after the sender's 1 s timeout
    assert {r["headers"]["Loupan-Delivery"] for r in got} == {log[0]["delivery_id"]}
    assert all(r["headers"]["Loupan-Event"] == "units_released" for r in got)
    assert all(verified(flaky, r) for r in got)
    event = json.loads(got[-1]["body"])
    assert event["type"] == "units_released" and event["project_id"] == project["id"]
    assert event["event_id"] == log[0]["event_id"] and len(event["payload"]["unit_ids"]) == 2

    # never recovering: dead after the (test's) 15 s of retries, with the last answer
    wait_until(lambda: deliveries(director, dead)[0]["state"] == "dead", timeout=120)
    [gave_up] = deliveries(director, dead)
    assert gave_up["last_status"] == 500 and gave_up["last_error"] == "receiver says no"
    assert gave_up["attempts"] >= 3 and gave_up["next_attempt_at"] is None
    receiver.scripts["/dead"] = [200]
    again = director.ok(director.post(f"/api/webhooks/{dead['id']}/deliveries/{gave_up['delivery_id']}/redeliver"))
    assert again["state"] == "pending" and again["delivery_id"] == gave_up["delivery_id"]
    wait_until(lambda: deliveries(director, dead)[0]["state"] == "delivered", timeout=60)
    answered = [r["answered"] for r in receiver.requests("/dead")]
    assert answered[-1] == 200 and answered.count(200) == 1
    assert {r["headers"]["Loupan-Delivery"] for r in receiver.requests("/dead")} == {gave_up["delivery_id"]}
    missing = director.post(f"/api/webhooks/{dead['id']}/deliveries/00000000-0000-0000-0000-000000000000/redeliver")
    assert missing.status_code == 404 and missing.json()["error"] == "WEBHOOK_DELIVERY_NOT_FOUND"
    assert agency_b.post(f"/api/webhooks/{dead['id']}/deliveries/{gave_up['delivery_id']}/redeliver").status_code == 404

    # B's endpoint: B's release only, never A's
    wait_until(lambda: receiver.requests("/b"), timeout=60)
    b_events = [json.loads(r["body"]) for r in receiver.requests("/b")]
    assert all(e["agency_id"] != director.agency_id for e in b_events)
    assert all(verified(other, r) for r in receiver.requests("/b"))


def test_personal_data_is_masked_unless_granted(director, receiver):
    masked = register(director, receiver, "/masked", ["unit_held"])
    full = register(director, receiver, "/full", ["unit_held"], personal_data=True)
    _, units = make_project(director, "掩码楼盘", units=1)
    director.ok(director.post(f"/api/units/{units[0]}/holds", {"customer_name": "张三丰", "customer_phone": "13812345678"}), 201)
    wait_until(lambda: receiver.requests("/masked") and receiver.requests("/full"), timeout=60)
    hidden = json.loads(receiver.requests("/masked")[0]["body"])["payload"]
    shown = json.loads(receiver.requests("/full")[0]["body"])["payload"]
    assert (hidden["customer_name"], hidden["customer_phone"]) == ("张**", "138****5678")
    assert (shown["customer_name"], shown["customer_phone"]) == ("张三丰", "13812345678")
    assert hidden["unit_id"] == shown["unit_id"] == units[0]
    assert verified(masked, receiver.requests("/masked")[0]) and verified(full, receiver.requests("/full")[0])
    assert not receiver.requests("/b") or all("张三丰" not in r["body"].decode() and "138****5678" not in r["body"].decode()
                                              for r in receiver.requests("/b"))


def test_unit_status_changed_follows_each_unit_through_the_gateway(director, receiver):
    """An endpoint subscribed to unit_status_changed alone: a release of two units and a hold
    reach it as three deliveries, one per unit moved, signed, each naming its cause."""
    hook = register(director, receiver, "/units", ["unit_status_changed"])
    _, units = make_project(director, "状态楼盘", units=2)
    director.ok(director.post(f"/api/units/{units[0]}/holds", {"customer_name": "李四", "customer_phone": "13900001111"}),
                201)
    wait_until(lambda: len(receiver.requests("/units")) >= 3, timeout=60)
    got = receiver.requests("/units")
    events = [json.loads(r["body"]) for r in got]
    assert all(r["headers"]["Loupan-Event"] == "unit_status_changed" and verified(hook, r) for r in got)
    assert sorted((e["payload"]["unit_id"], e["payload"]["from_status"], e["payload"]["to_status"],
                   e["payload"]["cause"]) for e in events) == sorted([
        (units[0], "unreleased", "available", "units_released"), (units[1], "unreleased", "available", "units_released"),
        (units[0], "available", "held", "unit_held")])
    assert all("李四" not in r["body"].decode() and "13900001111" not in r["body"].decode() for r in got)
    log = deliveries(director, hook)
    assert {d["event_type"] for d in log} == {"unit_status_changed"} and len(log) == 3
    assert {d["event_id"] for d in log} == {e["event_id"] for e in events}


def test_a_swap_reaches_unit_status_changed_as_both_units_moved(system, director, receiver):
    """换房 of a signed deal: the old unit back to available and the new one signed, two
    deliveries naming the deal (contracts' deal_unit_swapped carries the deal's status)."""
    from tests.test_contracts_changes_api import Site

    site = Site(system, director, "wh", units=3)
    deal_id, old = site.deal("signed")
    hook = register(director, receiver, "/swaps", ["unit_status_changed"])
    new = site.free[0]
    site.manager.ok(site.approve(site.ask(deal_id, {"kind": "swap", "to_unit_id": new})["id"]))

    def swapped():
        return [e["payload"] for e in (json.loads(r["body"]) for r in receiver.requests("/swaps"))
                if e["payload"]["cause"] == "deal_unit_swapped"]
    wait_until(lambda: len(swapped()) >= 2, timeout=60)
    assert sorted((p["unit_id"], p["from_status"], p["to_status"], p["deal_id"]) for p in swapped()) == sorted([
        (old, "signed", "available", deal_id), (new, "available", "signed", deal_id)])
    assert all(verified(hook, r) for r in receiver.requests("/swaps"))


def signatures(request):
    return webhook_rules.signatures_in(request["headers"]["Loupan-Signature"])


def test_a_rotated_secret_signs_beside_the_new_one_for_its_grace_period_then_never(system, director, agency_b,
                                                                                     receiver):
    """A director rotates an endpoint's secret: the new one is in that answer only; the next
    delivery's Loupan-Signature lists the new secret's signature and the old one's, so a receiver
    on either accepts it; once the grace period has passed (moved by the endpoint's row: the
    clock is not the test's to move), deliveries carry the new one's alone, the old secret is
    forgotten, and no answer ever shows it again. A rotation with no grace stops the old one at
    once; another agency's director, a disabled endpoint and a grace beyond a week are refused."""
    from sqlalchemy import create_engine, text

    hook = register(director, receiver, "/rotate", ["units_released"])
    old = hook["secret"]
    make_project(director, "轮换前楼盘", units=1)
    wait_until(lambda: receiver.requests("/rotate"), timeout=60)
    (before,) = receiver.requests("/rotate")
    assert len(signatures(before)) == 1 and verified(hook, before)

    assert agency_b.post(f"/api/webhooks/{hook['id']}/rotate-secret").json()["error"] == "WEBHOOK_NOT_FOUND"
    too_long = director.post(f"/api/webhooks/{hook['id']}/rotate-secret", {"old_secret_hours": 169})
    assert too_long.status_code == 400
    rotated = director.ok(director.post(f"/api/webhooks/{hook['id']}/rotate-secret"))
    new = rotated["secret"]
    assert new.startswith("whsec_") and new != old and rotated["id"] == hook["id"]
    assert rotated["secret_rotated_at"] and rotated["previous_secret_until"]
    grace = (datetime.fromisoformat(rotated["previous_secret_until"])
             - datetime.fromisoformat(rotated["secret_rotated_at"]))
    assert grace == timedelta(hours=24)
    read = director.ok(director.get(f"/api/webhooks/{hook['id']}"))
    assert "secret" not in read and read["previous_secret_until"] == rotated["previous_secret_until"]
    listed = director.get("/api/webhooks").text + director.get(f"/api/webhooks/{hook['id']}/deliveries").text
    assert old not in listed and new not in listed

    # during the grace period: both signatures, each verified by a receiver holding its secret
    make_project(director, "轮换中楼盘", units=1)
    wait_until(lambda: len(receiver.requests("/rotate")) >= 2, timeout=60)
    during = receiver.requests("/rotate")[1]
    assert len(signatures(during)) == 2
    assert verified({"secret": new}, during) and verified({"secret": old}, during)
    assert not verified({"secret": "whsec_" + "x" * 43}, during)
    assert signatures(during)[0] == webhook_rules.signature(new, during["headers"]["Loupan-Timestamp"], during["body"])

    engine = create_engine(system.urls["gateway"])  # the grace period passes
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE webhook_endpoints SET previous_secret_until = now() - interval '1 second' "
                              "WHERE id = :id"), {"id": hook["id"]})
        make_project(director, "轮换后楼盘", units=1)
        wait_until(lambda: len(receiver.requests("/rotate")) >= 3, timeout=60)
        after = receiver.requests("/rotate")[2]
        assert len(signatures(after)) == 1
        assert verified({"secret": new}, after) and not verified({"secret": old}, after)
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT secret, previous_secret FROM webhook_endpoints WHERE id = :id"),
                                {"id": hook["id"]}).one()
        assert tuple(kept) == (new, None)  # the old secret is forgotten
    finally:
        engine.dispose()
    assert director.ok(director.get(f"/api/webhooks/{hook['id']}"))["previous_secret_until"] is None
    assert all(r["answered"] == 200 for r in receiver.requests("/rotate"))

    # a leaked secret: no grace, the old one stops at once
    leaked = director.ok(director.post(f"/api/webhooks/{hook['id']}/rotate-secret", {"old_secret_hours": 0}))
    assert leaked["previous_secret_until"] is None and leaked["secret"] not in (new, old)
    make_project(director, "泄露后楼盘", units=1)
    wait_until(lambda: len(receiver.requests("/rotate")) >= 4, timeout=60)
    last = receiver.requests("/rotate")[3]
    assert len(signatures(last)) == 1 and verified(leaked, last) and not verified({"secret": new}, last)

    director.ok(director.delete(f"/api/webhooks/{hook['id']}"))
    refused = director.post(f"/api/webhooks/{hook['id']}/rotate-secret")
    assert (refused.status_code, refused.json()["error"]) == (409, "WEBHOOK_DISABLED")


def test_two_directors_rotating_one_endpoint_at_once_one_gets_the_new_secret(system, director, receiver):
    """Two directors rotate one endpoint's secret at the same moment: both read the secret it had,
    one replaces it and is answered the new secret, the other 409 WEBHOOK_ROTATED_MEANWHILE and
    no secret (one already replaced would be a secret nothing signs with). The endpoint keeps the
    winner's secret, the one both read signs beside it for the grace, and deliveries verify with
    the winner's. The moment is made, not hoped for: the test holds the endpoint's row until both
    rotations wait on it, then lets it go unchanged."""
    from sqlalchemy import create_engine, text

    second = staff(system, director, "wh_director2", "director", [])
    hook = register(director, receiver, "/race", ["units_released"])
    path = f"/api/webhooks/{hook['id']}/rotate-secret"
    engine = create_engine(system.urls["gateway"])

    def rotations_waiting():
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE 'UPDATE webhook_endpoints%secret_rotated_at%'")).scalar()
    try:
        with engine.connect() as holder, ThreadPoolExecutor(2) as pool:
            held = holder.begin()
            holder.execute(text("SELECT id FROM webhook_endpoints WHERE id = :id FOR UPDATE"), {"id": hook["id"]})
            asked = [pool.submit(api.post, path) for api in (director, second)]
            wait_until(lambda: rotations_waiting() == 2, timeout=30,
                       what=lambda: f"both rotations waiting on the row ({rotations_waiting()} waiting, "
                                    f"{[a.result().text for a in asked if a.done()]})")
            held.commit()
            answers = [a.result() for a in asked]
        assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
        (won,) = [a.json() for a in answers if a.status_code == 200]
        (lost,) = [a.json() for a in answers if a.status_code == 409]
        assert lost["error"] == "WEBHOOK_ROTATED_MEANWHILE" and "secret" not in lost
        winner = (director, second)[[a.status_code for a in answers].index(200)]
        assert won["secret"].startswith("whsec_") and won["secret"] != hook["secret"]
        with engine.connect() as conn:
            kept = conn.execute(text("SELECT secret, previous_secret, secret_rotated_by FROM webhook_endpoints "
                                     "WHERE id = :id"), {"id": hook["id"]}).one()
        assert tuple(kept) == (won["secret"], hook["secret"], winner.ok(winner.get("/api/me"))["id"])
    finally:
        engine.dispose()

    project, _ = make_project(director, "轮换并发楼盘", units=1)

    def release():
        return [r for r in receiver.requests("/race") if json.loads(r["body"])["project_id"] == project["id"]]
    wait_until(release, timeout=60, what="the release delivered")
    (delivered,) = release()
    assert signatures(delivered)[0] == webhook_rules.signature(
        won["secret"], delivered["headers"]["Loupan-Timestamp"], delivered["body"])
    assert verified(won, delivered) and len(signatures(delivered)) == 2  # the winner's, and the old one's grace
