"""分销佣金 through the system (issue 19): crm's `channel_attributed` is published onto the
system's bus from the test, as crm publishes it once a channel's 带看 is verified (the crm
side is built beside this); then a real deal through the gateway: 认购 → 审核 → 签约 → the
定金 and 首付 received → the channel's statement shows its commission (drawn, issued, its
.xlsx, confirmed by the channel through finance) → 退房 → the next statement reverses it."""
from datetime import timedelta
from decimal import Decimal
from functools import partial
from io import BytesIO

import pytest
from openpyxl import load_workbook

from loupan.testing import publish_event, wait_until
from loupan.types import today, utcnow
from tests.api import make_project
from tests.conftest import staff

poll = partial(wait_until, timeout=60)
D = Decimal
DELIVERY = (today() + timedelta(days=700)).isoformat()
CHANNEL = 4242


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "渠道结佣苑", units=4)
    pid = project["id"]
    apis = {"advisor": staff(system, director, "chan_adv", "advisor", [pid]),
            "manager": staff(system, director, "chan_mgr", "manager", [pid]),
            "cashier": staff(system, director, "chan_fin", "finance", [pid])}
    agency_id = next(a["agency_id"] for a in director.ok(director.get("/api/accounts"))
                     if a["username"] == director.username)
    return {"pid": pid, "units": units, "agency_id": agency_id, "director": director, **apis}


def attributed(system, site, customer_id, report_id):
    """crm's ruling, as crm publishes it on its events exchange."""
    now = utcnow()
    publish_event(system.amqp_uri, "channel_attributed", {
        "customer_id": customer_id, "project_id": site["pid"], "channel_id": CHANNEL, "channel_name": "链家分销",
        "broker_id": 9, "broker_name": "张经纪", "report_id": report_id, "visited_at": now - timedelta(days=1),
        "protected_until": now + timedelta(days=30)}, agency_id=site["agency_id"], project_id=site["pid"])


def test_a_channel_deal_is_stated_once_its_down_payment_is_in_and_reversed_after_cancellation(system, site):
    pid, advisor, manager, cashier = (site[k] for k in ("pid", "advisor", "manager", "cashier"))
    customer = advisor.ok(advisor.post(f"/api/projects/{pid}/customers",
                                       {"mobile": "13655559001", "name": "渠道客户", "channel": "walk_in"}), 201)
    customer_id = customer["customer"]["id"]
    attributed(system, site, customer_id, report_id=880001)

    terms = cashier.ok(cashier.post(f"/api/projects/{pid}/channel-terms", {
        "channel_id": CHANNEL, "effective_from": (today() - timedelta(days=30)).isoformat(), "kind": "percent",
        "rate": "1.2"}), 201)
    assert (terms["version"], terms["rate"], terms["in_use"]) == (1, "1.2", False)
    error(manager.post(f"/api/projects/{pid}/channel-terms", {
        "channel_id": CHANNEL, "effective_from": today().isoformat(), "kind": "per_unit", "amount": "1.00"}),
          403, "ROLE_FORBIDDEN")

    # 认购 → approve → 签约
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "渠道客户", "customer_phone": "13655559001"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "commercial_mortgage",
        "loan_amount": str((D(price) * D("0.6")).quantize(D("1"))) + ".00", "delivery_date": DELIVERY,
        "customer_id": customer_id}), 201)
    deal_id = deal["id"]
    manager.ok(manager.post(f"/api/subscriptions/{deal_id}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": today().isoformat()}), 201)
    assert manager.ok(manager.post(f"/api/deals/{deal_id}/contract/approve", {}))["status"] == "signed"

    def channel_deal():
        rows = [d for d in cashier.ok(cashier.get(f"/api/projects/{pid}/channel-deals")) if d["deal_id"] == deal_id]
        return rows[0] if rows else None
    poll(channel_deal, what="finance made the deal the channel's")
    assert (channel_deal()["state"], channel_deal()["channel_name"]) == ("pending", "链家分销")
    error(cashier.post(f"/api/projects/{pid}/channel-statements", {
        "channel_id": CHANNEL, "period_from": today().isoformat(), "period_to": today().isoformat()}),
          422, "NOTHING_TO_STATE")

    # the 定金 and the 首付 received: billable
    schedule = poll(lambda: (lambda s: s["status"] == "signed" and s)(
        cashier.ok(cashier.get(f"/api/deals/{deal_id}/schedule"))), what="signed schedule")
    for line in [x for x in schedule["lines"] if x["status"] == "open" and x["kind"] in ("deposit", "down_payment")]:
        cashier.ok(cashier.post(f"/api/deals/{deal_id}/receipts", {
            "amount": line["amount"], "method": "transfer", "payer": "渠道客户", "line_id": line["id"]}), 201)
    assert channel_deal()["state"] == "billable" and channel_deal()["billable_on"] == today().isoformat()

    period = {"channel_id": CHANNEL, "period_from": (today() - timedelta(days=30)).isoformat(),
              "period_to": today().isoformat()}
    error(manager.post(f"/api/projects/{pid}/channel-statements", period), 403, "ROLE_FORBIDDEN")
    draft = cashier.ok(cashier.post(f"/api/projects/{pid}/channel-statements", period), 201)
    commission = (D(channel_deal()["amount"]) * D("0.012")).quantize(D("0.01"))
    assert [(x["deal_id"], x["kind"], D(x["amount"])) for x in draft["lines"]] == [(deal_id, "commission", commission)]
    assert (draft["status"], draft["drawn_by_name"]) == ("draft", "chan_fin")
    issued = cashier.ok(cashier.post(f"/api/channel-statements/{draft['id']}/issue", {}))
    assert (issued["status"], issued["number"], D(issued["total"])) == ("issued", 1, commission)
    assert manager.ok(manager.get(f"/api/channel-statements/{issued['id']}"))["lines"] == issued["lines"]
    book = load_workbook(BytesIO(manager.session.get(
        f"{manager.base_url}/api/channel-statements/{issued['id']}.xlsx", headers=manager.headers()).content))
    rows = list(book["明细"].iter_rows(values_only=True))
    assert rows[1][0] == deal_id and D(str(rows[1][-1])) == commission and rows[-1][0] == "合计"
    confirmed = cashier.ok(cashier.post(f"/api/channel-statements/{issued['id']}/confirm",
                                        {"confirmed_on": today().isoformat(), "confirmed_by_name": "链家王经理"}))
    assert (confirmed["status"], confirmed["confirmed_by_name"], confirmed["confirmation_recorded_by_name"]) == (
        "confirmed", "链家王经理", "chan_fin")
    costs = manager.ok(manager.get(f"/api/projects/{pid}/channel-costs",
                                   params={"from": period["period_from"], "to": today().isoformat()}))
    assert costs["channels"] == [{"channel_id": CHANNEL, "channel_name": "链家分销", "deals": 1,
                                  "commission": str(commission), "stated": str(commission),
                                  "cost_per_deal": str(commission)}]

    # 退房: the next statement reverses it
    change = advisor.ok(advisor.post(f"/api/deals/{deal_id}/changes", {"kind": "cancel", "reason": "贷款未批"}), 201)
    assert manager.ok(manager.post(f"/api/changes/{change['id']}/approve", {}))["status"] == "applied"
    poll(lambda: channel_deal()["state"] == "reversed", what="finance reversed the channel deal")
    following = cashier.ok(cashier.post(f"/api/projects/{pid}/channel-statements", period), 201)
    assert [(x["deal_id"], x["kind"], D(x["amount"])) for x in following["lines"]] == [
        (deal_id, "reversal", -commission)]
    assert cashier.ok(cashier.post(f"/api/channel-statements/{following['id']}/issue", {}))["number"] == 2
    assert channel_deal()["stated"] == "0.00"
    assert [s["number"] for s in manager.ok(manager.get(f"/api/projects/{pid}/channel-statements",
                                                         params={"channel_id": CHANNEL}))] == [1, 2]
    error(advisor.get(f"/api/projects/{pid}/channel-statements"), 403, "ROLE_FORBIDDEN")
