"""销售漏斗 through the crm service on both databases: visits, new leads, A grades and deals
counted in their Asia/Shanghai day, by day, advisor and channel; who may read it."""
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import insert

from loupan.errors import Forbidden, Invalid
from loupan.testing import db_write
from loupan.types import SHANGHAI
from loupan.types import today as today_in_shanghai
from services.crm.models import CustomerGrade, CustomerStatusChange
from services.crm.tests.conftest import actor

P = 7
ADVISOR = actor(11, "advisor", [P])
OTHER = actor(12, "advisor", [P])
MANAGER = actor(40, "manager", [P])
VIEWER = actor(90, "developer_viewer", [P])


def instant(day, hour):
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(timezone.utc)


@pytest.fixture
def facts(call, crm_config):
    """Today: 11 has two customers' visits (one new online lead graded A, later subscribed
    and signed), 12 has one walk-in lead; a 市调 visit (not a customer's) and an A grade
    given yesterday stay out."""
    today = today_in_shanghai()
    wang = call("register_visit", ADVISOR, P, {"advisor_id": 11, "mobile": "13800138000", "customer_name": "王先生",
                                               "channel": "online"})
    call("register_visit", ADVISOR, P, {"advisor_id": 11})
    call("register_visit", ADVISOR, P, {"visitor_kind": "market_researcher"})
    li = call("register_call", OTHER, P, {"mobile": "13900139000", "customer_name": "李女士", "channel": "walk_in"})
    call("update_customer", MANAGER, wang["customer_id"], {"grade": "A", "grade_reason": "看了两次"})
    db_write(crm_config, insert(CustomerGrade).values(customer_id=li["customer_id"], grade="A",
                                                      at=instant(today - timedelta(days=1), 23)))
    for status, hour in (("subscribed", 0), ("signed", 1)):
        db_write(crm_config, insert(CustomerStatusChange).values(
            agency_id=1, project_id=P, customer_id=wang["customer_id"], advisor_id=11, from_status="lead",
            to_status=status, deal_id=5, at=instant(today, hour)))
    return today


def funnel(call, who, by, first, last=None):
    return call("get_funnel", who, P, {"from": first.isoformat(), "to": (last or first).isoformat(), "by": by})


def counts(row):
    return tuple(row[c] for c in ("visits", "new_leads", "a_grade", "subscribed", "signed"))


def test_by_advisor(call, facts):
    result = funnel(call, MANAGER, "advisor", facts)
    assert [(r["advisor_id"], counts(r)) for r in result["rows"]] == [(11, (2, 1, 1, 1, 1)), (12, (0, 1, 0, 0, 0))]
    assert counts(result["total"]) == (2, 2, 1, 1, 1)


def test_by_channel(call, facts):
    rows = funnel(call, MANAGER, "channel", facts)["rows"]
    assert [(r["key"], counts(r)) for r in rows] == [("online", (1, 1, 1, 1, 1)), ("walk_in", (1, 1, 0, 0, 0))]


def test_by_day_lists_every_day_of_the_period(call, facts):
    result = funnel(call, VIEWER, "day", facts - timedelta(days=1), facts)
    assert [(r["day"], counts(r)) for r in result["rows"]] == [
        ((facts - timedelta(days=1)).isoformat(), (0, 0, 1, 0, 0)), (facts.isoformat(), (2, 2, 1, 1, 1))]
    assert (result["from"], result["to"], result["by"]) == ((facts - timedelta(days=1)).isoformat(),
                                                            facts.isoformat(), "day")


def test_who_may_read_and_bad_periods(call):
    today = today_in_shanghai()
    with pytest.raises(Forbidden):
        funnel(call, actor(91, "finance", [P]), "day", today)
    with pytest.raises(Forbidden):
        funnel(call, actor(92, "manager", [P + 1]), "day", today)
    with pytest.raises(Invalid):
        funnel(call, MANAGER, "day", today, today - timedelta(days=1))
    with pytest.raises(Invalid):
        funnel(call, MANAGER, "week", today)
    with pytest.raises(Invalid):
        call("get_funnel", MANAGER, P, {"to": today.isoformat()})
