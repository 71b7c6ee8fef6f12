"""Statements paid out and previewed (issue 16), through the real finance entrypoints: a 结佣
or 提成 statement is paid once with who and when (409 STATEMENT_PAID after), a correction
being a line of the next statement; the running period is previewed at any time,
provisional and written nowhere."""
from datetime import date, timedelta

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.types import today
from services.finance.tests.conftest import actor
from services.finance.tests.test_commission_service import (A1, A2, DEVELOPER, FINANCE, MANAGER, P1, RULES, SUP,
                                                            TERMS, cancel, deal, pay, pay_down, raises)

MARCH = {"period_from": "2026-03-01", "period_to": "2026-03-31"}


def test_an_agency_statement_is_paid_once_and_the_running_period_is_previewed(call, finance_config):
    call("put_agency_terms", MANAGER, P1, TERMS)
    deal(finance_config, 1, "1000000")
    pay_down(finance_config, 1, "1000000")
    march = call("issue_agency_statement", FINANCE, P1, MARCH)
    assert (march["paid"], march["paid_by"], march["paid_on"], march["provisional"]) == (False, None, None, False)

    raises(Forbidden, "ROLE_FORBIDDEN", call, "pay_agency_statement", DEVELOPER, march["id"], {})
    raises(RuleViolated, "DATE_IN_FUTURE", call, "pay_agency_statement", FINANCE, march["id"],
           {"paid_on": (today() + timedelta(days=1)).isoformat()})
    paid = call("pay_agency_statement", FINANCE, march["id"], {"payment_ref": "HD-0001"})
    assert (paid["paid"], paid["paid_by"], paid["paid_on"], paid["payment_ref"]) == (
        True, 3, today().isoformat(), "HD-0001")
    assert paid["paid_at"] is not None and paid["lines"] == march["lines"]
    again = raises(Conflict, "STATEMENT_PAID", call, "pay_agency_statement", MANAGER, march["id"], {"payment_ref": "x"})
    assert "next statement" in again.message
    assert call("get_agency_statement", DEVELOPER, march["id"])["payment_ref"] == "HD-0001"
    raises(NotFound, "AGENCY_STATEMENT_NOT_FOUND", call, "pay_agency_statement", FINANCE, 999, {})

    # the deal is cancelled this month: the running period's preview shows the reversal now
    cancel(finance_config, 1, today())
    running = {"period_from": "2026-04-01", "period_to": (today() + timedelta(days=20)).isoformat()}
    preview = call("preview_agency_statement", FINANCE, P1, running)
    assert (preview["provisional"], preview["id"], preview["number"], preview["as_of"]) == (
        True, None, None, today().isoformat())
    assert [(x["deal_id"], x["kind"], x["amount"]) for x in preview["lines"]] == [(1, "reversal", "-10000.00")]
    assert [s["number"] for s in call("list_agency_statements", FINANCE, P1)] == [1]  # nothing written
    raises(Forbidden, "ROLE_FORBIDDEN", call, "preview_agency_statement", DEVELOPER, P1, running)
    assert call("get_agency_statement", FINANCE, march["id"]) == paid


def test_a_commission_statement_is_paid_once_and_this_months_clawbacks_are_previewed(call, finance_config):
    call("put_commission_rules", MANAGER, P1, RULES)
    deal(finance_config, 1, "1000000")
    deal(finance_config, 2, "2000000", advisor_id=A2)
    pay_down(finance_config, 1, "1000000")
    pay(finance_config, 2, 201, "50000", date(2026, 3, 10), 1)
    march = call("issue_commission_statements", FINANCE, P1, "2026-03")
    assert (march["provisional"], march["as_of"]) == (False, "2026-03-31")
    mine = next(s for s in march["statements"] if s["account_id"] == A2)
    assert (mine["paid"], mine["provisional"]) == (False, False)
    raises(Forbidden, "ROLE_FORBIDDEN", call, "pay_commission_statement", actor(A2, "advisor", [P1]), mine["id"], {})
    paid = call("pay_commission_statement", FINANCE, mine["id"], {"paid_on": today().isoformat()})
    assert (paid["paid"], paid["paid_by"], paid["total"]) == (True, 3, "250.00")
    raises(Conflict, "STATEMENT_PAID", call, "pay_commission_statement", FINANCE, mine["id"], {})
    advisor = actor(A2, "advisor", [P1])
    assert call("list_commission_statements", advisor, {"month": "2026-03"})[0]["paid"] is True

    # deal 2 cancelled today: this month's preview already claws back what was paid
    cancel(finance_config, 2, today())
    month = today().strftime("%Y-%m")
    preview = call("preview_commission_statements", FINANCE, P1, month)
    assert (preview["provisional"], preview["as_of"], preview["issued_at"]) == (True, today().isoformat(), None)
    lines = {(s["account_id"], x["deal_id"]): (x["kind"], x["amount"]) for s in preview["statements"]
             for x in s["lines"]}
    assert lines[(A2, 2)] == ("clawback", "-250.00") and lines[(SUP, 2)] == ("clawback", "-50.00")
    assert all(s["provisional"] and s["id"] is None for s in preview["statements"])
    assert call("list_commission_statements", FINANCE, {"month": month}) == []  # nothing written
    drawn = call("preview_commission_statements", FINANCE, P1, "2026-03")  # a drawn month: as drawn
    assert (drawn["provisional"], drawn["total"]) == (False, march["total"])
    assert [s["id"] for s in drawn["statements"]] == [s["id"] for s in march["statements"]]
    assert call("list_commission_statements", FINANCE, {"month": "2026-03", "account_id": A1})[0]["paid"] is False
