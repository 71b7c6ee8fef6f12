"""`bash scripts/run.sh`, the README's first command, end to end: every service on SQLite
under loupan.supervise, the demo data entered through the API, the banner printed; then a
front-end's first GETs answer, a service that dies is started again (the others untouched),
and stopping the script's process group stops every service.

Run beside a developer's own run.sh: its own SQLite directory (LOUPAN_VAR), free ports
(*_HTTP) and a throw-away vhost (AMQP_URI)."""
import json
import os
import re
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

from loupan.testing.client import Api
from loupan.testing.system import AMQP_BASE, ROOT, Rabbit
from loupan.testing import free_port, wait_until

SERVICES = ("hr", "inventory", "crm", "contracts", "finance", "gateway")
DEMO = ("director", "demo.manager", "demo.supervisor", "demo.advisor", "demo.advisor2", "demo.assistant",
        "demo.finance")  # the director's name as run.sh gives it; the agency's accounts <code>.<name>


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("run")
    vhost = f"loupan_run_{uuid.uuid4().hex[:8]}"
    rabbit = Rabbit()
    rabbit.create_vhost(vhost)
    ports = {name: free_port() for name in SERVICES}
    env = dict(os.environ, LOUPAN_VAR=str(workdir / "var"),
               AMQP_URI=AMQP_BASE.format(user="guest", password="guest", vhost=vhost),
               **{f"{name.upper()}_HTTP": f"127.0.0.1:{port}" for name, port in ports.items()})
    for name in SERVICES:
        env.pop(f"{name.upper()}_DATABASE_URL", None)
    env["FEED_HTTP"] = f"127.0.0.1:{free_port()}"  # the live board feed, beside a developer's own run
    env.pop("LOUPAN_JWT_SECRET", None)  # run.sh makes one
    log = workdir / "run.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(["bash", "scripts/run.sh"], cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until(lambda: "Loupan is running" in log.read_text() or proc.poll() is not None, timeout=420,
                   what="run.sh ready")
        assert proc.poll() is None, log.read_text()[-3000:]
        yield {"url": f"http://127.0.0.1:{ports['gateway']}", "ports": ports, "proc": proc, "log": log,
               "var": workdir / "var"}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        rabbit.delete_vhost(vhost)


def answers(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


def test_the_banner_shows_where_to_look_and_the_demo_accounts(run):
    banner = run["log"].read_text()
    assert f"{run['url']}/console/" in banner and f"{run['url']}/api/docs" in banner
    for login in DEMO:
        assert login in banner
    assert {p.name for p in run["var"].iterdir()} >= {f"{name}.db" for name in SERVICES} | {".demo-seeded"}
    key = run["var"] / "jwt_secret"  # made once, private, long enough for the gateway to accept
    assert key.stat().st_mode & 0o777 == 0o600 and len(key.read_text().strip()) >= 32


def test_the_demo_office_is_open_with_advisors_on_duty_customers_and_a_deal(run):
    apis = {login: Api(run["url"]).login(login, "loupan-demo") for login in DEMO}
    manager = apis["demo.manager"]
    (project,) = manager.ok(manager.get("/api/projects"))
    pid = project["id"]
    board = manager.get(f"/api/projects/{pid}/board")
    assert board.status_code == 200
    rotation = manager.ok(manager.get(f"/api/projects/{pid}/rotation"))
    assert sorted(q["username"] for q in rotation["queue"]) == ["demo.advisor", "demo.advisor2"]
    assert len(rotation["assignments"]) == 2
    visits = manager.ok(manager.get(f"/api/projects/{pid}/visits"))
    assert len(visits) == 3
    customers = manager.ok(manager.get(f"/api/projects/{pid}/customers"))
    assert len(customers) >= 5
    deals = manager.ok(manager.get(f"/api/projects/{pid}/deals"))["items"]
    assert [d["status"] for d in deals] == ["subscribed"]
    finance = apis["demo.finance"]
    schedule = finance.ok(finance.get(f"/api/deals/{deals[0]['id']}/schedule"))
    assert (schedule["status"], schedule["collected"]) == ("subscribed", "50000.00")
    (receipt,) = finance.ok(finance.get(f"/api/deals/{deals[0]['id']}/receipts"))
    assert receipt["amount"] == "50000.00"
    customer_id = deals[0]["customer_id"]
    wait_until(lambda: manager.ok(manager.get(f"/api/customers/{customer_id}"))["status"] == "subscribed",
               what="the demo customer subscribed in crm")


def test_the_demo_launch_is_in_selection_and_a_buyer_of_window_one_signs_in(run):
    banner = run["log"].read_text()
    assert "/buyer/launch/" in banner and "/console/#/launch-screen?launch=" in banner
    manager = Api(run["url"]).login("demo.manager", "loupan-demo")
    (project,) = manager.ok(manager.get("/api/projects"))
    (launch,) = manager.ok(manager.get(f"/api/projects/{project['id']}/launches"))
    selection = manager.ok(manager.get(f"/api/launches/{launch['id']}/selection"))
    assert (launch["status"], selection["current_window"]["number"]) == ("selecting", 1)
    first = selection["choosing"][0]  # the banner names the buyers in drawn order, mobiles first
    mobile = banner.split("in drawn order: ")[1].split(",")[0].split()[-1]
    assert requests.post(f"{run['url']}/api/buyer/codes", json={"launch_id": launch["id"], "mobile": mobile},
                         timeout=30).status_code == 202
    sent = [json.loads(line) for line in (run["var"] / "sms.log").read_text().splitlines()]
    code = re.search(r"验证码为 (\d{6})", [t for t in sent if t["mobile"] == mobile][-1]["text"]).group(1)
    session = requests.post(f"{run['url']}/api/buyer/sessions", timeout=30,
                            json={"launch_id": launch["id"], "mobile": mobile, "code": code})
    assert session.status_code == 201, session.text
    me = session.json()["buyer"]
    assert me["selection"]["status"] == "open" and me["registration"]["number"] == first["number"]


def service_pid(name, port):
    """The pid of the run's `name` process: its command line names its config, its
    environment the port this run gave it (every process of the run has all the ports)."""
    config = ("gateway/config.yaml" if name == "gateway" else f"services/{name}/config.yaml").encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if config in cmdline and f"{name.upper()}_HTTP=127.0.0.1:{port}".encode() in environ:
            return int(entry.name)
    return None


def test_a_service_that_dies_is_restarted_and_the_others_keep_running(run):
    others = {name: service_pid(name, port) for name, port in run["ports"].items() if name != "crm"}
    crm = service_pid("crm", run["ports"]["crm"])
    assert crm and all(others.values()), others
    os.kill(crm, signal.SIGKILL)
    wait_until(lambda: service_pid("crm", run["ports"]["crm"]) not in (None, crm), timeout=60,
               what="crm started again")
    wait_until(lambda: answers(run["ports"]["crm"]), timeout=90, what="crm answering again")
    wait_until(lambda: "crm was killed by signal 9" in run["log"].read_text(), timeout=10,
               what="the supervisor saying so")
    assert {name: service_pid(name, run["ports"][name]) for name in others} == others
    assert run["proc"].poll() is None


def test_stopping_the_script_stops_every_service(run):
    assert all(answers(port) for port in run["ports"].values())
    os.killpg(run["proc"].pid, signal.SIGTERM)
    run["proc"].wait(60)
    deadline = time.monotonic() + 30
    while any(answers(port) for port in run["ports"].values()) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not any(answers(port) for port in run["ports"].values())
