"""按揭报件 mortgage cases through the real entrypoints (SQLite and PostgreSQL, real broker)."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.testing import db_rows, db_write
from loupan.types import today, utcnow
from services.contracts.models import Deal, Mortgage
from services.contracts.tests.conftest import actor
from services.contracts.tests.test_changes import ADVISOR, MANAGER, PROJECT, make_deal, start_fake_inventory

SUPERVISOR = actor(5, "supervisor", [PROJECT])
LOAN = {"bank": "建设银行", "amount": "2000000.00", "kind": "commercial"}


@pytest.fixture
def config(contracts_config, contracts, container_factory):
    start_fake_inventory(contracts_config, container_factory)
    return contracts_config


def test_a_case_goes_through_its_steps_in_order_and_disbursal_is_published(call, config, event_sink):
    sink = event_sink("contracts")
    deal_id = make_deal(config, "signed", payment_method="commercial_mortgage")
    case = call("open_mortgage", ADVISOR, deal_id, dict(LOAN, date="2026-03-01"))
    assert (case["step"], case["opened_on"], case["amount"]) == ("opened", "2026-03-01", "2000000.00")
    with pytest.raises(RuleViolated) as skipped:
        call("advance_mortgage", ADVISOR, case["id"], {"to": "submitted"})
    assert skipped.value.code == "MORTGAGE_STEP"
    call("advance_mortgage", ADVISOR, case["id"], {"to": "papers_collected", "date": "2026-03-02"})
    with pytest.raises(RuleViolated) as backdated:
        call("advance_mortgage", ADVISOR, case["id"], {"to": "submitted", "date": "2026-03-01"})
    assert backdated.value.code == "DATE_OUT_OF_ORDER"
    assert "submitted_on 2026-03-01 is before" in backdated.value.message
    call("advance_mortgage", ADVISOR, case["id"], {"to": "submitted", "date": "2026-03-05"})
    call("advance_mortgage", ADVISOR, case["id"], {"to": "approved", "date": "2026-03-20"})
    assert sink.drain() == []
    done = call("advance_mortgage", ADVISOR, case["id"], {"to": "disbursed", "date": "2026-04-01", "note": "放款"})
    assert (done["step"], done["submitted_on"], done["disbursed_on"]) == ("disbursed", "2026-03-05", "2026-04-01")
    (event,) = sink.wait_for("mortgage_disbursed")
    unit_id = db_rows(config, select(Deal.unit_id).where(Deal.id == deal_id))[0][0]
    assert event["payload"] == {"deal_id": deal_id, "unit_id": unit_id, "advisor_id": 11,
                                "mortgage_id": case["id"], "bank": "建设银行", "amount": "2000000.00",
                                "disbursed_on": "2026-04-01"}
    with pytest.raises(RuleViolated):
        call("advance_mortgage", ADVISOR, case["id"], {"to": "disbursed"})
    assert call("deal_mortgage", ADVISOR, deal_id)["step"] == "disbursed"


@pytest.mark.parametrize("method,status,body,error,code", [
    ("full", "signed", LOAN, RuleViolated, "NOT_MORTGAGE"),
    ("commercial_mortgage", "subscribed", LOAN, Conflict, "DEAL_STATE"),
    ("commercial_mortgage", "cancelled", LOAN, Conflict, "DEAL_STATE"),
    ("provident_fund", "signed", LOAN, RuleViolated, "MORTGAGE_KIND"),
    ("commercial_mortgage", "signed", dict(LOAN, amount="2900000.01"), RuleViolated, "MORTGAGE_AMOUNT"),
])
def test_a_case_needs_a_signed_deal_paid_by_that_loan(call, config, method, status, body, error, code):
    deal_id = make_deal(config, status, payment_method=method)
    with pytest.raises(error) as refused:
        call("open_mortgage", ADVISOR, deal_id, body)
    assert refused.value.code == code


def test_one_case_per_deal_and_closed_with_a_cancelled_deal(call, config):
    deal_id = make_deal(config, "filed", payment_method="combined")
    with pytest.raises(Forbidden) as not_own:
        call("open_mortgage", actor(12, "advisor", [PROJECT]), deal_id, dict(LOAN, kind="combined"))
    assert not_own.value.code == "NOT_DEAL_OWNER"
    case = call("open_mortgage", ADVISOR, deal_id, dict(LOAN, kind="combined"))
    with pytest.raises(Conflict) as twice:
        call("open_mortgage", ADVISOR, deal_id, dict(LOAN, kind="combined"))
    assert twice.value.code == "MORTGAGE_EXISTS"
    db_write(config, update(Deal).where(Deal.id == deal_id).values(status="cancelled"))
    with pytest.raises(Conflict) as closed:
        call("advance_mortgage", ADVISOR, case["id"], {"to": "papers_collected"})
    assert closed.value.code == "DEAL_STATE"
    with pytest.raises(NotFound):
        call("deal_mortgage", ADVISOR, make_deal(config, "signed"))


def test_stuck_cases_are_listed_for_supervisors_after_n_days(call, config):
    stuck_deal = make_deal(config, "signed", payment_method="commercial_mortgage")
    fresh_deal = make_deal(config, "signed", payment_method="commercial_mortgage")
    stuck = call("open_mortgage", ADVISOR, stuck_deal, dict(LOAN, date=(today() - timedelta(days=15)).isoformat()))
    call("open_mortgage", ADVISOR, fresh_deal, LOAN)
    listed = call("stuck_mortgages", SUPERVISOR, PROJECT, {})
    assert [(m["id"], m["days_in_step"], m["customer_name"]) for m in listed] == [(stuck["id"], 15, "张三")]
    assert len(call("stuck_mortgages", SUPERVISOR, PROJECT, {"days": 16})) == 0
    call("advance_mortgage", ADVISOR, stuck["id"], {"to": "papers_collected"})
    assert call("stuck_mortgages", MANAGER, PROJECT, {}) == []
    with pytest.raises(Forbidden):
        call("stuck_mortgages", ADVISOR, PROJECT, {})
    with pytest.raises(Forbidden):
        call("stuck_mortgages", actor(6, "supervisor", [PROJECT + 1]), PROJECT, {})


def ago(days):
    return (today() - timedelta(days=days)).isoformat()


def test_the_stuck_list_goes_by_the_date_each_step_happened_not_when_it_was_entered(call, config):
    """Papers collected 31 days ago and entered today are stuck after 30 days; a step entered
    long ago but dated yesterday is not."""
    late = make_deal(config, "signed", payment_method="commercial_mortgage")
    recent = make_deal(config, "signed", payment_method="commercial_mortgage")
    entered_today = call("open_mortgage", ADVISOR, late, dict(LOAN, date=ago(40)))
    entered_today = call("advance_mortgage", ADVISOR, entered_today["id"], {"to": "papers_collected", "date": ago(31)})
    assert (entered_today["step_on"], entered_today["days_in_step"]) == (ago(31), 31)
    entered_long_ago = call("open_mortgage", ADVISOR, recent, dict(LOAN, date=ago(2)))
    call("advance_mortgage", ADVISOR, entered_long_ago["id"], {"to": "papers_collected", "date": ago(1)})
    db_write(config, update(Mortgage).where(Mortgage.id == entered_long_ago["id"])
             .values(step_changed_at=utcnow() - timedelta(days=90)))
    listed = call("stuck_mortgages", SUPERVISOR, PROJECT, {"days": 30})
    assert [(m["id"], m["step"], m["days_in_step"]) for m in listed] == [(entered_today["id"], "papers_collected", 31)]
    assert call("stuck_mortgages", SUPERVISOR, PROJECT, {"days": 32}) == []
