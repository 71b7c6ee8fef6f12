"""Agency commission (结佣) and staff commission (提成) through the real finance entrypoints on
SQLite and PostgreSQL. The core rows (deal accounts, schedule lines, receipts, allocations)
are written straight into the database to set up each state, as finance-money would."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from loupan.errors import Forbidden, Invalid, NotFound, RuleViolated, Conflict
from loupan.testing import db_write
from services.finance.models import Allocation, DealAccount, Receipt, ScheduleLine
from services.finance.tests.conftest import actor

P1, P2 = 201, 202
MANAGER = actor(2, "manager", [P1])
FINANCE = actor(3, "finance", [P1])
DEVELOPER = actor(4, "developer_viewer", [P1])
OTHER_DEVELOPER = actor(5, "developer_viewer", [P2])
A1, A2, SUP = 11, 12, 21
TERMS = {"base_rate": "1.0", "total_units": 4, "billable_when": "signed_and_down_payment",
         "tiers": [{"from_ratio": "0", "rate": "1.0"}, {"from_ratio": "0.5", "rate": "1.5"}]}
RULES = {"rules": [{"role": "advisor", "kind": "percent", "rate": "0.5"},
                   {"role": "supervisor", "account_ids": [SUP], "override_rate": "0.1"}]}


def seed(config, *rows):
    engine = create_engine(config["DATABASE_URL"])
    try:
        with Session(engine) as session:
            for row in rows:
                session.add(row)
                session.flush()
            session.commit()
    finally:
        engine.dispose()


def deal(config, deal_id, price, advisor_id=A1, signed_on=date(2026, 3, 5), project_id=P1):
    """A signed mortgage deal: deposit 50 000, down payment 30 % − deposit, mortgage the rest."""
    price = Decimal(price)
    down = price * Decimal("0.3") - 50000
    seed(config, DealAccount(deal_id=deal_id, agency_id=1, project_id=project_id, unit_id=deal_id,
                             unit_label=f"1-{deal_id}", advisor_id=advisor_id, price=price, deposit=50000,
                             payment_method="commercial_mortgage", status="signed", subscribed_on=signed_on,
                             signed_on=signed_on),
         *[ScheduleLine(id=deal_id * 10 + seq, deal_id=deal_id, seq=seq, kind=kind, due_on=signed_on,
                        amount=amount) for seq, kind, amount in
           ((1, "deposit", Decimal(50000)), (2, "down_payment", down), (3, "mortgage", price - 50000 - down))])


def pay(config, deal_id, receipt_id, amount, on, line_seq, project_id=P1):
    """A receipt allocated to one line of the deal."""
    seed(config, Receipt(id=receipt_id, agency_id=1, project_id=project_id, deal_id=deal_id,
                         receipt_no=f"SK-{receipt_id}", amount=Decimal(amount), method="transfer", payer="买家",
                         received_on=on, recorded_by=3),
         Allocation(receipt_id=receipt_id, line_id=deal_id * 10 + line_seq, amount=Decimal(amount)))


def pay_down(config, deal_id, price, on=date(2026, 3, 10)):
    """Deposit and down payment in full (30 % of the price)."""
    pay(config, deal_id, deal_id * 100 + 1, "50000", on, 1)
    pay(config, deal_id, deal_id * 100 + 2, str(Decimal(price) * Decimal("0.3") - 50000), on, 2)


def refund(config, receipt_id, on):
    db_write(config, update(Receipt).where(Receipt.id == receipt_id).values(
        status="refunded", ended_by=2, ended_at=datetime(on.year, on.month, on.day, 4, tzinfo=timezone.utc)))


def cancel(config, deal_id, on):
    db_write(config, update(DealAccount).where(DealAccount.deal_id == deal_id)
             .values(status="cancelled", cancelled_on=on))
    db_write(config, update(ScheduleLine).where(ScheduleLine.deal_id == deal_id, ScheduleLine.status == "open")
             .values(status="closed"))


def raises(exc, code, fn, *args):
    with pytest.raises(exc) as info:
        fn(*args)
    assert info.value.code == code, info.value
    return info.value


# agency commission -------------------------------------------------------------------------
def test_agency_terms_are_set_by_managers_and_read_by_the_developer(call):
    raises(Forbidden, "ROLE_FORBIDDEN", call, "put_agency_terms", FINANCE, P1, TERMS)
    raises(Forbidden, "PROJECT_FORBIDDEN", call, "put_agency_terms", MANAGER, P2, TERMS)
    raises(NotFound, "AGENCY_TERMS_NOT_FOUND", call, "get_agency_terms", DEVELOPER, P1)
    raises(Invalid, "VALIDATION_ERROR", call, "put_agency_terms", MANAGER, P1, dict(TERMS, base_rate=1.5))
    raises(Invalid, "VALIDATION_ERROR", call, "put_agency_terms", MANAGER, P1, dict(TERMS, billable_when="never"))
    saved = call("put_agency_terms", MANAGER, P1, TERMS)
    assert saved["tiers"][1] == {"from_ratio": "0.5", "rate": "1.5"} and saved["set_by"] == 2
    again = call("put_agency_terms", MANAGER, P1, dict(TERMS, base_rate="1.1"))
    assert call("get_agency_terms", DEVELOPER, P1)["base_rate"] == again["base_rate"] == "1.1"
    raises(Forbidden, "PROJECT_FORBIDDEN", call, "get_agency_terms", OTHER_DEVELOPER, P1)


def test_a_statement_bills_deals_whose_down_payment_is_in_and_reverses_them_once_cancelled(call, finance_config):
    config = finance_config
    raises(RuleViolated, "NO_AGENCY_TERMS", call, "issue_agency_statement", FINANCE, P1,
           {"period_from": "2026-03-01", "period_to": "2026-03-31"})
    call("put_agency_terms", MANAGER, P1, TERMS)
    deal(config, 1, "1000000")
    deal(config, 2, "2000000", advisor_id=A2)
    deal(config, 3, "3000000", signed_on=date(2026, 4, 2))
    pay_down(config, 1, "1000000")
    pay(config, 2, 201, "50000", date(2026, 3, 10), 1)  # deposit only: not billable yet
    pay_down(config, 3, "3000000", on=date(2026, 4, 3))
    raises(RuleViolated, "PERIOD_NOT_OVER", call, "issue_agency_statement", FINANCE, P1,
           {"period_from": "2026-03-01", "period_to": "2099-03-31"})
    raises(Forbidden, "ROLE_FORBIDDEN", call, "issue_agency_statement", DEVELOPER, P1,
           {"period_from": "2026-03-01", "period_to": "2026-03-31"})

    march = call("issue_agency_statement", FINANCE, P1, {"period_from": "2026-03-01", "period_to": "2026-03-31"})
    # 2 of 4 units signed by 31 March: sell-through 0.5, the 1.5 % tier
    assert (march["number"], march["signed_units"], march["sell_through"], march["rate"]) == (1, 2, "0.5000", "1.5")
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in march["lines"]] == [(1, "fee", "15000.00")]
    assert march["total"] == "15000.00"
    raises(RuleViolated, "NOTHING_TO_SETTLE", call, "issue_agency_statement", FINANCE, P1,
           {"period_from": "2026-03-01", "period_to": "2026-03-31"})

    pay(config, 2, 202, "550000", date(2026, 4, 20), 2)
    cancel(config, 1, date(2026, 4, 25))
    april = call("issue_agency_statement", FINANCE, P1, {"period_from": "2026-04-01", "period_to": "2026-04-30"})
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in april["lines"]] == [
        (1, "reversal", "-15000.00"), (2, "fee", "30000.00"), (3, "fee", "45000.00")]
    assert april["total"] == "60000.00" and april["signed_units"] == 2
    raises(RuleViolated, "PERIOD_BEFORE_LAST", call, "issue_agency_statement", FINANCE, P1,
           {"period_from": "2026-03-01", "period_to": "2026-03-31"})

    listed = call("list_agency_statements", DEVELOPER, P1)
    assert [s["number"] for s in listed] == [1, 2] and listed[0] == march
    assert call("get_agency_statement", DEVELOPER, april["id"]) == april
    raises(Forbidden, "PROJECT_FORBIDDEN", call, "get_agency_statement", OTHER_DEVELOPER, april["id"])
    raises(NotFound, "AGENCY_STATEMENT_NOT_FOUND", call, "get_agency_statement", FINANCE, 999)


def test_a_refund_before_the_period_end_makes_a_deal_unbillable(call, finance_config):
    config = finance_config
    call("put_agency_terms", MANAGER, P1, dict(TERMS, billable_when="signed_and_down_payment"))
    deal(config, 1, "1000000")
    pay_down(config, 1, "1000000")
    refund(config, 102, date(2026, 3, 20))
    raises(RuleViolated, "NOTHING_TO_SETTLE", call, "issue_agency_statement", FINANCE, P1,
           {"period_from": "2026-03-01", "period_to": "2026-03-31"})
    # billed on signing alone, it goes through
    call("put_agency_terms", MANAGER, P1, dict(TERMS, billable_when="signed"))
    statement = call("issue_agency_statement", FINANCE, P1, {"period_from": "2026-03-01", "period_to": "2026-03-31"})
    assert [x["amount"] for x in statement["lines"]] == ["10000.00"]  # 1 of 4 units: base tier


# staff commission --------------------------------------------------------------------------
def test_commission_rules_are_validated_and_set_by_managers(call):
    raises(Forbidden, "ROLE_FORBIDDEN", call, "put_commission_rules", FINANCE, P1, RULES)
    bad = [{"rules": [{"role": "advisor", "kind": "percent"}]},
           {"rules": [{"role": "supervisor", "override_rate": "0.1"}]},
           {"rules": [{"role": "advisor", "override_rate": "0.1"}]},
           {"rules": [{"role": "advisor", "kind": "tiered", "monthly_target": "100", "tiers": []}]},
           {"rules": [{"role": "advisor", "kind": "per_unit", "amount": "1"},
                      {"role": "advisor", "kind": "per_unit", "amount": "2"}]},
           {"rules": [{"role": "advisor", "kind": "percent", "rate": "120"}]}]
    for body in bad:
        raises(Invalid, "VALIDATION_ERROR", call, "put_commission_rules", MANAGER, P1, body)
    saved = call("put_commission_rules", MANAGER, P1, RULES)
    assert saved["rules"][1]["override_rate"] == "0.1" and saved["rules"][1]["account_ids"] == [SUP]
    assert call("get_commission_rules", actor(A1, "advisor", [P1]), P1)["rules"] == saved["rules"]


def test_monthly_statements_accrue_on_collected_money_and_claw_back_a_cancelled_deal(call, finance_config):
    config = finance_config
    raises(RuleViolated, "NO_COMMISSION_RULES", call, "issue_commission_statements", FINANCE, P1, "2026-03")
    call("put_commission_rules", MANAGER, P1, RULES)
    deal(config, 1, "1000000")
    deal(config, 2, "2000000", advisor_id=A2)
    pay_down(config, 1, "1000000")  # 300 000 of 1 000 000 collected
    pay(config, 2, 201, "50000", date(2026, 3, 10), 1)
    raises(Invalid, "VALIDATION_ERROR", call, "issue_commission_statements", FINANCE, P1, "2026-3")
    raises(RuleViolated, "MONTH_NOT_OVER", call, "issue_commission_statements", FINANCE, P1, "2099-03")

    march = call("issue_commission_statements", FINANCE, P1, "2026-03")
    lines = {(s["account_id"], x["deal_id"]): (x["kind"], x["amount"]) for s in march["statements"] for x in s["lines"]}
    assert lines == {(A1, 1): ("accrual", "1500.00"), (A2, 2): ("accrual", "250.00"),
                     (SUP, 1): ("accrual", "300.00"), (SUP, 2): ("accrual", "50.00")}
    assert march["total"] == "2100.00"
    raises(Conflict, "COMMISSION_MONTH_ISSUED", call, "issue_commission_statements", FINANCE, P1, "2026-03")

    pay(config, 1, 103, "700000", date(2026, 4, 15), 3)  # the mortgage: deal 1 fully collected
    refund(config, 201, date(2026, 4, 2))  # deal 2's deposit refunded
    cancel(config, 2, date(2026, 4, 3))
    april = call("issue_commission_statements", FINANCE, P1, "2026-04")
    lines = {(s["account_id"], x["deal_id"]): (x["kind"], x["amount"], x["due"])
             for s in april["statements"] for x in s["lines"]}
    assert lines == {(A1, 1): ("accrual", "3500.00", "5000.00"), (SUP, 1): ("accrual", "700.00", "1000.00"),
                     (A2, 2): ("clawback", "-250.00", "0.00"), (SUP, 2): ("clawback", "-50.00", "0.00")}
    raises(RuleViolated, "LATER_MONTH_STATED", call, "issue_commission_statements", FINANCE, P1, "2026-02")

    # nothing changed since: May states nothing
    assert call("issue_commission_statements", FINANCE, P1, "2026-05")["statements"] == []
    everything = call("list_commission_statements", FINANCE, {"project_id": P1})
    totals = {}
    for statement in everything:
        totals[statement["account_id"]] = totals.get(statement["account_id"], 0) + Decimal(statement["total"])
    assert totals == {A1: Decimal("5000.00"), A2: 0, SUP: Decimal("1000.00")}


def test_advisors_and_supervisors_read_only_their_own_statements(call, finance_config):
    config = finance_config
    call("put_commission_rules", MANAGER, P1, RULES)
    deal(config, 1, "1000000")
    deal(config, 2, "2000000", advisor_id=A2)
    pay_down(config, 1, "1000000")
    pay_down(config, 2, "2000000")
    call("issue_commission_statements", FINANCE, P1, "2026-03")
    advisor = actor(A1, "advisor", [P1])
    own = call("list_commission_statements", advisor, {})
    assert [(s["account_id"], s["month"], s["total"]) for s in own] == [(A1, "2026-03", "1500.00")]
    assert call("list_commission_statements", advisor, {"account_id": A1, "month": "2026-03"}) == own
    raises(Forbidden, "NOT_YOUR_STATEMENT", call, "list_commission_statements", advisor, {"account_id": A2})
    supervisor = actor(SUP, "supervisor", [P1])
    assert [s["account_id"] for s in call("list_commission_statements", supervisor, {})] == [SUP]
    assert len(call("list_commission_statements", MANAGER, {"month": "2026-03"})) == 3
    assert call("list_commission_statements", actor(6, "manager", [P2]), {}) == []
    raises(Forbidden, "ROLE_FORBIDDEN", call, "list_commission_statements", DEVELOPER, {})
    raises(Forbidden, "ROLE_FORBIDDEN", call, "issue_commission_statements", advisor, P1, "2026-04")
