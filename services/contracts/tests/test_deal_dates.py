"""The order of a deal's dates (loupan/deal_dates.py) where contracts enters them, through the
real entrypoints: 签约 ≥ 认购, 补充协议 ≥ 签约, 网签 ≥ 签约, 备案 ≥ 网签, 交房 ≥ 备案, 房产证
after 交房, the mortgage steps after 认购 and in order; 422 with the dates named."""
from datetime import date

import pytest
from sqlalchemy import select

from loupan.errors import RuleViolated
from loupan.testing import db_rows
from services.contracts.models import Contract
from services.contracts.tests.conftest import actor
from services.contracts.tests.test_changes import ADVISOR, MANAGER, PROJECT, make_deal, start_fake_inventory

ASSISTANT = actor(8, "assistant", [PROJECT])
SUBSCRIBED = date(2026, 9, 10)


@pytest.fixture
def config(contracts_config, contracts, container_factory):
    start_fake_inventory(contracts_config, container_factory)
    return contracts_config


def refused(call, code, *args):
    with pytest.raises(RuleViolated) as info:
        call(*args)
    assert info.value.code == code, info.value
    return info.value.message


def test_a_contract_and_its_agreement_follow_the_subscription(call, config):
    deal_id = make_deal(config, "subscribed", subscribed_on=SUBSCRIBED)
    message = refused(call, "DATE_OUT_OF_ORDER", "draft_contract", ADVISOR, deal_id, {"signed_on": "2026-09-09"})
    assert message == "签约 signed_on 2026-09-09 is before 认购 subscribed_on 2026-09-10"
    refused(call, "DATE_TOO_EARLY", "draft_contract", ADVISOR, deal_id, {"signed_on": "1999-09-09"})
    assert call("draft_contract", ADVISOR, deal_id, {"signed_on": "2026-09-10"})["signed_on"] == "2026-09-10"
    message = refused(call, "DATE_OUT_OF_ORDER", "add_agreement", ADVISOR, deal_id,
                      {"title": "车位", "content": "赠送车位", "signed_on": "2026-09-01"})
    assert "补充协议 agreement_on 2026-09-01 is before 签约 signed_on 2026-09-10" in message
    agreement = call("add_agreement", ADVISOR, deal_id, {"title": "车位", "content": "赠送车位",
                                                         "signed_on": "2026-09-12"})
    assert agreement["signed_on"] == "2026-09-12"


def test_online_signing_filing_handover_and_title_keep_the_order(call, config):
    deal_id = make_deal(config, "subscribed", subscribed_on=SUBSCRIBED)
    call("draft_contract", ADVISOR, deal_id, {"signed_on": "2026-09-15"})
    call("approve_contract", MANAGER, deal_id)
    refused(call, "DATE_OUT_OF_ORDER", "record_online_signing", ASSISTANT, deal_id,
            {"number": "WQ-D1", "date": "2026-09-14"})
    call("record_online_signing", ASSISTANT, deal_id, {"number": "WQ-D1", "date": "2026-09-20"})
    message = refused(call, "DATE_OUT_OF_ORDER", "record_filing", ASSISTANT, deal_id,
                      {"filing_no": "BA-D1", "date": "2026-09-19"})
    assert message == "备案 filed_on 2026-09-19 is before 网签 online_signed_on 2026-09-20"
    call("record_filing", ASSISTANT, deal_id, {"filing_no": "BA-D1", "date": "2026-09-25"})
    # the example: a handover dated 2000-01-01
    message = refused(call, "DATE_OUT_OF_ORDER", "hand_over", ASSISTANT, deal_id, {"date": "2000-01-01"})
    assert message == "交房 handed_over_on 2000-01-01 is before 备案 filed_on 2026-09-25"
    refused(call, "DATE_TOO_EARLY", "hand_over", ASSISTANT, deal_id, {"date": "0026-10-01"})
    call("hand_over", ASSISTANT, deal_id, {"date": "2026-10-01"})
    refused(call, "DATE_OUT_OF_ORDER", "advance_title", ASSISTANT, deal_id, {"to": "applied", "date": "2026-09-30"})
    assert call("advance_title", ASSISTANT, deal_id, {"to": "applied", "date": "2026-10-01"})["title_step"] == "applied"


def test_a_rejected_contract_does_not_hold_the_dates_back(call, config):
    deal_id = make_deal(config, "subscribed", subscribed_on=SUBSCRIBED)
    call("draft_contract", ADVISOR, deal_id, {"signed_on": "2026-09-30"})
    call("reject_contract", MANAGER, deal_id, {"note": "重拟"})
    assert call("draft_contract", ADVISOR, deal_id, {"signed_on": "2026-09-11"})["signed_on"] == "2026-09-11"
    assert db_rows(config, select(Contract.signed_on).where(Contract.deal_id == deal_id)) == [(date(2026, 9, 11),)]


def test_mortgage_steps_follow_the_subscription_and_each_other(call, config):
    deal_id = make_deal(config, "signed", payment_method="commercial_mortgage", subscribed_on=SUBSCRIBED)
    loan = {"bank": "建设银行", "amount": "2000000.00", "kind": "commercial"}
    message = refused(call, "DATE_OUT_OF_ORDER", "open_mortgage", ADVISOR, deal_id, dict(loan, date="2026-09-01"))
    assert message == "按揭开案 opened_on 2026-09-01 is before 认购 subscribed_on 2026-09-10"
    case = call("open_mortgage", ADVISOR, deal_id, dict(loan, date="2026-09-10"))
    call("advance_mortgage", ADVISOR, case["id"], {"to": "papers_collected", "date": "2026-09-20"})
    refused(call, "DATE_OUT_OF_ORDER", "advance_mortgage", ADVISOR, case["id"],
            {"to": "submitted", "date": "2026-09-19"})
    assert call("advance_mortgage", ADVISOR, case["id"], {"to": "submitted", "date": "2026-09-20"})["step"] == "submitted"
