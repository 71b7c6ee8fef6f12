"""预售资金监管 through the real finance entrypoints, on both databases: the project's escrow
accounts by from-date, house price refused to another account once one is in force, a
receipt's deposit to escrow with its slip (once), and the monthly report."""
from datetime import date

import pytest
from sqlalchemy import select

from loupan.errors import Conflict, Forbidden, Invalid, NotFound, RuleViolated
from loupan.testing import db_rows, publish_event, wait_until
from services.finance.models import ReceiptCounter
from services.finance.tests.conftest import actor
from services.finance.tests.test_receipts import receive
from services.finance.tests.test_schedules import CASHIER, CASHIER2, DIRECTOR, MANAGER, P1, subscribe

pytestmark = pytest.mark.sqlite  # receipts take this path on SQLite too

ESCROW = "6222020200001234"
OTHER = "6222020200009999"
ACCOUNT = {"bank": "中国工商银行杭州分行", "account_name": "杭州某某置业有限公司预售资金监管户",
           "account_no": "6222 0202 0000 1234", "from_on": "2026-02-01"}
STRANGER = actor(9, "finance", [P1], agency_id=2)


def set_account(call, **extra):
    return call("set_escrow_account", CASHIER, P1, dict(ACCOUNT, **extra))


def refused(exc_type, code, call_, *args, **kwargs):
    with pytest.raises(exc_type) as caught:
        call_(*args, **kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


def test_finance_sets_the_account_managers_read_it_and_bad_input_is_refused(call):
    refused(Forbidden, "ROLE_FORBIDDEN", call, "set_escrow_account", MANAGER, P1, ACCOUNT)
    refused(RuleViolated, "ESCROW_BANK_REQUIRED", call, "set_escrow_account", CASHIER, P1, dict(ACCOUNT, bank="  "))
    refused(RuleViolated, "ESCROW_ACCOUNT_NAME_REQUIRED", call, "set_escrow_account", CASHIER, P1,
            dict(ACCOUNT, account_name=""))
    for bad in ("6222-02O2-0000-1234", "1234567", "1" * 33, ""):
        refused(RuleViolated, "ACCOUNT_NO_INVALID", call, "set_escrow_account", CASHIER, P1,
                dict(ACCOUNT, account_no=bad))
    refused(Invalid, "VALIDATION_ERROR", call, "set_escrow_account", CASHIER, P1, dict(ACCOUNT, from_on="soon"))
    assert call("get_escrow_accounts", MANAGER, P1) == {"project_id": P1, "in_force": None, "accounts": []}

    first = set_account(call)
    assert (first["account_no"], first["from_on"], first["deposits_escrowed"], first["set_by"]) == \
        (ESCROW, "2026-02-01", False, CASHIER["account_id"])
    refused(Conflict, "ESCROW_FROM_TAKEN", call, "set_escrow_account", CASHIER, P1, dict(ACCOUNT, account_no=OTHER))
    later = set_account(call, account_no=OTHER, from_on="2027-01-01", deposits_escrowed=True)
    answer = call("get_escrow_accounts", DIRECTOR, P1)
    assert [a["id"] for a in answer["accounts"]] == [first["id"], later["id"]]
    assert answer["in_force"]["id"] == first["id"]  # 2027 has not come yet
    refused(Forbidden, "ROLE_FORBIDDEN", call, "get_escrow_accounts", actor(4, "advisor", [P1]), P1)
    with pytest.raises((NotFound, Forbidden)):
        call("get_escrow_accounts", STRANGER, P1)


def test_house_price_goes_to_the_escrow_account_once_it_is_in_force(call, finance_config):
    subscribe(finance_config, 41, price="1000000.00", deposit="50000.00")  # deposit line, then the balance
    set_account(call)
    assert call("get_schedule", CASHIER, 41)["escrow_account"]["account_no"] == ESCROW
    # before the from-date nothing is subject: any account, or none
    early = receive(call, CASHIER, 41, "60000.00", received_on="2026-01-20", account_no=OTHER)
    assert early["account_no"] == OTHER
    # on and after it, house price to another account is refused, and takes no number
    refused(RuleViolated, "ESCROW_ACCOUNT_MISMATCH", receive, call, CASHIER, 41, "10000.00",
            received_on="2026-02-01", account_no=OTHER)
    assert db_rows(finance_config, select(ReceiptCounter.last_no))[0][0] == 1
    refused(RuleViolated, "ACCOUNT_NO_INVALID", receive, call, CASHIER, 41, "10000.00", account_no="12-34")
    right = receive(call, CASHIER, 41, "10000.00", received_on="2026-02-01", account_no="6222-0202-0000-1234")
    assert (right["account_no"], right["receipt_no"]) == (ESCROW, f"SK-{P1}-000002")
    # naming none is recorded to the escrow account (the law's destination; the slip proves it)
    assert receive(call, CASHIER, 41, "10000.00", received_on="2026-02-02")["account_no"] == ESCROW


def test_a_deposit_is_not_house_price_unless_the_account_escrows_deposits(call, finance_config):
    subscribe(finance_config, 42, price="1000000.00", deposit="50000.00")
    subscribe(finance_config, 43, price="1000000.00", deposit="50000.00")
    set_account(call)
    deposit = receive(call, CASHIER, 42, "20000.00", received_on="2026-02-03", account_no=OTHER)
    assert deposit["account_no"] == OTHER  # 定金 only: not subject
    refused(RuleViolated, "ESCROW_ACCOUNT_MISMATCH", receive, call, CASHIER, 42, "30000.01",
            received_on="2026-02-03", account_no=OTHER)  # the cent beyond the deposit line is house price
    set_account(call, from_on="2026-03-01", deposits_escrowed=True)
    refused(RuleViolated, "ESCROW_ACCOUNT_MISMATCH", receive, call, CASHIER, 43, "20000.00",
            received_on="2026-03-01", account_no=OTHER)


def test_the_banks_disbursement_is_recorded_to_the_escrow_account(call, finance_config, event_sink):
    subscribe(finance_config, 44, price="1000000.00", method="provident_fund", deposit="0")
    set_account(call)
    sink = event_sink("finance")
    publish_event(finance_config["AMQP_URI"], "mortgage_disbursed", {
        "deal_id": 44, "unit_id": 1044, "mortgage_id": 4, "bank": "公积金中心", "amount": "800000.00",
        "disbursed_on": date(2026, 3, 1)}, project_id=P1)
    sink.wait_for("payment_received")
    [receipt] = call("list_receipts", DIRECTOR, 44)
    assert (receipt["method"], receipt["account_no"]) == ("mortgage", ESCROW)


def test_a_receipt_is_deposited_to_escrow_once_with_its_slip(call, finance_config):
    subscribe(finance_config, 45, price="1000000.00", deposit="50000.00")
    set_account(call)
    cash = receive(call, CASHIER, 45, "100000.00", method="cash", received_on="2026-02-10")
    transfer = receive(call, CASHIER, 45, "100000.00", received_on="2026-02-11", slip_no="HZ-0211-77")
    refused(Forbidden, "ROLE_FORBIDDEN", call, "deposit_receipt_to_escrow", MANAGER, cash["id"], {"slip_no": "JZ-1"})
    refused(RuleViolated, "ESCROW_SLIP_REQUIRED", call, "deposit_receipt_to_escrow", CASHIER, cash["id"], {})
    refused(RuleViolated, "DATE_OUT_OF_ORDER", call, "deposit_receipt_to_escrow", CASHIER, cash["id"],
            {"slip_no": "JZ-1", "deposited_on": "2026-02-09"})
    refused(RuleViolated, "DEPOSITED_IN_FUTURE", call, "deposit_receipt_to_escrow", CASHIER, cash["id"],
            {"slip_no": "JZ-1", "deposited_on": "2099-01-01"})
    done = call("deposit_receipt_to_escrow", CASHIER, cash["id"], {"slip_no": "JZ-1", "deposited_on": "2026-02-10"})
    assert (done["escrow_slip_no"], done["escrow_deposited_on"], done["escrow_deposited_by"]) == \
        ("JZ-1", "2026-02-10", CASHIER["account_id"])
    refused(Conflict, "ESCROW_ALREADY_DEPOSITED", call, "deposit_receipt_to_escrow", CASHIER2, cash["id"],
            {"slip_no": "JZ-2"})
    refused(Conflict, "ESCROW_SLIP_USED", call, "deposit_receipt_to_escrow", CASHIER, transfer["id"],
            {"slip_no": "JZ-1"})
    # the transfer's own slip is the deposit's by default
    assert call("deposit_receipt_to_escrow", CASHIER, transfer["id"], {})["escrow_slip_no"] == "HZ-0211-77"
    with pytest.raises((NotFound, Forbidden)):
        call("deposit_receipt_to_escrow", STRANGER, transfer["id"], {"slip_no": "X"})


def test_only_a_valid_receipt_with_house_price_under_an_account_is_deposited(call, finance_config):
    subscribe(finance_config, 46, price="1000000.00", deposit="50000.00")
    set_account(call)
    early = receive(call, CASHIER, 46, "60000.00", received_on="2026-01-20", slip_no="S-1")
    deposit = receive(call, CASHIER, 46, "10000.00", received_on="2026-02-03", slip_no="S-2")  # balance, house
    refused(RuleViolated, "NOT_SUBJECT_TO_ESCROW", call, "deposit_receipt_to_escrow", CASHIER, early["id"], {})
    call("void_receipt", CASHIER2, deposit["id"], {"reason": "录错"})
    refused(Conflict, "RECEIPT_NOT_VALID", call, "deposit_receipt_to_escrow", CASHIER, deposit["id"], {})


def test_the_monthly_report_splits_collected_house_price(call, finance_config):
    subscribe(finance_config, 47, price="1000000.00", deposit="50000.00")
    set_account(call)
    receive(call, CASHIER, 47, "30000.00", received_on="2026-01-20")  # deposit, before any account
    receive(call, CASHIER, 47, "40000.00", received_on="2026-01-25")  # 20000 deposit + 20000 house, not subject
    one = receive(call, CASHIER, 47, "100000.00", received_on="2026-02-05", slip_no="B-1")
    receive(call, CASHIER, 47, "50000.00", received_on="2026-02-20")
    voided = receive(call, CASHIER, 47, "7000.00", received_on="2026-02-21")
    call("void_receipt", CASHIER2, voided["id"], {"reason": "录错"})
    call("deposit_receipt_to_escrow", CASHIER, one["id"], {})
    report = call("escrow_report", MANAGER, P1, {"from": "2026-01", "to": "2026-03"})
    months = {m["month"]: m for m in report["months"]}
    figures = ("collected", "escrowed", "pending", "not_subject", "deposits_excluded", "receipts")
    assert [months["2026-01"][f] for f in figures] == ["20000.00", "0.00", "0.00", "20000.00", "50000.00", 2]
    assert [months["2026-02"][f] for f in figures] == ["150000.00", "100000.00", "50000.00", "0.00", "0.00", 2]
    assert [months["2026-03"][f] for f in figures] == ["0.00", "0.00", "0.00", "0.00", "0.00", 0]
    assert [report["total"][f] for f in figures] == ["170000.00", "100000.00", "50000.00", "20000.00", "50000.00", 4]
    assert [(p["receipt_no"], p["house_price"]) for p in report["pending"]] == [(f"SK-{P1}-000004", "50000.00")]
    refused(RuleViolated, "MONTHS_OUT_OF_ORDER", call, "escrow_report", MANAGER, P1, {"from": "2026-04", "to": "2026-03"})
    refused(RuleViolated, "RANGE_TOO_LONG", call, "escrow_report", MANAGER, P1, {"from": "2020-01", "to": "2026-03"})
    refused(Invalid, "VALIDATION_ERROR", call, "escrow_report", MANAGER, P1, {"from": "2026-13"})
    assert len(call("escrow_report", CASHIER, P1, {})["months"]) == 12
