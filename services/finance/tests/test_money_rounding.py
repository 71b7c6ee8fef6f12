"""docs/money.md: one rounding rule per kind of amount, held here on the amounts where the
rule decides the cent (each case is one where another rule would give another answer)."""
from datetime import date
from decimal import Decimal
from pathlib import Path

from loupan.types import to_decimal2
from services.finance import commission_rules, schedule_rules
from services.finance.mortgage_quote_rules import quote

D = Decimal
DOC = Path(__file__).resolve().parents[3] / "docs" / "money.md"


def test_the_rules_are_written_down_once_and_linked():
    text = DOC.read_text(encoding="utf-8")
    for words in ("half-up (四舍五入) to the cent once", "the last line takes the remainder", "rounded **up**"):
        assert words in text
    assert "docs/money.md" in (DOC.parent / "architecture.md").read_text(encoding="utf-8")


def test_displayed_money_rounds_half_up_not_half_even():
    # x.xx5 exactly: half-even would go to the even cent below
    assert to_decimal2("0.125") == D("0.13") and schedule_rules.cents("0.125") == D("0.13")
    assert commission_rules.cents(D("0.125")) == D("0.13")
    assert commission_rules.agency_fee(D("1012.50"), D("1")) == D("10.13")  # 10.125
    assert quote(D("100.14"), 1, D("0"), "equal_instalment")["monthly_payment"] == D("8.35")  # 8.345


def test_displayed_totals_come_from_the_exact_figures_not_the_rounded_ones():
    q = quote(D("100.14"), 1, D("0"), "equal_instalment")
    assert q["total_paid"] == D("100.14") != 12 * q["monthly_payment"]


def test_schedules_split_down_and_the_last_line_takes_the_remainder():
    assert schedule_rules.split_equal(D("100.00"), 3) == [D("33.33"), D("33.33"), D("33.34")]
    assert schedule_rules.split_equal(D("100.02"), 3) == [D("33.34"), D("33.34"), D("33.34")]
    terms = schedule_rules.Terms()
    lines = schedule_rules.derive(D("1000000.00"), D("50000.00"), "instalments", None, date(2026, 10, 1), terms)
    assert sum(line.amount for line in lines) == D("1000000.00")
    assert [line.amount for line in lines if line.kind == "instalment"] == [D("233333.33"), D("233333.33"),
                                                                            D("233333.34")]
    q = quote(D("1000000"), 30, D("4.9"), "equal_principal")["schedule"]
    assert q[0]["principal"] == D("2777.77") and q[-1]["principal"] == D("2780.57")
    assert sum(line["principal"] for line in q) == D("1000000.00")


def test_minimums_round_up():
    # 30 % of 1,000,000.01 is 300,000.003: the buyer's part may not fall below it
    assert schedule_rules.minimum_down(D("1000000.01"), D("30")) == D("300000.01")
