"""渠道效果's commission through finance's entrypoint (issue 19), on SQLite and PostgreSQL: per
channel, the 结佣对账单 issued in the period (never a draft) and the commission they bill; the
report's readers only (reports.channels)."""
import calendar
from datetime import timedelta

import pytest

from loupan.errors import Forbidden
from loupan.testing import wait_until
from loupan.types import today  # the agency's day (Asia/Shanghai), as finance dates what it issues
from services.finance.tests.conftest import actor
from services.finance.tests.test_channel_commission import MARCH, CHANNEL, attributed, channel_deal, signed
from services.finance.tests.test_schedules import CASHIER, DIRECTOR, MANAGER, P1

pytestmark = pytest.mark.sqlite

SUPERVISOR = actor(7, "supervisor", [P1])
OTHER = 42
DAY = today()
MONTH = {"from": DAY.replace(day=1).isoformat(),
         "to": DAY.replace(day=calendar.monthrange(DAY.year, DAY.month)[1]).isoformat()}
BEFORE = {"from": (DAY.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat(),
          "to": (DAY.replace(day=1) - timedelta(days=1)).isoformat()}


def test_the_commission_billed_is_the_statements_issued_in_the_period(call, finance_config):
    call("put_channel_billing", CASHIER, P1, {"billable_when": "signed"})
    for channel_id in (CHANNEL, OTHER):
        call("add_channel_terms", DIRECTOR, P1, {"channel_id": channel_id, "effective_from": "2026-01-01",
                                                 "kind": "per_unit", "amount": "8000.00"})
    attributed(finance_config, customer_id=701, report_id=9701)
    signed(finance_config, 81, customer_id=701)
    attributed(finance_config, customer_id=702, report_id=9702, channel_id=OTHER)
    signed(finance_config, 82, customer_id=702)
    wait_until(lambda: channel_deal(finance_config, 81) and channel_deal(finance_config, 82), what="channel deals")
    issued = call("draw_channel_statement", CASHIER, P1, MARCH)
    call("issue_channel_statement", CASHIER, issued["id"])
    call("draw_channel_statement", CASHIER, P1, dict(MARCH, channel_id=OTHER))  # a draft bills nothing

    figures = call("channel_commission_figures", SUPERVISOR, P1, MONTH)
    assert (figures["project_id"], figures["from"], figures["to"]) == (P1, MONTH["from"], MONTH["to"])
    assert figures["channels"] == [{"channel_id": CHANNEL, "channel_name": "链家分销", "statements": 1,
                                    "billed": "8000.00"}]
    assert call("channel_commission_figures", MANAGER, P1, BEFORE)["channels"] == []  # issued this month
    for who in (CASHIER, actor(4, "advisor", [P1])):  # finance reads 分销佣金 itself, not this report
        with pytest.raises(Forbidden):
            call("channel_commission_figures", who, P1, MONTH)
