"""Channels through the system (issue 19): a manager sets up a channel and its broker; the
office files the broker's 报备 (hidden middle digits) and reception checks its 带看码 with the
full number; crm's channel_attributed reaches finance, whose channel deals show the customer's
认购 as the channel's; a second channel's report of the customer is told it came second; of
three channels reporting one new mobile at the same moment one is first; an advisor's appeal
ruled by the manager moves the customer to the other channel (and finance follows)."""
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial

import pytest

from loupan.testing import wait_until
from loupan.types import today
from tests.api import make_project
from tests.conftest import staff

poll = partial(wait_until, timeout=60)
DELIVERY = (today() + timedelta(days=700)).isoformat()


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "渠道判客苑", units=3)
    pid = project["id"]
    people = {role: staff(system, director, f"chn_{role}", role, [pid])
              for role in ("manager", "assistant", "advisor", "finance")}
    channels = [people["manager"].ok(people["manager"].post("/api/channels", {
        "name": name, "grade": "A", "contract_no": f"HT-{i}", "commission_terms": "成交价 1%", "project_ids": [pid]}),
        201) for i, name in enumerate(("链家判客", "贝壳判客", "中原判客"))]
    brokers = [people["manager"].ok(people["manager"].post("/api/brokers", {
        "channel_id": c["id"], "name": f"经纪人{i}", "mobile": f"1380055{i:04d}"}), 201)
        for i, c in enumerate(channels)]
    return {"pid": pid, "units": units, "channels": channels, "brokers": brokers, **people}


def test_a_report_brought_with_its_code_makes_the_customer_the_channels_and_finance_knows(site):
    pid, office, manager, advisor, cashier = (site[k] for k in ("pid", "assistant", "manager", "advisor", "finance"))
    lianjia, beike, _ = site["channels"]
    first, second, _ = site["brokers"]
    filed = office.ok(office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": first["id"], "customer_name": "渠道王先生", "mobile": "137****8801"}), 201)
    assert (filed["status"], filed["reason"], len(filed["visit_code"])) == ("valid", "masked_pending_visit", 8)
    assert "<svg" in filed["visit_qr_svg"]
    late = office.post(f"/api/projects/{pid}/channel-reports", {
        "broker_id": second["id"], "customer_name": "渠道王先生", "mobile": "13700008801"})
    assert late.status_code == 201 and (late.json()["status"], late.json()["reason"], late.json()["against_report_id"]) \
        == ("rejected", "reported_by_other", filed["id"])
    error(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"]}), 400, "MOBILE_REQUIRED")
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits",
                                 {"code": filed["visit_code"], "mobile": "13700008801"}), 201)
    assert (seen["visit"]["result"], seen["report"]["attributed"]) == ("visited", True)
    error(office.post(f"/api/projects/{pid}/channel-visits", {"code": filed["visit_code"], "mobile": "13700008801"}),
          409, "VISIT_CODE_USED")
    customer_id = seen["visit"]["customer_id"]
    customer = manager.ok(manager.get(f"/api/customers/{customer_id}"))
    assert (customer["channel"], customer["partner_name"], customer["mobile"]) == (
        "channel_partner", "链家判客", "13700008801")

    # the customer's 认购: finance makes it the channel's deal
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "渠道王先生", "customer_phone": "13700008801"}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
        "delivery_date": DELIVERY, "customer_id": customer_id}), 201)
    manager.ok(manager.post(f"/api/subscriptions/{deal['id']}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal['id']}/contract", {"signed_on": today().isoformat()}), 201)
    manager.ok(manager.post(f"/api/deals/{deal['id']}/contract/approve", {}))

    def channel_deal():
        rows = [d for d in cashier.ok(cashier.get(f"/api/projects/{pid}/channel-deals")) if d["deal_id"] == deal["id"]]
        return rows[0] if rows else None
    poll(channel_deal, what="finance made the deal the channel's")
    assert channel_deal()["channel_name"] == "链家判客"

    # 贝壳 appeals through the advisor; the manager rules it 贝壳's: the attribution moves
    appeal = advisor.ok(advisor.post(f"/api/channel-reports/{late.json()['id']}/appeals", {
        "reason": "客户由贝壳经纪人首先带看，有聊天记录", "attachments": ["微信截图 2026-12-01.png"],
        "broker_id": second["id"]}), 201)
    error(advisor.post(f"/api/channel-appeals/{appeal['id']}/ruling", {"decision": "to_channel", "ruling": "x"}),
          403, "ROLE_FORBIDDEN")
    ruled = manager.ok(manager.post(f"/api/channel-appeals/{appeal['id']}/ruling", {
        "decision": "to_channel", "ruling": "聊天记录早于链家报备", "evidence": ["微信截图 2026-12-01.png"]}))
    assert (ruled["status"], ruled["decision"]) == ("ruled", "to_channel")
    def channels_of_deal():
        return {d["channel_name"]: d["state"] for d in cashier.ok(cashier.get(f"/api/projects/{pid}/channel-deals"))
                if d["deal_id"] == deal["id"]}
    poll(lambda: "贝壳判客" in channels_of_deal(), what="finance gave the deal to 贝壳")
    assert channels_of_deal()["链家判客"] == "reversed"
    report = manager.ok(manager.get(f"/api/channel-reports/{filed['id']}"))
    assert report["attributed"] is False and [v["result"] for v in report["visits"]] == ["visited"]
    assert "VISIT_CODE" not in str(manager.ok(manager.get(f"/api/projects/{pid}/channel-alerts")))


def test_three_channels_reporting_one_new_mobile_at_once(site):
    pid, office = site["pid"], site["assistant"]

    def report(broker):
        return office.post(f"/api/projects/{pid}/channel-reports", {
            "broker_id": broker["id"], "customer_name": "同时报备", "mobile": "13500006677"})
    with ThreadPoolExecutor(3) as pool:
        answers = [r.json() for r in pool.map(report, site["brokers"])]
    first = [a for a in answers if a["status"] == "valid"]
    assert len(first) == 1
    assert sorted((a["reason"], a["against_report_id"]) for a in answers if a["status"] != "valid") == \
        [("reported_by_other", first[0]["id"])] * 2
    alerts = site["manager"].ok(site["manager"].get(f"/api/projects/{pid}/channel-alerts",
                                                    params={"kind": "many_channels"}))
    assert [a["mobile_key"] for a in alerts] == ["135****6677"]
    error(office.get(f"/api/projects/{pid}/channel-alerts"), 403, "ROLE_FORBIDDEN")
