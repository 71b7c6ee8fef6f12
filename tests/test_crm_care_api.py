"""Care over HTTP as a front-end meets it: a late lead on the advisor's overdue list until a
follow-up clears it, a serious complaint escalated to the manager's list and resolved once,
and surveys giving the site's 好评率, which the developer's viewer may read but not the
customers behind it."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from loupan.testing import db_write, wait_until
from loupan.types import SHANGHAI, utcnow
from services.crm.models import Customer
from tests.api import make_project
from tests.conftest import staff
from tests.api import short


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "关怀花园", units=1)
    pid = project["id"]
    apis = {"alice": staff(system, director, "care_alice", "advisor", [pid]),
            "bob": staff(system, director, "care_bob", "advisor", [pid]),
            "supervisor": staff(system, director, "care_sup", "supervisor", [pid]),
            "manager": staff(system, director, "care_mgr", "manager", [pid]),
            "assistant": staff(system, director, "care_asst", "assistant", [pid]),
            "viewer": staff(system, director, "care_dev", "developer_viewer", [pid])}
    ids = {short(a["username"]): a["id"] for a in director.ok(director.get("/api/accounts"))}
    return dict(apis, pid=pid, system=system, ids={k: ids[f"care_{k}"] for k in ("alice", "bob")})


def register(api, pid, mobile):
    return api.ok(api.post(f"/api/projects/{pid}/customers", {"mobile": mobile, "name": "赵先生",
                                                              "channel": "online"}), 201)["customer"]


def test_a_late_lead_is_overdue_until_its_owner_follows_up(site):
    alice, bob, pid = site["alice"], site["bob"], site["pid"]
    customer = register(alice, pid, "13900000001")
    db_write(site["system"].config("crm"), update(Customer).where(Customer.id == customer["id"])
             .values(registered_at=utcnow() - timedelta(hours=25)))
    [item] = alice.ok(alice.get(f"/api/projects/{pid}/overdue"))
    assert (item["customer_id"], item["rule"], item["advisor_id"]) == (customer["id"], "first_response",
                                                                       site["ids"]["alice"])
    assert item["minutes_late"] >= 59
    assert [i["customer_id"] for i in site["supervisor"].ok(site["supervisor"].get(f"/api/projects/{pid}/overdue"))] \
        == [customer["id"]]
    denied = alice.get(f"/api/projects/{pid}/overdue", params={"advisor_id": site["ids"]["bob"]})
    assert (denied.status_code, denied.json()["error"]) == (403, "NOT_YOUR_LIST")

    refused = bob.post(f"/api/customers/{customer['id']}/follow-ups", {"kind": "call", "note": "抢着打"})
    assert refused.status_code == 403
    bad = alice.post(f"/api/customers/{customer['id']}/follow-ups", {"kind": "fax", "note": "x"})
    assert (bad.status_code, bad.json()["error"]) == (400, "VALIDATION_ERROR")
    alice.ok(alice.post(f"/api/customers/{customer['id']}/follow-ups",
                        {"kind": "call", "note": "已回电, 周六来访", "needs_analysis": True}), 201)
    assert alice.ok(alice.get(f"/api/projects/{pid}/overdue")) == []
    [note] = site["manager"].ok(site["manager"].get(f"/api/customers/{customer['id']}/follow-ups"))
    assert note["note"] == "已回电, 周六来访"
    assert site["viewer"].get(f"/api/customers/{customer['id']}/follow-ups").status_code == 403


def test_a_serious_complaint_goes_to_the_managers_list_and_is_resolved_once(site):
    pid, manager, supervisor = site["pid"], site["manager"], site["supervisor"]
    customer = register(site["alice"], pid, "13900000002")
    filed = supervisor.ok(supervisor.post(f"/api/projects/{pid}/complaints", {
        "customer_id": customer["id"], "category": "mortgage", "severity": "serious",
        "description": "银行放款拖了两个月"}), 201)
    assert filed["escalated"] is True and filed["advisor_id"] == site["ids"]["alice"]
    escalated = manager.ok(manager.get(f"/api/projects/{pid}/complaints", params={"escalated": "true"}))
    assert [c["id"] for c in escalated] == [filed["id"]]
    not_owner = site["bob"].post(f"/api/complaints/{filed['id']}/resolve", {"resolution": "x"})
    assert not_owner.status_code == 403
    done = manager.ok(manager.post(f"/api/complaints/{filed['id']}/resolve",
                                   {"resolution": "协调银行加急, 已放款"}))
    assert done["status"] == "resolved" and done["minutes_to_resolve"] is not None
    again = manager.post(f"/api/complaints/{filed['id']}/resolve", {"resolution": "y"})
    assert (again.status_code, again.json()["error"]) == (409, "COMPLAINT_NOT_OPEN")
    assert site["viewer"].get(f"/api/projects/{pid}/complaints").status_code == 403


def test_surveys_give_the_good_review_rate_the_developer_may_read(site):
    pid, assistant, viewer = site["pid"], site["assistant"], site["viewer"]
    happy, unhappy = register(site["alice"], pid, "13900000003"), register(site["alice"], pid, "13900000004")
    assistant.ok(assistant.post(f"/api/customers/{happy['id']}/surveys", {"score": 5, "comments": "很满意"}), 201)
    assistant.ok(assistant.post(f"/api/customers/{unhappy['id']}/surveys", {"score": 2}), 201)
    bad = assistant.post(f"/api/customers/{happy['id']}/surveys", {"score": 9})
    assert (bad.status_code, bad.json()["error"]) == (400, "VALIDATION_ERROR")
    today = utcnow().astimezone(SHANGHAI).date().isoformat()
    report = viewer.ok(viewer.get(f"/api/projects/{pid}/satisfaction", params={"from": today, "to": today}))
    assert (report["site"]["surveys"], report["site"]["good"], report["site"]["good_rate"]) == (2, 1, "50.00")
    [alice] = [a for a in report["advisors"] if a["advisor_id"] == site["ids"]["alice"]]
    assert alice["good_rate"] == "50.00"
    assert viewer.post(f"/api/customers/{happy['id']}/surveys", {"score": 5}).status_code == 403
    assert viewer.get(f"/api/customers/{happy['id']}/surveys").status_code == 403
    missing = viewer.get(f"/api/projects/{pid}/satisfaction", params={"from": today})
    assert missing.status_code == 400


def test_the_care_routes_are_documented(site):
    doc = site["viewer"].ok(site["viewer"].get("/api/openapi.json"))
    for path in ("/api/customers/{customer_id}/follow-ups", "/api/projects/{project_id}/overdue",
                 "/api/projects/{project_id}/complaints", "/api/complaints/{complaint_id}/resolve",
                 "/api/customers/{customer_id}/surveys", "/api/projects/{project_id}/satisfaction",
                 "/api/projects/{project_id}/satisfaction-visits"):
        assert path in doc["paths"], path
    assert {"FollowUpIn", "ComplaintIn", "SatisfactionOut"} <= set(doc["components"]["schemas"])


def test_a_breach_is_a_notification_for_the_advisor_and_the_supervisor(site):
    """crm's sweep finds the missed first response; the advisor and the site's supervisor
    (the advisor is in no team) each get a notification saying who breached what."""
    alice, supervisor, pid = site["alice"], site["supervisor"], site["pid"]
    customer = alice.ok(alice.post(f"/api/projects/{pid}/customers", {"mobile": "13900000091", "name": "钱女士",
                                                                      "channel": "online"}), 201)["customer"]
    db_write(site["system"].config("crm"), update(Customer).where(Customer.id == customer["id"])
             .values(registered_at=utcnow() - timedelta(hours=25)))

    def breaches(api):
        return [n for n in api.ok(api.get("/api/notifications")) if n["kind"] == "sla_breached" and "钱女士" in n["text"]]
    wait_until(lambda: breaches(alice) and breaches(supervisor), timeout=30, what="both notified")
    [mine] = breaches(alice)
    assert mine["project_id"] == pid and mine["text"] == "首次响应超时：钱女士，请尽快跟进"
    [theirs] = breaches(supervisor)
    assert theirs["text"] == "首次响应超时：care_alice 的客户 钱女士"
    assert breaches(site["bob"]) == []
