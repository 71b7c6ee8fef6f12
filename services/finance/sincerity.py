"""诚意金 (a launch registration's refundable sincerity deposit, issue 18) as money in finance.

finance learns each 认筹 from inventory's `launch_registered` (sincerity_registrations); the
cashier takes its 诚意金 as a numbered receipt (the project's SK- series, as every 收据) that
belongs to no deal yet, and `sincerity_received` tells inventory the registration is paid.
A second person refunds it (`sincerity_refunded`) while it is not converted; when a 认购 is
approved from the registration (`subscription_approved` carrying `launch_registration_id`)
the 诚意金 becomes the deal's 定金: a deal receipt allocated to the deposit line first,
numbered anew (诚意金转定金: the 诚意金's 收据 is taken back, the 定金's issued), and the
诚意金 receipt is marked converted. Rules: sincerity_rules.py. 诚意金 is never subject to
预售资金监管 (it is no house price and is not in `receipts`)."""
import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, Forbidden, Invalid, RuleViolated
from loupan.events import InvalidEvent
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import check_scope, event_actor, get_in_scope, not_found
from loupan.types import today, utcnow
from services.finance import receipts, sincerity_rules
from services.finance.models import DealAccount, SincerityReceipt, SincerityRegistration
from services.finance.schedules import live_lines

log = logging.getLogger(__name__)


def _refused(exc):
    """A rule's refusal (sincerity_rules.Refused) as the HTTP error it is (each code spelled
    out: gateway/error_codes.py reads them from here)."""
    code, message = exc.code, exc.message
    if code == "SAME_PERSON":
        return Forbidden(message, "SAME_PERSON")
    if code == "SINCERITY_AMOUNT_MISMATCH":
        return RuleViolated(message, "SINCERITY_AMOUNT_MISMATCH")
    if code == "NO_SINCERITY_DUE":
        return RuleViolated(message, "NO_SINCERITY_DUE")
    if code == "SINCERITY_ALREADY_PAID":
        return Conflict(message, "SINCERITY_ALREADY_PAID")
    if code == "SINCERITY_REFUNDED":
        return Conflict(message, "SINCERITY_REFUNDED")
    if code == "SINCERITY_CONVERTED":
        return Conflict(message, "SINCERITY_CONVERTED")
    return Conflict(message, "SINCERITY_NOT_VALID")


def receipt_dict(row, registration=None):
    data = {c.name: getattr(row, c.name) for c in SincerityReceipt.__table__.columns}
    if registration is not None:
        data.update(number=registration.number, buyer_name=registration.buyer_name,
                    mobile_masked=registration.mobile_masked)
    return data


def apply_launch_registered(uow, event):
    """认筹 (inventory): the registration finance will take the 诚意金 of; once."""
    p = event["payload"]
    if event["project_id"] is None:
        raise InvalidEvent(f"registration {p['registration_id']}: no project")
    if uow.session.get(SincerityRegistration, p["registration_id"]) is not None:
        return
    uow.session.add(SincerityRegistration(
        registration_id=p["registration_id"], agency_id=event["agency_id"], project_id=event["project_id"],
        launch_id=p["launch_id"], number=p["number"], buyer_name=(p["buyer_name"] or "")[:50] or None,
        mobile_masked=p["mobile_masked"], amount_due=p["deposit_amount"], advisor_id=p["advisor_id"],
        channel_name=p["channel_name"]))
    uow.session.flush()


def _statuses(session, registration_id):
    return list(session.execute(select(SincerityReceipt.status)
                                .where(SincerityReceipt.registration_id == registration_id)).scalars())


def _publish(uow, kind, receipt, extra, actor):
    uow.publish(kind, dict({
        "launch_id": receipt.launch_id, "registration_id": receipt.registration_id,
        "sincerity_receipt_id": receipt.id, "receipt_no": receipt.receipt_no, "amount": receipt.amount}, **extra),
        receipt.agency_id, receipt.project_id, actor=actor)


def take(uow, actor, registration_id, data):
    """诚意金 taken at the desk: the launch's amount, once per registration (until refunded)."""
    require_role(actor, PERMISSIONS["receipts.record"], "take 诚意金")
    session = uow.session
    registration = session.get(SincerityRegistration, registration_id)  # keyed by registration_id
    if registration is None:
        raise not_found("registration", registration_id)
    check_scope(actor, registration.agency_id, registration.project_id, "registration", registration_id)
    received_on = data["received_on"] or today()
    if received_on > today():
        raise Invalid(f"received_on {received_on} is in the future", "RECEIVED_IN_FUTURE")
    try:
        sincerity_rules.check_amount(data["amount"], registration.amount_due)
        sincerity_rules.check_take(_statuses(session, registration.registration_id))
    except sincerity_rules.Refused as exc:
        raise _refused(exc) from None
    number = receipts.next_receipt_no(session, registration.agency_id, registration.project_id)
    receipt = SincerityReceipt(
        agency_id=registration.agency_id, project_id=registration.project_id, launch_id=registration.launch_id,
        registration_id=registration.registration_id, receipt_no=receipts.receipt_no(registration.project_id, number),
        amount=data["amount"], method=data["method"], payer=(data["payer"] or registration.buyer_name or "-")[:50],
        slip_no=data["slip_no"], received_on=received_on, status="valid", recorded_by=actor["account_id"],
        recorded_at=utcnow())
    session.add(receipt)
    try:
        session.flush()
    except IntegrityError:  # a concurrent receipt for the same registration won (uq_sincerity_receipts_live)
        uow.rollback()
        raise Conflict("this registration's 诚意金 is paid already", "SINCERITY_ALREADY_PAID") from None
    _publish(uow, "sincerity_received", receipt, {"method": receipt.method, "received_on": receipt.received_on},
             event_actor(actor))
    return receipt_dict(receipt, registration)


def refund(uow, actor, receipt_id, reason):
    """退诚意金: by a second person, of a receipt neither refunded nor converted."""
    require_role(actor, PERMISSIONS["receipts.reverse"], "refund 诚意金")
    session = uow.session
    receipt = get_in_scope(session, actor, SincerityReceipt, receipt_id, "sincerity receipt")
    try:
        sincerity_rules.check_refund(receipt.status, receipt.recorded_by, actor["account_id"])
    except sincerity_rules.Refused as exc:
        raise _refused(exc) from None
    moved = session.execute(
        update(SincerityReceipt).where(SincerityReceipt.id == receipt.id, SincerityReceipt.status == "valid")
        .values(status="refunded", ended_by=actor["account_id"], ended_at=utcnow(), end_reason=reason[:300])
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:  # refunded or converted meanwhile
        uow.rollback()
        raise Conflict(f"诚意金 {receipt.receipt_no} changed meanwhile; read it again", "SINCERITY_NOT_VALID")
    session.refresh(receipt)
    _publish(uow, "sincerity_refunded", receipt, {"refunded_on": today(), "reason": reason[:300]}, event_actor(actor))
    return receipt_dict(receipt, session.get(SincerityRegistration, receipt.registration_id))


def get_receipt(session, actor, receipt_id):
    require_role(actor, PERMISSIONS["sincerity.read"], "read 诚意金")
    receipt = get_in_scope(session, actor, SincerityReceipt, receipt_id, "sincerity receipt")
    return receipt_dict(receipt, session.get(SincerityRegistration, receipt.registration_id))


def launch_sincerity(session, actor, launch_id):
    """A launch's 诚意金 for finance: each registration known (paid, converted, refunded,
    outstanding) with its receipts, and the totals."""
    require_role(actor, PERMISSIONS["sincerity.read"], "read 诚意金")
    registrations = session.execute(
        select(SincerityRegistration).where(SincerityRegistration.launch_id == launch_id,
                                            SincerityRegistration.agency_id == actor["agency_id"])
        .order_by(SincerityRegistration.number)).scalars().all()
    if registrations:
        check_scope(actor, registrations[0].agency_id, registrations[0].project_id, "launch", launch_id)
    ids = [r.registration_id for r in registrations]
    rows = session.execute(select(SincerityReceipt).where(SincerityReceipt.registration_id.in_(ids))
                           .order_by(SincerityReceipt.id)).scalars().all() if ids else []
    by_registration = {}
    for row in rows:
        by_registration.setdefault(row.registration_id, []).append(row)
    lines, standing = [], []
    for r in registrations:
        mine = by_registration.get(r.registration_id, [])
        kind = sincerity_rules.standing(r.amount_due, [x.status for x in mine])
        taken = [x for x in mine if x.status in ("valid", "converted")] or [x for x in mine if x.status == "refunded"]
        standing.append((kind, taken[-1].amount if taken else r.amount_due))
        lines.append({"registration_id": r.registration_id, "number": r.number, "buyer_name": r.buyer_name,
                      "mobile_masked": r.mobile_masked, "amount_due": r.amount_due, "standing": kind,
                      "receipts": [receipt_dict(x, r) for x in mine]})
    totals = sincerity_rules.totals(standing)
    return {"launch_id": launch_id, "registrations": lines,
            "totals": {kind: {"count": totals.get(kind, (0, 0))[0],
                              "amount": totals.get(kind, (0, sincerity_rules.ZERO))[1]}
                       for kind in ("paid", "converted", "refunded", "outstanding")}}


def apply_sincerity_to_deal(uow, registration_id, deal_id):
    """诚意金转定金: the registration's valid 诚意金 becomes a receipt of `deal_id` allocated
    to its deposit line first (then the next lines in due order), numbered anew, and the
    诚意金 receipt is marked converted. Once: the same deal again changes nothing; a 诚意金
    refunded (or never taken) converts nothing. Returns the deal receipt's dict or None."""
    session = uow.session
    receipt = session.execute(
        select(SincerityReceipt).where(SincerityReceipt.registration_id == registration_id,
                                       SincerityReceipt.status.in_(sincerity_rules.LIVE))).scalars().first()
    if receipt is None:
        log.info("deal %s from registration %s: no 诚意金 to convert", deal_id, registration_id)
        return None
    deal = session.get(DealAccount, deal_id)
    if deal is None or deal.agency_id != receipt.agency_id or deal.project_id != receipt.project_id:
        raise InvalidEvent(f"deal {deal_id} is not of the project of registration {registration_id}")
    try:
        action = sincerity_rules.conversion(receipt.status, receipt.deal_id, deal_id)
    except sincerity_rules.Refused as exc:
        raise InvalidEvent(f"registration {registration_id}: {exc.message}") from None
    if action != "convert":
        return None
    deposit = [r for r in live_lines(session, deal.deal_id) if r.kind == "deposit" and r.status == "open"]
    registration = session.get(SincerityRegistration, registration_id)
    converted_on = max(receipt.received_on, deal.subscribed_on or today())
    made = receipts._record(uow, deal, receipt.amount, receipt.method, registration.buyer_name or receipt.payer,
                            min(converted_on, today()), deposit[0].id if deposit else None, None, None,
                            slip_no=receipt.receipt_no)
    moved = session.execute(
        update(SincerityReceipt).where(SincerityReceipt.id == receipt.id, SincerityReceipt.status == "valid")
        .values(status="converted", deal_id=deal_id, deal_receipt_id=made["id"], ended_at=utcnow(),
                end_reason=f"诚意金转定金: deal {deal_id}, {made['receipt_no']}")
        .execution_options(synchronize_session=False)).rowcount
    if moved != 1:
        raise Conflict(f"诚意金 {receipt.receipt_no} changed meanwhile", "SINCERITY_NOT_VALID")  # retried
    return made
