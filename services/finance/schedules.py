"""付款计划 payment schedules over the database: built from the contracts events, re-derived
when the deal's terms change, closed on 退房. The rules are in schedule_rules.py (lines) and
receipt_rules.py (where money already collected goes when lines are replaced).

Invariants kept here:
- the lines that are not closed sum to the deal's price;
- a line's `paid` is the sum of the valid receipts' allocations to it, never above `amount`;
- collected on a deal = the valid receipts' allocations; a regenerated schedule places the
  valid receipts again, oldest first, on the new lines (the first lines absorb what was paid).
Every line write is a conditional update on what was read, so a receipt racing with a
regeneration makes one of them fail and retry instead of losing money.
"""
import logging

from sqlalchemy import delete, func, insert, select, update

from loupan.errors import Conflict, Forbidden, NotFound, RuleViolated
from loupan.events import InvalidEvent
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import check_scope
from loupan.types import SHANGHAI, today
from services.finance import escrow, receipt_rules, schedule_rules
from services.finance.models import (Allocation, DealAccount, FinanceSettings, Receipt, ScheduleChange,
                                     ScheduleLine)

log = logging.getLogger(__name__)
ZERO = schedule_rules.ZERO
# who reads a deal's schedule and receipts; advisors only their own deals
TERMS_FIELDS = ("down_ratio", "provident_down_ratio", "down_payment_days", "instalment_count", "instalment_days",
                "full_payment_days", "mortgage_days", "reminder_days")


class DealNotKnownYet(Exception):
    """An event about a deal whose 认购 has not arrived yet (each event type has its own
    queue, so order is not guaranteed): raised so that the inbox retries it later."""


def event_day(event, *names):
    """The business date of an event: the first of the payload's date fields given, else
    the day it happened in Asia/Shanghai."""
    for name in names:
        if event["payload"].get(name) is not None:
            return event["payload"][name]
    return event["occurred_at"].astimezone(SHANGHAI).date()


# payment terms ---------------------------------------------------------------------------
def terms_of(session, project_id):
    row = session.get(FinanceSettings, project_id)
    if row is None:
        return schedule_rules.Terms()
    return schedule_rules.Terms(**{name: getattr(row, name) for name in TERMS_FIELDS})


def get_terms(session, actor, project_id):
    check_scope(actor, actor["agency_id"], project_id, "project")
    return dict(vars(terms_of(session, project_id)), project_id=project_id)


def preview(session, actor, project_id, data):
    """The 付款计划 a 认购 at this price, deposit and method would get under the project's
    terms (the same derive() the deal's schedule uses), for the advisor's quote to the buyer."""
    check_scope(actor, actor["agency_id"], project_id, "project")
    terms = terms_of(session, project_id)
    price, method = data["price"], data["payment_method"]
    deposit = schedule_rules.cents(data["deposit"] or 0)
    if deposit >= price:
        raise RuleViolated(f"deposit {deposit} must be less than the price {price}", "DEPOSIT_OUT_OF_RANGE")
    start = data["start_on"] or today()
    loan = schedule_rules.loan_for(price, deposit, method, data["loan_amount"], terms)
    lines = schedule_rules.derive(price, deposit, method, data["loan_amount"], start, terms)
    return {"project_id": project_id, "price": price, "deposit": deposit, "payment_method": method,
            "loan_amount": loan, "buyer_part": price - loan, "start_on": start,
            "lines": [vars(line) for line in lines]}


def put_terms(uow, actor, project_id, data):
    """A project's payment terms; schedules derived from now on use them."""
    require_role(actor, PERMISSIONS["payment_terms.set"])
    check_scope(actor, actor["agency_id"], project_id, "project")
    session = uow.session
    terms = terms_of(session, project_id).with_values(**data)
    row = session.get(FinanceSettings, project_id)
    if row is None:
        row = FinanceSettings(project_id=project_id, agency_id=actor["agency_id"])
        session.add(row)
    elif row.agency_id != actor["agency_id"]:
        raise NotFound(f"project {project_id} not found", "PROJECT_NOT_FOUND")
    for name in TERMS_FIELDS:
        setattr(row, name, getattr(terms, name))
    row.updated_by = actor["account_id"]
    uow.add_unique(row, Conflict("the payment terms were changed at the same time; try again", "TERMS_BUSY"))
    return dict(vars(terms), project_id=project_id)


# lines -----------------------------------------------------------------------------------
def live_lines(session, deal_id):
    """The deal's current lines (not closed), in due order."""
    return session.execute(
        select(ScheduleLine).where(ScheduleLine.deal_id == deal_id, ScheduleLine.status != "closed")
        .order_by(ScheduleLine.due_on, ScheduleLine.seq, ScheduleLine.id)
    ).scalars().all()


def open_lines(rows):
    """The rules' view of lines that can still take money."""
    return [receipt_rules.OpenLine(r.id, r.due_on, r.seq, r.amount - r.paid) for r in rows if r.status == "open"]


def set_line(session, row, paid, status):
    """Conditional update of one line from the paid/status it was read with."""
    moved = session.execute(
        update(ScheduleLine).where(ScheduleLine.id == row.id, ScheduleLine.paid == row.paid,
                                   ScheduleLine.status == row.status)
        .values(paid=paid, status=status).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        raise Conflict("the deal's schedule changed meanwhile; try again", "SCHEDULE_BUSY")
    row.paid, row.status = paid, status


def apply_parts(session, rows, parts, sign=1, closed=False):
    """Add (sign=1) or take back (sign=-1) allocated parts on the lines `rows` (by id). A
    line of a cancelled deal (`closed`) stays closed whatever is taken back."""
    by_id = {r.id: r for r in rows}
    for line_id, part in parts:
        row = by_id[line_id]
        paid = row.paid + sign * part
        if row.status == "closed" or closed:
            status = "paid" if row.status == "paid" and paid == row.amount else "closed"
        else:
            status = "paid" if paid == row.amount else "open"
        set_line(session, row, paid, status)


def collected(session, deal_id):
    """Collected on a deal: the allocations of its valid receipts."""
    return session.execute(
        select(func.coalesce(func.sum(Allocation.amount), ZERO)).join(Receipt, Receipt.id == Allocation.receipt_id)
        .where(Receipt.deal_id == deal_id, Receipt.status == "valid")
    ).scalar_one()


def _record_change(session, deal, reason, event_id, collected_total, unplaced):
    session.execute(insert(ScheduleChange).values(
        agency_id=deal.agency_id, project_id=deal.project_id, deal_id=deal.deal_id, reason=reason,
        price=deal.price, payment_method=deal.payment_method, loan_amount=deal.loan_amount,
        collected=collected_total, unplaced=unplaced, event_id=event_id))


def regenerate(uow, deal, reason, event_id=None):
    """Replace the deal's live lines by lines derived from its current terms, and place its
    valid receipts again on them (oldest first); money that no longer fits is `unplaced`."""
    session = uow.session
    old = live_lines(session, deal.deal_id)
    for row in old:
        set_line(session, row, ZERO, "closed")
    receipts = session.execute(
        select(Receipt.id, Receipt.amount).where(Receipt.deal_id == deal.deal_id, Receipt.status == "valid")
        .order_by(Receipt.received_on, Receipt.id)
    ).all()
    if receipts:
        session.execute(delete(Allocation).where(Allocation.receipt_id.in_([r.id for r in receipts])))
    terms = terms_of(session, deal.project_id)
    derived = schedule_rules.derive(deal.price, deal.deposit, deal.payment_method, deal.loan_amount,
                                    deal.subscribed_on, terms)
    seq0 = session.execute(select(func.coalesce(func.max(ScheduleLine.seq), 0))
                           .where(ScheduleLine.deal_id == deal.deal_id)).scalar_one()
    rows = [ScheduleLine(deal_id=deal.deal_id, seq=seq0 + line.seq, kind=line.kind, due_on=line.due_on,
                         amount=line.amount, paid=ZERO, status="open") for line in derived]
    session.add_all(rows)
    session.flush()
    placed, unplaced = receipt_rules.replace_all(open_lines(rows), [(r.id, r.amount) for r in receipts])
    for receipt_id, parts in placed.items():
        for line_id, part in parts:
            session.add(Allocation(receipt_id=receipt_id, line_id=line_id, amount=part))
        apply_parts(session, rows, parts)
    session.flush()
    if unplaced > 0:
        log.warning("deal %s: %s collected no longer fits the new schedule; to be refunded", deal.deal_id, unplaced)
    _record_change(session, deal, reason, event_id, sum((r.amount for r in receipts), ZERO), unplaced)
    from services.finance.channel_commission import refresh_billable  # it reads schedules: imported here
    refresh_billable(session, deal.deal_id)  # new lines: the channel's deal judged on them
    return rows


# the contracts events ------------------------------------------------------------------
def _deal(session, event, deal_id):
    """The deal named by an event (None if unknown); another agency's deal is never touched."""
    deal = session.get(DealAccount, deal_id)
    if deal is not None and deal.agency_id != event["agency_id"]:
        raise InvalidEvent(f"event {event['event_id']} names deal {deal_id} of another agency")
    return deal


def _known_deal(session, event):
    deal = _deal(session, event, event["payload"]["deal_id"])
    if deal is None:
        raise DealNotKnownYet(f"deal {event['payload']['deal_id']} has no subscription here yet")
    return deal


def apply_subscription_approved(uow, event):
    """认购 approved: the deal's account and its first schedule."""
    p = event["payload"]
    session = uow.session
    if session.get(DealAccount, p["deal_id"]) is not None:
        return  # the same deal announced again: its schedule exists
    if event["project_id"] is None or p["payment_method"] not in schedule_rules.METHODS or p["price"] <= 0:
        raise InvalidEvent(f"deal {p['deal_id']}: no project, or no schedule for {p['payment_method']} at {p['price']}")
    deal = DealAccount(
        deal_id=p["deal_id"], agency_id=event["agency_id"], project_id=event["project_id"], unit_id=p["unit_id"],
        unit_label=p["unit_label"], advisor_id=p["advisor_id"], customer_id=p["customer_id"],
        customer_name=p["customer_name"][:50], gross_area=p["gross_area"], price=p["price"], deposit=p["deposit"],
        payment_method=p["payment_method"], status="subscribed",
        subscribed_on=event_day(event, "subscribed_on", "approved_on"))
    session.add(deal)
    session.flush()
    regenerate(uow, deal, "subscription_approved", event["event_id"])


def apply_contract_signed(uow, event):
    """签约: the deal is signed; its schedule is derived again if price, method or loan changed."""
    p = event["payload"]
    deal = _known_deal(uow.session, event)
    if deal.status == "cancelled":
        return
    method = p["payment_method"] or deal.payment_method
    if method not in schedule_rules.METHODS or p["price"] <= 0:
        raise InvalidEvent(f"deal {deal.deal_id}: no schedule for {method} at {p['price']}")
    changed = (p["price"], method, p["loan_amount"]) != (deal.price, deal.payment_method, deal.loan_amount)
    deal.status, deal.signed_on = "signed", event_day(event, "signed_on")
    deal.price, deal.payment_method, deal.loan_amount = p["price"], method, p["loan_amount"]
    if p["advisor_id"] is not None:
        deal.advisor_id = p["advisor_id"]
    if changed:
        regenerate(uow, deal, "contract_signed", event["event_id"])


def apply_unit_swapped(uow, event):
    """换房: the deal is on another unit; a new price regenerates the schedule."""
    p = event["payload"]
    deal = _known_deal(uow.session, event)
    if deal.status == "cancelled":
        return
    if deal.unit_id != p["to_unit_id"] or (p.get("to_unit_label") and deal.unit_label != p["to_unit_label"]):
        # an event from before the label was carried leaves none rather than the old unit's
        deal.unit_id, deal.unit_label = p["to_unit_id"], p.get("to_unit_label")
    if p["new_price"] is not None and p["new_price"] <= 0:
        raise InvalidEvent(f"deal {deal.deal_id}: new price {p['new_price']}")
    if p["new_price"] is not None and p["new_price"] != deal.price:
        deal.price = p["new_price"]
        regenerate(uow, deal, "deal_unit_swapped", event["event_id"])


def apply_buyers_changed(uow, event):
    """更名: the buyers' names (the amounts do not change, so neither does the schedule)."""
    deal = _known_deal(uow.session, event)
    deal.customer_name = "、".join(b["name"] for b in event["payload"]["buyers"])[:50]


def apply_deal_cancelled(uow, event):
    """退房: the deal is cancelled and its open lines closed; what was collected stays on
    its receipts until they are refunded."""
    p = event["payload"]
    session = uow.session
    deal = _deal(session, event, p["deal_id"])
    if deal is None:
        if p["from_status"] in ("subscribed", "signed", "filed"):
            raise DealNotKnownYet(f"deal {p['deal_id']} cancelled before its subscription arrived here")
        return  # a subscription never approved: finance never knew the deal
    if deal.status == "cancelled":
        return
    deal.status, deal.cancelled_on = "cancelled", event_day(event)
    for row in live_lines(session, deal.deal_id):
        if row.status == "open":
            set_line(session, row, row.paid, "closed")
    _record_change(session, deal, "deal_cancelled", event["event_id"], collected(session, deal.deal_id), ZERO)


# reading ---------------------------------------------------------------------------------
def deal_in_scope(session, actor, deal_id):
    """The deal if the actor may see it: advisors their own deals only."""
    require_role(actor, PERMISSIONS["deal_money.read"])
    deal = session.get(DealAccount, deal_id)  # keyed by deal_id: get_in_scope wants an `id`
    if deal is None:
        raise NotFound(f"deal {deal_id} not found", "DEAL_NOT_FOUND")
    check_scope(actor, deal.agency_id, deal.project_id, "deal", deal_id)
    if actor["role"] == ADVISOR and deal.advisor_id != actor["account_id"]:
        raise Forbidden("an advisor sees only their own deals", "NOT_YOUR_DEAL")
    return deal


def line_dict(row):
    return {"id": row.id, "seq": row.seq, "kind": row.kind, "due_on": row.due_on, "amount": row.amount,
            "paid": row.paid, "remaining": row.amount - row.paid if row.status == "open" else ZERO,
            "status": row.status}


def schedule_view(session, actor, deal_id):
    deal = deal_in_scope(session, actor, deal_id)
    rows = session.execute(select(ScheduleLine).where(ScheduleLine.deal_id == deal_id)
                           .order_by(ScheduleLine.seq)).scalars().all()
    history = session.execute(select(ScheduleChange).where(ScheduleChange.deal_id == deal_id)
                              .order_by(ScheduleChange.id)).scalars().all()
    total = collected(session, deal_id)
    received = session.execute(select(func.coalesce(func.sum(Receipt.amount), ZERO))
                               .where(Receipt.deal_id == deal_id, Receipt.status == "valid")).scalar_one()
    return {
        "deal_id": deal.deal_id, "project_id": deal.project_id, "unit_id": deal.unit_id,
        "unit_label": deal.unit_label, "advisor_id": deal.advisor_id, "customer_name": deal.customer_name,
        "price": deal.price, "deposit": deal.deposit, "payment_method": deal.payment_method,
        "loan_amount": deal.loan_amount, "status": deal.status, "collected": total,
        "outstanding": sum((r.amount - r.paid for r in rows if r.status == "open"), ZERO),
        "credit": received - total, "lines": [line_dict(r) for r in rows],
        # the 收银台 offers the account house price goes to today (预售资金监管)
        "escrow_account": escrow.in_force_view(session, deal.project_id),
        "history": [{"reason": h.reason, "price": h.price, "payment_method": h.payment_method,
                     "loan_amount": h.loan_amount, "collected": h.collected, "unplaced": h.unplaced, "at": h.at}
                    for h in history],
    }
