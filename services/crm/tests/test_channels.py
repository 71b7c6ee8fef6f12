"""Channels through crm's entrypoints on SQLite and PostgreSQL: channels and brokers, 报备
judged at once, the 带看码 at reception (the customer linked or registered as the channel's,
channel_attributed in the outbox), lapses, appeals and rulings (channel_attribution_ended),
risk alerts, and a claim of a channel's customer turned into a 撞单 for the manager."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, db_write, publish_event, wait_until
from loupan.types import utcnow
from services.crm.models import ChannelReport, Customer, CustomerOwner, outbox
from services.crm.tests.conftest import actor

pytestmark = pytest.mark.sqlite  # and PostgreSQL
P = 1
MANAGER = actor(2, "manager", [P], username="经理")
DIRECTOR = actor(1, "director")
RECEPTION = actor(3, "assistant", [P], username="前台")
ALICE = actor(11, "advisor", [P], username="alice")
A, B = "13812345678", "13800005678"


@pytest.fixture
def crm_config(crm_config):
    """The lapse timer every 0.2 s (its default is a minute)."""
    return dict(crm_config, CHANNEL_LAPSE_SECONDS=0.2)


def setup_channels(call, names=("链家", "贝壳", "中原"), first=0):
    channels = [call("create_channel", MANAGER, {"name": n, "grade": "A", "contract_no": f"HT-{i}",
                                                 "commission_terms": "1% of the signed amount", "project_ids": [P]})
                for i, n in enumerate(names)]
    brokers = [call("create_broker", MANAGER, {"channel_id": c["id"], "name": f"经纪人{i}", "mobile": f"139000000{first + i:02d}"})
               for i, c in enumerate(channels)]
    return channels, brokers


def report(call, broker, mobile=A, name="王先生", who=RECEPTION):
    return call("file_channel_report", who, P, {"broker_id": broker["id"], "customer_name": name, "mobile": mobile})


def events(config, kind):
    return [json.loads(body)["payload"] for body, in db_rows(
        config, select(outbox.c.body).where(outbox.c.routing_key == kind).order_by(outbox.c.id))]


def test_channels_and_brokers(call):
    (lianjia, beike, _), (broker, *_) = setup_channels(call)
    assert lianjia["project_ids"] == [P] and lianjia["status"] == "active"
    assert [c["name"] for c in call("list_channels", RECEPTION, {})] == sorted(["链家", "贝壳", "中原"])
    individual = call("create_broker", MANAGER, {"channel_id": None, "name": "业主张三", "mobile": "13911112222"})
    assert individual["channel_name"] == "全民经纪人" and individual["mobile"] == "13911112222"
    assert call("list_brokers", RECEPTION, {"individual": True})[0]["mobile"] == "139****2222"  # masked
    with pytest.raises(Conflict) as taken:
        call("create_broker", MANAGER, {"channel_id": None, "name": "又一个", "mobile": "13911112222"})
    assert taken.value.code == "BROKER_EXISTS"
    with pytest.raises(Forbidden):
        call("create_channel", RECEPTION, {"name": "x", "grade": "B", "project_ids": [P]})
    with pytest.raises(NotFound):
        call("create_broker", MANAGER, {"channel_id": 999, "name": "x", "mobile": "13911113333"})
    call("update_channel", MANAGER, beike["id"], {"status": "suspended"})
    with pytest.raises(RuleViolated) as suspended:
        report(call, call("list_brokers", MANAGER, {"channel_id": beike["id"]})[0])
    assert suspended.value.code == "CHANNEL_NOT_ON_PROJECT"
    call("update_channel", MANAGER, lianjia["id"], {"project_ids": [2]})
    with pytest.raises(RuleViolated):
        report(call, broker)
    with pytest.raises(Forbidden):
        report(call, broker, who=ALICE)  # advisors do not file channel reports


def test_first_valid_report_wins_and_the_others_are_told(call):
    _, (first, second, third) = setup_channels(call)
    mine = report(call, first)
    assert (mine["status"], mine["reason"]) == ("valid", "new")
    assert len(mine["visit_code"]) == 8 and mine["visit_qr_svg"].lstrip().startswith("<?xml")
    assert mine["mobile"] == "138****5678" and mine["valid_until"] is not None  # the reception sees 3+4
    again = report(call, first)
    assert (again["status"], again["reason"], again["visit_code"]) == ("rejected", "duplicate", None)
    other = report(call, second, mobile="138****5678")
    assert (other["reason"], other["against_report_id"]) == ("reported_by_other", mine["id"])
    assert report(call, third, mobile=B)["status"] == "valid"  # another person of the same 3+4
    listed = call("list_channel_reports", MANAGER, P, {"broker_id": second["id"]})
    assert [r["id"] for r in listed] == [other["id"]] and listed[0]["mobile"] == "138****5678"
    assert call("list_channel_reports", RECEPTION, P, {"status": "valid"})[0]["mobile"] == "138****5678"


def test_the_site_customer_wins_over_a_later_report(call):
    _, (broker, *_) = setup_channels(call)
    call("register_visit", ALICE, P, {"visitor_kind": "customer", "mobile": A, "customer_name": "自来客",
                                      "advisor_id": 11})
    assert report(call, broker, mobile=A)["reason"] == "natural_visit"
    call("register_customer", ALICE, P, {"mobile": B, "name": "来电客", "channel": "phone"})
    assert report(call, broker, mobile=B)["reason"] == "site_customer"
    call("set_channel_settings", MANAGER, P, {"report_valid_hours": 48, "protection_days": 60,
                                             "site_protection_wins": False})
    assert call("get_channel_settings", RECEPTION, P)["report_valid_hours"] == 48
    lenient = report(call, broker, mobile=B)
    assert lenient["status"] == "valid"  # a phone registration no longer wins
    assert report(call, broker, mobile=A)["reason"] == "natural_visit"  # a walk-in always does


def test_the_visit_brings_the_customer_once(call, crm_config):
    (lianjia, *_), (broker, *_) = setup_channels(call)
    filed = report(call, broker, mobile="138 **** 5678", name="李女士")
    with pytest.raises(Invalid) as needs:
        call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"]})
    assert needs.value.code == "MOBILE_REQUIRED"
    with pytest.raises(Invalid) as wrong:
        call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"], "mobile": "13912345678"})
    assert wrong.value.code == "MOBILE_MISMATCH"
    with pytest.raises(NotFound):
        call("verify_channel_visit", RECEPTION, P, {"code": "ZZZZZZZZ", "mobile": A})
    done = call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"].lower(), "mobile": A})
    assert (done["visit"]["result"], done["visit"]["receptionist_name"]) == ("visited", "前台")
    assert done["report"]["status"] == "visited" and done["report"]["attributed"]
    customer = db_rows(crm_config, select(Customer).where(Customer.mobile == A))[0]
    assert (customer.channel, customer.partner_name, customer.owner_id) == ("channel_partner", "链家", None)
    assert customer.first_visit_at is not None and done["visit"]["customer_id"] == customer.id
    [event] = events(crm_config, "channel_attributed")
    assert {k: event[k] for k in ("customer_id", "project_id", "channel_id", "channel_name", "broker_id",
                                  "broker_name", "report_id")} == {
        "customer_id": customer.id, "project_id": P, "channel_id": lianjia["id"], "channel_name": "链家",
        "broker_id": broker["id"], "broker_name": "经纪人0", "report_id": filed["id"]}
    assert event["visited_at"] and event["protected_until"]
    with pytest.raises(Conflict) as used:
        call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"], "mobile": A})
    assert used.value.code == "VISIT_CODE_USED"
    detail = call("get_channel_report", MANAGER, filed["id"])
    assert detail["mobile"] == A and [v["result"] for v in detail["visits"]] == ["visited"]
    # the channel holds the customer: another channel's report of it is told so
    _, (other, *_) = setup_channels(call, ("满堂红",), first=10)
    assert report(call, other, mobile=A)["reason"] == "reported_by_other"


def test_a_report_not_visited_in_time_lapses(call, crm_config):
    _, (broker, second, _) = setup_channels(call)
    late = report(call, broker)
    db_write(crm_config, update(ChannelReport).where(ChannelReport.id == late["id"])
             .values(valid_until=utcnow() - timedelta(minutes=1)))
    result = call("verify_channel_visit", RECEPTION, P, {"code": late["visit_code"], "mobile": A})
    assert (result["visit"]["result"], result["report"]["status"]) == ("lapsed", "lapsed")
    assert report(call, second)["status"] == "valid"  # the customer is free again
    assert events(crm_config, "channel_attributed") == []


def test_the_timer_lapses_reports(call, crm_config):
    _, (broker, *_) = setup_channels(call)
    old = report(call, broker)
    db_write(crm_config, update(ChannelReport).values(valid_until=utcnow() - timedelta(minutes=1)))
    wait_until(lambda: db_rows(crm_config, select(ChannelReport.status).where(ChannelReport.id == old["id"]))
               == [("lapsed",)], what="the report lapsed by the timer")
    assert call("get_channel_report", MANAGER, old["id"])["reason"] == "expired"


def test_appeals_and_rulings_are_kept_with_their_evidence(call, crm_config):
    (lianjia, beike, _), (first, second, _) = setup_channels(call)
    won = report(call, first, mobile=A)
    call("verify_channel_visit", RECEPTION, P, {"code": won["visit_code"]})
    lost = report(call, second, mobile=A)
    assert lost["reason"] == "reported_by_other"
    appeal = call("file_channel_appeal", ALICE, lost["id"], {"reason": "客户是贝壳带来的，有聊天记录",
                                                          "attachments": ["doc:4411", "wechat.png"],
                                                          "broker_id": second["id"]})
    with pytest.raises(Conflict):
        call("file_channel_appeal", ALICE, lost["id"], {"reason": "again"})
    with pytest.raises(Invalid):
        call("file_channel_appeal", ALICE, won["id"], {"reason": "x", "broker_id": second["id"]})
    with pytest.raises(Forbidden):
        call("rule_channel_appeal", ALICE, appeal["id"], {"decision": "to_channel", "ruling": "x"})
    ruled = call("rule_channel_appeal", MANAGER, appeal["id"], {
        "decision": "to_channel", "ruling": "聊天记录早于链家报备", "evidence": ["doc:4411"]})
    assert (ruled["status"], ruled["decision"], ruled["ruled_by_name"], ruled["evidence"]) == (
        "ruled", "to_channel", "经理", ["doc:4411"])
    with pytest.raises(Conflict) as twice:
        call("rule_channel_appeal", MANAGER, appeal["id"], {"decision": "dismiss", "ruling": "x"})
    assert twice.value.code == "APPEAL_RULED"
    attributed = events(crm_config, "channel_attributed")
    assert [(e["channel_id"], e["report_id"]) for e in attributed] == [(lianjia["id"], won["id"]),
                                                                       (beike["id"], lost["id"])]
    assert events(crm_config, "channel_attribution_ended") == [{
        "customer_id": attributed[0]["customer_id"], "project_id": P, "channel_id": lianjia["id"],
        "report_id": won["id"], "reason": "ruling"}]
    customer = db_rows(crm_config, select(Customer.partner_name).where(Customer.mobile == A))
    assert customer == [("贝壳",)]
    # the other way: the site takes the customer from 贝壳
    back = call("file_channel_appeal", ALICE, lost["id"], {"reason": "客户先来过售楼处"})
    call("rule_channel_appeal", MANAGER, back["id"], {"decision": "to_site", "ruling": "来访登记在先"})
    assert [e["report_id"] for e in events(crm_config, "channel_attribution_ended")] == [won["id"], lost["id"]]
    listed = call("list_channel_appeals", MANAGER, P, {})
    assert [a["decision"] for a in listed] == ["to_site", "to_channel"]


def test_risk_alerts(call, crm_config):
    _, brokers = setup_channels(call, ("甲", "乙", "丙", "丁"))
    for broker in brokers:
        report(call, broker, mobile=A)
    alerts = call("list_channel_alerts", MANAGER, P, {})
    many = [a for a in alerts if a["kind"] == "many_channels"]
    assert len(many) == 2 and many[-1]["facts"]["channels"] == ["丙", "乙", "甲"]  # the third, then the fourth
    with pytest.raises(Forbidden):
        call("list_channel_alerts", RECEPTION, P, {})
    # an owner change of a customer a channel holds: a claim becomes a 撞单, a manager's move an alert
    filed = report(call, brokers[0], mobile=B)
    call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"]})
    claim = call("register_customer", ALICE, P, {"mobile": B, "name": "x", "channel": "phone"})
    assert claim["outcome"] == "conflict"
    customer_id = db_rows(crm_config, select(Customer.id).where(Customer.mobile == B))[0][0]
    call("reassign_customers", MANAGER, P, {"customer_ids": [customer_id],
                                            "to_owners": [{"account_id": 11, "name": "alice"}]})
    assert db_rows(crm_config, select(CustomerOwner.reason).where(CustomerOwner.customer_id == customer_id)
                   .order_by(CustomerOwner.id)) == [("registered",), ("reassigned",)]
    change = [a for a in call("list_channel_alerts", MANAGER, P, {"kind": "owner_change"})]
    assert len(change) == 1 and change[0]["facts"]["to_owner_id"] == 11 and change[0]["customer_id"] == customer_id


def test_a_report_just_before_a_subscription_is_a_risk(call, crm_config):
    """截客: crm learns the 认购 from contracts' subscription_approved (published here onto the
    real broker): a report of its customer filed within the hour before is listed."""
    _, (broker, *_) = setup_channels(call)
    filed = report(call, broker, mobile="138****5678")
    publish_event(crm_config["AMQP_URI"], "subscription_approved", {
        "deal_id": 71, "unit_id": 171, "advisor_id": 11, "subscription_id": 71, "customer_id": None,
        "customer_name": "王先生", "customer_phone": A, "price": "3000000.00", "payment_method": "full"},
        agency_id=1, project_id=P)
    alerts = wait_until(lambda: call("list_channel_alerts", MANAGER, P, {"kind": "report_before_deal"}),
                        what="the 截客 alert")
    assert [(a["report_id"], a["facts"]["deal_id"], a["facts"]["broker"]) for a in alerts] == [
        (filed["id"], 71, "经纪人0")]
    assert alerts[0]["facts"]["minutes_before"] <= 60
