"""网签 (online signing) and 备案 (filing) of a signed contract: the numbers and dates the
housing authority gives, recorded in that order. Filing moves the deal signed → filed
with `contract_filed` in the same transaction.

The authority gives each number once: a number already on another deal of the project is a
typing error, refused with 409 ONLINE_SIGNING_NO_TAKEN / FILING_NO_TAKEN naming that deal
(looked up first for the message; the unique constraints decide when two entries race)."""
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import event_actor, get_in_scope
from services.contracts import dates
from services.contracts.models import Contract, Deal
from services.contracts.signing import contract_of
from services.contracts.subscriptions import move_deal


def _signed_contract(session, actor, deal_id):
    require_role(actor, PERMISSIONS["deals.file"], "record 网签/备案")  # the assistant supervises 网签 (DOMAIN)
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    contract = contract_of(session, deal.id)
    if contract is None or contract.status != "signed":
        raise Conflict(f"deal {deal.id} has no signed contract", "CONTRACT_NOT_SIGNED")
    return deal, contract


def _taken(column, number, other_deal_id=None):
    # each code a literal: gateway/error_codes.py reads them from here for the OpenAPI
    whose = f"deal {other_deal_id}" if other_deal_id is not None else "another deal"
    if column == "online_signing_no":
        return Conflict(f"网签 number {number} is recorded on {whose} of this project", "ONLINE_SIGNING_NO_TAKEN")
    return Conflict(f"备案 number {number} is recorded on {whose} of this project", "FILING_NO_TAKEN")


def _check_free(session, contract, column, number):
    other = session.execute(select(Contract.deal_id).where(
        Contract.project_id == contract.project_id, getattr(Contract, column) == number,
        Contract.id != contract.id)).scalar()
    if other is not None:
        raise _taken(column, number, other)


def _write(uow, statement, column, number):
    """The contract's update; a number another deal took meanwhile is 409, nothing written."""
    try:
        return uow.session.execute(statement.execution_options(synchronize_session=False)).rowcount
    except IntegrityError:
        uow.rollback()
        raise _taken(column, number) from None


def record_online_signing(uow, actor, deal_id, data):
    """网签: once per signed contract while the deal is signed (409 ONLINE_SIGNING_RECORDED)."""
    session = uow.session
    deal, contract = _signed_contract(session, actor, deal_id)
    if contract.online_signing_no is not None:
        raise Conflict(f"contract {contract.contract_no} has its 网签 recorded already", "ONLINE_SIGNING_RECORDED")
    dates.check(session, deal, "deal", online_signed_on=data["date"])
    number = data["number"].strip()
    _check_free(session, contract, "online_signing_no", number)
    # the deal row is touched on its expected status, so a 退房 racing this one serialises with it
    move_deal(session, deal, "online_sign", actor, f"网签 {number} on {data['date']}")
    recorded = _write(uow, update(Contract).where(Contract.id == contract.id, Contract.status == "signed",
                                                  Contract.online_signing_no.is_(None))
                      .values(online_signing_no=number, online_signed_on=data["date"]), "online_signing_no", number)
    if recorded != 1:
        uow.rollback()  # the deal's history row of it too
        raise Conflict(f"contract {contract.contract_no} has its 网签 recorded already", "ONLINE_SIGNING_RECORDED")
    session.refresh(contract)
    return contract


def record_filing(uow, actor, deal_id, data):
    """备案 after 网签: the deal filed, `contract_filed`."""
    session = uow.session
    deal, contract = _signed_contract(session, actor, deal_id)
    if contract.online_signing_no is None:
        raise Conflict(f"contract {contract.contract_no} has no 网签 yet", "ONLINE_SIGNING_REQUIRED")
    if contract.filing_no is not None:
        raise Conflict(f"contract {contract.contract_no} is filed already ({contract.filing_no})", "FILING_RECORDED")
    dates.check(session, deal, "deal", filed_on=data["date"])
    number = data["filing_no"].strip()
    _check_free(session, contract, "filing_no", number)
    move_deal(session, deal, "file", actor, f"备案 {number}")
    _write(uow, update(Contract).where(Contract.id == contract.id).values(filing_no=number, filed_on=data["date"]),
           "filing_no", number)
    session.refresh(contract)
    uow.publish("contract_filed", {"deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id,
                                   "filing_no": number},
                deal.agency_id, deal.project_id, actor=event_actor(actor))
    return contract
