"""Buyers' holds group-committed (buyer_holds: the gateway's batches, loupan/group_commit.py),
through the real entrypoint on SQLite and PostgreSQL: each request of a batch is decided as
buyer_hold decides it, in the batch's order (a unit goes to the first who asked, the
attempt limit counts the batch's own attempts), refusals keep their class and code, and two
batches taking the same units in opposite orders at once never take a unit twice."""
import pytest
from nameko.exceptions import deserialize
from sqlalchemy import func, select

from loupan.testing import cluster_rpc
from services.inventory.models import Hold, LaunchAttempt
from services.inventory.tests.test_selection import db, selecting  # noqa: F401 - fixtures

pytestmark = pytest.mark.sqlite


def decided(outcomes):
    """A batch's outcomes as (status of the hold | refusal code)."""
    return [o["result"]["status"] if "result" in o else deserialize(o["error"]).code for o in outcomes]


def test_a_batch_decides_each_hold_in_arrival_order(call, project, db):  # noqa: F811
    launch, (a, b, c), units = selecting(call, project, mode="race", buyers=3, attempt_limit=2,
                                         attempt_cooldown_minutes=30)
    outcomes = call("buyer_holds", [[a["id"], units[0]], [b["id"], units[0]], [c["id"], units[1]],
                                    [a["id"], units[2]], [b["id"], units[0]], [b["id"], units[0]],
                                    [999999, units[3]], [b["id"], units[3]]])
    assert decided(outcomes) == ["active", "UNIT_NOT_AVAILABLE", "active", "BUYER_UNIT_LIMIT",
                                 "UNIT_NOT_AVAILABLE", "HOLD_ATTEMPTS_EXCEEDED", "REGISTRATION_NOT_FOUND", "active"]
    assert deserialize(outcomes[5]["error"]).retry_after > 0
    assert outcomes[0]["result"]["unit_id"] == units[0] and outcomes[0]["result"]["hold_id"]
    with db.connect() as conn:  # committed: what the batch kept, and nothing it refused
        held = dict(conn.execute(select(Hold.unit_id, Hold.registration_id).where(Hold.status == "active")).all())
        assert held == {units[0]: a["id"], units[1]: c["id"], units[3]: b["id"]}
        tried = conn.execute(select(LaunchAttempt.unit_id, func.count()).where(LaunchAttempt.registration_id == b["id"])
                             .group_by(LaunchAttempt.unit_id)).all()
        assert dict(tried) == {units[0]: 2, units[3]: 1}  # the refused third attempt is not one


def test_two_batches_in_opposite_orders_at_once_take_each_unit_once(inventory, call, project, db):  # noqa: F811
    launch, regs, units = selecting(call, project, mode="race", buyers=6)
    first = [[regs[i]["id"], units[i]] for i in range(3)]
    second = [[regs[3 + i]["id"], units[2 - i]] for i in range(3)]
    with cluster_rpc(inventory.config) as rpc:
        replies = [rpc.inventory.buyer_holds.call_async(batch) for batch in (first, second, first[::-1])]
        outcomes = [decided(reply.result()) for reply in replies]
    won = [o for batch in outcomes for o in batch if o == "active"]
    assert len(won) == 3  # every unit once, each request decided
    assert all(o in ("active", "UNIT_NOT_AVAILABLE", "BUYER_UNIT_LIMIT") for batch in outcomes for o in batch)
    with db.connect() as conn:
        per_unit = conn.execute(select(Hold.unit_id, func.count()).where(Hold.status == "active")
                                .group_by(Hold.unit_id)).all()
    assert sorted(per_unit) == [(u, 1) for u in sorted(units[:3])]
