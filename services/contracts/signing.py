"""签约: the purchase contract (商品房买卖合同) drafted from an approved 认购 and signed once a
manager reviews it (`contract_signed`), and its 补充协议, each reviewed.

A contract is drafted with the project's next 合同 number; a rejected draft may be drafted
again (same number, new terms). Approval moves the deal subscribed → signed and the
contract draft → signed in one transaction, both conditional, with the event in the outbox."""
from sqlalchemy import select, update

from loupan.errors import Conflict
from loupan.roles import ASSISTANT, PERMISSIONS, require_not_own, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import utcnow
from services.contracts import dates, numbering
from services.contracts.models import Contract, Deal, SupplementaryAgreement
from services.contracts.subscriptions import move_deal, note_deal, require_own, today

# a 补充协议 amends a contract that is live: drafted or signed, deal not over
AGREEMENT_DEAL_STATUSES = ("subscribed", "signed", "filed", "handed_over")


def contract_of(session, deal_id):
    return session.execute(select(Contract).where(Contract.deal_id == deal_id)).scalar_one_or_none()


def _set(session, row, expected, conflict, **values):
    """`row` (a Contract or an agreement) changed only if its status still is `expected`."""
    model = type(row)
    moved = session.execute(
        update(model).where(model.id == row.id, model.status == expected).values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise conflict
    session.refresh(row)
    return row


def draft_contract(uow, actor, deal_id, data):
    """签约 draft from the approved 认购: the deal's price, payment method and loan, the
    project's next 合同 number; then it waits for 审核."""
    require_role(actor, PERMISSIONS["deals.sell"], "draft contracts")
    session = uow.session
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    require_own(actor, deal)
    if deal.status != "subscribed":
        raise Conflict(f"deal {deal.id} is {deal.status}; a contract needs an approved 认购", "DEAL_NOT_SUBSCRIBED")
    signed_on = data["signed_on"] or today()
    dates.check(session, deal, "deal", signed_on=signed_on)
    terms = {"price": deal.price, "payment_method": deal.payment_method, "loan_amount": deal.loan_amount,
             "signed_on": signed_on, "terms": data["terms"], "drafted_by": actor["account_id"],
             "drafted_at": utcnow(), "reviewed_by": None, "reviewed_at": None, "review_note": None}
    contract = contract_of(session, deal.id)
    if contract is not None:
        if contract.status != "rejected":
            raise Conflict(f"deal {deal.id} has contract {contract.contract_no} ({contract.status})",
                           "CONTRACT_EXISTS")
        return _set(session, contract, "rejected",
                    Conflict(f"contract {contract.contract_no} changed meanwhile", "CONTRACT_EXISTS"),
                    status="draft", **terms)
    number = numbering.next_document_no(session, deal.agency_id, deal.project_id, numbering.CONTRACT)
    return uow.add_unique(
        Contract(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.id, contract_no=number,
                 status="draft", **terms),
        Conflict(f"deal {deal.id} has a contract already", "CONTRACT_EXISTS"))


def _draft_in_review(session, actor, deal_id):
    require_role(actor, PERMISSIONS["deals.review"], "review contracts")
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    contract = contract_of(session, deal.id)
    if contract is None:
        raise Conflict(f"deal {deal.id} has no contract", "NO_CONTRACT")
    return deal, contract


def _review(session, contract, status, actor, note):
    """The draft signed or rejected by its reviewer, unless another review got there first."""
    _set(session, contract, "draft", Conflict(f"contract {contract.contract_no} is {contract.status}, not a draft",
                                              "CONTRACT_NOT_DRAFT"),
         status=status, reviewed_by=actor["account_id"], reviewed_at=utcnow(), review_note=note)


def approve_contract(uow, actor, deal_id, note):
    """审核 passed: contract and deal signed; `contract_signed`."""
    session = uow.session
    deal, contract = _draft_in_review(session, actor, deal_id)
    require_not_own(actor, contract.drafted_by, deal.advisor_id, what="contract")
    _review(session, contract, "signed", actor, note)
    move_deal(session, deal, "sign", actor, f"签约 {contract.contract_no}")
    uow.publish("contract_signed", {
        "deal_id": deal.id, "unit_id": deal.unit_id, "advisor_id": deal.advisor_id, "contract_id": contract.id,
        "contract_no": contract.contract_no, "price": contract.price, "payment_method": contract.payment_method,
        "gross_area": deal.gross_area, "customer_id": deal.customer_id, "signed_on": contract.signed_on,
        "loan_amount": contract.loan_amount,
    }, deal.agency_id, deal.project_id, actor=event_actor(actor))
    return contract


def reject_contract(uow, actor, deal_id, note):
    """审核 failed: the draft is rejected (the deal stays subscribed; a new draft may follow)."""
    session = uow.session
    deal, contract = _draft_in_review(session, actor, deal_id)
    _review(session, contract, "rejected", actor, note)
    note_deal(session, deal, actor, f"合同 {contract.contract_no} rejected: {note}")
    return contract


# 补充协议 ---------------------------------------------------------------------------------
def add_agreement(uow, actor, deal_id, data):
    """A 补充协议 to the deal's contract (draft or signed), numbered within it; pending 审核."""
    require_role(actor, PERMISSIONS["agreements.write"], "write supplementary agreements")
    session = uow.session
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    if actor["role"] != ASSISTANT:  # who supervises the papers, of every advisor
        require_own(actor, deal)
    contract = contract_of(session, deal.id)
    if contract is None or contract.status == "rejected":
        raise Conflict(f"deal {deal.id} has no live contract", "NO_CONTRACT")
    if deal.status not in AGREEMENT_DEAL_STATUSES:
        raise Conflict(f"deal {deal.id} is {deal.status}", "DEAL_CLOSED")
    signed_on = data.get("signed_on") or today()
    dates.check(session, deal, "agreement", agreement_on=signed_on)
    number = numbering.next_number(session, deal.agency_id, deal.project_id, f"agreement-{contract.id}")
    return uow.add_unique(
        SupplementaryAgreement(agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.id,
                               contract_id=contract.id, number=number, title=data["title"], content=data["content"],
                               signed_on=signed_on, status="pending", created_by=actor["account_id"]),
        Conflict("agreement number taken meanwhile; retry", "AGREEMENT_NUMBER_TAKEN"))


def decide_agreement(uow, actor, agreement_id, approve, note):
    """A manager approves or rejects a pending 补充协议 (409 AGREEMENT_NOT_PENDING once decided)."""
    require_role(actor, PERMISSIONS["deals.review"], "review supplementary agreements")
    session = uow.session
    agreement = get_in_scope(session, actor, SupplementaryAgreement, agreement_id, "agreement")
    if approve:
        require_not_own(actor, agreement.created_by, what="supplementary agreement")
    return _set(session, agreement, "pending",
                Conflict(f"agreement {agreement_id} is not pending", "AGREEMENT_NOT_PENDING"),
                status="approved" if approve else "rejected", reviewed_by=actor["account_id"],
                reviewed_at=utcnow(), review_note=note)


def list_agreements(session, actor, deal_id):
    require_role(actor, PERMISSIONS["deals.read"], "read deals")
    deal = get_in_scope(session, actor, Deal, deal_id, "deal")
    return session.execute(select(SupplementaryAgreement).where(SupplementaryAgreement.deal_id == deal.id)
                           .order_by(SupplementaryAgreement.number)).scalars().all()
