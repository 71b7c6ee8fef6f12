"""来电/来访登记 through the crm service on both databases: same-day registration, the advisor
of a call, visitors who are not customers, linking and registering customers, the lists
and the daily counts (上客量)."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from loupan.errors import Forbidden, Invalid, RuleViolated
from loupan.testing import db_rows
from loupan.types import today
from services.crm.models import Customer, RotationQueue, Visit
from services.crm.tests.conftest import actor

P = 7
ADVISOR = actor(11, "advisor", [P])
ASSISTANT = actor(60, "assistant", [P])
MANAGER = actor(40, "manager", [P])


def count(config, model):
    return db_rows(config, select(func.count()).select_from(model))[0][0]


def test_a_call_taken_by_an_advisor_is_theirs_by_phone_by_default(call):
    registered = call("register_call", ADVISOR, P, {"note": "问价格"})
    assert (registered["kind"], registered["advisor_id"], registered["channel"], registered["day"]) == (
        "call", 11, "phone", today().isoformat())
    assert (registered["visitor_kind"], registered["assignment"], registered["customer_id"]) == ("customer", "chosen",
                                                                                                  None)


def test_a_call_registered_by_an_assistant_names_its_advisor(call, crm_config):
    with pytest.raises(Invalid) as missing:
        call("register_call", ASSISTANT, P, {})
    assert missing.value.code == "ADVISOR_REQUIRED"
    assert call("register_call", ASSISTANT, P, {"advisor_id": 12})["advisor_id"] == 12


@pytest.mark.parametrize("day", [1, -1])
def test_only_today_may_be_registered(call, crm_config, day):
    other = (today() + timedelta(days=day)).isoformat()
    with pytest.raises(RuleViolated) as refused:
        call("register_visit", ASSISTANT, P, {"day": other, "visitor_kind": "visitor"})
    assert refused.value.code == "NOT_TODAY"
    assert count(crm_config, Visit) == 0
    assert call("register_visit", ASSISTANT, P, {"day": today().isoformat(), "visitor_kind": "visitor"})


def test_market_researchers_and_visitors_do_not_touch_the_rotation(call, crm_config):
    researcher = call("register_visit", ASSISTANT, P, {"visitor_kind": "market_researcher", "party_size": 2})
    assert (researcher["advisor_id"], researcher["assignment"], researcher["party_size"]) == (None, None, 2)
    visitor = call("register_visit", ADVISOR, P, {"visitor_kind": "visitor"})
    assert (visitor["advisor_id"], visitor["assignment"]) == (11, "chosen")
    assert count(crm_config, RotationQueue) == 0
    with pytest.raises(Invalid) as mobile:
        call("register_visit", ASSISTANT, P, {"visitor_kind": "visitor", "mobile": "13800138000"})
    assert mobile.value.code == "MOBILE_NOT_FOR_VISITOR"


def test_a_call_with_a_new_mobile_registers_the_customer_and_a_later_one_links_to_it(call, crm_config):
    first = call("register_call", ADVISOR, P, {"mobile": "+86 138-0013-8000", "customer_name": "王先生",
                                               "channel": "online"})
    assert first["new_customer"] is True and first["customer_id"]
    customer = call("get_customer", MANAGER, first["customer_id"])
    assert (customer["mobile"], customer["owner_id"], customer["channel"]) == ("13800138000", 11, "online")
    again = call("register_call", ADVISOR, P, {"mobile": "13800138000"})
    assert (again["customer_id"], again["new_customer"], again["customer_name"]) == (first["customer_id"], False,
                                                                                     "王先生")
    assert count(crm_config, Customer) == 1


def test_a_chosen_advisor_visit_registers_the_customer_to_that_advisor(call):
    visit = call("register_visit", ASSISTANT, P, {"advisor_id": 12, "mobile": "13900139000", "customer_name": "李女士"})
    assert (visit["assignment"], visit["new_customer"]) == ("chosen", True)
    customer = call("get_customer", MANAGER, visit["customer_id"])
    assert customer["owner_id"] == 12 and customer["first_visit_at"]


def test_bad_registrations_are_refused(call, crm_config):
    with pytest.raises(Invalid) as bad_mobile:
        call("register_call", ADVISOR, P, {"mobile": "12345", "customer_name": "x"})
    assert bad_mobile.value.code == "INVALID_MOBILE"
    with pytest.raises(Invalid) as no_name:
        call("register_call", ADVISOR, P, {"mobile": "13700137000"})
    assert no_name.value.code == "CUSTOMER_NAME_REQUIRED"
    with pytest.raises(Invalid):
        call("register_call", ADVISOR, P, {"visitor_kind": "friend"})
    for who in (actor(80, "developer_viewer", [P]), actor(81, "finance", [P])):
        with pytest.raises(Forbidden):
            call("register_call", who, P, {"advisor_id": 11})
    with pytest.raises(Forbidden):
        call("register_call", actor(12, "advisor", [P + 1]), P, {})
    assert count(crm_config, Visit) == 0 and count(crm_config, Customer) == 0


def test_lists_filter_by_period_advisor_and_kind_and_counts_add_up_per_advisor(call):
    call("register_call", ADVISOR, P, {})
    call("register_call", ADVISOR, P, {"mobile": "13800138000", "customer_name": "王先生"})
    call("register_call", ASSISTANT, P, {"advisor_id": 12})
    call("register_visit", ADVISOR, P, {"visitor_kind": "visitor"})
    call("register_visit", ASSISTANT, P, {"visitor_kind": "market_researcher"})
    call("register_visit", ASSISTANT, P, {"advisor_id": 12, "mobile": "13900139000", "customer_name": "李女士"})
    assert len(call("list_calls", MANAGER, P, {})) == 3
    assert [v["advisor_id"] for v in call("list_calls", MANAGER, P, {"advisor_id": "11"})] == [11, 11]
    assert len(call("list_visits", ADVISOR, P, {"visitor_kind": "visitor"})) == 1
    yesterday = (today() - timedelta(days=1)).isoformat()
    assert call("list_visits", MANAGER, P, {"from": yesterday, "to": yesterday}) == []
    with pytest.raises(Invalid):
        call("list_visits", MANAGER, P, {"from": today().isoformat(), "to": yesterday})
    day = today().isoformat()
    assert call("visit_counts", MANAGER, P, {}) == [
        {"project_id": P, "day": day, "advisor_id": None, "calls": 0, "visits": 0, "market_researchers": 1,
         "visitors": 0, "new_customers": 0},
        {"project_id": P, "day": day, "advisor_id": 11, "calls": 2, "visits": 0, "market_researchers": 0,
         "visitors": 1, "new_customers": 1},
        {"project_id": P, "day": day, "advisor_id": 12, "calls": 1, "visits": 1, "market_researchers": 0,
         "visitors": 0, "new_customers": 1}]
