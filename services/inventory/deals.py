"""Units moved by deals: 认购 (a hold becomes a subscription), 签约, 备案, 交付, 换房 and 退房.

The contracts saga calls the first three as RPCs and later publishes the same facts as
events; either may come first, and each may be retried. So every move is a conditional
update on the status and deal it expects, and a move that finds the unit already where
it should be is done, not an error.
"""
import logging

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from loupan import bus, reveals
from loupan.errors import Conflict, RuleViolated
from loupan.events import InvalidEvent
from loupan.roles import PERMISSIONS, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import utcnow
from services.inventory import history, selection
from services.inventory.catalog import unit_dict
from services.inventory.unit_rules import SWAPPABLE, can_move, is_expired, move, unit_label
from services.inventory.models import Building, Hold, Unit, data_reveals
from services.inventory.holds import hold_phone, own_hold

log = logging.getLogger(__name__)

# the statuses of a unit that carries a deal, in the order a deal goes through them
DEAL_STATUSES = ("subscribed", "signed", "filed", "delivered")


def _record(session, unit, from_status, to_status, who, advisor_id, reason, at):
    """A deal's move of one unit; a move made by contracts' event carries no user name."""
    history.record(session, [unit.id], agency_id=unit.agency_id, project_id=unit.project_id,
                   from_status=from_status, to_status=to_status, actor=who, advisor_id=advisor_id,
                   reason=reason, at=at, default_name="contracts")


def _unit_in_scope(session, actor, unit_id):
    unit = get_in_scope(session, actor, Unit, unit_id, "unit")
    return unit


def _current(session, unit_id):
    """The unit's committed status and deal, read past the session's cached object."""
    return session.execute(select(Unit.status, Unit.deal_id).where(Unit.id == unit_id)).one()


def _move(uow, unit_id, from_status, from_deal, **values):
    """Conditional update of one unit expected in `from_status` carrying `from_deal` (None:
    no deal); True if it moved. The unique index on units.deal_id refusing it means the deal
    sits on another unit already: nothing of the transaction is kept."""
    move(from_status, values["status"])  # only the table's moves
    expected_deal = Unit.deal_id.is_(None) if from_deal is None else Unit.deal_id == from_deal
    try:
        moved = uow.session.execute(
            update(Unit).where(Unit.id == unit_id, Unit.status == from_status, expected_deal)
            .values(**values).execution_options(synchronize_session=False)
        ).rowcount
    except IntegrityError:
        uow.rollback()
        raise Conflict(f"deal {values.get('deal_id')} is on another unit already",
                       "DEAL_ON_ANOTHER_UNIT") from None
    return moved == 1


# 认购 ------------------------------------------------------------------------------------
def subscribe_hold(uow, actor, hold_id, deal_id):
    """The hold becomes the deal's subscription: hold active→converted and unit
    held→subscribed in one transaction, each by conditional update, so the unit is never
    available in between and an expiry racing with it leaves one outcome or the other."""
    session = uow.session
    hold = own_hold(session, actor, hold_id, service=bus.acts_as_service(uow, actor))
    converted = _convert(uow, hold, deal_id, actor, hold.advisor_id, at_latest=utcnow())
    if converted and hold.launch_id is not None:  # a buyer's 选房 confirmed: their window may close early
        selection.after_confirm(session, hold.launch_id)
    if not converted:
        status, converted_for = session.execute(
            select(Hold.status, Hold.deal_id).where(Hold.id == hold_id)).one()
        if status == "converted" and converted_for != deal_id:
            raise Conflict(f"hold {hold_id} already became deal {converted_for}", "HOLD_CONVERTED")
        if status != "converted":
            state = "past its expiry" if status == "active" else status
            raise Conflict(f"hold {hold_id} is no longer active ({state})", "HOLD_NOT_ACTIVE")
    session.refresh(hold)
    return _deal_unit(session, hold, session.get(Unit, hold.unit_id))


def _convert(uow, hold, deal_id, who, advisor_id, at_latest=None):
    """Hold active→converted, then its unit held→subscribed for the deal; False if the hold
    was not active (or, with `at_latest`, had lapsed by then: a hold ends at its expiry
    instant even if the timer has not run yet)."""
    session = uow.session
    now = utcnow()
    where = [Hold.id == hold.id, Hold.status == "active"]
    if at_latest is not None:
        where.append(~is_expired(Hold.expires_at, at_latest))
    converted = session.execute(
        update(Hold).where(*where)
        .values(status="converted", deal_id=deal_id, ended_at=now, ended_reason=f"deal {deal_id}")
        .execution_options(synchronize_session=False)
    ).rowcount
    if converted != 1:
        return False
    if not _move(uow, hold.unit_id, "held", None, status="subscribed", deal_id=deal_id,
                 advisor_id=advisor_id, status_changed_at=now):
        # an active hold always has a held unit: refuse rather than half-convert
        uow.rollback()
        raise Conflict(f"unit {hold.unit_id} is not held for hold {hold.id}", "UNIT_NOT_HELD")
    unit = session.get(Unit, hold.unit_id)
    _record(session, unit, "held", "subscribed", who, advisor_id, f"认购 deal {deal_id} (hold {hold.id})", now)
    uow.publish("unit_hold_converted", {  # the board shows it sold now, not at the approval
        "hold_id": hold.id, "unit_id": unit.id, "unit_label": unit_label(session.get(Building, unit.building_id).name,
                                                                          unit.number),
        "deal_id": deal_id, "advisor_id": advisor_id, "launch_id": hold.launch_id},
        agency_id=unit.agency_id, project_id=unit.project_id, actor=event_actor(who))
    return True


def _deal_unit(session, hold, unit):
    building = session.get(Building, unit.building_id)
    return {
        "deal_id": hold.deal_id, "hold_id": hold.id, "unit_id": unit.id,
        "unit_label": unit_label(building.name, unit.number), "project_id": unit.project_id,
        "status": unit.status, "advisor_id": unit.advisor_id, "customer_name": hold.customer_name,
        "customer_phone": hold.customer_phone, "gross_area": unit.gross_area,
        "list_price": unit.list_price, "base_price": unit.base_price, "special_price": hold.special_price,
    }


# 换房 ------------------------------------------------------------------------------------
def swap_unit(uow, actor, deal_id, from_unit_id, to_unit_id):
    if not bus.acts_as_service(uow, actor):  # contracts' sweep, as itself: the manager approved it then
        require_role(actor, PERMISSIONS["changes.decide"], "approve 换房")  # DOMAIN: the manager approves them
    session = uow.session
    old = _unit_in_scope(session, actor, from_unit_id)
    new = _unit_in_scope(session, actor, to_unit_id)
    return _swap(uow, actor, deal_id, old, new, None)


def _swap(uow, who, deal_id, old, new, advisor_id):
    """The deal leaves `old` (back to available) and takes `new` (available) in the status
    it had: both conditional updates in one transaction, so the deal is never on both units
    nor on neither. Idempotent by (deal, new unit)."""
    session = uow.session
    if old.project_id != new.project_id:
        raise RuleViolated("换房 moves a deal within its project", "SWAP_ACROSS_PROJECTS")  # 422 as contracts says it
    result = {"deal_id": deal_id, "from_unit_id": old.id, "to_unit_id": new.id,
              "from_list_price": old.list_price, "to_list_price": new.list_price,
              "price_difference": new.list_price - old.list_price}
    if new.deal_id == deal_id:
        return dict(result, status=new.status)
    status = old.status
    if old.deal_id != deal_id or status not in SWAPPABLE:
        raise Conflict(f"unit {old.id} does not carry deal {deal_id} as subscribed or signed ({status})",
                       "DEAL_NOT_ON_UNIT")
    now = utcnow()
    advisor_id = advisor_id or old.advisor_id
    # old first: the unique index on units.deal_id refuses a deal on two units at any moment
    if not _move(uow, old.id, status, deal_id, status="available", deal_id=None, advisor_id=None,
                 status_changed_at=now):
        uow.rollback()
        raise Conflict(f"deal {deal_id} changed on unit {old.id} meanwhile; retry", "DEAL_CHANGED")
    if not _move(uow, new.id, "available", None, status=status, deal_id=deal_id, advisor_id=advisor_id,
                 status_changed_at=now):
        uow.rollback()
        raise Conflict(f"unit {new.id} is not available", "UNIT_NOT_AVAILABLE")
    _record(session, old, status, "available", who, advisor_id, f"换房 deal {deal_id} to unit {new.id}", now)
    _record(session, new, "available", status, who, advisor_id, f"换房 deal {deal_id} from unit {old.id}", now)
    return dict(result, status=status)


# 退房 ------------------------------------------------------------------------------------
def release_deal_unit(uow, actor, deal_id, unit_id, reason):
    if not bus.acts_as_service(uow, actor):
        require_role(actor, PERMISSIONS["changes.decide"], "approve 退房")
    unit = _unit_in_scope(uow.session, actor, unit_id)
    return _release(uow, actor, deal_id, unit, reason)


def _release(uow, who, deal_id, unit, reason):
    """The deal's unit back to available, its deal and advisor cleared. A unit that does
    not carry the deal (released already, by the RPC or the event) is left alone."""
    session = uow.session
    status, advisor_id = unit.status, unit.advisor_id
    if unit.deal_id != deal_id:
        return {"deal_id": deal_id, "unit_id": unit.id, "released": False, "status": status}
    if not can_move(status, "available"):
        raise Conflict(f"unit {unit.id} is {status} and cannot go back on sale", "UNIT_NOT_RELEASABLE")
    now = utcnow()
    if not _move(uow, unit.id, status, deal_id, status="available", deal_id=None, advisor_id=None,
                 status_changed_at=now):
        current = _current(session, unit.id)
        if current.deal_id != deal_id:  # a concurrent release of the same deal won
            return {"deal_id": deal_id, "unit_id": unit.id, "released": False, "status": current.status}
        raise Conflict(f"deal {deal_id} changed on unit {unit.id} meanwhile; retry", "DEAL_CHANGED")
    _record(session, unit, status, "available", who, advisor_id, f"退房 deal {deal_id}: {reason}", now)
    return {"deal_id": deal_id, "unit_id": unit.id, "released": True, "status": "available"}


# the contracts events --------------------------------------------------------------------
def _event_unit(session, event, unit_id):
    """The unit an event names; one that is not the event's agency's breaks the contract
    (dead-lettered at once: retrying cannot make it right)."""
    unit = session.get(Unit, unit_id)
    if unit is None or unit.agency_id != event["agency_id"]:
        raise InvalidEvent(f"unit {unit_id} is not a unit of agency {event['agency_id']}")
    return unit


def _unit_of_deal(session, event, deal_id, named_unit_id):
    """The unit that carries the deal now (the index keeps it to one), or None. The deal is
    the identity: after a 换房 a late event may still name the deal's old unit."""
    _event_unit(session, event, named_unit_id)
    unit = session.execute(select(Unit).where(Unit.deal_id == deal_id)).scalar_one_or_none()
    if unit is not None and unit.agency_id != event["agency_id"]:
        raise InvalidEvent(f"deal {deal_id} is not a deal of agency {event['agency_id']}")
    if unit is not None and unit.id != named_unit_id:
        log.info("%s of deal %s names unit %s; the deal is on unit %s now (换房)",
                 event["type"], deal_id, named_unit_id, unit.id)
    return unit


def _who(event):
    actor = event["actor"] or {}
    return {"account_id": actor.get("account_id"), "username": actor.get("username") or "contracts"}


def apply_subscription_approved(uow, event):
    """认购 approved: the unit is subscribed for the deal. The deal is on a unit already
    (subscribe_hold ran, maybe a 换房 since): nothing to do. Its hold still active: convert
    it (the approval is the fact; the expiry instant no longer matters). The hold ended and
    the unit is available: take it. Anything else (another deal, another buyer's hold) is an
    oversell the contracts service did not see: never overwritten; raised so that it is
    retried (a 退房/换房 of the other deal may be in flight on another queue), then
    dead-lettered for a person to settle."""
    session = uow.session
    p = event["payload"]
    deal_id = p["deal_id"]
    if _unit_of_deal(session, event, deal_id, p["unit_id"]) is not None:
        return
    unit = session.get(Unit, p["unit_id"])
    hold = session.execute(
        select(Hold).where(Hold.unit_id == unit.id, Hold.status == "active")).scalar_one_or_none()
    if hold is not None and hold.id == p["hold_id"]:
        if not _convert(uow, hold, deal_id, _who(event), p["advisor_id"] or hold.advisor_id):
            raise Conflict(f"hold {hold.id} changed meanwhile; retry", "DEAL_CHANGED")
        return
    now = utcnow()
    if hold is None and _move(uow, unit.id, "available", None, status="subscribed", deal_id=deal_id,
                              advisor_id=p["advisor_id"], status_changed_at=now):
        _record(session, unit, "available", "subscribed", _who(event), p["advisor_id"],
                f"认购 deal {deal_id} approved after hold {p['hold_id']} ended", now)
        return
    log.error("subscription_approved: deal %s approved on unit %s, which is %s for deal %s / hold %s",
              deal_id, unit.id, unit.status, unit.deal_id, hold.id if hold else None)
    raise Conflict(f"unit {unit.id} is {unit.status} for another buyer", "UNIT_TAKEN")


def advance_deal(uow, event, to_status, reason):
    """签约/备案/交付: the deal's unit moves one step along unit_rules.MOVES. A unit already
    at or past `to_status` for this deal is done; a deal not on a unit yet, or a step behind
    (the previous event is still on its way on another queue), raises, to be retried and
    then dead-lettered."""
    session = uow.session
    p = event["payload"]
    deal_id = p["deal_id"]
    unit = _unit_of_deal(session, event, deal_id, p["unit_id"])
    if unit is None:
        raise Conflict(f"deal {deal_id} is on no unit, not ready for {to_status}", "DEAL_NOT_ON_UNIT")
    status = unit.status
    if DEAL_STATUSES.index(status) >= DEAL_STATUSES.index(to_status):
        return
    if not can_move(status, to_status):
        raise Conflict(f"unit {unit.id} is {status}, not ready for {to_status}", "UNIT_WRONG_STATUS")
    now = utcnow()
    advisor_id = p["advisor_id"] or unit.advisor_id
    if not _move(uow, unit.id, status, deal_id, status=to_status, advisor_id=advisor_id, status_changed_at=now):
        raise Conflict(f"unit {unit.id} changed meanwhile; retry", "DEAL_CHANGED")
    _record(session, unit, status, to_status, _who(event), advisor_id, f"{reason} (deal {deal_id})", now)


def apply_deal_cancelled(uow, event):
    """退房: the deal's unit, wherever it is now, back on sale; none: released already."""
    p = event["payload"]
    unit = _unit_of_deal(uow.session, event, p["deal_id"], p["unit_id"])
    if unit is not None:
        _release(uow, _who(event), p["deal_id"], unit, p["reason"] or "deal cancelled")


def apply_unit_swapped(uow, event):
    p = event["payload"]
    old = _event_unit(uow.session, event, p["from_unit_id"])
    new = _event_unit(uow.session, event, p["to_unit_id"])
    _swap(uow, _who(event), p["deal_id"], old, new, p["advisor_id"])


# read side -------------------------------------------------------------------------------
def list_data_reveals(session, actor, query):
    return reveals.list_reveals(session, data_reveals, actor, query, "inventory")


def unit_detail(session, actor, unit_id):
    """A unit with its deal, advisor and active hold; the buyer's phone is masked except
    for the hold's advisor and managers (DOMAIN: privacy)."""
    unit = _unit_in_scope(session, actor, unit_id)
    hold = session.execute(
        select(Hold).where(Hold.unit_id == unit.id, Hold.status == "active")).scalar_one_or_none()
    detail = unit_dict(unit)
    detail["hold"] = None
    if hold is not None:
        phone = hold_phone(actor, hold)
        detail["hold"] = {"hold_id": hold.id, "customer_name": hold.customer_name, "customer_phone": phone,
                          "advisor_id": hold.advisor_id, "created_at": hold.created_at,
                          "expires_at": hold.expires_at, "special_price": hold.special_price}
    return detail
