"""销售费用 through the real finance entrypoints on SQLite and PostgreSQL: budgets, actuals,
budget against actual, ratio to sales and spend per channel."""
from datetime import date

import pytest

from loupan.errors import Forbidden, Invalid
from services.finance.models import DealAccount
from services.finance.tests.conftest import actor
from services.finance.tests.test_commission_service import seed

P1, P2 = 301, 302
MANAGER = actor(2, "manager", [P1])
FINANCE = actor(3, "finance", [P1])
ASSISTANT = actor(4, "assistant", [P1])
BUDGET = {"lines": [{"category": "advertising", "channel": "online", "medium": "抖音", "amount": "50000"},
                    {"category": "advertising", "channel": "outdoor", "medium": "地铁灯箱", "amount": "30000"},
                    {"category": "events", "amount": "20000"}]}


def raises(exc, code, fn, *args):
    with pytest.raises(exc) as info:
        fn(*args)
    assert info.value.code == code, info.value


def test_budget_against_actuals_and_the_ratio_to_sales(call, finance_config):
    raises(Forbidden, "ROLE_FORBIDDEN", call, "put_expense_budget", FINANCE, P1, "2026-05", BUDGET)
    raises(Forbidden, "PROJECT_FORBIDDEN", call, "put_expense_budget", MANAGER, P2, "2026-05", BUDGET)
    raises(Invalid, "VALIDATION_ERROR", call, "put_expense_budget", MANAGER, P1, "2026-13", BUDGET)
    raises(Invalid, "VALIDATION_ERROR", call, "put_expense_budget", MANAGER, P1, "2026-05",
           {"lines": [{"category": "site", "channel": "online", "amount": "1"}]})
    raises(Invalid, "VALIDATION_ERROR", call, "put_expense_budget", MANAGER, P1, "2026-05",
           {"lines": [BUDGET["lines"][2], BUDGET["lines"][2]]})
    call("put_expense_budget", MANAGER, P1, "2026-05", {"lines": [{"category": "site", "amount": "999"}]})
    budget = call("put_expense_budget", MANAGER, P1, "2026-05", BUDGET)  # replaces the first
    assert budget["total"] == "100000.00" and len(budget["lines"]) == 3

    raises(Forbidden, "ROLE_FORBIDDEN", call, "record_expense", MANAGER, P1,
           {"month": "2026-05", "category": "events", "amount": "1"})
    raises(Invalid, "VALIDATION_ERROR", call, "record_expense", FINANCE, P1,
           {"month": "2026-05", "category": "events", "amount": "0"})
    spent = [("advertising", "online", "抖音", "40000.50"), ("advertising", "online", "朋友圈", "12000"),
             ("advertising", "", "", "1000"), ("events", "", "", "15000"), ("staff", "", "", "3000")]
    for category, channel, medium, amount in spent:
        row = call("record_expense", ASSISTANT, P1, {"month": "2026-05", "category": category, "channel": channel,
                                                   "medium": medium, "amount": amount, "note": "发票"})
    assert row["recorded_by"] == 4 and row["amount"] == "3000.00"
    call("record_expense", FINANCE, P1, {"month": "2026-06", "category": "events", "amount": "777"})

    seed(finance_config,
         DealAccount(deal_id=1, agency_id=1, project_id=P1, unit_id=1, price=3000000, payment_method="full",
                     status="signed", signed_on=date(2026, 5, 3)),
         DealAccount(deal_id=2, agency_id=1, project_id=P1, unit_id=2, price=2000000, payment_method="full",
                     status="cancelled", signed_on=date(2026, 5, 4), cancelled_on=date(2026, 5, 20)),
         DealAccount(deal_id=3, agency_id=1, project_id=P1, unit_id=3, price=1000000, payment_method="full",
                     status="signed", signed_on=date(2026, 6, 1)))
    report = call("get_expense_report", FINANCE, P1, "2026-05")
    categories = {c["category"]: (c["budget"], c["actual"], c["remaining"]) for c in report["categories"]}
    assert categories == {"advertising": ("80000.00", "53000.50", "26999.50"),
                          "events": ("20000.00", "15000.00", "5000.00"), "site": ("0.00", "0.00", "0.00"),
                          "staff": ("0.00", "3000.00", "-3000.00"), "other": ("0.00", "0.00", "0.00")}
    channels = {c["channel"]: (c["budget"], c["actual"]) for c in report["channels"]}
    assert channels == {"": ("0.00", "1000.00"), "online": ("50000.00", "52000.50"),
                        "outdoor": ("30000.00", "0.00")}
    assert (report["total_budget"], report["total_actual"], report["signed_amount"]) == \
        ("100000.00", "71000.50", "3000000.00")
    assert report["ratio_to_sales"] == "0.0237" and len(report["expenses"]) == 5
    assert call("get_expense_report", MANAGER, P1, "2026-04")["ratio_to_sales"] is None

    assert call("channel_spend", actor(5, "supervisor", [P1]), P1, "2026-05") == [
        {"channel": "", "amount": "1000.00"}, {"channel": "online", "amount": "52000.50"}]
    raises(Forbidden, "ROLE_FORBIDDEN", call, "channel_spend", actor(6, "advisor", [P1]), P1, "2026-05")
    raises(Forbidden, "PROJECT_FORBIDDEN", call, "get_expense_report", actor(7, "finance", [P2]), P1, "2026-05")

