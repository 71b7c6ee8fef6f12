"""撞单 at the same moment, on PostgreSQL with real concurrent workers: whatever the
interleaving, one owner and conflicts for the others, never two customers for one phone."""
import pytest
from loupan.testing import cluster_rpc
from sqlalchemy import select

from loupan.testing import db_rows, wait_until
from services.crm import customers
from services.crm.models import Conflict, Customer, CustomerOwner
from services.crm.tests.conftest import actor

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
P = 1
ADVISORS = [actor(20 + i, "advisor", [P], username=f"adv{i}") for i in range(6)]


def lead(mobile="13812345678"):
    return {"mobile": mobile, "name": "王先生", "channel": "walk_in"}


def register_at_once(config, advisors, mobile):
    with cluster_rpc(config) as rpc:
        replies = [rpc.crm.register_customer.call_async(a, P, lead(mobile)) for a in advisors]
        return [r.result() for r in replies]


def test_two_first_registrations_of_one_phone_end_with_one_owner_and_one_conflict(crm, crm_config, monkeypatch):
    """Both workers look, both find no customer, both insert: the unique (project, mobile)
    refuses the second, which then takes the existing path and records the conflict."""
    looked = []
    real_find = customers._find

    def find_together(session, project_id, mobile, lock=False):
        found = real_find(session, project_id, mobile, lock)
        if len(looked) < 2:
            looked.append(found)
            wait_until(lambda: len(looked) == 2, timeout=10, what="both registrations looking")
        return found

    monkeypatch.setattr(customers, "_find", find_together)
    results = register_at_once(crm_config, ADVISORS[:2], "13812345678")

    assert looked == [None, None]
    assert sorted(r["outcome"] for r in results) == ["conflict", "created"]
    winner = next(r for r in results if r["outcome"] == "created")["customer"]["owner_id"]
    loser = next(r for r in results if r["outcome"] == "conflict")["conflict"]
    rows = db_rows(crm_config, select(Customer.id, Customer.owner_id))
    assert [r.owner_id for r in rows] == [winner]
    conflicts = db_rows(crm_config, select(Conflict.customer_id, Conflict.owner_id, Conflict.claimant_id))
    assert conflicts == [(rows[0].id, winner, loser["claimant_id"])]
    assert db_rows(crm_config, select(CustomerOwner.reason)) == [("registered",)]


def test_many_advisors_registering_one_phone_at_once(crm, crm_config):
    results = register_at_once(crm_config, ADVISORS, "13900000001")
    outcomes = sorted(r["outcome"] for r in results)
    assert outcomes == ["conflict"] * 5 + ["created"]
    assert len(db_rows(crm_config, select(Customer.id))) == 1
    assert len(db_rows(crm_config, select(Conflict.id))) == 5


def test_many_advisors_claiming_one_pool_customer_at_once(crm, crm_config):
    """The existing row is locked while one claim is decided: one claims, the others find it
    protected and are recorded as conflicts."""
    with cluster_rpc(crm_config) as rpc:
        rpc.crm.register_customer(actor(14, "assistant", [P]), P, lead("13900000002"))
    results = register_at_once(crm_config, ADVISORS, "13900000002")
    assert sorted(r["outcome"] for r in results) == ["claimed"] + ["conflict"] * 5
    claimer = next(r for r in results if r["outcome"] == "claimed")["customer"]["owner_id"]
    assert db_rows(crm_config, select(Customer.owner_id)) == [(claimer,)]
    assert db_rows(crm_config, select(CustomerOwner.reason).order_by(CustomerOwner.id)) == [
        ("registered",), ("claimed",)]
