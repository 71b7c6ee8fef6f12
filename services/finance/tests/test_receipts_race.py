"""收款 at the same moment, on PostgreSQL with real concurrent workers: whatever the
interleaving, the deal never takes more than is due and the receipt numbers have no gaps."""
from decimal import Decimal

import pytest
from loupan.testing import cluster_rpc
from sqlalchemy import select

from loupan.errors import DomainError
from loupan.testing import db_rows
from services.finance.models import Receipt, ScheduleLine
from services.finance.tests.test_schedules import CASHIER, P1, subscribe

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def test_eight_cashiers_at_once_never_overpay_a_deal_and_leave_no_gap_in_the_numbers(finance, finance_config):
    subscribe(finance_config, 51, price="100.00", deposit="30.00")
    with cluster_rpc(finance_config) as rpc:
        replies = [rpc.finance.record_receipt.call_async(CASHIER, 51, {"amount": "20.00", "method": "cash"})
                   for _ in range(8)]
        outcomes = []
        for reply in replies:
            try:
                outcomes.append(reply.result()["receipt_no"])
            except DomainError as exc:
                outcomes.append(exc.code)
    numbers = sorted(o for o in outcomes if o.startswith("SK-"))
    assert len(numbers) == 5
    assert set(outcomes) - set(numbers) <= {"OVERPAYMENT", "SCHEDULE_BUSY"}
    assert numbers == [f"SK-{P1}-{n:06d}" for n in range(1, 6)]
    assert [r.amount for r in db_rows(finance_config, select(Receipt.amount))] == [Decimal("20.00")] * 5
    lines = db_rows(finance_config, select(ScheduleLine.paid, ScheduleLine.status).order_by(ScheduleLine.seq))
    assert lines == [(Decimal("30.00"), "paid"), (Decimal("70.00"), "paid")]
