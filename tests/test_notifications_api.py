"""The header's bell (GET /api/projects/{id}/notifications, issue 17), per role: an advisor's
expired hold and their own late lead (until followed up); the manager's approvals waiting
(认购 submitted, a discount asked), none of their own, and the site's late leads with whose they
are; a supervisor's team's breach as hr routed it to them; hr gets nothing of these; another
project is refused."""
from datetime import timedelta

import pytest
from sqlalchemy import update

from loupan.testing import db_write, wait_until
from loupan.types import today, utcnow
from services.crm.models import Customer
from services.inventory.models import Hold
from tests.api import make_project
from tests.conftest import staff

DELIVERY = (today() + timedelta(days=700)).isoformat()


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "铃声花园", units=6)
    other, _ = make_project(director, "铃声别苑", units=1)
    pid = project["id"]
    people = {role: staff(system, director, f"bell_{role}", role, [pid])
              for role in ("manager", "supervisor", "advisor", "hr")}
    people["advisor2"] = staff(system, director, "bell_advisor2", "advisor", [pid])
    return dict(people, pid=pid, other=other["id"], units=units, system=system, director=director)


def bell(api, pid):
    return api.ok(api.get(f"/api/projects/{pid}/notifications"))


def kinds(answer, kind):
    return [i for i in answer["items"] if i["kind"] == kind]


def test_the_manager_sees_the_approvals_waiting_and_the_advisor_does_not(site):
    advisor, manager, pid = site["advisor"], site["manager"], site["pid"]
    held = advisor.ok(advisor.post(f"/api/units/{site['units'][0]}/holds",
                                   {"customer_name": "铃声买家", "customer_phone": "13900008881"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{site['units'][0]}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": held["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY}), 201)
    assert deal["status"] == "submitted"
    asked = advisor.ok(advisor.post(f"/api/units/{site['units'][1]}/holds",
                                    {"customer_name": "折扣买家", "customer_phone": "13900008882"}), 201)
    advisor.ok(advisor.post(f"/api/holds/{asked['hold_id']}/discount", {"discount_pct": "2", "reason": "一次性付款"}), 201)

    waiting = kinds(bell(manager, pid), "approval_waiting")
    texts = " | ".join(i["text"] for i in waiting)
    assert len(waiting) == 2, texts
    assert "认购待审批" in texts and deal["unit_label"] in texts and "铃声买家" in texts
    assert "折扣待审批" in texts and "优惠 2.00%" in texts
    assert {i["link"] for i in waiting} == {"/approvals"} and all(i["at"] for i in waiting)
    assert kinds(bell(advisor, pid), "approval_waiting") == []
    # decided, it waits no more
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {"note": None}))
    waiting = kinds(bell(manager, pid), "approval_waiting")
    assert [i["text"][:5] for i in waiting] == ["折扣待审批"]


def test_an_advisor_hears_of_their_expired_hold(site):
    advisor, pid = site["advisor"], site["pid"]
    held = advisor.ok(advisor.post(f"/api/units/{site['units'][2]}/holds",
                                   {"customer_name": "过期买家", "customer_phone": "13900008883"}), 201)
    db_write(site["system"].config("inventory"), update(Hold).where(Hold.id == held["hold_id"])
             .values(expires_at=utcnow() - timedelta(minutes=1)))  # its time is up: inventory's sweep lapses it
    expired = wait_until(lambda: kinds(bell(advisor, pid), "hold_expired"), timeout=60, what="the expiry in the bell")
    assert len(expired) == 1 and "过期买家" in expired[0]["text"] and expired[0]["link"] == "/board"
    assert kinds(bell(site["advisor2"], pid), "hold_expired") == []
    assert kinds(bell(site["manager"], pid), "hold_expired") == []


def test_late_leads_ring_for_their_advisor_and_the_supervisor_not_for_hr(site):
    advisor, pid = site["advisor"], site["pid"]
    customer = advisor.ok(advisor.post(f"/api/projects/{pid}/customers", {
        "mobile": "13900008884", "name": "迟到客户", "channel": "online"}), 201)["customer"]
    db_write(site["system"].config("crm"), update(Customer).where(Customer.id == customer["id"])
             .values(registered_at=utcnow() - timedelta(hours=25)))
    [mine] = kinds(bell(advisor, pid), "sla_breached")
    assert mine["link"] == f"/customers/{customer['id']}"
    assert mine["text"].startswith("首次响应超时：迟到客户") and "已超" in mine["text"]
    assert kinds(bell(site["advisor2"], pid), "sla_breached") == []
    [site_wide] = kinds(bell(site["manager"], pid), "sla_breached")
    assert "迟到客户" in site_wide["text"] and "bell_advisor" in site_wide["text"]  # whose lead it is
    # the site's only supervisor leads every advisor without a team: crm's sweep -> hr -> the gateway
    [theirs] = wait_until(lambda: kinds(bell(site["supervisor"], pid), "sla_breached"), timeout=60,
                          what="the breach routed to the supervisor")
    assert theirs["text"] == "首次响应超时：bell_advisor 的客户 迟到客户" and theirs["link"] == "/today"
    answer = bell(site["hr"], pid)
    assert answer == {"count": 0, "items": []}
    advisor.ok(advisor.post(f"/api/customers/{customer['id']}/follow-ups", {"kind": "call", "note": "已回电"}), 201)
    assert kinds(bell(advisor, pid), "sla_breached") == []  # the advisor's own list is live
    assert kinds(bell(site["manager"], pid), "sla_breached") == []


def test_the_count_is_every_item_and_another_project_is_refused(site):
    answer = bell(site["manager"], site["pid"])
    assert answer["count"] == len(answer["items"]) > 0
    response = site["advisor"].get(f"/api/projects/{site['other']}/notifications")
    assert (response.status_code, response.json()["error"]) == (403, "PROJECT_FORBIDDEN")
