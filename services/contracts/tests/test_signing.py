"""签约, 补充协议 and 网签/备案 through the real entrypoints on SQLite and PostgreSQL: numbering
per project (gap-free under concurrency), 审核 of contracts and agreements, the order of
网签 then 备案, the events, and every wrong-state call refused with its code."""
from datetime import timedelta

import pytest
from loupan.testing import cluster_rpc
from sqlalchemy import insert, select

from loupan.testing import db_rows, db_write
from loupan.types import today, utcnow
from services.contracts.models import Deal
from services.contracts.tests.conftest import actor

PROJECT = 3
ADVISOR = actor(7, "advisor", [PROJECT])
MANAGER = actor(2, "manager", [PROJECT])
ASSISTANT = actor(4, "assistant", [PROJECT])


def ago(days):
    return (today() - timedelta(days=days)).isoformat()


def deal_in(config, status="subscribed", unit_id=100, **values):
    """A deal as the 认购 saga leaves it (inventory is not needed past this point)."""
    row = dict(agency_id=1, project_id=PROJECT, unit_id=unit_id, unit_label=f"1号楼-{unit_id}", hold_id=unit_id,
               status=status, customer_id=42, customer_name="王五", customer_phone="13812345678", advisor_id=7,
               gross_area="100.00", list_price="3000000.00", base_price="2800000.00", price="2950000.00",
               deposit="50000.00", payment_method="commercial_mortgage", loan_amount="2000000.00",
               subscribed_on=today() - timedelta(days=10), created_by=7, created_at=utcnow(), updated_at=utcnow())
    row.update(values)
    db_write(config, insert(Deal).values(**row))
    return db_rows(config, select(Deal.id).where(Deal.hold_id == unit_id))[0][0]


def status_of(config, deal_id):
    return db_rows(config, select(Deal.status).where(Deal.id == deal_id))[0][0]


def raises(code, call, *args):
    with pytest.raises(Exception) as err:
        call(*args)
    assert getattr(err.value, "code", None) == code, err.value


def test_a_contract_is_drafted_from_an_approved_subscription_and_signed_on_review(
        call, contracts_config, event_sink):
    sink = event_sink("contracts")
    deal_id = deal_in(contracts_config)
    raises("DEAL_NOT_SUBSCRIBED", call, "draft_contract", ADVISOR, deal_in(contracts_config, "submitted", 101))
    raises("NOT_DEAL_OWNER", call, "draft_contract", actor(8, "advisor", [PROJECT]), deal_id)
    contract = call("draft_contract", ADVISOR, deal_id, {"signed_on": ago(3), "terms": "按合同约定"})
    assert (contract["contract_no"], contract["status"], contract["price"], contract["loan_amount"]) == (
        "HT000001", "draft", "2950000.00", "2000000.00")
    raises("CONTRACT_EXISTS", call, "draft_contract", ADVISOR, deal_id)
    raises("ROLE_FORBIDDEN", call, "approve_contract", ADVISOR, deal_id)

    signed = call("approve_contract", MANAGER, deal_id, {"note": "ok"})
    assert (signed["status"], signed["reviewed_by"]) == ("signed", 2)
    assert status_of(contracts_config, deal_id) == "signed"
    [event] = sink.wait_for("contract_signed")
    p = event["payload"]
    assert (p["deal_id"], p["contract_id"], p["contract_no"], p["price"], p["payment_method"]) == (
        deal_id, contract["id"], "HT000001", "2950000.00", "commercial_mortgage")
    assert (p["loan_amount"], p["gross_area"], p["customer_id"], p["signed_on"], p["unit_id"]) == (
        "2000000.00", "100.00", 42, ago(3), 100)
    raises("CONTRACT_NOT_DRAFT", call, "approve_contract", MANAGER, deal_id)
    raises("CONTRACT_NOT_DRAFT", call, "reject_contract", MANAGER, deal_id, {"note": "x"})
    raises("NO_CONTRACT", call, "approve_contract", MANAGER, deal_in(contracts_config, unit_id=102))


def test_a_rejected_draft_is_drafted_again_under_its_number(call, contracts_config):
    deal_id = deal_in(contracts_config)
    call("draft_contract", ADVISOR, deal_id, {})
    rejected = call("reject_contract", MANAGER, deal_id, {"note": "付款条款有误"})
    assert (rejected["status"], rejected["review_note"]) == ("rejected", "付款条款有误")
    assert status_of(contracts_config, deal_id) == "subscribed"
    redrafted = call("draft_contract", ADVISOR, deal_id, {"terms": "改正"})
    assert (redrafted["id"], redrafted["contract_no"], redrafted["status"], redrafted["review_note"]) == (
        rejected["id"], "HT000001", "draft", None)
    assert call("draft_contract", ADVISOR, deal_in(contracts_config, unit_id=101), {})["contract_no"] == "HT000002"


def test_concurrent_drafts_take_consecutive_numbers(contracts, contracts_config):
    deal_ids = [deal_in(contracts_config, unit_id=200 + i) for i in range(8)]
    with cluster_rpc(contracts.config) as cluster:
        replies = [cluster.contracts.draft_contract.call_async(MANAGER, d, {}) for d in deal_ids]
        numbers = sorted(r.result()["contract_no"] for r in replies)
    assert numbers == [f"HT{n:06d}" for n in range(1, 9)]


def test_supplementary_agreements_are_numbered_within_the_contract_and_each_reviewed(call, contracts_config):
    deal_id = deal_in(contracts_config)
    raises("NO_CONTRACT", call, "add_agreement", ADVISOR, deal_id, {"title": "车位", "content": "赠送车位使用权"})
    call("draft_contract", ADVISOR, deal_id, {})
    first = call("add_agreement", ADVISOR, deal_id, {"title": "车位", "content": "赠送车位使用权"})
    second = call("add_agreement", ASSISTANT, deal_id, {"title": "装修", "content": "交付标准补充"})
    assert [(a["number"], a["status"]) for a in (first, second)] == [(1, "pending"), (2, "pending")]
    raises("ROLE_FORBIDDEN", call, "approve_agreement", ASSISTANT, first["id"])
    assert call("approve_agreement", MANAGER, first["id"], {"note": "同意"})["status"] == "approved"
    assert call("reject_agreement", MANAGER, second["id"], {"note": "超出权限"})["status"] == "rejected"
    raises("AGREEMENT_NOT_PENDING", call, "approve_agreement", MANAGER, first["id"])
    raises("AGREEMENT_NOT_PENDING", call, "reject_agreement", MANAGER, second["id"], {"note": "again"})
    listed = call("list_agreements", actor(5, "developer_viewer", [PROJECT]), deal_id)
    assert [(a["number"], a["status"]) for a in listed] == [(1, "approved"), (2, "rejected")]
    raises("AGREEMENT_NOT_FOUND", call, "approve_agreement", actor(2, "manager", [PROJECT + 1], agency_id=2),
           first["id"])


def test_online_signing_then_filing_files_the_deal(call, contracts_config, event_sink):
    sink = event_sink("contracts")
    deal_id = deal_in(contracts_config)
    raises("CONTRACT_NOT_SIGNED", call, "record_online_signing", ASSISTANT, deal_id,
           {"number": "WQ2026001", "date": ago(2)})
    call("draft_contract", ADVISOR, deal_id, {"signed_on": ago(3)})
    raises("CONTRACT_NOT_SIGNED", call, "record_online_signing", ASSISTANT, deal_id,
           {"number": "WQ2026001", "date": ago(2)})
    call("approve_contract", MANAGER, deal_id)
    raises("ONLINE_SIGNING_REQUIRED", call, "record_filing", ASSISTANT, deal_id,
           {"filing_no": "BA2026001", "date": ago(1)})
    raises("ROLE_FORBIDDEN", call, "record_online_signing", ADVISOR, deal_id, {"number": "WQ1", "date": ago(2)})
    tomorrow = ago(-2)
    raises("DATE_IN_FUTURE", call, "record_online_signing", ASSISTANT, deal_id, {"number": "WQ1", "date": tomorrow})
    raises("DATE_OUT_OF_ORDER", call, "record_online_signing", ASSISTANT, deal_id,
           {"number": "WQ1", "date": ago(4)})

    online = call("record_online_signing", ASSISTANT, deal_id, {"number": "WQ2026001", "date": ago(2)})
    assert (online["online_signing_no"], online["online_signed_on"]) == ("WQ2026001", ago(2))
    raises("ONLINE_SIGNING_RECORDED", call, "record_online_signing", ASSISTANT, deal_id,
           {"number": "WQ2026002", "date": ago(2)})
    filed = call("record_filing", MANAGER, deal_id, {"filing_no": "BA2026001", "date": ago(1)})
    assert (filed["filing_no"], filed["filed_on"]) == ("BA2026001", ago(1))
    assert status_of(contracts_config, deal_id) == "filed"
    [event] = sink.wait_for("contract_filed")
    assert (event["payload"]["deal_id"], event["payload"]["filing_no"], event["payload"]["unit_id"]) == (
        deal_id, "BA2026001", 100)
    raises("FILING_RECORDED", call, "record_filing", MANAGER, deal_id, {"filing_no": "BA2", "date": ago(1)})

    detail = call("get_deal", MANAGER, deal_id)
    assert detail["status"] == "filed" and detail["contract"]["filing_no"] == "BA2026001"
    assert [(h["from_status"], h["to_status"], h["note"]) for h in detail["history"]] == [
        ("subscribed", "signed", "签约 HT000001"), ("signed", "signed", f"网签 WQ2026001 on {ago(2)}"),
        ("signed", "filed", "备案 BA2026001")]


def test_online_signing_and_filing_numbers_are_unique_per_project(call, contracts_config):
    """The housing authority gives each number once: a second deal of the project with the
    same 网签 or 备案 number is 409 naming the first, nothing written; another project may."""
    first, second = deal_in(contracts_config, unit_id=300), deal_in(contracts_config, unit_id=301)
    other_project = deal_in(contracts_config, unit_id=302, project_id=PROJECT + 1)
    elsewhere = actor(4, "assistant", [PROJECT + 1])
    for deal_id, who in ((first, ADVISOR), (second, ADVISOR), (other_project, actor(7, "advisor", [PROJECT + 1]))):
        call("draft_contract", who, deal_id, {"signed_on": ago(5)})
        call("approve_contract", actor(2, "manager", [PROJECT, PROJECT + 1]), deal_id)
    call("record_online_signing", ASSISTANT, first, {"number": "WQ-7001", "date": ago(3)})
    raises("ONLINE_SIGNING_NO_TAKEN", call, "record_online_signing", ASSISTANT, second,
           {"number": " WQ-7001 ", "date": ago(3)})
    assert status_of(contracts_config, second) == "signed"
    assert call("get_deal", ASSISTANT, second)["contract"]["online_signing_no"] is None
    call("record_online_signing", elsewhere, other_project, {"number": "WQ-7001", "date": ago(3)})
    call("record_online_signing", ASSISTANT, second, {"number": "WQ-7002", "date": ago(3)})

    call("record_filing", ASSISTANT, first, {"filing_no": "BA-7001", "date": ago(2)})
    raises("FILING_NO_TAKEN", call, "record_filing", ASSISTANT, second, {"filing_no": "BA-7001", "date": ago(2)})
    assert status_of(contracts_config, second) == "signed"
    call("record_filing", elsewhere, other_project, {"filing_no": "BA-7001", "date": ago(2)})
    assert call("record_filing", ASSISTANT, second, {"filing_no": "BA-7002", "date": ago(2)})["filing_no"] == "BA-7002"


def test_two_deals_recording_one_number_at_once_one_wins(contracts, contracts_config, call):
    deal_ids = [deal_in(contracts_config, unit_id=400 + i) for i in range(4)]
    for deal_id in deal_ids:
        call("draft_contract", ADVISOR, deal_id, {"signed_on": ago(5)})
        call("approve_contract", MANAGER, deal_id)
    with cluster_rpc(contracts.config) as cluster:
        replies = [cluster.contracts.record_online_signing.call_async(ASSISTANT, d, {"number": "WQ-RACE", "date": ago(1)})
                   for d in deal_ids]
        outcomes = []
        for reply in replies:
            try:
                outcomes.append(reply.result()["online_signing_no"])
            except Exception as exc:  # the losers: 409 whichever way they lost (the look-up or the constraint)
                outcomes.append(getattr(exc, "code", repr(exc)))
    assert sorted(outcomes) == ["ONLINE_SIGNING_NO_TAKEN"] * 3 + ["WQ-RACE"]
    assert {status_of(contracts_config, d) for d in deal_ids} == {"signed"}  # 网签 leaves the deal signed


def test_the_deal_list_names_the_deals_whose_contract_or_agreement_awaits_review(call, contracts_config):
    """The manager's inbox asks for the deals awaiting a 签约 or a 补充协议 审核 (awaiting=)."""
    drafted, agreed, quiet = (deal_in(contracts_config, unit_id=u) for u in (300, 301, 302))
    call("draft_contract", ADVISOR, drafted, {"signed_on": ago(2)})
    call("draft_contract", ADVISOR, agreed, {"signed_on": ago(2)})
    call("approve_contract", MANAGER, agreed, {"note": "ok"})
    agreement = call("add_agreement", ADVISOR, agreed, {"title": "车位", "content": "赠送车位使用权"})

    def awaiting(what):
        return [d["id"] for d in call("list_deals", MANAGER, PROJECT, {"awaiting": what})["items"]]

    assert (awaiting("contract"), awaiting("agreement")) == ([drafted], [agreed])
    call("approve_contract", MANAGER, drafted, {"note": "ok"})
    call("approve_agreement", MANAGER, agreement["id"], {"note": "同意"})
    assert (awaiting("contract"), awaiting("agreement")) == ([], [])
    assert quiet in [d["id"] for d in call("list_deals", MANAGER, PROJECT, {})["items"]]
    raises("VALIDATION_ERROR", call, "list_deals", MANAGER, PROJECT, {"awaiting": "everything"})
