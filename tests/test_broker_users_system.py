"""The whole system runs with each process connected as its own broker user, with exactly
the permissions loupan/broker_users.py ships (compose and Kubernetes render the same): every
process starts and is ready, consumes its RPC queue and every handler queue, a project made
through the gateway reaches the other services by events and RPC, and no process logged a
refused access. The vhost and the users are deleted after."""
import time
import uuid

import pytest
import requests

from loupan.broker_users import permissions
from loupan.testing.client import Api
from loupan.testing.system import System
from tests.api import DIRECTOR, SYSTEM_ENV, make_project


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("broker-users"), database="sqlite", env=dict(SYSTEM_ENV))
    tag = uuid.uuid4().hex[:8]
    users = []
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "代理", "--username", DIRECTOR[0],
                          "--password", DIRECTOR[1])
        uris = {}
        for name in system.services:
            user, password = f"perm-{tag}-{name}", uuid.uuid4().hex
            system.rabbit.create_user(user, password)
            users.append(user)
            system.rabbit.grant(system.vhost, user, **permissions(name))
            uris[name] = system.amqp_base.format(user=user, password=password, vhost=system.vhost)
        for name in system.services:
            system.start_service(name, amqp_uri=uris[name], wait=False)
        for key in list(system.procs):
            system.wait_ready(*key)
        yield system
    finally:
        system.destroy()
        for user in users:
            system.rabbit.delete_user(user)


def refusals(system):
    found = []
    for path in system.log_dir.glob("*.log"):
        text = path.read_text(encoding="utf-8", errors="replace")
        if "ACCESS_REFUSED" in text or "AccessRefused" in text:
            found.append(path.name)
    return found


def test_every_process_runs_as_its_own_broker_user(system):
    api = Api(system.url()).login(*DIRECTOR)
    project, unit_ids = make_project(api, "权限楼盘", units=4)
    board = api.get(f"/api/projects/{project['id']}/board")
    assert board.status_code == 200, board.text
    assert not refusals(system), f"access refused in {refusals(system)}"
    rpc = {f"rpc-{name}" for name in system.services if name != "gateway"}  # the gateway serves HTTP, no RPC
    deadline = time.monotonic() + 20
    while True:  # the management API's figures lag by seconds
        queues = requests.get(f"{system.rabbit.api}/queues/{system.vhost}", timeout=30).json()
        handlers = {q["name"] for q in queues if q["name"].startswith("evt-") and not q["name"].endswith((".retry", ".dlq"))}
        idle = sorted(q["name"] for q in queues if q["name"] in rpc | handlers and not q.get("consumers"))
        backlog = sorted(q["name"] for q in queues if q["name"] in handlers and q.get("messages"))
        missing = rpc - {q["name"] for q in queues}
        if not (idle or backlog or missing) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(handlers) >= 10
    assert not missing and not idle, f"queues without a consumer: {sorted(missing)} {idle}"
    assert not backlog, f"events not consumed: {backlog}"
    dead = [q["name"] for q in queues if q["name"].endswith(".dlq") and q.get("messages")]
    assert not dead, dead
    assert not refusals(system), f"access refused in {refusals(system)}"
