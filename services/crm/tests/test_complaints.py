"""投诉 complaints through the real crm entrypoints, on SQLite and PostgreSQL: filing with
the defaults (owner, advisor concerned, deadline by severity), escalation of serious ones to
the managers' list, resolution once with the time it took, lists and their filters."""
from datetime import datetime, timedelta

import pytest
import requests
from sqlalchemy import update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound
from loupan.testing import db_write
from loupan.types import utcnow
from services.crm.models import Complaint
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
ASSISTANT = actor(14, "assistant", [P], username="amy")
SUPERVISOR = actor(13, "supervisor", [P])
MANAGER = actor(2, "manager", [P])
VIEWER = actor(15, "developer_viewer", [P])
ELSEWHERE = actor(16, "manager", [2])


@pytest.fixture
def customer(call):
    return call("register_customer", ALICE, P, {"mobile": "13812345678", "name": "王先生",
                                                "channel": "walk_in"})["customer"]


def complaint(category="mortgage", severity="normal", **extra):
    return dict({"category": category, "severity": severity, "description": "按揭办理太慢"}, **extra)


def test_a_complaint_defaults_to_the_filer_the_customers_advisor_and_the_severitys_deadline(call, customer,
                                                                                            event_sink):
    sink = event_sink("crm")
    before = utcnow()
    row = call("file_complaint", ASSISTANT, P, complaint(customer_id=customer["id"]))
    assert (row["owner_id"], row["advisor_id"], row["customer_name"], row["status"], row["escalated"]) == \
        (14, 11, "王先生", "open", False)
    assert before + timedelta(days=7) <= datetime.fromisoformat(row["deadline"]) <= utcnow() + timedelta(days=7)
    event = sink.wait_for("complaint_filed")[0]
    assert event["payload"] == {"complaint_id": row["id"], "advisor_id": 11, "category": "mortgage",
                                "severity": "normal"}


@pytest.mark.parametrize("severity,escalated,days", [("low", False, 14), ("serious", True, 3),
                                                      ("critical", True, 1)])
def test_serious_and_critical_complaints_are_escalated_to_the_managers_list(call, severity, escalated, days):
    row = call("file_complaint", ALICE, P, complaint("construction", severity))
    assert row["escalated"] is escalated and row["customer_id"] is None and row["owner_id"] == 11
    deadline = datetime.fromisoformat(row["deadline"]) - datetime.fromisoformat(row["created_at"])
    assert deadline == timedelta(days=days)
    listed = call("list_complaints", MANAGER, P, {"escalated": True})
    assert [c["id"] for c in listed] == ([row["id"]] if escalated else [])


def test_the_owner_or_a_manager_resolves_once_and_the_time_to_resolve_is_kept(call, crm_config):
    row = call("file_complaint", SUPERVISOR, P, complaint("staff", "serious", owner_id=ALICE["account_id"]))
    with pytest.raises(Forbidden):
        call("resolve_complaint", BOB, row["id"], {"resolution": "x"})
    db_write(crm_config, update(Complaint).values(created_at=utcnow() - timedelta(hours=2)))
    done = call("resolve_complaint", ALICE, row["id"], {"resolution": "已致电道歉并更换顾问"})
    assert (done["status"], done["resolved_by"], done["resolution"]) == ("resolved", 11, "已致电道歉并更换顾问")
    assert 119 <= done["minutes_to_resolve"] <= 121
    with pytest.raises(Conflict) as again:
        call("resolve_complaint", MANAGER, row["id"], {"resolution": "y"})
    assert again.value.code == "COMPLAINT_NOT_OPEN"
    assert call("get_complaint", MANAGER, row["id"])["status"] == "resolved"


def test_overdue_complaints_and_the_other_filters(call, crm_config, customer):
    late = call("file_complaint", MANAGER, P, complaint("title", "normal", customer_id=customer["id"]))
    call("file_complaint", MANAGER, P, complaint("legal", "low"))
    db_write(crm_config, update(Complaint).where(Complaint.id == late["id"])
             .values(deadline=utcnow() - timedelta(minutes=5)))
    [overdue] = call("list_complaints", SUPERVISOR, P, {"overdue": True})
    assert overdue["id"] == late["id"] and overdue["overdue"] is True
    assert [c["category"] for c in call("list_complaints", ASSISTANT, P, {})] == ["legal", "title"]
    assert [c["id"] for c in call("list_complaints", MANAGER, P, {"customer_id": customer["id"]})] == [late["id"]]
    assert [c["id"] for c in call("list_complaints", MANAGER, P, {"category": "title", "status": "open"})] == \
        [late["id"]]
    # an advisor sees the complaints about them or owned by them, not the site's
    assert [c["id"] for c in call("list_complaints", ALICE, P, {})] == [late["id"]]
    assert call("list_complaints", BOB, P, {}) == []
    with pytest.raises(Forbidden):
        call("get_complaint", BOB, late["id"])


@pytest.mark.parametrize("who,body,error,code", [
    (VIEWER, complaint(), Forbidden, "ROLE_FORBIDDEN"),
    (ELSEWHERE, complaint(), Forbidden, "PROJECT_FORBIDDEN"),
    (MANAGER, complaint(category="food"), Invalid, "VALIDATION_ERROR"),
    (MANAGER, complaint(severity="urgent"), Invalid, "VALIDATION_ERROR"),
    (MANAGER, complaint(deadline=(utcnow() - timedelta(days=1)).isoformat()), Invalid, "DEADLINE_PASSED"),
    (MANAGER, complaint(customer_id=999999), NotFound, "CUSTOMER_NOT_FOUND"),
])
def test_bad_complaints_are_refused(call, who, body, error, code):
    with pytest.raises(error) as refused:
        call("file_complaint", who, P, body)
    assert refused.value.code == code
    assert call("list_complaints", MANAGER, P, {}) == []


def test_open_and_overdue_complaints_are_gauged(call, crm_config):
    call("file_complaint", MANAGER, P, complaint())
    late = call("file_complaint", MANAGER, P, complaint("legal", "low"))
    db_write(crm_config, update(Complaint).where(Complaint.id == late["id"])
             .values(deadline=utcnow() - timedelta(minutes=1)))
    text = requests.get(f"http://{crm_config['WEB_SERVER_ADDRESS']}/metrics", timeout=10).text
    assert "loupan_crm_complaints_open 2.0" in text and "loupan_crm_complaints_overdue 1.0" in text
