"""Deal facts from the contracts service (认购 approved, 签约, 退房, 交房, 换房, 更名), applied
to crm customers: their status (lead → subscribed → signed, → lost, back to lead) with a
history the funnel counts, the satisfaction visit (回访) owed within 30 days after handover,
and the deal's unit and buyers as they are after a 换房 or 更名.

subscription_approved names the customer (crm id if the subscription was made from one,
always name and phone); the later events carry the deal id only, so the deal → customer
map (deal_customers) is kept from the approval. Events of one deal travel on separate
queues and may arrive out of order: a later event of a deal crm has not seen yet raises
DealNotKnownYet and is retried (inbox) until the approval has been applied."""
import logging
from datetime import timedelta

from sqlalchemy import select

from loupan.errors import Invalid
from loupan.types import utcnow
from services.crm import channels, customers
from services.crm.models import CareTask, Customer, CustomerStatusChange, DealCustomer

log = logging.getLogger(__name__)
SATISFACTION_VISIT = "satisfaction_visit"
SATISFACTION_WITHIN = timedelta(days=30)
ACTIVE = ("subscribed", "signed", "handed_over")
UNAPPROVED = ("submitted", "pending")  # a subscription rejected before it counted
DEFAULT_CHANNEL = "walk_in"  # a buyer crm never registered came in person to subscribe


class DealNotKnownYet(Exception):
    """A later fact of a deal whose approval crm has not applied yet: retried."""


def _customer(session, customer_id, lock=True):
    query = select(Customer).where(Customer.id == customer_id)
    if lock:  # two deal facts of one customer at once queue here (PostgreSQL)
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def _deal(session, deal_id):
    return session.execute(select(DealCustomer).where(DealCustomer.deal_id == deal_id).with_for_update()
                           ).scalar_one_or_none()


def record_status(session, customer, to_status, at, advisor_id=None, deal_id=None):
    """Move the customer to `to_status` with a history row (nothing if already there)."""
    if customer.status == to_status:
        return
    session.add(CustomerStatusChange(agency_id=customer.agency_id, project_id=customer.project_id,
                                     customer_id=customer.id, advisor_id=advisor_id or customer.owner_id,
                                     from_status=customer.status, to_status=to_status, deal_id=deal_id, at=at))
    customer.status = to_status
    customer.updated_at = utcnow()


def _same_place(customer, event):
    return customer is not None and customer.agency_id == event["agency_id"] \
        and customer.project_id == event["project_id"]


def _find_or_register(uow, event, default_days):
    """The subscription's customer: the crm customer it names, else the one with its phone
    in the project, else a new one registered to the deal's advisor."""
    session, payload = uow.session, event["payload"]
    if payload["customer_id"] is not None:
        customer = _customer(session, payload["customer_id"])
        if _same_place(customer, event):
            return customer
    try:
        mobile = customers.normalise_mobile(payload["customer_phone"])
    except Invalid:
        log.warning("subscription %s: phone %r is not a mobile number; no crm customer", payload["subscription_id"],
                    payload["customer_phone"])
        return None
    found = session.execute(select(Customer.id).where(Customer.project_id == event["project_id"],
                                                      Customer.mobile == mobile)).scalar_one_or_none()
    if found is not None:
        return _customer(session, found)
    system = {"account_id": None, "username": "contracts", "role": "system", "agency_id": event["agency_id"],
              "project_ids": None}
    customer, _, _ = customers.register(uow, system, event["project_id"], {
        "mobile": mobile, "name": payload["customer_name"], "channel": DEFAULT_CHANNEL},
        owner_id=payload["advisor_id"], at=event["occurred_at"], default_days=default_days)
    return _customer(session, customer.id)


def subscription_approved(uow, event, default_days=None):
    """认购 approved: the customer (found or registered) is subscribed and the deal mapped."""
    session, payload = uow.session, event["payload"]
    if event["project_id"] is None or _deal(session, payload["deal_id"]) is not None:
        return
    customer = _find_or_register(uow, event, default_days)
    # a 签约 naming its customer may have overtaken this approval (events of one deal travel
    # on separate queues): the customer's history says so, and the map starts signed then
    signed = session.execute(select(CustomerStatusChange.id).where(
        CustomerStatusChange.deal_id == payload["deal_id"], CustomerStatusChange.to_status == "signed")).first()
    # mapped even without a customer, so that the deal's later facts are known and ignored
    session.add(DealCustomer(deal_id=payload["deal_id"], agency_id=event["agency_id"], project_id=event["project_id"],
                             customer_id=customer.id if customer is not None else None,
                             advisor_id=payload["advisor_id"], unit_id=payload["unit_id"],
                             unit_label=payload.get("unit_label"), status="signed" if signed else "subscribed", subscribed_at=event["occurred_at"], updated_at=utcnow()))
    if customer is not None and customer.status in ("lead", "lost"):
        record_status(session, customer, "subscribed", event["occurred_at"], payload["advisor_id"], payload["deal_id"])
    if customer is not None:  # 截客: a channel's report filed just before this 认购
        channels.alert_reports_before_deal(session, customer, event["occurred_at"], payload["deal_id"])
    session.flush()


def _deal_and_customer(session, event):
    """(deal map row or None, customer) of a later deal fact; DealNotKnownYet if neither
    the map nor the payload names a customer of this project. A mapped deal without a
    customer (its buyer's phone was no mobile number) gives (deal, None)."""
    payload = event["payload"]
    deal = _deal(session, payload["deal_id"])
    if deal is not None and deal.customer_id is None:
        return deal, None
    customer_id = deal.customer_id if deal is not None else payload.get("customer_id")
    customer = _customer(session, customer_id) if customer_id is not None else None
    if not _same_place(customer, event):
        raise DealNotKnownYet(f"deal {payload['deal_id']}: no subscription_approved applied yet")
    return deal, customer


def contract_signed(uow, event):
    """签约: the customer is signed."""
    session, payload = uow.session, event["payload"]
    deal, customer = _deal_and_customer(session, event)
    if deal is not None:
        if deal.status == "cancelled":
            return
        deal.status, deal.updated_at = "signed", utcnow()
    if customer is None:
        return
    record_status(session, customer, "signed", event["occurred_at"], payload["advisor_id"], payload["deal_id"])
    session.flush()


def _remaining_status(session, customer_id, deal_id):
    """The customer's status from their other active deals: signed, subscribed or None."""
    statuses = set(session.execute(select(DealCustomer.status).where(
        DealCustomer.customer_id == customer_id, DealCustomer.deal_id != deal_id,
        DealCustomer.status.in_(ACTIVE))).scalars())
    if statuses & {"signed", "handed_over"}:
        return "signed"
    return "subscribed" if statuses else None


def deal_cancelled(uow, event):
    """退房 of a subscribed/signed/filed deal: the customer is lost unless another deal of
    theirs stands. A subscription rejected before approval (submitted/pending): the
    customer goes back to being a lead."""
    session, payload = uow.session, event["payload"]
    unapproved = payload["from_status"] in UNAPPROVED
    try:
        deal, customer = _deal_and_customer(session, event)
    except DealNotKnownYet:
        if unapproved or payload["from_status"] is None:
            log.info("deal %s cancelled before crm knew it; nothing to change", payload["deal_id"])
            return
        raise
    if deal is not None:
        deal.status, deal.updated_at = "cancelled", utcnow()
    if customer is None:
        return
    remaining = _remaining_status(session, customer.id, payload["deal_id"])
    if remaining is not None:
        to_status = remaining
    elif unapproved:
        to_status = "lead" if customer.status == "subscribed" else customer.status
    else:
        to_status = "lost"
    record_status(session, customer, to_status, event["occurred_at"], payload["advisor_id"], payload["deal_id"])
    session.flush()


def unit_handed_over(uow, event):
    """交房: the 回访 satisfaction visit is owed by the customer's owner within 30 days."""
    session, payload = uow.session, event["payload"]
    deal, customer = _deal_and_customer(session, event)
    if deal is not None:
        deal.status, deal.updated_at = "handed_over", utcnow()
    if customer is None:
        return
    exists = session.execute(select(CareTask.id).where(CareTask.deal_id == payload["deal_id"],
                                                       CareTask.kind == SATISFACTION_VISIT)).first()
    if exists is None:
        owner_id = customer.owner_id or payload["advisor_id"] or (deal.advisor_id if deal is not None else None)
        session.add(CareTask(agency_id=customer.agency_id, project_id=customer.project_id, customer_id=customer.id,
                             deal_id=payload["deal_id"], kind=SATISFACTION_VISIT, owner_id=owner_id,
                             due_at=payload["handed_over_at"] + SATISFACTION_WITHIN, status="open",
                             created_at=utcnow()))
    session.flush()


def unit_swapped(uow, event):
    """换房: the deal (and so its customer's purchase) is on the new unit."""
    payload = event["payload"]
    deal = _deal(uow.session, payload["deal_id"])
    if deal is None:
        raise DealNotKnownYet(f"deal {payload['deal_id']}: no subscription_approved applied yet")
    deal.unit_id, deal.updated_at = payload["to_unit_id"], utcnow()
    deal.unit_label = payload.get("to_unit_label") or None
    uow.session.flush()


def buyers_changed(uow, event, default_days=None):
    """更名: the deal's buyers are now these (kept as its co-buyers). The first named is the
    main buyer: when that is another person than the deal's customer, the deal becomes the
    customer's with that phone (found in the project or registered to the deal's advisor)
    at the deal's status, and the former customer keeps the status of their other deals,
    or, named no more among the buyers, is lost."""
    session, payload = uow.session, event["payload"]
    deal, customer = _deal_and_customer(session, event)
    if deal is None:
        raise DealNotKnownYet(f"deal {payload['deal_id']}: no subscription_approved applied yet")
    buyers = [{"name": b["name"], "phone": b["phone"], "share": str(b["share"])} for b in payload["buyers"]]
    deal.buyers, deal.updated_at = buyers, utcnow()
    if customer is None or not buyers or deal.status == "cancelled":
        session.flush()
        return
    phones = set()
    for buyer in buyers:
        try:
            phones.add(customers.normalise_mobile(buyer["phone"]))
        except Invalid:
            continue
    try:
        main_phone = customers.normalise_mobile(buyers[0]["phone"])
    except Invalid:
        main_phone = None  # no mobile to find the main buyer by: the deal stays where it is
    if main_phone is None or main_phone == customer.mobile:
        session.flush()
        return
    found = dict(event, payload={"customer_id": None, "customer_phone": main_phone,
                                 "customer_name": buyers[0]["name"], "advisor_id": deal.advisor_id,
                                 "subscription_id": None})
    main = _find_or_register(uow, found, default_days)
    deal.customer_id = main.id
    at, status = event["occurred_at"], "signed" if deal.status in ("signed", "handed_over") else "subscribed"
    if main.status in ("lead", "lost") or (status == "signed" and main.status == "subscribed"):
        record_status(session, main, status, at, deal.advisor_id, deal.deal_id)
    remaining = _remaining_status(session, customer.id, deal.deal_id)
    if remaining is not None:
        record_status(session, customer, remaining, at, deal.advisor_id, deal.deal_id)
    elif customer.mobile not in phones:
        record_status(session, customer, "lost", at, deal.advisor_id, deal.deal_id)
    session.flush()
