"""满意度 surveys and the satisfaction figures through the real crm entrypoints, on SQLite
and PostgreSQL: who may survey, the event, 好评率 and 投诉率 per advisor and site over a
period, and what a developer's viewer may see."""
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from loupan.errors import Forbidden, Invalid
from loupan.testing import db_write, publish_event, wait_until
from loupan.types import SHANGHAI, today
from services.crm.models import DealCustomer, Survey
from services.crm.tests.conftest import actor

P = 1
ALICE = actor(11, "advisor", [P], username="alice")
BOB = actor(12, "advisor", [P], username="bob")
ASSISTANT = actor(14, "assistant", [P], username="amy")
MANAGER = actor(2, "manager", [P])
VIEWER = actor(15, "developer_viewer", [P])


def register(call, who, mobile):
    return call("register_customer", who, P, {"mobile": mobile, "name": "客户", "channel": "walk_in"})["customer"]



def period(days_back=0):
    return {"from": (today() - timedelta(days=days_back)).isoformat(), "to": today().isoformat()}


def test_a_survey_is_credited_to_the_customers_advisor_and_published(call, event_sink):
    sink = event_sink("crm")
    customer = register(call, ALICE, "13800000001")
    row = call("record_survey", ASSISTANT, customer["id"], {"score": 4, "comments": "顾问很专业"})
    assert (row["advisor_id"], row["score"], row["by_id"], row["deal_id"]) == (11, 4, 14, None)
    assert sink.wait_for("satisfaction_recorded")[0]["payload"] == {"survey_id": row["id"], "advisor_id": 11,
                                                                    "score": 4}
    assert [s["id"] for s in call("list_surveys", MANAGER, customer["id"])] == [row["id"]]


@pytest.mark.parametrize("who,body,error", [
    (VIEWER, {"score": 5}, Forbidden),
    (BOB, {"score": 5}, Forbidden),  # another advisor's customer
    (ASSISTANT, {"score": 6}, Invalid),
    (ASSISTANT, {"score": 0}, Invalid),
    (ASSISTANT, {"score": "5"}, Invalid),
    (ASSISTANT, {"score": 5, "deal_id": 77}, Invalid),  # not a deal of this customer
])
def test_bad_surveys_are_refused(call, who, body, error):
    customer = register(call, ALICE, "13800000002")
    with pytest.raises(error):
        call("record_survey", who, customer["id"], body)
    assert call("list_surveys", MANAGER, customer["id"]) == []


def test_good_review_and_complaint_rates_per_advisor_and_site(call, crm_config):
    alices = [register(call, ALICE, f"1380000001{i}") for i in range(3)]
    bobs = register(call, BOB, "13800000020")
    for deal_id, customer in enumerate(alices + [bobs], start=1):  # four deals: three of Alice's, one of Bob's
        publish_event(crm_config["AMQP_URI"], "subscription_approved", {
            "deal_id": deal_id, "unit_id": deal_id, "advisor_id": customer["owner_id"], "subscription_id": deal_id,
            "customer_id": customer["id"], "customer_name": "客户", "customer_phone": "13800000000",
            "price": "1000000.00", "payment_method": "full"}, agency_id=1, project_id=P)
    for score, customer in zip((5, 4, 2), alices):
        call("record_survey", ASSISTANT, customer["id"], {"score": score})
    call("record_survey", ASSISTANT, bobs["id"], {"score": 3})
    call("file_complaint", MANAGER, P, {"customer_id": alices[2]["id"], "category": "staff", "severity": "normal",
                                        "description": "态度差"})
    call("file_complaint", MANAGER, P, {"category": "property_management", "severity": "low", "description": "物业"})
    wait_until(lambda: call("satisfaction_report", MANAGER, P, period())["site"]["deals"] == 4, what="four deals")
    report = call("satisfaction_report", MANAGER, P, period())
    assert report["site"] == {"surveys": 4, "good": 2, "good_rate": "50.00", "average_score": "3.50",
                              "complaints": 2, "deals": 4, "complaint_rate": "50.00"}
    alice, bob = report["advisors"]
    assert (alice["advisor_id"], alice["surveys"], alice["good_rate"], alice["complaints"], alice["deals"],
            alice["complaint_rate"]) == (11, 3, "66.67", 1, 3, "33.33")
    assert (bob["advisor_id"], bob["good_rate"], bob["complaints"], bob["complaint_rate"]) == (12, "0.00", 0, "0.00")
    # the viewer gets the figures; an advisor only their own line beside the site's
    assert call("satisfaction_report", VIEWER, P, period()) == report
    mine = call("satisfaction_report", BOB, P, period())
    assert [a["advisor_id"] for a in mine["advisors"]] == [12] and mine["site"] == report["site"]


def test_the_period_is_in_shanghai_days_and_empty_periods_have_no_rates(call, crm_config):
    customer = register(call, ALICE, "13800000030")
    call("record_survey", ASSISTANT, customer["id"], {"score": 5})
    # recorded at 23:30 Shanghai two days ago: in that day, not the next
    two_days_ago = today() - timedelta(days=2)
    at = datetime.combine(two_days_ago, datetime.min.time(), SHANGHAI) + timedelta(hours=23, minutes=30)
    db_write(crm_config, update(Survey).values(at=at))
    db_write(crm_config, update(DealCustomer).values(subscribed_at=at))
    day = {"from": two_days_ago.isoformat(), "to": two_days_ago.isoformat()}
    assert call("satisfaction_report", MANAGER, P, day)["site"]["surveys"] == 1
    empty = call("satisfaction_report", MANAGER, P, period())
    assert empty["site"] == {"surveys": 0, "good": 0, "good_rate": None, "average_score": None, "complaints": 0,
                             "deals": 0, "complaint_rate": None} and empty["advisors"] == []
    with pytest.raises(Invalid):
        call("satisfaction_report", MANAGER, P, {"from": "2026-05-02", "to": "2026-05-01"})
    with pytest.raises(Invalid):
        call("satisfaction_report", MANAGER, P, {"from": "2024-01-01", "to": "2026-01-01"})
    assert Decimal(call("satisfaction_report", MANAGER, P, period(3))["site"]["good_rate"]) == 100
