"""Brokers sign in and see only their own (issue 19), through the gateway: a channel's broker
(made by the site's manager) signs in with the code texted to their mobile, is shown the
channel's projects by name (inventory's; none while the channel is suspended), reports a
customer with the middle digits hidden and gets the 带看码 (the report names its project); the
customer comes, reception verifies the code; the customer's 认购 is approved and signed, the 定金
and 首付 received; finance draws and issues the channel's statement; the broker sees the
commission and confirms the statement themselves; the month's 渠道效果 shows the channel's 报备,
带看, 认购 and commission (counted in the channel_partner source's spend); 退房 reverses it in the
next statement. A 全民经纪人 signs up with their own code and is shown the agency's projects by
name. A second channel's broker reporting the same customer is told another reported first,
appeals, and sees the manager's ruling. Neither broker ever sees the other's reports or
statements, nor the site's other customers; a broker session reaches no staff route and a staff
token no broker route."""
from datetime import timedelta
from decimal import Decimal
from functools import partial
from io import BytesIO

import pytest
import requests
from openpyxl import load_workbook

from loupan.testing import wait_until
from loupan.types import today
from tests.api import code_from, make_project, texts_to
from tests.conftest import staff

poll = partial(wait_until, timeout=60)
D = Decimal
DELIVERY = (today() + timedelta(days=700)).isoformat()
MOBILE_X, MOBILE_Y, MOBILE_SELF = "13900770001", "13900770002", "13900770003"
CUSTOMER, SITE_CUSTOMER = "13600007701", "13600009999"


def error(response, status, code):
    assert (response.status_code, response.json()["error"]) == (status, code), response.text


class Broker:
    """A broker's phone: the session token on every /api/broker/* call."""

    def __init__(self, system, token):
        self.url, self.token, self.seen = system.url(), token, []

    def call(self, method, path, json=None, params=None):
        response = requests.request(method, self.url + path, json=json, params=params, timeout=30,
                                    headers={"Authorization": f"Bearer {self.token}"})
        self.seen.append(response.text)
        return response

    def ok(self, response, status=200):
        assert response.status_code == status, response.text
        return response.json()


def channels_report(staff_api, pid):
    return staff_api.ok(staff_api.get(f"/api/projects/{pid}/reports/channels"))


def distribution_row(report, channel):
    return [r for r in report["distribution"] if r["channel_id"] == channel["id"]][0]


def post(system, path, body):
    return requests.post(system.url() + path, json=body, timeout=30)


def patch(api, path, body):
    return api.session.patch(api.base_url + path, json=body, headers=api.headers(), timeout=30)


def texted_code(system, mobile):
    asked = post(system, "/api/broker/codes", {"mobile": mobile})
    assert asked.status_code == 202, asked.text
    return code_from(texts_to(system, mobile)[-1])


def sign_in(system, mobile):
    opened = post(system, "/api/broker/sessions", {"mobile": mobile, "code": texted_code(system, mobile)})
    assert opened.status_code == 201, opened.text
    assert opened.json()["token"].startswith("lpk_")
    return Broker(system, opened.json()["token"]), opened.json()["broker"]


@pytest.fixture(scope="module")
def site(system, director):
    project, units = make_project(director, "经纪人自助苑", units=3)
    pid = project["id"]
    aside = director.ok(director.post("/api/projects", {"name": "经纪人别苑", "city": "杭州", "developer_name": "某地产"}),
                        201)  # of the agency, no channel's
    people = {role: staff(system, director, f"bkr_{role}", role, [pid])
              for role in ("manager", "assistant", "advisor", "finance")}
    manager = people["manager"]
    channels = [manager.ok(manager.post("/api/channels", {
        "name": name, "grade": "A", "contract_no": f"HT-B{i}", "commission_terms": "成交价 1.2%",
        "project_ids": [pid]}), 201) for i, name in enumerate(("链家自助", "贝壳自助"))]
    brokers = [manager.ok(manager.post("/api/brokers", {"channel_id": c["id"], "name": name, "mobile": mobile}), 201)
               for c, name, mobile in zip(channels, ("王经纪", "李经纪"), (MOBILE_X, MOBILE_Y))]
    advisor = people["advisor"]
    advisor.ok(advisor.post(f"/api/projects/{pid}/customers", {
        "mobile": SITE_CUSTOMER, "name": "自然到访客户", "channel": "walk_in"}), 201)
    return {"pid": pid, "units": units, "channels": channels, "brokers": brokers, "aside": aside["id"],
            "director": director, **people}


def test_a_broker_signs_in_reports_and_sees_only_their_own_commission(system, site):
    pid, office, manager, advisor, cashier = (site[k] for k in ("pid", "assistant", "manager", "advisor", "finance"))
    x_channel, y_channel = site["channels"]

    # sign-in: a staff token is no broker session, a broker session no staff token
    error(requests.get(system.url() + "/api/broker/me", headers=manager.headers(), timeout=30),
          401, "BROKER_SESSION_INVALID")
    x, me = sign_in(system, MOBILE_X)
    assert (me["name"], me["channel_name"], me["individual"], me["project_ids"]) == ("王经纪", "链家自助", False, [pid])
    error(x.call("GET", f"/api/projects/{pid}/customers"), 401, "TOKEN_INVALID")
    error(x.call("GET", f"/api/projects/{pid}/channel-reports"), 401, "TOKEN_INVALID")
    mine_me = x.ok(x.call("GET", "/api/broker/me"))
    # the channel's projects named by inventory: its one project, not the agency's others
    assert (mine_me["id"], mine_me["projects"]) == (site["brokers"][0]["id"], [{"id": pid, "name": "经纪人自助苑"}])

    # 报备 with the middle digits hidden: valid, its 带看码 and QR shown this once
    filed = x.ok(x.call("POST", "/api/broker/reports", {
        "project_id": pid, "customer_name": "渠道赵先生", "mobile": "136****7701"}), 201)
    assert (filed["status"], filed["reason"], len(filed["visit_code"])) == ("valid", "masked_pending_visit", 8)
    assert "<svg" in filed["visit_qr_svg"] and filed["filed_by_name"] == "经纪人 王经纪"
    assert filed["project_name"] == "经纪人自助苑"
    listed = x.ok(x.call("GET", "/api/broker/reports"))
    assert [(r["id"], r["status"], r["project_name"]) for r in listed] == [(filed["id"], "valid", "经纪人自助苑")]
    assert "visit_code" not in listed[0] and "visit_code" not in x.ok(x.call("GET", f"/api/broker/reports/{filed['id']}"))

    # the customer comes: reception verifies the 带看码 with the full number
    seen = office.ok(office.post(f"/api/projects/{pid}/channel-visits",
                                 {"code": filed["visit_code"], "mobile": CUSTOMER}), 201)
    assert (seen["visit"]["result"], seen["report"]["attributed"]) == ("visited", True)
    customer_id = seen["visit"]["customer_id"]
    mine = x.ok(x.call("GET", f"/api/broker/reports/{filed['id']}"))
    assert (mine["status"], [v["result"] for v in mine["visits"]], mine["project_name"]) == (
        "visited", ["visited"], "经纪人自助苑")

    # 认购 → 审核 → 签约, the 定金 and 首付 received
    cashier.ok(cashier.post(f"/api/projects/{pid}/channel-terms", {
        "channel_id": x_channel["id"], "effective_from": (today() - timedelta(days=30)).isoformat(),
        "kind": "percent", "rate": "1.2"}), 201)
    unit_id = site["units"][0]
    hold = advisor.ok(advisor.post(f"/api/units/{unit_id}/holds",
                                   {"customer_name": "渠道赵先生", "customer_phone": CUSTOMER}), 201)
    price = advisor.ok(advisor.get(f"/api/units/{unit_id}"))["list_price"]
    deal = advisor.ok(advisor.post("/api/subscriptions", {
        "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "commercial_mortgage",
        "loan_amount": str((D(price) * D("0.6")).quantize(D("1"))) + ".00", "delivery_date": DELIVERY,
        "customer_id": customer_id}), 201)
    deal_id = deal["id"]
    manager.ok(manager.post(f"/api/subscriptions/{deal_id}/approve", {}))
    advisor.ok(advisor.post(f"/api/deals/{deal_id}/contract", {"signed_on": today().isoformat()}), 201)
    assert manager.ok(manager.post(f"/api/deals/{deal_id}/contract/approve", {}))["status"] == "signed"

    def my_deal():
        rows = [d for d in x.ok(x.call("GET", "/api/broker/commission"))["deals"] if d["deal_id"] == deal_id]
        return rows[0] if rows else None
    poll(my_deal, what="the broker sees the deal as the channel's")
    poll(lambda: cashier.ok(cashier.get(f"/api/deals/{deal_id}/schedule"))["status"] == "signed",
         what="signed schedule")

    def received(kind):
        """True once no line of `kind` is open; else one receipt for it (the schedule may be
        derived again meanwhile: a line no longer open is read again)."""
        schedule = cashier.ok(cashier.get(f"/api/deals/{deal_id}/schedule"))
        due = [line for line in schedule["lines"] if line["kind"] == kind and line["status"] == "open"]
        if due:
            cashier.post(f"/api/deals/{deal_id}/receipts", {
                "amount": due[0]["amount"], "method": "transfer", "payer": "渠道赵先生", "line_id": due[0]["id"]})
        return not due
    for kind in ("deposit", "down_payment"):
        poll(lambda: received(kind), what=f"the {kind} received")
    poll(lambda: my_deal()["state"] == "billable", what="the deal billable for the broker")

    # finance draws and issues the channel's statement; the broker sees it and confirms it
    period = {"channel_id": x_channel["id"], "period_from": (today() - timedelta(days=30)).isoformat(),
              "period_to": today().isoformat()}
    draft = cashier.ok(cashier.post(f"/api/projects/{pid}/channel-statements", period), 201)
    assert x.ok(x.call("GET", "/api/broker/commission"))["statements"] == []  # a draft is the office's
    error(x.call("POST", f"/api/broker/statements/{draft['id']}/confirm", {}), 404, "CHANNEL_STATEMENT_NOT_FOUND")
    issued = cashier.ok(cashier.post(f"/api/channel-statements/{draft['id']}/issue", {}))
    commission = (D(my_deal()["amount"]) * D("0.012")).quantize(D("0.01"))
    view = x.ok(x.call("GET", "/api/broker/commission"))
    assert [(s["id"], s["status"], D(s["total"])) for s in view["statements"]] == [(issued["id"], "issued", commission)]
    assert [(line["deal_id"], line["kind"]) for line in view["statements"][0]["lines"]] == [(deal_id, "commission")]
    assert "drawn_by" not in view["statements"][0] and my_deal()["state"] == "billed"
    y, _ = sign_in(system, MOBILE_Y)  # another channel's broker confirms nothing of it
    error(y.call("POST", f"/api/broker/statements/{issued['id']}/confirm", {}), 404, "CHANNEL_STATEMENT_NOT_FOUND")
    assert y.ok(y.call("GET", "/api/broker/commission")) == {"deals": [], "statements": []}
    confirmed = x.ok(x.call("POST", f"/api/broker/statements/{issued['id']}/confirm", {}))
    assert (confirmed["status"], confirmed["confirmed_by_name"], confirmed["confirmed_on"]) == (
        "confirmed", "王经纪", today().isoformat())
    error(x.call("POST", f"/api/broker/statements/{issued['id']}/confirm", {}), 409, "STATEMENT_CONFIRMED")
    office_view = cashier.ok(cashier.get(f"/api/channel-statements/{issued['id']}"))
    assert (office_view["status"], office_view["confirmed_by_name"], office_view["confirmation_recorded_by"]) == (
        "confirmed", "王经纪", None)

    # 渠道效果: the channel's 报备, 带看, 认购 and the commission billed this month, which is spend of
    # the lead source its customers have (channel_partner)
    report = poll(lambda: (lambda r: r if distribution_row(r, x_channel)["deals"] == 1 else None)(
        channels_report(manager, pid)), what="the channel's 认购 in 渠道效果")
    assert distribution_row(report, x_channel) == {
        "channel_id": x_channel["id"], "channel_name": "链家自助", "individual": False, "reports": 1, "visits": 1,
        "deals": 1, "commission": str(commission), "cost_per_deal": str(commission)}
    assert distribution_row(report, y_channel) == {
        "channel_id": y_channel["id"], "channel_name": "贝壳自助", "individual": False, "reports": 0, "visits": 0,
        "deals": 0, "commission": "0.00", "cost_per_deal": None}
    source = [r for r in report["channels"] if r["channel"] == report["distribution_source"]][0]
    assert (report["distribution_source"], report["missing"]) == ("channel_partner", [])
    assert (D(source["spend"]), D(source["commission"]), source["deals"]) == (commission, commission, 1)
    assert D(source["commission"]) == sum(D(r["commission"]) for r in report["distribution"])
    sheet = load_workbook(BytesIO(manager.get(f"/api/projects/{pid}/reports/channels",
                                              params={"format": "xlsx"}).content))["分销渠道"]
    assert ("链家自助", 1, 1, 1, float(commission), float(commission)) in list(sheet.iter_rows(values_only=True))

    # 退房: the next statement reverses it, and the broker sees so
    change = advisor.ok(advisor.post(f"/api/deals/{deal_id}/changes", {"kind": "cancel", "reason": "贷款未批"}), 201)
    assert manager.ok(manager.post(f"/api/changes/{change['id']}/approve", {}))["status"] == "applied"
    poll(lambda: my_deal()["state"] == "reversed", what="the broker sees the deal reversed")
    following = cashier.ok(cashier.post(f"/api/projects/{pid}/channel-statements", period), 201)
    cashier.ok(cashier.post(f"/api/channel-statements/{following['id']}/issue", {}))
    statements = x.ok(x.call("GET", "/api/broker/commission"))["statements"]
    assert [(s["number"], s["status"], [(line["kind"], D(line["amount"])) for line in s["lines"]])
            for s in statements] == [(1, "confirmed", [("commission", commission)]),
                                     (2, "issued", [("reversal", -commission)])]

    # a second channel's broker reports the same customer: told another reported first; appeals
    late = y.ok(y.call("POST", "/api/broker/reports", {"project_id": pid, "customer_name": "赵先生",
                                                       "mobile": CUSTOMER}), 201)
    assert (late["status"], late["reason"], late["visit_code"]) == ("rejected", "reported_by_other", None)
    error(y.call("GET", f"/api/broker/reports/{filed['id']}"), 404, "CHANNEL_REPORT_NOT_FOUND")
    error(y.call("POST", f"/api/broker/reports/{filed['id']}/appeals", {"reason": "x"}), 404,
          "CHANNEL_REPORT_NOT_FOUND")
    error(x.call("GET", f"/api/broker/reports/{late['id']}"), 404, "CHANNEL_REPORT_NOT_FOUND")
    appeal = y.ok(y.call("POST", f"/api/broker/reports/{late['id']}/appeals", {
        "reason": "客户上月已由贝壳带看过", "attachments": ["带看单 2026-11-02.jpg"]}), 201)
    assert (appeal["status"], appeal["broker_id"], appeal["filed_by"], appeal["filed_by_name"]) == (
        "open", site["brokers"][1]["id"], None, "经纪人 李经纪")
    error(y.call("POST", f"/api/broker/reports/{late['id']}/appeals", {"reason": "再诉"}), 409, "APPEAL_PENDING")
    ruled = manager.ok(manager.post(f"/api/channel-appeals/{appeal['id']}/ruling", {
        "decision": "dismiss", "ruling": "带看单无客户签字，维持原判", "evidence": ["链家报备在先"]}))
    assert ruled["status"] == "ruled"
    told = y.ok(y.call("GET", f"/api/broker/reports/{late['id']}"))
    assert [(a["status"], a["decision"], a["ruling"]) for a in told["appeals"]] == [
        ("ruled", "dismiss", "带看单无客户签字，维持原判")]
    assert [r["id"] for r in y.ok(y.call("GET", "/api/broker/reports"))] == [late["id"]]
    assert [r["id"] for r in x.ok(x.call("GET", "/api/broker/reports"))] == [filed["id"]]
    # the month's 渠道效果 after the reversal billed: nothing net for 链家自助; 贝壳自助's report counted
    after = channels_report(manager, pid)
    x_row = distribution_row(after, x_channel)
    assert (x_row["commission"], x_row["deals"]) == ("0.00", 1)
    assert (distribution_row(after, y_channel)["reports"], distribution_row(after, y_channel)["visits"]) == (1, 0)

    # never the site's other customers, nor the other channel's
    for phone in (x, y):
        text = "".join(phone.seen)
        assert SITE_CUSTOMER not in text and "自然到访客户" not in text
    assert "李经纪" not in "".join(x.seen) and "贝壳" not in "".join(x.seen)

    # a suspended channel reports to no project: its broker is shown none
    manager.ok(patch(manager, f"/api/channels/{y_channel['id']}", {"status": "suspended"}))
    suspended = y.ok(y.call("GET", "/api/broker/me"))
    assert (suspended["project_ids"], suspended["projects"]) == ([], [])
    manager.ok(patch(manager, f"/api/channels/{y_channel['id']}", {"status": "active"}))
    assert y.ok(y.call("GET", "/api/broker/me"))["projects"] == [{"id": pid, "name": "经纪人自助苑"}]

    # signed out, or disabled by the office: the session reaches nothing
    assert y.ok(y.call("DELETE", "/api/broker/session"))["signed_out"] is True
    error(y.call("GET", "/api/broker/me"), 401, "BROKER_SESSION_INVALID")
    manager.ok(patch(manager, f"/api/brokers/{site['brokers'][0]['id']}", {"status": "disabled"}))
    error(x.call("GET", "/api/broker/reports"), 403, "BROKER_ACCOUNT_DISABLED")
    manager.ok(patch(manager, f"/api/brokers/{site['brokers'][0]['id']}", {"status": "active"}))


def test_a_quanmin_broker_signs_up_with_a_texted_code_and_reports(system, site):
    pid = site["pid"]
    code = texted_code(system, MOBILE_SELF)
    assert "Loupan经纪人" in texts_to(system, MOBILE_SELF)[-1]
    # not a broker yet: the code stays for the sign-up
    error(post(system, "/api/broker/sessions", {"mobile": MOBILE_SELF, "code": code}), 401, "BROKER_UNKNOWN")
    error(post(system, "/api/broker/signup", {"name": "业主陈女士", "mobile": MOBILE_SELF, "code": "000000"
                                               if code != "000000" else "111111", "project_id": pid}),
          401, "CODE_INVALID")
    opened = post(system, "/api/broker/signup", {"name": "业主陈女士", "mobile": MOBILE_SELF, "code": code,
                                                 "project_id": pid})
    assert opened.status_code == 201, opened.text
    me = opened.json()["broker"]
    assert (me["name"], me["channel_id"], me["channel_name"], me["individual"]) == ("业主陈女士", None, "全民经纪人", True)
    # a 全民经纪人 reports to any of the agency's projects: each named, and only the agency's
    me_phone = Broker(system, opened.json()["token"])
    named = me_phone.ok(me_phone.call("GET", "/api/broker/me"))
    agency = {p["id"]: p["name"] for p in site["director"].ok(site["director"].get("/api/projects"))}
    assert named["project_ids"] is None and {p["id"]: p["name"] for p in named["projects"]} == agency
    assert {pid: "经纪人自助苑", site["aside"]: "经纪人别苑"}.items() <= agency.items()
    error(post(system, "/api/broker/signup", {"name": "业主陈女士", "mobile": MOBILE_SELF, "code": code,
                                               "project_id": pid}), 401, "CODE_INVALID")  # spent
    filed = me_phone.ok(me_phone.call("POST", "/api/broker/reports", {
        "project_id": pid, "customer_name": "老带新孙女士", "mobile": "13600007702"}), 201)
    assert (filed["status"], filed["channel_name"], filed["broker_name"], filed["project_name"]) == (
        "valid", "全民经纪人", "业主陈女士", "经纪人自助苑")
    # the site's own customer: rejected, and the site's number is not shown back
    site_one = me_phone.ok(me_phone.call("POST", "/api/broker/reports", {
        "project_id": pid, "customer_name": "某人", "mobile": "136****9999"}), 201)
    assert site_one["status"] in ("valid", "rejected") and SITE_CUSTOMER not in str(site_one)
    assert me_phone.ok(me_phone.call("GET", "/api/broker/commission")) == {"deals": [], "statements": []}
    error(me_phone.call("POST", "/api/broker/reports", {"project_id": 999999, "customer_name": "越界",
                                                        "mobile": "13600007703"}), 404, "PROJECT_NOT_FOUND")
    staff_listed = site["manager"].ok(site["manager"].get("/api/brokers", params={"individual": True}))
    assert [b["name"] for b in staff_listed] == ["业主陈女士"]

