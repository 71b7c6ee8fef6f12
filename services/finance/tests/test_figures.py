"""Report figures through the real entrypoint: valid receipts of a period per the deal's
advisor and, among them, the mortgage disbursements; scope and roles."""
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import insert

from loupan.errors import Forbidden
from loupan.testing import db_write
from services.finance.models import DealAccount, Receipt
from services.finance.tests.conftest import actor

P = 41
DAY = date(2026, 11, 20)
DAY_PERIOD = {"from": "2026-11-20", "to": "2026-11-20"}


def account(config, deal_id, advisor_id, project_id=P):
    db_write(config, insert(DealAccount).values(deal_id=deal_id, agency_id=1, project_id=project_id, unit_id=deal_id,
                                                advisor_id=advisor_id, price=Decimal("3000000.00"),
                                                payment_method="commercial_mortgage"))


def receipt(config, deal_id, amount, method="transfer", day=DAY, status="valid", project_id=P):
    db_write(config, insert(Receipt).values(agency_id=1, project_id=project_id, deal_id=deal_id,
                                            receipt_no=f"SK-{deal_id}-{amount}-{method}-{day}", amount=Decimal(amount),
                                            method=method, payer="赵女士", received_on=day, status=status))


def test_receipts_and_disbursements_of_the_period_per_advisor(call, finance_config):
    account(finance_config, 1, 7)
    account(finance_config, 2, 8)
    account(finance_config, 3, 8, project_id=P + 1)
    receipt(finance_config, 1, "50000.00", "cash")
    receipt(finance_config, 1, "2000000.00", "mortgage")
    receipt(finance_config, 1, "100.00", "pos", status="voided")
    receipt(finance_config, 2, "900000.00")
    receipt(finance_config, 2, "1.00", day=date(2026, 11, 21))
    receipt(finance_config, 3, "5.00", project_id=P + 1)
    figures = call("report_figures", actor(role="finance", project_ids=[P]), P, DAY_PERIOD)
    assert figures["receipts"] == [{"advisor_id": 7, "count": 2, "amount": "2050000.00"},
                                   {"advisor_id": 8, "count": 1, "amount": "900000.00"}]
    assert figures["mortgage_disbursements"] == [{"advisor_id": 7, "count": 1, "amount": "2000000.00"}]
    month = call("report_figures", actor(), P, {"from": "2026-11-01", "to": "2026-11-30"})
    assert month["receipts"][1] == {"advisor_id": 8, "count": 2, "amount": "900001.00"}


def test_another_project_or_a_role_without_reports_is_refused(call):
    with pytest.raises(Forbidden):
        call("report_figures", actor(role="manager", project_ids=[P + 1]), P, DAY_PERIOD)
    with pytest.raises(Forbidden):
        call("report_figures", actor(role="hr"), P, DAY_PERIOD)
