"""Report figures through the real entrypoint: 认购 approved and 签约 of a period per advisor
with count, area and amount, from the deals' status history; scope and roles."""
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import insert

from loupan.errors import Forbidden
from loupan.testing import db_write
from loupan.types import SHANGHAI
from services.contracts.models import Contract, Deal, DealHistory
from services.contracts.tests.conftest import actor

P = 31
DAY = date(2026, 11, 20)
DAY_PERIOD = {"from": "2026-11-20", "to": "2026-11-20"}


def at(day, hour):
    return datetime.combine(day, time(hour), SHANGHAI)


def deal(config, deal_id, advisor_id, price, area, moves, contract_price=None, project_id=P):
    """A deal with its history of (from, to, instant), and a contract when it was signed."""
    db_write(config, insert(Deal).values(
        id=deal_id, agency_id=1, project_id=project_id, unit_id=deal_id, status=moves[-1][1],
        customer_name="王五", customer_phone="13800000000", advisor_id=advisor_id, gross_area=Decimal(area),
        price=Decimal(price), deposit=Decimal("50000.00"), payment_method="full"))
    for from_status, to_status, instant in moves:
        db_write(config, insert(DealHistory).values(deal_id=deal_id, from_status=from_status, to_status=to_status,
                                                    at=instant))
    if contract_price is not None:
        db_write(config, insert(Contract).values(
            agency_id=1, project_id=project_id, deal_id=deal_id, contract_no=f"HT{deal_id}", status="signed",
            price=Decimal(contract_price), payment_method="full", signed_on=DAY))


def test_subscriptions_and_contracts_of_the_period_per_advisor(call, contracts_config):
    deal(contracts_config, 1, 7, "3000000.00", "100.00", [("pending", "submitted", at(DAY, 9)),
                                                          ("submitted", "subscribed", at(DAY, 10))])
    deal(contracts_config, 2, 7, "2000000.00", "80.50", [("submitted", "subscribed", at(DAY, 23)),
                                                         ("subscribed", "signed", at(DAY, 23))], "1990000.00")
    deal(contracts_config, 3, 8, "1000000.00", "60.00", [("submitted", "subscribed", at(date(2026, 11, 19), 23)),
                                                         ("subscribed", "signed", at(DAY, 1))], "1000000.00")
    deal(contracts_config, 4, 8, "9000000.00", "200.00", [("submitted", "rejected", at(DAY, 11))])
    deal(contracts_config, 5, 8, "9000000.00", "200.00", [("submitted", "subscribed", at(DAY, 11))], project_id=P + 1)
    figures = call("report_figures", actor(), P, DAY_PERIOD)
    assert figures["subscriptions"] == [{"advisor_id": 7, "count": 2, "area": "180.50", "amount": "5000000.00"}]
    assert figures["contracts"] == [{"advisor_id": 7, "count": 1, "area": "80.50", "amount": "1990000.00"},
                                    {"advisor_id": 8, "count": 1, "area": "60.00", "amount": "1000000.00"}]
    week = call("report_figures", actor(role="developer_viewer", project_ids=[P]), P,
                {"from": "2026-11-16", "to": "2026-11-22"})
    assert [(r["advisor_id"], r["count"]) for r in week["subscriptions"]] == [(7, 2), (8, 1)]


def test_another_project_or_a_role_without_reports_is_refused(call):
    with pytest.raises(Forbidden):
        call("report_figures", actor(role="manager", project_ids=[P + 1]), P, DAY_PERIOD)
    with pytest.raises(Forbidden):
        call("report_figures", actor(role="hr"), P, DAY_PERIOD)
