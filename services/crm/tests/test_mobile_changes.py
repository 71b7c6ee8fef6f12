"""更正手机号 through crm's entrypoints on SQLite and PostgreSQL: a customer no channel holds
changes number at once (kept in its history); one a channel holds (brought with a 带看码, or
a report of its number waiting for the visit) waits for a manager who did not ask it, and
every step is a 渠道风控 alert; the number stays the customer's identity (another customer's
number refused, the old number free again) and the channel reports follow the customer to
its new number, so 判客 of the new number finds the channel and the old one holds nobody."""
import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, Invalid
from loupan.testing import db_rows
from services.crm.models import ChannelReport, Customer, CustomerMobileChange
from services.crm.tests.conftest import actor
from services.crm.tests.test_channels import RECEPTION, report, setup_channels

pytestmark = pytest.mark.sqlite  # and PostgreSQL
P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
MANAGER = actor(2, "manager", [P], username="经理")
MANAGER2 = actor(3, "manager", [P], username="副经理")
OLD, NEW, OTHER = "13812345678", "13987654321", "13700001111"


def register(call, mobile=OLD, who=ALICE, name="王先生"):
    return call("register_customer", who, P, {"mobile": mobile, "name": name, "channel": "walk_in"})["customer"]


def ask(call, customer_id, mobile=NEW, who=ALICE, reason="客户换了号码"):
    return call("request_mobile_change", who, customer_id, {"mobile": mobile, "reason": reason})


def mobile_of(config, customer_id):
    return db_rows(config, select(Customer.mobile).where(Customer.id == customer_id))[0][0]


def alerts(call):
    return [a["facts"] for a in call("list_channel_alerts", MANAGER, P, {"kind": "mobile_change"})]


def held_customer(call, config, mobile=OLD, names=("链家", "贝壳", "中原"), first=0):
    """A customer a channel brought (its 带看码 checked at reception), given to alice; the
    report, and a broker of another channel."""
    _, (broker, second, _) = setup_channels(call, names, first)
    filed = report(call, broker, mobile=mobile)
    call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"]})
    customer_id = db_rows(config, select(Customer.id).where(Customer.mobile == mobile))[0][0]
    call("reassign_customers", MANAGER, P, {"customer_ids": [customer_id],
                                            "to_owners": [{"account_id": 11, "name": "alice"}]})
    return customer_id, filed, second


def test_a_customer_no_channel_holds_changes_at_once_and_keeps_the_history(call, crm_config):
    customer = register(call)
    change = ask(call, customer["id"], mobile="139 8765 4321", reason="登记时输错一位")
    assert (change["status"], change["held"], change["report_id"]) == ("applied", False, None)
    assert (change["old_mobile"], change["new_mobile"], change["requested_by_name"]) == (
        "138****5678", "139****4321", "alice")
    assert mobile_of(crm_config, customer["id"]) == NEW
    detail = call("get_customer", ALICE, customer["id"])
    assert detail["mobile"] == NEW and detail["channel_protection"] is None
    assert [(c["old_mobile"], c["new_mobile"], c["reason"], c["status"], c["requested_by_name"])
            for c in detail["mobile_changes"]] == [("138****5678", "139****4321", "登记时输错一位", "applied", "alice")]
    assert alerts(call) == []  # no channel: no risk
    # the number is the identity: the new one finds the customer, the old one is nobody's now
    assert [c["id"] for c in call("list_customers", MANAGER, P, {"mobile": NEW})] == [customer["id"]]
    assert call("register_customer", BOB, P, {"mobile": NEW, "name": "x", "channel": "phone"})["outcome"] == "conflict"
    assert call("register_customer", BOB, P, {"mobile": OLD, "name": "y", "channel": "phone"})["outcome"] == "created"
    # a manager corrects it again at once, by the owner's or not
    assert ask(call, customer["id"], mobile=OTHER, who=MANAGER)["status"] == "applied"
    assert mobile_of(crm_config, customer["id"]) == OTHER


def test_who_may_ask_and_which_numbers(call):
    mine, bobs = register(call), register(call, mobile=OTHER, who=BOB)
    for bad, code in (("12345", "INVALID_MOBILE"), ("+86 138 1234 5678", "MOBILE_UNCHANGED")):
        with pytest.raises(Invalid) as refused:
            ask(call, mine["id"], mobile=bad)
        assert refused.value.code == code
    with pytest.raises(Invalid) as no_reason:
        ask(call, mine["id"], reason="   ")
    assert no_reason.value.code == "VALIDATION_ERROR"
    with pytest.raises(Conflict) as taken:
        ask(call, mine["id"], mobile=OTHER)  # bob's customer's number
    assert taken.value.code == "MOBILE_TAKEN"
    with pytest.raises(Forbidden) as not_yours:
        ask(call, bobs["id"], who=ALICE)
    assert not_yours.value.code == "CUSTOMER_NOT_YOURS"
    with pytest.raises(Forbidden) as reception:
        ask(call, mine["id"], who=RECEPTION)
    assert reception.value.code == "ROLE_FORBIDDEN"
    pool = register(call, mobile="13600002222", who=MANAGER)  # a manager's 报备 goes to the pool
    with pytest.raises(Forbidden) as owner_only:
        ask(call, pool["id"], who=ALICE)
    assert owner_only.value.code == "NOT_OWNER"
    with pytest.raises(Forbidden):
        call("list_mobile_changes", ALICE, P, {})


def test_a_held_customer_waits_for_a_manager_who_approves_it(call, crm_config):
    customer_id, filed, second = held_customer(call, crm_config)
    detail = call("get_customer", ALICE, customer_id)
    protection = detail["channel_protection"]
    assert (protection["channel_name"], protection["broker_name"], protection["report_id"]) == (
        "链家", "经纪人0", filed["id"])
    assert protection["protected_until"] is not None
    asked = ask(call, customer_id)
    assert (asked["status"], asked["held"], asked["report_id"], asked["channel_name"]) == (
        "pending", True, filed["id"], "链家")
    assert mobile_of(crm_config, customer_id) == OLD  # not yet
    with pytest.raises(Conflict) as twice:
        ask(call, customer_id, mobile=OTHER)
    assert twice.value.code == "MOBILE_CHANGE_PENDING"
    assert [c["id"] for c in call("list_mobile_changes", MANAGER, P, {"status": "pending"})] == [asked["id"]]
    with pytest.raises(Forbidden):
        call("approve_mobile_change", ALICE, asked["id"], {})  # an advisor rules nothing
    promoted = actor(11, "manager", [P], username="alice")  # the requester, made a manager since
    with pytest.raises(Forbidden) as own:
        call("approve_mobile_change", promoted, asked["id"], {})
    assert own.value.code == "SELF_APPROVAL"
    with pytest.raises(Forbidden):
        call("reject_mobile_change", promoted, asked["id"], {"note": "自己驳回"})
    approved = call("approve_mobile_change", MANAGER, asked["id"], {"note": "核实过通话记录"})
    assert (approved["status"], approved["decided_by_name"], approved["note"]) == ("approved", "经理", "核实过通话记录")
    assert approved["applied_at"] is not None and mobile_of(crm_config, customer_id) == NEW
    with pytest.raises(Conflict) as decided:
        call("reject_mobile_change", MANAGER2, asked["id"], {"note": "晚了"})
    assert decided.value.code == "MOBILE_CHANGE_DECIDED"
    assert [(f["stage"], f["old_mobile"], f["new_mobile"], f["by"], f["approved_by"]) for f in alerts(call)] == [
        ("approved", "138****5678", "139****4321", "alice", "经理"),
        ("requested", "138****5678", "139****4321", "alice", None)]
    # the channel's report followed the customer: the new number is the channel's, the old is free
    moved = db_rows(crm_config, select(ChannelReport.mobile, ChannelReport.mobile_key, ChannelReport.customer_id)
                    .where(ChannelReport.id == filed["id"]))
    assert moved == [(NEW, "139****4321", customer_id)]
    assert report(call, second, mobile=NEW)["reason"] == "reported_by_other"
    assert report(call, second, mobile="139****4321")["reason"] == "reported_by_other"
    assert report(call, second, mobile=OLD)["reason"] == "new"
    assert call("get_customer", ALICE, customer_id)["channel_protection"]["report_id"] == filed["id"]
    claim = call("register_customer", BOB, P, {"mobile": NEW, "name": "x", "channel": "phone"})
    assert claim["outcome"] == "conflict"  # still the channel's and alice's


def test_a_rejected_change_leaves_the_number(call, crm_config):
    customer_id, _, _ = held_customer(call, crm_config)
    asked = ask(call, customer_id)
    with pytest.raises(Invalid):
        call("reject_mobile_change", MANAGER, asked["id"], {})  # a rejection says why
    rejected = call("reject_mobile_change", MANAGER, asked["id"], {"note": "号码与渠道报备不符"})
    assert (rejected["status"], rejected["note"], rejected["applied_at"]) == ("rejected", "号码与渠道报备不符", None)
    assert mobile_of(crm_config, customer_id) == OLD
    with pytest.raises(Conflict):
        call("approve_mobile_change", MANAGER2, asked["id"], {})
    assert [c["status"] for c in call("get_customer", ALICE, customer_id)["mobile_changes"]] == ["rejected"]
    assert [f["stage"] for f in alerts(call)] == ["requested"]
    assert call("list_mobile_changes", MANAGER, P, {"status": "pending"}) == []
    assert ask(call, customer_id)["status"] == "pending"  # asked again, with better evidence


def test_a_managers_own_change_of_a_held_customer_applies_as_approved_by_them(call, crm_config):
    customer_id, filed, _ = held_customer(call, crm_config)
    change = ask(call, customer_id, who=MANAGER, reason="客户本人来电更正")
    assert (change["status"], change["held"], change["decided_by_name"], change["requested_by_name"]) == (
        "approved", True, "经理", "经理")
    assert mobile_of(crm_config, customer_id) == NEW
    [facts] = alerts(call)
    assert (facts["stage"], facts["by"], facts["approved_by"], facts["reason"]) == (
        "applied", "经理", "经理", "客户本人来电更正")


def test_a_report_waiting_for_its_visit_holds_the_customer_and_follows_the_number(call, crm_config):
    """The channel reported the number first; the site registered it after: the report still
    waits for its visit, so the change needs a manager, and the 带看码 then brings the customer
    by its new number."""
    _, (broker, second, _) = setup_channels(call)
    filed = report(call, broker, mobile=OLD)
    customer = register(call)
    asked = ask(call, customer["id"])
    assert (asked["status"], asked["report_id"]) == ("pending", filed["id"])
    call("approve_mobile_change", MANAGER, asked["id"], {})
    assert report(call, second, mobile=NEW)["reason"] == "reported_by_other"  # the waiting report holds it
    visit = call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"]})
    assert (visit["visit"]["result"], visit["visit"]["customer_id"]) == ("visited", customer["id"])
    assert db_rows(crm_config, select(Customer.mobile)) == [(NEW,)]  # no second record of the person


def test_a_hidden_report_of_the_number_holds_it_and_stays_on_its_3_and_4(call, crm_config):
    _, (broker, *_) = setup_channels(call)
    hidden = report(call, broker, mobile="138****5678")
    customer = register(call)
    asked = ask(call, customer["id"])
    assert (asked["status"], asked["report_id"]) == ("pending", hidden["id"])
    call("approve_mobile_change", MANAGER, asked["id"], {})
    assert db_rows(crm_config, select(ChannelReport.mobile, ChannelReport.mobile_key)
                   .where(ChannelReport.id == hidden["id"])) == [(None, "138****5678")]


def test_the_new_number_held_by_another_channel_is_refused(call, crm_config):
    customer_id, _, second = held_customer(call, crm_config)
    theirs = report(call, second, mobile=NEW)
    assert theirs["status"] == "valid"
    for who in (ALICE, MANAGER):
        with pytest.raises(Conflict) as clash:
            ask(call, customer_id, who=who)
        assert clash.value.code == "MOBILE_REPORTED"
    assert mobile_of(crm_config, customer_id) == OLD
    assert db_rows(crm_config, select(CustomerMobileChange.id)) == []
    # a customer no channel holds may take a reported number: the report waits for its visit as before
    free = register(call, mobile=OTHER)
    assert ask(call, free["id"], mobile=NEW)["status"] == "applied"
