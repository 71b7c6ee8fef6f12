"""Customers over HTTP: 报备 outcomes and their statuses, masked phones, 撞单 and the
manager's ruling, project scope, reassignment, logged exports, and two advisors registering
one phone at the same moment through the gateway."""
import eventlet
import pytest

from loupan.schemas.inventory_spreadsheets import XLSX_TYPE
from tests.api import make_project
from tests.conftest import staff
from tests.api import short
from loupan.testing import wait_until


@pytest.fixture(scope="module")
def site(system, director):
    first, _ = make_project(director, "客户一期", units=1)
    second, _ = make_project(director, "客户二期", units=1)
    p1, p2 = first["id"], second["id"]
    apis = {"alice": staff(system, director, "cust_alice", "advisor", [p1]),
            "bob": staff(system, director, "cust_bob", "advisor", [p1]),
            "carol": staff(system, director, "cust_carol", "advisor", [p1]),
            "manager": staff(system, director, "cust_manager", "manager", [p1]),
            "assistant": staff(system, director, "cust_assistant", "assistant", [p1]),
            "outsider": staff(system, director, "cust_out", "advisor", [p2])}
    ids = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    return dict(apis, p1=p1, p2=p2, ids={k: ids[f"cust_{k}"] for k in ("alice", "bob", "carol", "manager")})


def register(api, project_id, mobile, name="王先生", **extra):
    return api.post(f"/api/projects/{project_id}/customers", dict({"mobile": mobile, "name": name,
                                                                   "channel": "walk_in"}, **extra))


def patch(api, path, body):
    return api.session.patch(api.base_url + path, json=body, headers=api.headers(), timeout=30)


def test_register_conflict_masking_and_ruling(site):
    alice, bob, manager, p1 = site["alice"], site["bob"], site["manager"], site["p1"]
    created = alice.ok(register(alice, p1, "138-1234-5678", grade="B"), 201)
    customer = created["customer"]
    assert created["outcome"] == "created" and customer["mobile"] == "13812345678"
    assert alice.ok(register(alice, p1, "13812345678"))["outcome"] == "existing"

    claim = bob.ok(register(bob, p1, "+86 13812345678", name="王生"), 202)
    assert claim["outcome"] == "conflict" and "owner_id" not in claim["customer"]  # tests/test_personal_data_api.py
    assert claim["customer"]["mobile"] == "138****5678"
    assert customer["id"] not in [c["id"] for c in bob.ok(bob.get(f"/api/projects/{p1}/customers"))]
    assert bob.get(f"/api/customers/{customer['id']}").json()["error"] == "CUSTOMER_NOT_YOURS"
    assert manager.ok(manager.get(f"/api/customers/{customer['id']}"))["mobile"] == "13812345678"
    found = manager.ok(manager.get(f"/api/projects/{p1}/customers", params={"mobile": "138 1234 5678"}))
    assert [c["id"] for c in found] == [customer["id"]]
    bad = register(alice, p1, "12345")
    assert bad.status_code == 400 and bad.json()["error"] == "INVALID_MOBILE"

    graded = alice.ok(patch(alice, f"/api/customers/{customer['id']}", {"grade": "A", "grade_reason": "二次到访"}))
    assert [g["grade"] for g in graded["grades"]] == ["B", "A"]
    assert patch(bob, f"/api/customers/{customer['id']}", {"notes": "x"}).status_code == 403

    conflicts = manager.ok(manager.get(f"/api/projects/{p1}/conflicts", params={"status": "open"}))
    assert [c["id"] for c in conflicts] == [claim["conflict"]["id"]]
    ruling = f"/api/conflicts/{claim['conflict']['id']}/ruling"
    assert bob.post(ruling, {"decision": "transfer"}).status_code == 403
    ruled = manager.ok(manager.post(ruling, {"decision": "transfer", "note": "bob 带看在先"}))
    assert ruled["status"] == "transferred"
    again = manager.post(ruling, {"decision": "keep"})
    assert again.status_code == 409 and again.json()["error"] == "CONFLICT_RULED"
    detail = bob.ok(bob.get(f"/api/customers/{customer['id']}"))
    assert detail["owner_id"] == site["ids"]["bob"] and detail["mobile"] == "13812345678"
    assert [o["reason"] for o in detail["owners"]] == ["registered", "ruling"]


def test_another_project_is_forbidden(site):
    alice, outsider, p1 = site["alice"], site["outsider"], site["p1"]
    customer = alice.ok(register(alice, p1, "13900000101"), 201)["customer"]
    for response in (register(outsider, p1, "13900000102"), outsider.get(f"/api/projects/{p1}/customers"),
                     outsider.get(f"/api/customers/{customer['id']}")):
        assert response.status_code == 403, response.text


def test_an_assistant_enters_a_channel_partners_report_for_an_advisor(site):
    assistant, p1, ids = site["assistant"], site["p1"], site["ids"]
    report = {"channel": "channel_partner", "partner_name": "链家"}
    made = assistant.ok(register(assistant, p1, "13900000501", owner_id=ids["carol"], **report), 201)["customer"]
    assert made["owner_id"] == ids["carol"] and made["owner_name"] == "cust_carol"
    assert made["mobile"] == "139****0501" and made["partner_name"] == "链家"
    wrong = register(assistant, p1, "13900000502", owner_id=ids["manager"], **report)
    assert wrong.status_code == 400 and wrong.json()["error"] == "NOT_A_SITE_ADVISOR"
    unnamed = register(assistant, p1, "13900000503", channel="channel_partner")
    assert unnamed.status_code == 400 and unnamed.json()["error"] == "VALIDATION_ERROR"


def test_reassignment_checks_the_new_owners(site):
    alice, manager, p1, ids = site["alice"], site["manager"], site["p1"], site["ids"]
    for i in range(3):
        alice.ok(register(alice, p1, f"1390000020{i}"), 201)
    path = f"/api/projects/{p1}/customers/reassign"
    bad = manager.post(path, {"from_owner_id": ids["alice"], "to_owner_id": ids["manager"]})
    assert bad.status_code == 400 and bad.json()["error"] == "NOT_A_SITE_ADVISOR"
    moved = manager.ok(manager.post(path, {"from_owner_id": ids["alice"], "to_owner_ids": [ids["bob"], ids["carol"]],
                                           "note": "调岗"}))
    assert moved["moved"] >= 3 and {o["name"] for o in moved["owners"]} == {"cust_bob", "cust_carol"}
    counts = [o["count"] for o in moved["owners"]]
    assert max(counts) - min(counts) <= 1
    assert alice.ok(alice.get(f"/api/projects/{p1}/customers", params={"owner_id": ids["alice"]})) == []


def test_exports_are_for_managers_and_logged(site):
    alice, manager, p1 = site["alice"], site["manager"], site["p1"]
    alice.ok(register(alice, p1, "13900000301", grade="A"), 201)
    assert alice.get(f"/api/projects/{p1}/customers/export").status_code == 403
    xlsx = manager.get(f"/api/projects/{p1}/customers/export", params={"grade": "A"})
    assert xlsx.status_code == 200 and xlsx.headers["Content-Type"] == XLSX_TYPE and xlsx.content[:2] == b"PK"
    rows = manager.ok(manager.get(f"/api/projects/{p1}/customers/export", params={"format": "json", "grade": "A"}))
    assert "13900000301" in [r["mobile"] for r in rows]
    log = manager.ok(manager.get(f"/api/projects/{p1}/export-log"))
    assert [(e["format"], e["filters"], e["by_name"]) for e in log[:2]] == [
        ("json", {"grade": "A"}, manager.username), ("xlsx", {"grade": "A"}, manager.username)]
    assert log[0]["row_count"] == len(rows)
    assert alice.get(f"/api/projects/{p1}/export-log").status_code == 403


def test_two_advisors_registering_one_phone_at_the_same_moment(site):
    p1 = site["p1"]
    pool = eventlet.GreenPool()
    responses = list(pool.imap(lambda api: register(api, p1, "13900000401"),
                               [site["alice"], site["bob"], site["carol"]]))
    assert sorted(r.status_code for r in responses) == [201, 202, 202], [r.text for r in responses]
    owner = next(r.json() for r in responses if r.status_code == 201)["customer"]["owner_id"]
    manager = site["manager"]
    found = manager.ok(manager.get(f"/api/projects/{p1}/customers", params={"mobile": "13900000401"}))
    assert [c["owner_id"] for c in found] == [owner]
    conflicts = manager.ok(manager.get(f"/api/projects/{p1}/conflicts", params={"status": "open"}))
    assert len([c for c in conflicts if c["customer_id"] == found[0]["id"]]) == 2


def test_a_leavers_customers_are_found_and_reassigned_after_the_leave(system, director, site):
    """离职 puts the leaver's customers in the pool: the manager finds them by their former
    owner and reassigns them by naming that owner, in one action; their history keeps every owner."""
    manager, p1, ids = site["manager"], site["p1"], site["ids"]
    leaver = staff(system, director, "cust_leaver", "advisor", [p1])
    leaver_id = next(a["id"] for a in director.ok(director.get("/api/accounts"))
                     if short(a["username"]) == "cust_leaver")
    customers = [leaver.ok(register(leaver, p1, f"1370000090{i}"), 201)["customer"]["id"] for i in range(2)]
    director.ok(director.post(f"/api/staff/{leaver_id}/leave", {"left_on": "2026-11-30", "reason": "个人原因"}))

    def found():
        return sorted(c["id"] for c in manager.ok(manager.get(f"/api/projects/{p1}/customers",
                                                              params={"former_owner_id": leaver_id})))
    wait_until(lambda: found() == customers, what="the leaver's customers found by their former owner")
    by_owner = manager.ok(manager.get(f"/api/projects/{p1}/customers", params={"owner_id": leaver_id}))
    assert sorted(c["id"] for c in by_owner) == customers
    moved = manager.ok(manager.post(f"/api/projects/{p1}/customers/reassign",
                                    {"from_owner_id": leaver_id, "to_owner_id": ids["bob"], "note": "离职交接"}))
    assert moved["moved"] == 2 and found() == []
    detail = manager.ok(manager.get(f"/api/customers/{customers[0]}"))
    assert detail["owner_id"] == ids["bob"]
    assert [(o["from_owner_id"], o["to_owner_id"], o["reason"]) for o in detail["owners"]] == [
        (None, leaver_id, "registered"), (leaver_id, None, "left"), (None, ids["bob"], "reassigned")]
