"""渠道效果's distribution figures through crm's entrypoint (issue 19), on SQLite and PostgreSQL:
per channel company active on the project (and the 全民经纪人 as one row) the 报备 filed, the
带看 verified and the 认购 of the customers it held at that moment, learnt from contracts'
subscription_approved published onto the real broker."""
import calendar
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from loupan.errors import Forbidden
from loupan.testing import db_rows, publish_event, wait_until
from loupan.types import today
from services.crm.models import CustomerStatusChange
from services.crm.tests.conftest import actor
from services.crm.tests.test_channels import MANAGER, RECEPTION, P, report, setup_channels

pytestmark = pytest.mark.sqlite  # and PostgreSQL
SUPERVISOR = actor(5, "supervisor", [P])
DAY = today()
MONTH = {"from": DAY.replace(day=1).isoformat(),
         "to": DAY.replace(day=calendar.monthrange(DAY.year, DAY.month)[1]).isoformat()}
BEFORE = {"from": (DAY.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat(),
          "to": (DAY.replace(day=1) - timedelta(days=1)).isoformat()}


def subscribed(config, deal_id, customer_id, mobile, occurred_at=None):
    publish_event(config["AMQP_URI"], "subscription_approved", {
        "deal_id": deal_id, "unit_id": 100 + deal_id, "advisor_id": 11, "subscription_id": deal_id,
        "customer_id": customer_id, "customer_name": "客户", "customer_phone": mobile, "price": "3000000.00",
        "payment_method": "full"}, agency_id=1, project_id=P, occurred_at=occurred_at)
    wait_until(lambda: db_rows(config, select(CustomerStatusChange.id).where(CustomerStatusChange.deal_id == deal_id)),
               what=f"the 认购 of deal {deal_id} in crm")


def visited(call, broker, mobile):
    filed = report(call, broker, mobile=mobile)
    return call("verify_channel_visit", RECEPTION, P, {"code": filed["visit_code"], "mobile": mobile})


def test_each_channel_has_its_reports_visits_and_the_deals_of_the_customers_it_held(call, crm_config):
    (lianjia, beike, zhongyuan), (first, second, _) = setup_channels(call)
    call("update_channel", MANAGER, zhongyuan["id"], {"project_ids": [2]})  # off the project, nothing here
    own = call("create_broker", MANAGER, {"channel_id": None, "name": "业主张三", "mobile": "13911112222"})
    brought = visited(call, first, "13812340001")
    subscribed(crm_config, 1, brought["visit"]["customer_id"], "13812340001")
    early = visited(call, first, "13812340002")  # subscribed before the channel brought them: the site's deal
    subscribed(crm_config, 2, early["visit"]["customer_id"], "13812340002",
               occurred_at=datetime.fromisoformat(early["report"]["visited_at"]) - timedelta(minutes=1))
    report(call, second, mobile="13812340003")  # 贝壳 reported, nobody came
    mine = visited(call, own, "13812340004")
    subscribed(crm_config, 4, mine["visit"]["customer_id"], "13812340004")
    subscribed(crm_config, 5, None, "13812340005")  # a walk-in of the site's own

    figures = call("channel_figures", SUPERVISOR, P, MONTH)
    assert (figures["project_id"], figures["from"], figures["to"]) == (P, MONTH["from"], MONTH["to"])
    rows = [(r["channel_name"], r["individual"], r["reports"], r["visits"], r["deals"]) for r in figures["channels"]]
    assert rows == [("贝壳", False, 1, 0, 0), ("链家", False, 2, 2, 1), ("全民经纪人", True, 1, 1, 1)]
    individual = figures["channels"][-1]["channel_id"]
    assert individual is not None and individual not in {lianjia["id"], beike["id"], zhongyuan["id"]}
    # the month before: the channels on the project and the 全民经纪人, with nothing
    assert [(r["channel_name"], r["reports"], r["visits"], r["deals"])
            for r in call("channel_figures", SUPERVISOR, P, BEFORE)["channels"]] == [
        ("贝壳", 0, 0, 0), ("链家", 0, 0, 0), ("全民经纪人", 0, 0, 0)]
    for who in (RECEPTION, actor(11, "advisor", [P])):  # the report's readers only (reports.channels)
        with pytest.raises(Forbidden):
            call("channel_figures", who, P, MONTH)

