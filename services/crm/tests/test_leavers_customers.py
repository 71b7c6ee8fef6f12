"""After 离职 the leaver's customers are found (former_owner_id) and reassigned by naming
their former owner (from_owner_id) in one action; a customer someone has taken since, or
one that lapsed to the pool for another reason, is not theirs to move; the history keeps
every owner."""
from datetime import date

import pytest
from sqlalchemy import select

from loupan.testing import db_rows, publish_event, wait_until
from services.crm.models import CustomerOwner
from services.crm.tests.conftest import actor
from services.crm.tests.test_customers import ALICE, BOB, MANAGER, P, expire_protection, lead

pytestmark = pytest.mark.sqlite  # on SQLite too: the correlated subquery of the last move

CAROL = actor(17, "advisor", [P], username="carol")


def alice_leaves(crm_config, count):
    publish_event(crm_config["AMQP_URI"], "staff_left", {
        "account_id": ALICE["account_id"], "username": "alice", "role": "advisor", "project_ids": [P],
        "left_on": date(2026, 11, 20)}, agency_id=1)
    wait_until(lambda: len(db_rows(crm_config, select(CustomerOwner.id).where(CustomerOwner.reason == "left")))
               == count, what="the leave's history rows")


def test_a_leavers_customers_are_found_and_reassigned_by_their_former_owner(call, crm_config):
    ids = [call("register_customer", ALICE, P, lead(f"1390000005{i}"))["customer"]["id"] for i in range(3)]
    lapsed = call("register_customer", BOB, P, lead("13900000059"))["customer"]["id"]
    expire_protection(crm_config, lapsed)
    call("sweep_protection")  # in the pool, but not because anybody left
    alice_leaves(crm_config, 3)
    claimed = call("register_customer", CAROL, P, lead("13900000052"))  # carol takes one from the pool
    assert claimed["outcome"] == "claimed"

    found = call("list_customers", MANAGER, P, {"former_owner_id": ALICE["account_id"]})
    assert sorted(c["id"] for c in found) == ids[:2]
    assert call("list_customers", MANAGER, P, {"former_owner_id": BOB["account_id"]}) == []
    # the owner filter finds them too (and Bob's own, not the one that lapsed from him)
    assert sorted(c["id"] for c in call("list_customers", MANAGER, P, {"owner_id": ALICE["account_id"]})) == ids[:2]
    assert call("list_customers", MANAGER, P, {"owner_id": BOB["account_id"]}) == []

    moved = call("reassign_customers", MANAGER, P, {
        "from_owner_id": ALICE["account_id"], "note": "alice 离职交接",
        "to_owners": [{"account_id": BOB["account_id"], "name": "bob"}]})
    assert moved["moved"] == 2
    assert call("list_customers", MANAGER, P, {"former_owner_id": ALICE["account_id"]}) == []
    assert call("get_customer", MANAGER, ids[2])["owner_id"] == CAROL["account_id"]
    assert call("get_customer", MANAGER, lapsed)["owner_id"] is None
    history = [(o["from_owner_id"], o["to_owner_id"], o["reason"]) for o in call("get_customer", MANAGER, ids[0])["owners"]]
    assert history == [(None, ALICE["account_id"], "registered"), (ALICE["account_id"], None, "left"),
                       (None, BOB["account_id"], "reassigned")]
