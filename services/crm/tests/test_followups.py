"""跟进 follow-ups through the real crm entrypoints, on SQLite and PostgreSQL: who may record
them, when they may be dated, and that each renews the owner's 保护期."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from loupan.errors import Forbidden, Invalid, NotFound
from loupan.testing import db_rows, db_write
from loupan.types import utcnow
from services.crm.models import Customer
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
MANAGER = actor(2, "manager", [P], username="mgr")
ASSISTANT = actor(14, "assistant", [P])
VIEWER = actor(15, "developer_viewer", [P])
ELSEWHERE = actor(16, "manager", [2])


@pytest.fixture
def customer(call, crm_config):
    """Alice's lead, registered three days ago."""
    result = call("register_customer", ALICE, P, {"mobile": "13812345678", "name": "王先生", "channel": "online"})
    db_write(crm_config, update(Customer).where(Customer.id == result["customer"]["id"])
             .values(registered_at=utcnow() - timedelta(days=3)))
    return result["customer"]


def test_the_owner_records_a_follow_up_which_renews_the_protection(call, crm_config, customer):
    before = utcnow()
    row = call("add_follow_up", ALICE, customer["id"], {"kind": "call", "note": "约周六看房", "needs_analysis": True})
    assert (row["kind"], row["note"], row["needs_analysis"], row["by_id"], row["by_name"]) == \
        ("call", "约周六看房", True, 11, "alice")
    [(last, protected)] = db_rows(crm_config, select(Customer.last_follow_up_at, Customer.protected_until)
                                  .where(Customer.id == customer["id"]))
    assert last >= before and protected == last + timedelta(days=30)


def test_a_follow_up_written_up_later_keeps_its_own_date(call, crm_config, customer):
    at = utcnow() - timedelta(days=2)
    row = call("add_follow_up", ALICE, customer["id"], {"kind": "visit", "note": "到访", "at": at.isoformat()})
    assert row["at"] == at.isoformat()
    [last] = db_rows(crm_config, select(Customer.last_follow_up_at).where(Customer.id == customer["id"]))
    assert last[0] == at


def test_follow_ups_are_listed_newest_first_and_default_to_now(call, customer):
    before = utcnow()
    call("add_follow_up", ALICE, customer["id"], {"kind": "visit", "note": "到访", "at": (before - timedelta(days=1))
                                                  .isoformat()})
    call("add_follow_up", MANAGER, customer["id"], {"kind": "message", "note": "微信发了户型图"})
    rows = call("list_follow_ups", ASSISTANT, customer["id"])
    assert [r["kind"] for r in rows] == ["message", "visit"]
    assert rows[0]["at"] >= before.isoformat() and rows[0]["by_id"] == MANAGER["account_id"]


@pytest.mark.parametrize("who,error", [(BOB, Forbidden), (ASSISTANT, Forbidden), (ELSEWHERE, Forbidden)])
def test_only_the_owner_or_a_manager_of_the_project_records_follow_ups(call, customer, who, error):
    with pytest.raises(error):
        call("add_follow_up", who, customer["id"], {"kind": "call", "note": "x"})
    assert call("list_follow_ups", ALICE, customer["id"]) == []


@pytest.mark.parametrize("body,code", [
    ({"kind": "call", "note": "x", "at": (utcnow() + timedelta(hours=1)).isoformat()}, "FOLLOW_UP_IN_FUTURE"),
    ({"kind": "call", "note": "x", "at": (utcnow() - timedelta(days=4)).isoformat()}, "FOLLOW_UP_BEFORE_REGISTRATION"),
    ({"kind": "email", "note": "x"}, "VALIDATION_ERROR"),
    ({"kind": "call", "note": ""}, "VALIDATION_ERROR"),
    ({"kind": "call", "note": "x", "at": "2026-01-01T10:00:00"}, "VALIDATION_ERROR"),  # no zone
])
def test_bad_follow_ups_are_refused(call, customer, body, code):
    with pytest.raises(Invalid) as refused:
        call("add_follow_up", ALICE, customer["id"], body)
    assert refused.value.code == code


def test_a_developer_viewer_reads_no_follow_ups_and_a_missing_customer_is_not_found(call, customer):
    with pytest.raises(Forbidden):
        call("list_follow_ups", VIEWER, customer["id"])
    with pytest.raises(NotFound):
        call("add_follow_up", MANAGER, 999999, {"kind": "call", "note": "x"})
