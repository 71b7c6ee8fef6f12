"""Commands survive redelivery (issue 14), on PostgreSQL with every service running.

A service is started with the failpoint `<service>.<entrypoint>.after_commit` armed
(loupan.commands: after the command's transaction committed, before the reply leaves) and
driven into it over HTTP: it dies of SIGKILL with the request unacked. It is started again
without the failpoint; the broker redelivers the request, and the service answers it with
the first outcome, which the gateway (still waiting: RPC_TIMEOUT is a minute here) returns
to the client: one row, the answer of that row, for a command of each service."""
import signal
from functools import partial

import eventlet
import pytest
from sqlalchemy import MetaData, create_engine, func, select

from loupan.commands import commands_table
from loupan.testing import wait_until
from services.contracts.models import ChangeRequest
from services.crm.models import Complaint
from services.finance.models import Expense
from services.hr.models import Course
from services.inventory.models import Building
from tests.api import make_project, own_system
from tests.test_contracts_changes_api import CANCEL, Site

poll = partial(wait_until, timeout=90)
COMMANDS = commands_table(MetaData())


# The gateway waits a minute for an answer (and its requests live as long in the broker),
# long enough for a killed service to come back and answer the redelivery.
system = own_system(RPC_TIMEOUT="60")


@pytest.fixture(scope="module")
def site(system, director):
    return Site(system, director, "cmd", units=4)


@pytest.fixture(scope="module")
def project(director):
    return make_project(director, "重投项目", units=2)[0]


def count(system, service, query):
    engine = create_engine(system.urls[service])
    try:
        with engine.connect() as conn:
            return conn.execute(query).scalar()
    finally:
        engine.dispose()


def settled(system, service):
    info = system.rabbit._call("GET", f"queues/{system.vhost}/rpc-{service}").json()
    return info.get("messages", 1) == 0 and info.get("messages_unacknowledged", 1) == 0


def restart(system, service, failpoints=None):
    env = system.env_of[(service, 0, None)]
    env.pop("LOUPAN_FAILPOINTS", None)
    if failpoints:
        env["LOUPAN_FAILPOINTS"] = failpoints
    if (service, 0) in system.procs:
        poll(lambda: settled(system, service), what=f"{service}'s RPC requests acked")
        system.kill(service)
    system.start_service(service)


def post(api, path, body):
    return api.session.post(api.base_url + path, json=body, headers=api.headers(), timeout=180)


def killed_after_commit_then_redelivered(system, service, entrypoint, api, path, body):
    """The HTTP answer of a command whose service died between its commit and its reply."""
    answered = select(func.count()).select_from(COMMANDS).where(
        COMMANDS.c.entrypoint == entrypoint, COMMANDS.c.outcome.is_not(None))
    before = count(system, service, answered)
    restart(system, service, f"{service}.{entrypoint}.after_commit")
    proc = system.procs[(service, 0)]
    answer = eventlet.spawn(post, api, path, body)
    try:
        poll(lambda: proc.poll() is not None, what=f"{service} killed at the failpoint")
        assert proc.returncode == -signal.SIGKILL
        system.procs.pop((service, 0))
        # committed with its answer, which never left
        assert count(system, service, answered) == before + 1
    finally:
        restart(system, service)
    response = answer.wait()
    log = (system.log_dir / f"{service}.0.log").read_text(errors="replace")
    assert "its first answer is given again" in log  # the redelivery, answered from the record
    return response


def test_inventory_create_building(system, director, project):
    response = killed_after_commit_then_redelivered(
        system, "inventory", "create_building", director, f"/api/projects/{project['id']}/buildings",
        {"name": "重投楼", "permit_no": "杭售许字099"})
    assert response.status_code == 201, response.text  # the first answer, not 409 BUILDING_EXISTS
    query = select(Building.id).where(Building.project_id == project["id"], Building.name == "重投楼")
    assert count(system, "inventory", select(func.count()).select_from(query.subquery())) == 1
    assert response.json()["id"] == count(system, "inventory", query)


def test_crm_file_complaint(system, director, project):
    response = killed_after_commit_then_redelivered(
        system, "crm", "file_complaint", director, f"/api/projects/{project['id']}/complaints",
        {"category": "other", "severity": "low", "description": "重投测试: 投诉一次"})
    assert response.status_code == 201, response.text
    query = select(Complaint.id).where(Complaint.description == "重投测试: 投诉一次")
    assert count(system, "crm", select(func.count()).select_from(query.subquery())) == 1
    assert response.json()["id"] == count(system, "crm", query)


def test_contracts_request_change(system, site):
    deal_id, _ = site.deal("subscribed")
    response = killed_after_commit_then_redelivered(
        system, "contracts", "request_change", site.advisor, f"/api/deals/{deal_id}/changes", CANCEL)
    assert response.status_code == 201, response.text
    query = select(ChangeRequest.id).where(ChangeRequest.deal_id == deal_id)
    assert count(system, "contracts", select(func.count()).select_from(query.subquery())) == 1
    assert response.json()["id"] == count(system, "contracts", query)


def test_finance_record_expense(system, director, project):
    response = killed_after_commit_then_redelivered(
        system, "finance", "record_expense", director, f"/api/projects/{project['id']}/expenses",
        {"month": "2026-09", "category": "events", "amount": "1234.00", "note": "重投一次"})
    assert response.status_code == 201, response.text
    query = select(Expense.id).where(Expense.project_id == project["id"], Expense.note == "重投一次")
    assert count(system, "finance", select(func.count()).select_from(query.subquery())) == 1
    assert response.json()["id"] == count(system, "finance", query)


def test_hr_create_course(system, director):
    response = killed_after_commit_then_redelivered(
        system, "hr", "create_course", director, "/api/courses", {"title": "重投课程", "kind": "culture"})
    assert response.status_code == 201, response.text
    query = select(Course.id).where(Course.title == "重投课程")
    assert count(system, "hr", select(func.count()).select_from(query.subquery())) == 1
    assert response.json()["id"] == count(system, "hr", query)


def test_an_idempotency_key_is_the_command_id_in_the_service(system, director, project):
    """The client's Idempotency-Key, per account, is the command id in the service: a retry
    the gateway lets through (its first try ended in a 5xx) is keyed like the first."""
    body = {"month": "2026-10", "category": "events", "amount": "10.00", "note": "带键"}
    headers = dict(director.headers(), **{"Idempotency-Key": "cmd-key-1"})
    url = director.base_url + f"/api/projects/{project['id']}/expenses"
    first = director.session.post(url, json=body, headers=headers, timeout=60)
    assert first.status_code == 201, first.text
    ids = count(system, "finance", select(func.string_agg(COMMANDS.c.command_id, ",")).where(
        COMMANDS.c.entrypoint == "record_expense", COMMANDS.c.command_id.like("key:%")))
    assert ids.endswith(":cmd-key-1")
