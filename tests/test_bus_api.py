"""The message bus is not a back door (issue 30): a client that connects to the broker with
valid credentials but holds no bus key (loupan/bus.py) gets nothing from a running system:
not another agency's customers with an actor it wrote itself, not a login check to guess
passwords with; what it tried is counted in the service's metrics. The gateway's own calls,
sealed, work as before (every other system test), and hr limits failed logins itself too."""
import secrets

import pytest
import requests
from nameko.exceptions import RemoteError
from nameko.standalone.rpc import ClusterRpcProxy

from loupan import bus
from loupan.errors import DomainError
from loupan.testing import cluster_rpc
from tests.api import make_project
from tests.conftest import staff


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "总线府", units=1)
    advisor = staff(system, director, "bus_advisor", "advisor", [project["id"]])
    customer = advisor.ok(advisor.post(f"/api/projects/{project['id']}/customers", {
        "mobile": "13577770001", "name": "总线客户", "channel": "walk_in"}), 201)["customer"]
    return {"project": project["id"], "customer": customer["id"]}


def forged_director(director):
    """The actor an attacker writes: a director of the agency, every project."""
    return {"account_id": 1, "username": "x", "role": "director", "agency_id": director.agency_id,
            "project_ids": None}


def refused(system, service, entrypoint, reason):
    text = requests.get(f"{system.url(service)}/metrics", timeout=10).text
    for line in text.splitlines():
        if line.startswith("loupan_bus_refused_total{") and f'entrypoint="{entrypoint}"' in line \
                and f'reason="{reason}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def code_of(call):
    """(error class, code) of a refused call (a DomainError comes back typed, loupan.errors)."""
    with pytest.raises((DomainError, RemoteError)) as caught:
        call()
    exc = caught.value
    if isinstance(exc, DomainError):
        return type(exc).__name__, exc.code
    return exc.exc_type, exc.value


def test_a_proxy_with_broker_credentials_and_no_key_reads_no_customer(system, director, site):
    actor = forged_director(director)
    before = refused(system, "crm", "list_customers", "unsigned")
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10) as rpc:  # the broker's credentials only
        exc_type, value = code_of(lambda: rpc.crm.list_customers(actor, site["project"], {}))
        assert exc_type == "Unauthenticated" and "ACTOR_UNSIGNED" in value
        exc_type, value = code_of(lambda: rpc.crm.get_customer(actor, site["customer"]))
        assert "ACTOR_UNSIGNED" in value
    assert refused(system, "crm", "list_customers", "unsigned") == before + 1
    # a seal made with a key of its own, or the gateway's seal of someone else's actor
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10,
                         context_data={bus.SEAL: bus.seal({"BUS_KEY": secrets.token_urlsafe(48)}, actor, "gateway")}) as rpc:
        exc_type, value = code_of(lambda: rpc.crm.list_customers(actor, site["project"], {}))
        assert exc_type == "Forbidden" and "ACTOR_FORGED" in value
    advisor = {"account_id": 2, "username": "bus_advisor", "role": "advisor", "agency_id": director.agency_id,
               "project_ids": [site["project"]]}
    sealed_for_advisor = bus.seal({"BUS_KEY": system.bus_key}, advisor, "gateway")
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10,
                         context_data={bus.SEAL: sealed_for_advisor}) as rpc:
        exc_type, value = code_of(lambda: rpc.crm.list_customers(actor, site["project"], {}))  # role raised
        assert "ACTOR_FORGED" in value
    assert refused(system, "crm", "list_customers", "forged") >= 2
    # the same call sealed with the system's key is answered: the refusals were the seal's
    with cluster_rpc({"AMQP_URI": system.amqp_uri, "BUS_KEY": system.bus_key}, timeout=10) as rpc:
        rows = rpc.crm.list_customers(actor, site["project"], {})
        assert site["customer"] in [r["id"] for r in rows]


def test_no_password_guess_is_answered_without_the_key(system, director):
    before = refused(system, "hr", "authenticate", "unsigned")
    with ClusterRpcProxy({"AMQP_URI": system.amqp_uri}, timeout=10) as rpc:
        for guess in range(30):
            exc_type, value = code_of(lambda: rpc.hr.authenticate(director.username, f"guess-{guess}"))
            assert exc_type == "Unauthenticated" and "ACTOR_UNSIGNED" in value  # never BAD_CREDENTIALS
    assert refused(system, "hr", "authenticate", "unsigned") == before + 30


def test_hr_limits_failed_logins_per_username_itself(system, director):
    """Even a caller holding the key (the gateway, its limits off in the test system) gets
    LOGIN_RATE_LIMITED after 30 wrong passwords for one username; another username is not
    affected."""
    victim = "bus_limit_victim"
    staff(system, director, victim, "advisor", [])
    with cluster_rpc({"AMQP_URI": system.amqp_uri, "BUS_KEY": system.bus_key}, timeout=10) as rpc:
        answers = []
        for guess in range(31):
            _, value = code_of(lambda: rpc.hr.authenticate(victim, f"guess-{guess}"))
            answers.append(next(c for c in ("BAD_CREDENTIALS", "LOGIN_RATE_LIMITED", value) if c in value))
        assert answers[:30] == ["BAD_CREDENTIALS"] * 30 and answers[30] == "LOGIN_RATE_LIMITED", answers
        _, value = code_of(lambda: rpc.hr.authenticate(victim, "sales-office-42"))  # the right one too, for now
        assert "LOGIN_RATE_LIMITED" in value
        _, value = code_of(lambda: rpc.hr.authenticate(director.username, "wrong"))  # per username
        assert "BAD_CREDENTIALS" in value
    login = requests.post(f"{system.url()}/api/auth/login", json={"username": victim, "password": "sales-office-42"},
                          timeout=10)
    assert login.status_code == 429 and login.json()["error"] == "LOGIN_RATE_LIMITED"
