"""Upgrading a database in which two contracts of a project already share a 网签 number: the
migration that makes the numbers unique (c14numbers) stops before changing anything and names
the contracts to correct; once corrected, the upgrade goes through."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from loupan.migrate import upgrade
from loupan.types import utcnow
from loupan.uow import make_engine
from services.contracts.models import Contract, Deal

pytestmark = pytest.mark.sqlite

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def _deal_with_contract(conn, unit_id, number):
    deal_id = conn.execute(insert(Deal).values(
        agency_id=1, project_id=7, unit_id=unit_id, unit_label=f"1号楼-{unit_id}", status="signed",
        customer_name="张三", customer_phone="13812345678", advisor_id=11, price=Decimal("2900000.00"),
        deposit=Decimal("50000.00"), payment_method="full", list_price=Decimal("3000000.00"),
        subscribed_on=date(2026, 1, 5), created_at=utcnow(), updated_at=utcnow())).inserted_primary_key[0]
    conn.execute(insert(Contract).values(
        agency_id=1, project_id=7, deal_id=deal_id, contract_no=f"HT-{unit_id}", status="signed",
        price=Decimal("2900000.00"), payment_method="full", signed_on=date(2026, 1, 6),
        online_signing_no=number, online_signed_on=date(2026, 1, 7)))
    return deal_id


def test_shared_numbers_stop_the_upgrade_naming_the_deals(database_url):
    upgrade(MIGRATIONS, database_url, "c13dates")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            first, second = _deal_with_contract(conn, 101, "WQ-1"), _deal_with_contract(conn, 102, "WQ-1")
            _deal_with_contract(conn, 103, "WQ-2")
        with pytest.raises(RuntimeError) as stopped:
            upgrade(MIGRATIONS, database_url)
        assert f"deal {first}" in str(stopped.value) and f"deal {second}" in str(stopped.value)
        assert "'WQ-1'" in str(stopped.value) and "WQ-2" not in str(stopped.value)

        with engine.begin() as conn:  # the office corrects the typo, then upgrades again
            conn.execute(update(Contract).where(Contract.deal_id == second).values(online_signing_no="WQ-3"))
        upgrade(MIGRATIONS, database_url)
        with engine.connect() as conn:
            assert sorted(conn.execute(select(Contract.online_signing_no)).scalars()) == ["WQ-1", "WQ-2", "WQ-3"]
    finally:
        engine.dispose()
