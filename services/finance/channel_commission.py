"""分销佣金 over the database (issue 19): which deals each channel brought, when they become
billable, the channels' terms, and the statements; the arithmetic is in
channel_commission_rules.py.

Where the facts come from:
- crm's `channel_attributed` (判客 final after a verified 带看) and `channel_attribution_ended`
  (a ruling took the customer away): `channel_attributions`, once per report;
- contracts' `contract_signed`: a deal of an attributed customer at that project, signed while
  the attribution held, becomes a channel deal (the attribution arriving after the signing
  links the deal too: each queue has its own order); `deal_cancelled` (退房) and
  `deal_unit_swapped` (换房: the new price is the new basis) change it;
- finance's own receipts: each receipt recorded, voided or refunded, and each schedule derived
  again, refreshes the billable day of the deal's channel deal until a statement stated it
  (then it stays billable: a refund after that is no reversal, only 退房 or a ruling is).

Statements, per project and channel: drawn as a draft (the lines the rules give by the
period's end minus what issued statements stated; drawn again, the draft is replaced), issued
(numbered, never changed), then confirmed by the channel (on a day, by a named person: finance
records it until channels sign in themselves) or disputed. A correction is a line of the next
statement: a reversal after 退房 or a ruling, an adjustment after 换房 to a unit of another
price or a tier reached or lost.
"""
import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime, time, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, RuleViolated
from loupan.events import InvalidEvent
from loupan.roles import PERMISSIONS, require_role
from loupan.schemas import dump, load
from loupan.schemas.finance_channel import ChannelTermsIn
from loupan.scope import check_scope, get_in_scope, not_found
from loupan.types import SHANGHAI, local_day, today, utcnow
from services.finance import channel_commission_rules as rules
from services.finance.models import (Allocation, ChannelAttribution, ChannelBilling, ChannelDeal, ChannelStatement,
                                     ChannelStatementLine, ChannelTerms, DealAccount, Receipt, ScheduleLine)
from services.finance.schedules import DealNotKnownYet, event_day

log = logging.getLogger(__name__)
ZERO = rules.ZERO
DEFAULT_BILLABLE = "signed_and_down_payment"
# why crm ends an attribution without taking the customer away: a later channel's verified
# visit once the protection was over (deals signed before stay the first channel's)
NOT_TAKEN_AWAY = ("superseded",)


class AttributionNotKnownYet(Exception):
    """An attribution's end before the attribution itself (each event type has its own queue):
    raised so that the inbox retries it later."""


def in_project(actor, project_id, grant):
    require_role(actor, grant)
    check_scope(actor, actor["agency_id"], project_id, "project")


# the project's billable condition ------------------------------------------------------------
def billing_condition(session, project_id):
    row = session.get(ChannelBilling, project_id)
    return row.billable_when if row is not None else DEFAULT_BILLABLE


def _billing_dict(row, project_id):
    if row is None:
        return {"project_id": project_id, "billable_when": DEFAULT_BILLABLE, "set_by": None, "set_at": None}
    return {"project_id": project_id, "billable_when": row.billable_when, "set_by": row.set_by, "set_at": row.set_at}


def get_billing(session, actor, project_id):
    in_project(actor, project_id, PERMISSIONS["channel_commission.read"])
    return _billing_dict(session.get(ChannelBilling, project_id), project_id)


def put_billing(uow, actor, project_id, data):
    """The project's condition; deals not stated yet are judged by it again now."""
    in_project(actor, project_id, PERMISSIONS["channel_commission.manage"])
    session = uow.session
    row = session.get(ChannelBilling, project_id)
    if row is None:
        row = uow.add_unique(ChannelBilling(project_id=project_id, agency_id=actor["agency_id"],
                                            billable_when=data["billable_when"], set_by=actor["account_id"],
                                            set_at=utcnow()),
                             Conflict("the condition was set at the same time; try again", "CHANGED_CONCURRENTLY"))
    else:
        row.billable_when, row.set_by, row.set_at = data["billable_when"], actor["account_id"], utcnow()
        session.flush()
    for deal_id in session.execute(select(ChannelDeal.deal_id).where(ChannelDeal.project_id == project_id)).scalars():
        refresh_billable(session, deal_id)
    return _billing_dict(row, project_id)


# billable and state ----------------------------------------------------------------------------
def _schedule(session, deal_id):
    """The deal's live schedule lines with the parts its valid receipts paid to each."""
    rows = session.execute(select(ScheduleLine.id, ScheduleLine.kind, ScheduleLine.amount)
                           .where(ScheduleLine.deal_id == deal_id, ScheduleLine.status != "closed")).all()
    paid = defaultdict(list)
    for line_id, received_on, amount in session.execute(
            select(Allocation.line_id, Receipt.received_on, Allocation.amount)
            .join(Receipt, Receipt.id == Allocation.receipt_id)
            .where(Receipt.deal_id == deal_id, Receipt.status == "valid")).all():
        paid[line_id].append((received_on, amount))
    return [rules.Line(kind, amount, tuple(paid[line_id])) for line_id, kind, amount in rows]


def _stated(session, deal_ids=None, project_id=None):
    """{(channel_id, deal_id): sum of the lines of issued (not draft) statements}."""
    line = ChannelStatementLine
    query = (select(line.channel_id, line.deal_id, func.sum(line.amount))
             .join(ChannelStatement, ChannelStatement.id == ChannelStatementLine.statement_id)
             .where(ChannelStatement.status != "draft")
             .group_by(ChannelStatementLine.channel_id, ChannelStatementLine.deal_id))
    if deal_ids is not None:
        query = query.where(ChannelStatementLine.deal_id.in_(list(deal_ids)))
    if project_id is not None:
        query = query.where(ChannelStatementLine.project_id == project_id)
    return {(channel_id, deal_id): rules.cents(total) for channel_id, deal_id, total in session.execute(query).all()}


def _live(session, deal_id):
    """The deal's channel deal not ended, in a list (none or one)."""
    return session.execute(select(ChannelDeal).where(ChannelDeal.deal_id == deal_id,
                                                     ChannelDeal.ended_on.is_(None))).scalars().all()


def _restate(session, cd):
    stated = _stated(session, [cd.deal_id]).get((cd.channel_id, cd.deal_id), ZERO)
    cd.state = ("reversed" if cd.ended_on is not None else "billed" if stated
                else "billable" if cd.billable_on is not None else "pending")


def refresh_billable(session, deal_id):
    """The channel deal's billable day from the deal's schedule and receipts now (nothing for
    a deal no channel brought); a deal stated already, or ended, keeps what it has."""
    for cd in _live(session, deal_id):
        if cd.state != "billed":
            cd.billable_on = rules.billable_on(billing_condition(session, cd.project_id), cd.signed_on,
                                               _schedule(session, deal_id))
            _restate(session, cd)
    session.flush()


# the events ----------------------------------------------------------------------------------
def taken_away(attribution):
    """Ended by a ruling (申诉): the customer was never the channel's."""
    return attribution.ended_on is not None and attribution.end_reason not in NOT_TAKEN_AWAY


def _lock_customer_deals(session, agency_id, project_id, customer_id):
    """The customer's deal accounts at the project, locked (in id order) until the handler
    commits. The three handlers that decide a channel deal (签约, 判客, a ruling's end of an
    attribution) each read what another writes: run at once, each would miss the other's
    uncommitted row and neither would link the deal (the deal left nobody's: seen in a full
    run). Locked, they take turns, and the second reads the first's commit: on PostgreSQL each
    statement sees what committed before it (read committed); SQLite has one writer anyway."""
    return session.execute(select(DealAccount).where(
        DealAccount.agency_id == agency_id, DealAccount.project_id == project_id,
        DealAccount.customer_id == customer_id).order_by(DealAccount.deal_id)
        .with_for_update().execution_options(populate_existing=True)).scalars().all()


def _holding(session, agency_id, project_id, customer_id, signed_on):
    """The attribution of the customer at the project that held on the signing day (the
    latest visit if several did; none a ruling ended); None."""
    rows = session.execute(select(ChannelAttribution).where(
        ChannelAttribution.agency_id == agency_id, ChannelAttribution.project_id == project_id,
        ChannelAttribution.customer_id == customer_id).order_by(ChannelAttribution.visited_at.desc(),
                                                                ChannelAttribution.id.desc())).scalars()
    for row in rows:
        if taken_away(row):
            continue  # a ruling took the customer away: it never was the channel's
        until = local_day(row.protected_until) if row.protected_until is not None else None
        if rules.attribution_holds(local_day(row.visited_at), until, row.ended_on, signed_on):
            return row
    return None


def _link(session, attribution, deal, amount, signed_on):
    """The deal the attribution's channel's, unless a channel's deal of it is live or this
    attribution had it before (and a ruling took it away)."""
    if _live(session, deal.deal_id) or session.execute(select(ChannelDeal.id).where(
            ChannelDeal.deal_id == deal.deal_id, ChannelDeal.attribution_id == attribution.id)).first():
        return None
    cd = ChannelDeal(deal_id=deal.deal_id, agency_id=deal.agency_id, project_id=deal.project_id,
                     channel_id=attribution.channel_id, attribution_id=attribution.id, customer_id=deal.customer_id,
                     unit_label=deal.unit_label, amount=amount, signed_on=signed_on, state="pending")
    session.add(cd)
    session.flush()
    refresh_billable(session, deal.deal_id)
    log.info("deal %s is channel %s's (report %s)", deal.deal_id, attribution.channel_id, attribution.report_id)
    return cd


def apply_attributed(uow, event):
    """判客 final: the attribution (once per report; the same report again updates it), and the
    customer's deals at the project signed while it held, if not linked yet."""
    p = event["payload"]
    session = uow.session
    if event["project_id"] is not None and event["project_id"] != p["project_id"]:
        raise InvalidEvent(f"event {event['event_id']} names project {event['project_id']} and {p['project_id']}")
    deals = _lock_customer_deals(session, event["agency_id"], p["project_id"], p["customer_id"])
    row = session.execute(select(ChannelAttribution).where(ChannelAttribution.report_id == p["report_id"])) \
        .scalar_one_or_none()
    if row is not None and row.agency_id != event["agency_id"]:
        raise InvalidEvent(f"event {event['event_id']} names report {p['report_id']} of another agency")
    if row is None:
        row = ChannelAttribution(agency_id=event["agency_id"], project_id=p["project_id"], report_id=p["report_id"])
        session.add(row)
    row.customer_id, row.channel_id, row.channel_name = p["customer_id"], p["channel_id"], p["channel_name"][:100]
    row.broker_id, row.broker_name = p["broker_id"], (p["broker_name"] or "")[:50] or None
    row.visited_at, row.protected_until = p["visited_at"], p["protected_until"]
    row.ended_on = row.end_reason = None  # attributed again (a ruling gave the customer back)
    session.flush()
    for deal in deals:
        if deal.signed_on is None or deal.status == "cancelled":
            continue
        if _holding(session, row.agency_id, row.project_id, row.customer_id, deal.signed_on) is row:
            _link(session, row, deal, deal.price, deal.signed_on)


def apply_attribution_ended(uow, event):
    """The attribution ended. By a ruling (申诉; any reason but "superseded"): the customer is
    taken away, the channel's deals of it earn nothing from that day, and another attribution
    that held when such a deal was signed (the channel the ruling gave the customer to) has it
    now. "superseded" (a later channel's visit once the protection was over): no deal signed
    from then is the channel's; those signed before stay its."""
    p = event["payload"]
    session = uow.session
    _lock_customer_deals(session, event["agency_id"], p["project_id"], p["customer_id"])
    row = session.execute(select(ChannelAttribution).where(ChannelAttribution.report_id == p["report_id"])) \
        .scalar_one_or_none()
    if row is None:
        raise AttributionNotKnownYet(f"report {p['report_id']} has no attribution here yet")
    if row.agency_id != event["agency_id"]:
        raise InvalidEvent(f"event {event['event_id']} names report {p['report_id']} of another agency")
    if row.ended_on is not None:
        return
    row.ended_on, row.end_reason = event_day(event), (p["reason"] or "ruling")[:300]
    session.flush()
    if not taken_away(row):
        return
    for cd in session.execute(select(ChannelDeal).where(ChannelDeal.attribution_id == row.id,
                                                        ChannelDeal.ended_on.is_(None))).scalars().all():
        cd.ended_on, cd.end_reason = row.ended_on, "attribution_ended"
        _restate(session, cd)
        session.flush()
        deal = session.get(DealAccount, cd.deal_id)
        other = _holding(session, row.agency_id, row.project_id, row.customer_id, cd.signed_on)
        if deal is not None and deal.status != "cancelled" and other is not None:
            _link(session, other, deal, cd.amount, cd.signed_on)
    session.flush()


def _known_deal(session, event, lock=False):
    q = select(DealAccount).where(DealAccount.deal_id == event["payload"]["deal_id"])
    if lock:  # see _lock_customer_deals
        q = q.with_for_update().execution_options(populate_existing=True)
    deal = session.execute(q).scalar_one_or_none()
    if deal is None:
        raise DealNotKnownYet(f"deal {event['payload']['deal_id']} has no subscription here yet")
    if deal.agency_id != event["agency_id"]:
        raise InvalidEvent(f"event {event['event_id']} names deal {deal.deal_id} of another agency")
    return deal


def apply_contract_signed(uow, event):
    """签约: a channel deal if the customer was the channel's at the project that day."""
    p = event["payload"]
    session = uow.session
    deal = _known_deal(session, event, lock=True)
    if deal.status == "cancelled" or session.execute(select(ChannelDeal.id)
                                                     .where(ChannelDeal.deal_id == deal.deal_id)).first():
        return
    signed_on = event_day(event, "signed_on")
    if deal.signed_on is None:
        # the schedule's handler of the same event sets the same; an attribution arriving
        # in between finds the deal signed either way
        deal.status, deal.signed_on = "signed", signed_on
    customer_id = p["customer_id"] or deal.customer_id
    if customer_id is None:
        return
    attribution = _holding(session, deal.agency_id, deal.project_id, customer_id, signed_on)
    if attribution is not None:
        _link(session, attribution, deal, p["price"], signed_on)


def apply_deal_cancelled(uow, event):
    """退房: the channel deal earns nothing from that day (a reversal if it was stated)."""
    session = uow.session
    for cd in _live(session, event["payload"]["deal_id"]):
        if cd.agency_id != event["agency_id"]:
            raise InvalidEvent(f"event {event['event_id']} names deal {cd.deal_id} of another agency")
        cd.ended_on, cd.end_reason = event_day(event), "cancelled"
        _restate(session, cd)
    session.flush()


def apply_unit_swapped(uow, event):
    """换房: the new unit's price is the basis from now (an adjustment if it was stated)."""
    p = event["payload"]
    session = uow.session
    for cd in _live(session, p["deal_id"]):
        if cd.agency_id != event["agency_id"]:
            raise InvalidEvent(f"event {event['event_id']} names deal {cd.deal_id} of another agency")
        if p.get("to_unit_label"):
            cd.unit_label = p["to_unit_label"]
        if p["new_price"] is not None and p["new_price"] > 0:
            cd.amount = p["new_price"]
    session.flush()
    refresh_billable(session, p["deal_id"])


# terms -----------------------------------------------------------------------------------------
def _terms_dict(row, in_use):
    terms = dict({"amount": None, "rate": None, "tiers": [], "launch_bonus": None}, **load(ChannelTermsIn, row.terms))
    return dict(terms, id=row.id, project_id=row.project_id, version=row.version,
                channel_name=row.channel_name, set_by=row.set_by, set_at=row.set_at, in_use=in_use)


def _used_terms(session, terms_ids):
    return set(session.execute(
        select(ChannelStatementLine.terms_id)
        .join(ChannelStatement, ChannelStatement.id == ChannelStatementLine.statement_id)
        .where(ChannelStatement.status != "draft", ChannelStatementLine.terms_id.in_(list(terms_ids)))).scalars())


def add_terms(uow, actor, project_id, data):
    """A new version of the channel's terms at the project (earlier ones stay: the version in
    force on a deal's signing day prices it)."""
    in_project(actor, project_id, PERMISSIONS["channel_commission.manage"])
    session = uow.session
    version = session.execute(select(func.coalesce(func.max(ChannelTerms.version), 0)).where(
        ChannelTerms.project_id == project_id, ChannelTerms.channel_id == data["channel_id"])).scalar_one() + 1
    name = data.get("channel_name") or session.execute(
        select(ChannelAttribution.channel_name).where(ChannelAttribution.project_id == project_id,
                                                      ChannelAttribution.channel_id == data["channel_id"])
        .order_by(ChannelAttribution.id.desc()).limit(1)).scalar_one_or_none()
    row = uow.add_unique(
        ChannelTerms(agency_id=actor["agency_id"], project_id=project_id, channel_id=data["channel_id"],
                     channel_name=name, version=version, effective_from=data["effective_from"],
                     terms=dump(ChannelTermsIn, data), set_by=actor["account_id"], set_at=utcnow()),
        Conflict("the channel's terms were changed at the same time; try again", "CHANGED_CONCURRENTLY"))
    return _terms_dict(row, False)


def list_terms(session, actor, project_id, query):
    in_project(actor, project_id, PERMISSIONS["channel_commission.read"])
    select_ = select(ChannelTerms).where(ChannelTerms.project_id == project_id,
                                        ChannelTerms.agency_id == actor["agency_id"])
    if query.get("channel_id") is not None:
        select_ = select_.where(ChannelTerms.channel_id == query["channel_id"])
    rows = session.execute(select_.order_by(ChannelTerms.channel_id, ChannelTerms.version)).scalars().all()
    used = _used_terms(session, [r.id for r in rows]) if rows else set()
    return [_terms_dict(r, r.id in used) for r in rows]


def delete_terms(uow, actor, terms_id):
    """Withdraw a version no issued statement was drawn with (409 TERMS_IN_USE); drafts drawn
    with it are discarded (draw them again)."""
    require_role(actor, PERMISSIONS["channel_commission.manage"])
    session = uow.session
    row = get_in_scope(session, actor, ChannelTerms, terms_id, "channel terms")
    if _used_terms(session, [row.id]):
        raise Conflict(f"version {row.version} of channel {row.channel_id}'s terms is on an issued statement; "
                       "add a new version instead", "TERMS_IN_USE")
    drafts = select(ChannelStatementLine.statement_id).where(ChannelStatementLine.terms_id == row.id)
    statement_ids = list(session.execute(drafts).scalars())
    if statement_ids:
        session.execute(delete(ChannelStatementLine).where(ChannelStatementLine.statement_id.in_(statement_ids)))
        session.execute(delete(ChannelStatement).where(ChannelStatement.id.in_(statement_ids),
                                                       ChannelStatement.status == "draft"))
    answer = _terms_dict(row, False)
    session.delete(row)
    session.flush()
    return answer


def _versions(session, project_id, channel_id=None):
    """{channel_id: [rules.Terms]} of the project."""
    query = select(ChannelTerms).where(ChannelTerms.project_id == project_id)
    if channel_id is not None:
        query = query.where(ChannelTerms.channel_id == channel_id)
    versions = defaultdict(list)
    for row in session.execute(query).scalars():
        t = load(ChannelTermsIn, row.terms)
        bonus = t.get("launch_bonus") or {}
        versions[row.channel_id].append(rules.Terms(
            row.effective_from, row.version, t["kind"], amount=t.get("amount"), rate=t.get("rate"),
            tiers=tuple(rules.Tier(x["from_units"], x["rate"]) for x in t.get("tiers") or ()),
            tier_period=t.get("tier_period") or "month", bonus_amount=bonus.get("amount"),
            bonus_from=bonus.get("from_on"), bonus_to=bonus.get("to_on"), id=row.id))
    return versions


# channel deals ----------------------------------------------------------------------------------
def _deals(session, project_id, channel_id=None):
    query = select(ChannelDeal).where(ChannelDeal.project_id == project_id)
    if channel_id is not None:
        query = query.where(ChannelDeal.channel_id == channel_id)
    return session.execute(query.order_by(ChannelDeal.deal_id, ChannelDeal.id)).scalars().all()


def _one_per_deal(rows):
    """{deal_id: the channel's deal of it}: the live one, else the latest (a channel that had a
    deal, lost it by a ruling and got it back holds two: the statement counts it once)."""
    found = {}
    for cd in rows:  # by deal, then id
        if cd.deal_id not in found or found[cd.deal_id].ended_on is not None:
            found[cd.deal_id] = cd
    return found


def _as_rules(cd):
    return rules.ChannelDeal(cd.deal_id, cd.channel_id, cd.amount, cd.signed_on, cd.billable_on, cd.ended_on)


def _names(session, project_id):
    """{channel_id: the latest name} of the project's channels (attributions, else terms)."""
    names = {}
    for channel_id, name in session.execute(select(ChannelTerms.channel_id, ChannelTerms.channel_name)
                                            .where(ChannelTerms.project_id == project_id)
                                            .order_by(ChannelTerms.id)).all():
        if name:
            names[channel_id] = name
    for channel_id, name in session.execute(select(ChannelAttribution.channel_id, ChannelAttribution.channel_name)
                                            .where(ChannelAttribution.project_id == project_id)
                                            .order_by(ChannelAttribution.id)).all():
        names[channel_id] = name
    return names


def list_deals(session, actor, project_id, query):
    in_project(actor, project_id, PERMISSIONS["channel_commission.read"])
    rows = [cd for cd in _deals(session, project_id, query.get("channel_id")) if cd.agency_id == actor["agency_id"]]
    return _deal_dicts(session, project_id, rows)


def _deal_dicts(session, project_id, rows):
    stated = _stated(session, project_id=project_id)
    names = _names(session, project_id)
    brokers = dict(session.execute(select(ChannelAttribution.id, ChannelAttribution.broker_name)
                                   .where(ChannelAttribution.project_id == project_id)).all())
    return [{"deal_id": cd.deal_id, "project_id": cd.project_id, "channel_id": cd.channel_id,
             "channel_name": names.get(cd.channel_id), "broker_name": brokers.get(cd.attribution_id),
             "customer_id": cd.customer_id, "unit_label": cd.unit_label, "amount": cd.amount,
             "signed_on": cd.signed_on, "billable_on": cd.billable_on, "ended_on": cd.ended_on,
             "end_reason": cd.end_reason, "state": cd.state,
             "stated": stated.get((cd.channel_id, cd.deal_id), ZERO)}
            for cd in rows]


# statements ---------------------------------------------------------------------------------------
def _line_dict(x):
    return {"deal_id": x.deal_id, "kind": x.kind, "unit_label": x.unit_label, "signed_on": x.signed_on,
            "basis": x.basis, "rate": x.rate, "units_in_period": x.units_in_period, "bonus": x.bonus, "due": x.due,
            "amount": x.amount, "terms_id": x.terms_id}


def statement_dict(session, row):
    lines = session.execute(select(ChannelStatementLine).where(ChannelStatementLine.statement_id == row.id)
                            .order_by(ChannelStatementLine.id)).scalars().all()
    return {"id": row.id, "project_id": row.project_id, "channel_id": row.channel_id,
            "channel_name": row.channel_name, "number": row.number, "period_from": row.period_from,
            "period_to": row.period_to, "status": row.status, "total": row.total, "drawn_by": row.drawn_by,
            "drawn_at": row.drawn_at, "issued_by": row.issued_by, "issued_at": row.issued_at,
            "confirmed_on": row.confirmed_on, "confirmed_by_name": row.confirmed_by_name,
            "confirmation_recorded_by": row.confirmation_recorded_by, "disputed_reason": row.disputed_reason,
            "disputed_recorded_by": row.disputed_recorded_by, "answered_at": row.answered_at,
            "lines": [_line_dict(x) for x in lines]}


def draw_statement(uow, actor, project_id, data):
    """A draft statement to the channel for the period: what the rules give by its end minus
    what issued statements stated, per deal. Replaces the channel's draft at the project.
    422 PERIOD_IN_FUTURE, PERIOD_BEFORE_LAST (an issued statement runs later), NOTHING_TO_STATE."""
    in_project(actor, project_id, PERMISSIONS["channel_commission.manage"])
    session = uow.session
    channel_id, period_to = data["channel_id"], data["period_to"]
    if period_to > today():
        raise RuleViolated(f"the period ends {period_to}, in the future", "PERIOD_IN_FUTURE")
    last = session.execute(select(ChannelStatement).where(
        ChannelStatement.project_id == project_id, ChannelStatement.channel_id == channel_id,
        ChannelStatement.status != "draft").order_by(ChannelStatement.number.desc()).limit(1)).scalar_one_or_none()
    if last is not None and period_to < last.period_to:
        raise RuleViolated(f"statement {last.number} already runs to {last.period_to}", "PERIOD_BEFORE_LAST")
    deals = _one_per_deal(cd for cd in _deals(session, project_id, channel_id) if cd.agency_id == actor["agency_id"])
    due = rules.due_by_rules([_as_rules(cd) for cd in deals.values()], _versions(session, project_id, channel_id),
                             period_to)
    stated = {deal_id: amount for (channel, deal_id), amount in _stated(session, project_id=project_id).items()
              if channel == channel_id}
    lines = rules.statement_lines(due, stated)
    if not lines:
        raise RuleViolated(f"nothing to state to channel {channel_id} by {period_to}", "NOTHING_TO_STATE")
    old = session.execute(select(ChannelStatement.id).where(
        ChannelStatement.project_id == project_id, ChannelStatement.channel_id == channel_id,
        ChannelStatement.status == "draft")).scalars().all()
    if old:
        session.execute(delete(ChannelStatementLine).where(ChannelStatementLine.statement_id.in_(old)))
        session.execute(delete(ChannelStatement).where(ChannelStatement.id.in_(old),
                                                       ChannelStatement.status == "draft"))
        session.flush()
    statement = uow.add_unique(
        ChannelStatement(agency_id=actor["agency_id"], project_id=project_id, channel_id=channel_id,
                         channel_name=_names(session, project_id).get(channel_id), period_from=data["period_from"],
                         period_to=period_to, status="draft",
                         total=sum((amount for _, amount in lines.values()), ZERO),
                         drawn_by=actor["account_id"], drawn_at=utcnow()),
        Conflict("another draft was drawn at the same time; try again", "STATEMENT_RACE"))
    for deal_id in sorted(lines):
        kind, amount = lines[deal_id]
        cd, d = deals[deal_id], due.get(deal_id)
        session.add(ChannelStatementLine(
            statement_id=statement.id, agency_id=actor["agency_id"], project_id=project_id, channel_id=channel_id,
            deal_id=deal_id, kind=kind, unit_label=cd.unit_label, signed_on=cd.signed_on,
            basis=d.basis if d else cd.amount, rate=None if d is None or d.rate is None else str(d.rate),
            units_in_period=d.units_in_period if d else None, bonus=rules.cents(d.bonus) if d else ZERO,
            due=d.amount if d else ZERO, amount=amount, terms_id=d.terms_id if d else None))
    session.flush()
    return statement_dict(session, statement)


def _statement(session, actor, statement_id, grant):
    require_role(actor, grant)
    return get_in_scope(session, actor, ChannelStatement, statement_id, "channel statement")


def get_statement(session, actor, statement_id):
    return statement_dict(session, _statement(session, actor, statement_id, PERMISSIONS["channel_commission.read"]))


def list_statements(session, actor, project_id, query):
    in_project(actor, project_id, PERMISSIONS["channel_commission.read"])
    select_ = select(ChannelStatement).where(ChannelStatement.project_id == project_id,
                                            ChannelStatement.agency_id == actor["agency_id"])
    if query.get("channel_id") is not None:
        select_ = select_.where(ChannelStatement.channel_id == query["channel_id"])
    rows = session.execute(select_.order_by(ChannelStatement.channel_id, ChannelStatement.id)).scalars().all()
    return [statement_dict(session, row) for row in rows]


def _move(session, row, from_statuses, values, refusal):
    moved = session.execute(update(ChannelStatement).where(ChannelStatement.id == row.id,
                                                           ChannelStatement.status.in_(from_statuses))
                            .values(**values).execution_options(synchronize_session=False)).rowcount
    session.refresh(row)
    if moved != 1:
        raise refusal
    return row


def issue_statement(uow, actor, statement_id):
    """The draft issued: numbered per project and channel, never changed after."""
    session = uow.session
    row = _statement(session, actor, statement_id, PERMISSIONS["channel_commission.manage"])
    if row.status != "draft":
        raise Conflict(f"channel statement {statement_id} is {row.status}", "STATEMENT_NOT_DRAFT")
    number = session.execute(select(func.coalesce(func.max(ChannelStatement.number), 0)).where(
        ChannelStatement.project_id == row.project_id, ChannelStatement.channel_id == row.channel_id)).scalar_one() + 1
    try:
        _move(session, row, ("draft",), {"status": "issued", "number": number, "issued_by": actor["account_id"],
                                         "issued_at": utcnow()},
              Conflict(f"channel statement {statement_id} is no draft any more", "STATEMENT_NOT_DRAFT"))
    except IntegrityError:  # the unique number: another statement of the channel issued at once
        uow.rollback()
        raise Conflict("another statement was issued at the same time; try again", "STATEMENT_RACE") from None
    deal_ids = select(ChannelStatementLine.deal_id).where(ChannelStatementLine.statement_id == row.id)
    for cd in session.execute(select(ChannelDeal).where(ChannelDeal.channel_id == row.channel_id,
                                                        ChannelDeal.project_id == row.project_id,
                                                        ChannelDeal.deal_id.in_(deal_ids))).scalars().all():
        _restate(session, cd)
    session.flush()
    return statement_dict(session, row)


def confirm_statement(uow, actor, statement_id, data):
    """确认: the channel confirmed the issued (or disputed) statement on a day, by a named
    person; recorded by finance. 409 STATEMENT_NOT_ISSUED (a draft), STATEMENT_CONFIRMED."""
    session = uow.session
    row = _statement(session, actor, statement_id, PERMISSIONS["channel_commission.manage"])
    if row.status == "draft":
        raise Conflict(f"channel statement {statement_id} is a draft: issue it first", "STATEMENT_NOT_ISSUED")
    if row.status == "confirmed":
        raise Conflict(f"channel statement {statement_id} was confirmed on {row.confirmed_on}", "STATEMENT_CONFIRMED")
    return _confirm(session, row, data["confirmed_on"], data["confirmed_by_name"], actor["account_id"])


def _confirm(session, row, confirmed_on, name, recorded_by):
    statement_id = row.id
    data = {"confirmed_on": confirmed_on, "confirmed_by_name": name}
    if data["confirmed_on"] > today():
        raise RuleViolated(f"confirmed_on {data['confirmed_on']} is in the future", "DATE_IN_FUTURE")
    if data["confirmed_on"] < local_day(row.issued_at):
        raise RuleViolated(f"confirmed_on {data['confirmed_on']} is before the statement was issued "
                           f"({local_day(row.issued_at)})", "DATE_OUT_OF_ORDER")
    _move(session, row, ("issued", "disputed"),
          {"status": "confirmed", "confirmed_on": data["confirmed_on"],
           "confirmed_by_name": data["confirmed_by_name"].strip()[:50],
           "confirmation_recorded_by": recorded_by, "answered_at": utcnow()},
          Conflict(f"channel statement {statement_id} changed meanwhile; read it again", "STATEMENT_CONFIRMED"))
    return statement_dict(session, row)


def dispute_statement(uow, actor, statement_id, data):
    """The channel disputes the issued statement (the reason recorded by finance); a
    correction is a line of the next statement, then it may still be confirmed."""
    session = uow.session
    row = _statement(session, actor, statement_id, PERMISSIONS["channel_commission.manage"])
    if row.status != "issued":
        raise Conflict(f"channel statement {statement_id} is {row.status}, not issued", "STATEMENT_NOT_ISSUED")
    _move(session, row, ("issued",), {"status": "disputed", "disputed_reason": data["reason"].strip()[:300],
                                      "disputed_recorded_by": actor["account_id"], "answered_at": utcnow()},
          Conflict(f"channel statement {statement_id} changed meanwhile; read it again", "STATEMENT_NOT_ISSUED"))
    return statement_dict(session, row)


# what a channel's broker sees, on their phone (gateway/routes/brokers.py) ------------------------
def broker_commission(session, agency_id, channel_id, broker_id):
    """A channel's broker (channel_id): the channel's deals at every project and its issued
    statements; a 全民经纪人 (channel_id None): the deals of the attributions they brought, and
    no statement (the 全民经纪人 channel's statements are everyone's)."""
    query = select(ChannelDeal).where(ChannelDeal.agency_id == agency_id)
    if channel_id is not None:
        query = query.where(ChannelDeal.channel_id == channel_id)
    else:
        query = query.join(ChannelAttribution, ChannelAttribution.id == ChannelDeal.attribution_id).where(
            ChannelAttribution.broker_id == broker_id)
    rows = session.execute(query.order_by(ChannelDeal.project_id, ChannelDeal.deal_id, ChannelDeal.id)).scalars().all()
    deals = []
    for project_id in sorted({cd.project_id for cd in rows}):
        deals += _deal_dicts(session, project_id, [cd for cd in rows if cd.project_id == project_id])
    statements = [] if channel_id is None else [statement_dict(session, row) for row in session.execute(
        select(ChannelStatement).where(ChannelStatement.agency_id == agency_id, ChannelStatement.channel_id == channel_id,
                                       ChannelStatement.status != "draft")
        .order_by(ChannelStatement.project_id, ChannelStatement.number)).scalars()]
    return {"deals": deals, "statements": statements}


def confirm_by_channel(uow, agency_id, channel_id, statement_id, name):
    """确认 by the channel itself (its broker, signed in): today, by `name`. Only the channel's
    own issued statement: a draft, or another channel's, is 404 as one that does not exist."""
    session = uow.session
    row = session.get(ChannelStatement, statement_id)
    if row is None or row.agency_id != agency_id or row.channel_id != channel_id or row.status == "draft":
        raise not_found("channel statement", statement_id)
    if row.status == "confirmed":
        raise Conflict(f"channel statement {statement_id} was confirmed on {row.confirmed_on}", "STATEMENT_CONFIRMED")
    return _confirm(session, row, today(), name, None)


# the cost per deal of each channel -----------------------------------------------------------------
def channel_costs(session, actor, project_id, query):
    """Each channel's deals signed in the period (not cancelled by its end), what they earn
    by the terms (billable or not yet), what issued statements stated of it, and the cost per
    deal (渠道效果: the commission side)."""
    in_project(actor, project_id, PERMISSIONS["channel_commission.read"])
    first, last = query["start"], query["end"]
    rows = [cd for cd in _deals(session, project_id) if cd.agency_id == actor["agency_id"]]
    rows = [cd for channel_id in {cd.channel_id for cd in rows}
            for cd in _one_per_deal(x for x in rows if x.channel_id == channel_id).values()]
    # priced as if billable: the cost a deal brings, whether its 首付 is in yet or not
    priced = [replace(_as_rules(cd), billable_on=cd.signed_on) for cd in rows]
    due = rules.due_by_rules(priced, _versions(session, project_id), last)
    stated = _stated(session, project_id=project_id)
    names = _names(session, project_id)
    channels = {}
    for cd, deal in zip(rows, priced):
        if not (first <= cd.signed_on <= last and deal.live_on(last)):
            continue
        row = channels.setdefault(cd.channel_id, {"channel_id": cd.channel_id, "channel_name": names.get(cd.channel_id),
                                                  "deals": 0, "commission": ZERO, "stated": ZERO})
        row["deals"] += 1
        row["commission"] += due[cd.deal_id].amount if cd.deal_id in due else ZERO
        row["stated"] += stated.get((cd.channel_id, cd.deal_id), ZERO)
    for row in channels.values():
        row["cost_per_deal"] = rules.cost_per_deal(row["commission"], row["deals"])
    return {"project_id": project_id, "start": first, "end": last,
            "channels": sorted(channels.values(), key=lambda r: (-r["commission"], r["channel_id"]))}


def commission_billed(session, actor, project_id, first, last):
    """渠道效果's commission (the report's readers, reports.channels): per channel, the
    statements issued on days first..last (Asia/Shanghai; not drafts, whatever the channel
    answered since) and their totals, the commission billed then (a reversal after 退房
    nets). A period's cost, as the advertising spend of its month is."""
    require_role(actor, PERMISSIONS["reports.channels"], "read the channel-effectiveness figures")
    check_scope(actor, actor["agency_id"], project_id, "project")
    start = datetime.combine(first, time(0), SHANGHAI)
    end = datetime.combine(last + timedelta(days=1), time(0), SHANGHAI)
    rows = session.execute(select(ChannelStatement).where(
        ChannelStatement.agency_id == actor["agency_id"], ChannelStatement.project_id == project_id,
        ChannelStatement.status != "draft", ChannelStatement.issued_at >= start, ChannelStatement.issued_at < end)
        .order_by(ChannelStatement.channel_id, ChannelStatement.id)).scalars().all()
    names = _names(session, project_id)
    channels = {}
    for row in rows:
        billed = channels.setdefault(row.channel_id, {
            "channel_id": row.channel_id, "channel_name": names.get(row.channel_id) or row.channel_name,
            "statements": 0, "billed": ZERO})
        billed["statements"] += 1
        billed["billed"] += row.total
    return {"project_id": project_id, "start": first, "end": last,
            "channels": [channels[k] for k in sorted(channels)]}
