"""分销佣金 through the real finance entrypoints and the real broker, on SQLite and PostgreSQL:
crm's attribution events and the contracts events published from the test as their services
would, the down payment taken as finance's own receipt; terms, statements drawn, issued,
confirmed or disputed; reversal after 退房 and the difference after 换房 in the next statement;
the cost per deal."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, publish_event, wait_until
from loupan.types import today  # the agency's day (Asia/Shanghai), as finance dates what it records
from services.finance.models import ChannelAttribution, ChannelDeal
from services.finance.tests.conftest import actor
from services.finance.tests.test_schedules import CASHIER, DIRECTOR, MANAGER, P1, P2, subscribe

pytestmark = pytest.mark.sqlite

CHANNEL = 41
FINANCE_P2 = actor(9, "finance", [P2])
STRANGER = actor(8, "director", agency_id=2)
ADVISOR = actor(4, "advisor", [P1])
TERMS = {"channel_id": CHANNEL, "channel_name": "链家分销", "effective_from": "2026-01-01", "kind": "percent",
         "rate": "1.5", "launch_bonus": {"amount": "2000.00", "from_on": "2026-03-01", "to_on": "2026-03-07"}}
MARCH = {"channel_id": CHANNEL, "period_from": "2026-03-01", "period_to": "2026-03-31"}


def attributed(config, customer_id, report_id, channel_id=CHANNEL,
               visited=datetime(2026, 2, 20, 2, tzinfo=timezone.utc), until=datetime(2026, 5, 20, 15, 59, tzinfo=timezone.utc)):
    publish_event(config["AMQP_URI"], "channel_attributed", {
        "customer_id": customer_id, "project_id": P1, "channel_id": channel_id, "channel_name": "链家分销",
        "broker_id": 71, "broker_name": "张经纪", "report_id": report_id, "visited_at": visited,
        "protected_until": until}, project_id=P1)
    wait_until(lambda: db_rows(config, select(ChannelAttribution).where(ChannelAttribution.report_id == report_id)),
               what="attribution")


def signed(config, deal_id, customer_id, price="1000000.00", on=date(2026, 3, 5)):
    subscribe(config, deal_id, price=price, method="commercial_mortgage", approved_on=date(2026, 3, 1),
              customer_id=customer_id)
    publish_event(config["AMQP_URI"], "contract_signed", {
        "deal_id": deal_id, "unit_id": deal_id + 1000, "contract_id": deal_id, "price": price,
        "customer_id": customer_id, "signed_on": on, "loan_amount": None}, project_id=P1)


def channel_deal(config, deal_id):
    """The deal's channel deal (the latest)."""
    rows = db_rows(config, select(ChannelDeal).where(ChannelDeal.deal_id == deal_id).order_by(ChannelDeal.id))
    return rows[-1] if rows else None


def down_payment(call, deal_id, amount="300000.00", on="2026-03-10"):
    return call("record_receipt", CASHIER, deal_id, {"amount": amount, "method": "transfer", "received_on": on})


def refused(exc_type, code, fn, *args):
    with pytest.raises(exc_type) as caught:
        fn(*args)
    assert caught.value.code == code, caught.value
    return caught.value


def lines(statement):
    return [(x["deal_id"], x["kind"], x["amount"]) for x in statement["lines"]]


def test_a_deal_the_channel_brought_is_billed_once_its_down_payment_is_in_and_reversed_after_cancellation(
        call, finance_config):
    config = finance_config
    attributed(config, customer_id=501, report_id=9001)
    signed(config, 61, customer_id=501)
    wait_until(lambda: channel_deal(config, 61), what="channel deal")
    assert channel_deal(config, 61).state == "pending"  # signed, 首付 not in
    signed(config, 62, customer_id=502)  # nobody's customer: no channel deal
    refused(Forbidden, "ROLE_FORBIDDEN", call, "add_channel_terms", MANAGER, P1, TERMS)
    refused(Invalid, "VALIDATION_ERROR", call, "add_channel_terms", DIRECTOR, P1, dict(TERMS, rate=None))
    refused(Invalid, "VALIDATION_ERROR", call, "add_channel_terms", DIRECTOR, P1, dict(TERMS, rate=1.5))
    terms = call("add_channel_terms", CASHIER, P1, TERMS)
    assert (terms["version"], terms["rate"], terms["launch_bonus"]["amount"]) == (1, "1.5", "2000.00")
    refused(RuleViolated, "NOTHING_TO_STATE", call, "draw_channel_statement", CASHIER, P1, MARCH)

    down_payment(call, 61, "100000.00", "2026-03-08")
    assert channel_deal(config, 61).state == "pending"  # 首付 not in full yet
    down_payment(call, 61, "200000.00", "2026-03-12")
    deal = channel_deal(config, 61)
    assert (deal.state, deal.billable_on) == ("billable", date(2026, 3, 12))
    assert [d["deal_id"] for d in call("list_channel_deals", MANAGER, P1, {})] == [61]

    draft = call("draw_channel_statement", CASHIER, P1, MARCH)
    assert (draft["status"], draft["number"], draft["channel_name"]) == ("draft", None, "链家分销")
    # 1 000 000 × 1.5 % + the launch bonus (signed 5 March, within 1–7 March)
    assert lines(draft) == [(61, "commission", "17000.00")] and draft["total"] == "17000.00"
    assert (draft["lines"][0]["rate"], draft["lines"][0]["bonus"]) == ("1.5", "2000.00")
    again = call("draw_channel_statement", CASHIER, P1, MARCH)  # drawn again: replaces the draft
    assert [s["id"] for s in call("list_channel_statements", CASHIER, P1, {"channel_id": CHANNEL})] == [again["id"]]
    refused(Conflict, "STATEMENT_NOT_ISSUED", call, "confirm_channel_statement", CASHIER, again["id"],
            {"confirmed_on": "2026-04-02", "confirmed_by_name": "李经理"})
    issued = call("issue_channel_statement", CASHIER, again["id"])
    assert (issued["status"], issued["number"]) == ("issued", 1)
    assert channel_deal(config, 61).state == "billed"
    refused(Conflict, "STATEMENT_NOT_DRAFT", call, "issue_channel_statement", CASHIER, again["id"])
    refused(RuleViolated, "NOTHING_TO_STATE", call, "draw_channel_statement", CASHIER, P1, MARCH)
    refused(Forbidden, "ROLE_FORBIDDEN", call, "delete_channel_terms", MANAGER, terms["id"])
    refused(Conflict, "TERMS_IN_USE", call, "delete_channel_terms", CASHIER, terms["id"])
    disputed = call("dispute_channel_statement", DIRECTOR, issued["id"], {"reason": "开盘奖励应为3000"})
    assert (disputed["status"], disputed["disputed_reason"]) == ("disputed", "开盘奖励应为3000")
    confirmed = call("confirm_channel_statement", CASHIER, issued["id"],
                     {"confirmed_on": today().isoformat(), "confirmed_by_name": " 李经理 "})
    assert (confirmed["status"], confirmed["confirmed_by_name"]) == ("confirmed", "李经理")
    refused(Conflict, "STATEMENT_CONFIRMED", call, "confirm_channel_statement", CASHIER, issued["id"],
            {"confirmed_on": today().isoformat(), "confirmed_by_name": "李经理"})

    publish_event(config["AMQP_URI"], "deal_cancelled", {
        "deal_id": 61, "unit_id": 1061, "reason": "退房", "from_status": "signed"}, project_id=P1)
    wait_until(lambda: channel_deal(config, 61).state == "reversed", what="reversed")
    april = call("draw_channel_statement", CASHIER, P1, dict(MARCH, period_from="2026-04-01",
                                                            period_to=today().isoformat()))
    assert lines(april) == [(61, "reversal", "-17000.00")]
    call("issue_channel_statement", CASHIER, april["id"])
    stated = [d["stated"] for d in call("list_channel_deals", CASHIER, P1, {"channel_id": CHANNEL})]
    assert stated == ["0.00"]  # signed then cancelled: the statements sum to nothing
    refused(RuleViolated, "PERIOD_BEFORE_LAST", call, "draw_channel_statement", CASHIER, P1, MARCH)
    # every statement of the project; other projects, roles and agencies see none of them
    assert [s["number"] for s in call("list_channel_statements", MANAGER, P1, {})] == [1, 2]
    refused(Forbidden, "ROLE_FORBIDDEN", call, "list_channel_statements", ADVISOR, P1, {})
    refused(Forbidden, "PROJECT_FORBIDDEN", call, "get_channel_statement", FINANCE_P2, issued["id"])
    refused(NotFound, "CHANNEL_STATEMENT_NOT_FOUND", call, "get_channel_statement", STRANGER, issued["id"])


def test_a_swap_to_a_dearer_unit_adds_the_difference_and_tiers_lift_the_whole_month(call, finance_config):
    config = finance_config
    call("put_channel_billing", CASHIER, P1, {"billable_when": "signed"})
    assert call("get_channel_billing", MANAGER, P1)["billable_when"] == "signed"
    call("add_channel_terms", DIRECTOR, P1, {"channel_id": CHANNEL, "effective_from": "2026-01-01", "kind": "tiered",
                                             "tiers": [{"from_units": 1, "rate": "1.0"},
                                                       {"from_units": 2, "rate": "1.5"}]})
    # the deal is signed before crm's ruling arrives: the attribution links it
    signed(config, 71, customer_id=601, price="2000000.00")
    wait_until(lambda: call("get_schedule", DIRECTOR, 71)["status"] == "signed", what="signed")
    attributed(config, customer_id=601, report_id=9101)
    wait_until(lambda: channel_deal(config, 71), what="channel deal")
    assert channel_deal(config, 71).state == "billable"  # billable when signed at this project
    first = call("draw_channel_statement", CASHIER, P1, MARCH)
    assert lines(first) == [(71, "commission", "20000.00")]  # one unit in March: 1.0 %
    call("issue_channel_statement", CASHIER, first["id"])

    publish_event(config["AMQP_URI"], "deal_unit_swapped", {
        "deal_id": 71, "from_unit_id": 1071, "to_unit_id": 2071, "new_price": "2200000.00",
        "to_unit_label": "2号楼-0701"}, project_id=P1)
    wait_until(lambda: channel_deal(config, 71).amount == 2200000, what="new basis")
    attributed(config, customer_id=602, report_id=9102)
    signed(config, 72, customer_id=602, price="1000000.00", on=date(2026, 3, 20))
    wait_until(lambda: channel_deal(config, 72), what="second channel deal")
    second = call("draw_channel_statement", CASHIER, P1, dict(MARCH, period_from="2026-04-01",
                                                             period_to="2026-04-30"))
    # March has two units now: 1.5 % on both, 71 on its new price: 33 000 − 20 000 stated
    assert lines(second) == [(71, "adjustment", "13000.00"), (72, "commission", "15000.00")]
    assert (second["lines"][0]["unit_label"], second["lines"][0]["units_in_period"]) == ("2号楼-0701", 2)

    costs = call("channel_costs", MANAGER, P1, {"from": "2026-03-01", "to": "2026-03-31"})
    assert costs["channels"] == [{"channel_id": CHANNEL, "channel_name": "链家分销", "deals": 2,
                                  "commission": "48000.00", "stated": "20000.00", "cost_per_deal": "24000.00"}]
    # a ruling takes 72's customer away: nothing more is due for it
    publish_event(config["AMQP_URI"], "channel_attribution_ended", {
        "customer_id": 602, "project_id": P1, "channel_id": CHANNEL, "report_id": 9102, "reason": "申诉改判"},
        project_id=P1)
    wait_until(lambda: channel_deal(config, 72).state == "reversed", what="taken away")
    redrawn = call("draw_channel_statement", CASHIER, P1, dict(MARCH, period_from="2026-04-01",
                                                              period_to=today().isoformat()))
    assert lines(redrawn) == [(71, "adjustment", "2000.00")]  # back to one unit: 1.0 % of 2 200 000


def test_a_ruling_gives_the_deal_to_the_other_channel_and_a_lapse_takes_nothing_back(call, finance_config):
    config = finance_config
    call("put_channel_billing", CASHIER, P1, {"billable_when": "signed"})
    for channel, amount in ((CHANNEL, "5000.00"), (42, "8000.00")):
        call("add_channel_terms", CASHIER, P1, {"channel_id": channel, "effective_from": "2026-01-01",
                                                "kind": "per_unit", "amount": amount})
    attributed(config, customer_id=701, report_id=9201)
    signed(config, 81, customer_id=701)
    wait_until(lambda: channel_deal(config, 81), what="channel deal")
    first = call("draw_channel_statement", CASHIER, P1, MARCH)
    assert lines(first) == [(81, "commission", "5000.00")]
    call("issue_channel_statement", CASHIER, first["id"])
    # 申诉 ruled for channel 42: crm attributes the customer to it and ends channel 41's
    attributed(config, customer_id=701, report_id=9202, channel_id=42)
    publish_event(config["AMQP_URI"], "channel_attribution_ended", {
        "customer_id": 701, "project_id": P1, "channel_id": CHANNEL, "report_id": 9201, "reason": "ruling"},
        project_id=P1)
    deals = lambda: {(d["channel_id"], d["state"]) for d in call("list_channel_deals", CASHIER, P1, {})
                     if d["deal_id"] == 81}  # noqa: E731
    wait_until(lambda: deals() == {(CHANNEL, "reversed"), (42, "billable")}, what="the deal is channel 42's")
    day = today().isoformat()
    theirs = call("draw_channel_statement", CASHIER, P1, dict(MARCH, channel_id=42, period_to=day))
    assert lines(theirs) == [(81, "commission", "8000.00")]
    ours = call("draw_channel_statement", CASHIER, P1, dict(MARCH, period_from="2026-04-01", period_to=day))
    assert lines(ours) == [(81, "reversal", "-5000.00")]
    # a later channel's visit once the protection was over ends an attribution: deals signed before stay
    attributed(config, customer_id=702, report_id=9301)
    signed(config, 82, customer_id=702)
    wait_until(lambda: channel_deal(config, 82), what="channel deal")
    publish_event(config["AMQP_URI"], "channel_attribution_ended", {
        "customer_id": 702, "project_id": P1, "channel_id": CHANNEL, "report_id": 9301, "reason": "superseded"},
        project_id=P1)
    wait_until(lambda: db_rows(config, select(ChannelAttribution).where(
        ChannelAttribution.report_id == 9301, ChannelAttribution.ended_on.is_not(None))), what="ended")
    assert channel_deal(config, 82).state == "billable"
