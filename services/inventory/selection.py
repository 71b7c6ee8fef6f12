"""选房 (selection) of a launch by its buyers on their phones: the lottery's windows (which
one is current, moved on by time, early once everyone in it finished, restarted on resume),
a buyer's hold, 放弃 and what a confirmation needs, race mode's attempts, and the views (the
buyer's own, the site's). The rules are launch_rules.py; docs/launch.md tells the whole.

The current window lives on the launch (window_number, window_opened_at) and moves only by
a conditional UPDATE on both, so two inventory replicas (the timer on each, a confirm and a
放弃 at once) never move it twice: the loser's row count is 0 and it reads the launch again.
Each window's times and why it opened and closed are launch_windows rows.

A buyer's hold is an ordinary hold (holds.hold_unit: the conditional update on the unit, no
unit taken twice) with the launch and registration on it, in the name of the registration's
advisor (the staff member who took the 认筹: the 认购 and its commission are theirs)."""
import json
from datetime import timedelta

from sqlalchemy import func, insert, select, update

from loupan.errors import Conflict, Forbidden, NotFound, TooSoon
from loupan.roles import ADVISOR, PERMISSIONS, require_role
from loupan.scope import get_in_scope
from loupan.types import utcnow
from loupan.uow import unit_of
from services.inventory import holds
from services.inventory import launch_rules as rules
from services.inventory.models import (Hold, Launch, LaunchAttempt, LaunchDraw, LaunchRegistration, LaunchUnit,
                                       LaunchWindow, Unit)

TAKEN = ("active", "converted")  # a buyer's holds that count against units_per_buyer


def buyer_actor(registration):
    """Who a buyer's hold is made as inside inventory: the registration's advisor, as a seller
    (the least role that holds and subscribes), scoped to the launch's project. The gateway
    seals the same actor for the 认购 (gateway/routes/buyers.py)."""
    return {"account_id": registration.advisor_id, "username": f"线上选房 {registration.number}",
            "role": ADVISOR, "agency_id": registration.agency_id, "project_ids": [registration.project_id]}


def refuse(code, message):
    status = rules.REFUSALS[code]
    raise (Forbidden if status == 403 else Conflict)(message, code)


# the drawn order and its windows -----------------------------------------------------------
_ORDERS = {}  # (launch id, drawn_at) -> {registration id: position}: a draw is written once


def _order(session, launch):
    """{registration id: position} of a drawn lottery launch ({} before the draw). Kept per
    process once worked out: a drawn order never changes (LOTTERY_DRAWN), nor the numbers of
    its registrations, and working it out reads every registration of the launch (2,000 rows
    for every buyer's request on launch day: docs/benchmarks.md)."""
    draw = session.get(LaunchDraw, launch.id)
    if draw is None or draw.drawn_at is None:
        return {}
    key = (launch.id, draw.drawn_at)
    if key not in _ORDERS:
        ids = dict(session.execute(select(LaunchRegistration.number, LaunchRegistration.id)
                                   .where(LaunchRegistration.launch_id == launch.id)).all())
        _ORDERS[key] = {ids[e["number"]]: e["position"] for e in json.loads(draw.result) if e["number"] in ids}
    return _ORDERS[key]  # shared: callers read it, never change it


def _total(order, launch):
    return rules.windows_total(len(order), launch.window_size)


def _members(order, launch, number):
    return [rid for rid, pos in order.items() if rules.window_number(pos, launch.window_size) == number]


def _taken(session, registration_ids):
    """{registration id: (active holds, converted holds)} of the launch's buyers."""
    rows = session.execute(
        select(Hold.registration_id, Hold.status, func.count()).where(
            Hold.registration_id.in_(registration_ids), Hold.status.in_(TAKEN))
        .group_by(Hold.registration_id, Hold.status)).all() if registration_ids else []
    counts = {rid: [0, 0] for rid in registration_ids}
    for rid, status, n in rows:
        counts[rid][TAKEN.index(status)] = n
    return counts


def _finished(session, launch, registration_ids):
    """{registration id: whether their turn is over (gave up, or confirmed all they may)}."""
    gave_up = dict(session.execute(select(LaunchRegistration.id, LaunchRegistration.gave_up_at)
                                   .where(LaunchRegistration.id.in_(registration_ids))).all()) \
        if registration_ids else {}
    taken = _taken(session, registration_ids)
    return {rid: rules.turn_finished(gave_up.get(rid) is not None, taken[rid][1], launch.units_per_buyer)
            for rid in registration_ids}


def _open(session, launch, number, opened_at, reason):
    """Window `number` opens: its launch_windows row, and `selection_window_opened` in the same
    transaction (the gateway texts its members: their window is open, until when)."""
    if number >= 1:
        session.execute(insert(LaunchWindow).values(
            launch_id=launch.id, number=number, agency_id=launch.agency_id, project_id=launch.project_id,
            opened_at=opened_at, opened_reason=reason))
        order = _order(session, launch)
        ids = sorted(_members(order, launch, number), key=order.get)
        regs = {r.id: r for r in session.execute(select(LaunchRegistration).where(
            LaunchRegistration.id.in_(ids))).scalars()} if ids else {}
        unit_of(session).publish("selection_window_opened", {
            "launch_id": launch.id, "launch_name": launch.name, "number": number, "opened_at": opened_at,
            "closes_at": rules.window_closes_at(opened_at, launch.window_minutes), "reason": reason,
            "registration_ids": ids,
            "members": [{"registration_id": rid, "number": regs[rid].number, "mobile": regs[rid].mobile}
                        for rid in ids]}, agency_id=launch.agency_id, project_id=launch.project_id)


def _close(session, launch, number, at, reason):
    session.execute(update(LaunchWindow).where(LaunchWindow.launch_id == launch.id, LaunchWindow.number == number,
                                               LaunchWindow.closed_at.is_(None))
                    .values(closed_at=at, closed_reason=reason))


def _step(session, launch, step, total):
    """Move the launch from its stored window to `step` (a launch_rules.Window), if nobody did
    meanwhile: True if this call moved it."""
    old_number, old_opened = launch.window_number, launch.window_opened_at
    moved = session.execute(
        update(Launch).where(Launch.id == launch.id, Launch.status == "selecting",
                             Launch.window_number == old_number, Launch.window_opened_at == old_opened)
        .values(window_number=step.number, window_opened_at=step.opened_at)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(launch)
    if moved != 1:
        return False
    _close(session, launch, old_number, step.opened_at if step.reason == "time" else utcnow(), step.reason)
    if step.number <= total:
        _open(session, launch, step.number, step.opened_at, step.reason)
    return True


def catch_up(session, launch, now, order=None):
    """Advance a selecting lottery launch through every window due by `now` (time), then past
    every window whose buyers have all finished (early). Returns the launch as it is now."""
    if launch.mode != "lottery" or launch.status != "selecting" or launch.window_number is None:
        return launch
    order = _order(session, launch) if order is None else order
    total = _total(order, launch)
    for _ in range(2 * total + 2):  # each pass moves one window, or reads another replica's move
        if launch.window_number > total:
            break
        step = rules.next_window(launch.window_number, launch.window_opened_at, launch.window_minutes, total, now)
        if step is None:
            members = _members(order, launch, launch.window_number)
            if not rules.window_finished(list(_finished(session, launch, members).values())):
                break
            step = rules.Window(launch.window_number + 1, now, "early")
        if not _step(session, launch, step, total) and launch.status != "selecting":
            break  # paused or finished meanwhile; otherwise moved by another: look again
    return launch


def on_move(session, launch, action, now):
    """A launch's move touches its windows: selection starting opens window 1 (lottery),
    resuming a lottery launch into selection restarts its current window in full (the pause
    took time from its buyers), finishing closes the current one."""
    if launch.mode != "lottery":
        return
    if action == "start_selection":
        session.execute(update(Launch).where(Launch.id == launch.id, Launch.window_number.is_(None))
                        .values(window_number=1, window_opened_at=now).execution_options(synchronize_session=False))
        _open(session, launch, 1, now, "start")
    elif action == "resume" and launch.status == "selecting" and launch.window_number is not None:
        session.execute(update(Launch).where(Launch.id == launch.id).values(window_opened_at=now)
                        .execution_options(synchronize_session=False))
        session.execute(update(LaunchWindow).where(LaunchWindow.launch_id == launch.id,
                                                   LaunchWindow.number == launch.window_number,
                                                   LaunchWindow.closed_at.is_(None))
                        .values(opened_at=now, opened_reason="resume"))
        session.execute(update(Hold).where(Hold.launch_id == launch.id, Hold.status == "active")
                        .values(expires_at=rules.window_closes_at(now, launch.window_minutes))
                        .execution_options(synchronize_session=False))
    elif action == "finish" and launch.window_number is not None:
        _close(session, launch, launch.window_number, now, "finish")
    session.refresh(launch)


def advance_all(uow, now=None):
    """The timer: every selecting lottery launch moved to the window due now; one commit per
    launch (a conflict with another replica only skips it till the next tick)."""
    now = now or utcnow()
    ids = list(uow.session.execute(select(Launch.id).where(
        Launch.mode == "lottery", Launch.status == "selecting", Launch.window_number.isnot(None))).scalars())
    moved = 0
    for launch_id in ids:
        launch = uow.session.get(Launch, launch_id)
        before = launch.window_number
        catch_up(uow.session, launch, now)
        moved += launch.window_number != before
        uow.commit()
    return moved


# a buyer's turn ---------------------------------------------------------------------------
def _registration(session, registration_id, lock=False):
    q = select(LaunchRegistration).where(LaunchRegistration.id == registration_id)
    registration = session.execute(q.with_for_update() if lock else q).scalar_one_or_none()
    if registration is None or registration.status != "registered":
        raise NotFound(f"registration {registration_id} not found", "REGISTRATION_NOT_FOUND")
    return registration


def _state(session, launch, registration, now, write):
    """(launch, order, position, own window, current window, finished, (active, converted))
    of a buyer; `write`: advance the launch's windows due (a buyer's request), else only
    compute them (a read)."""
    order = _order(session, launch) if launch.mode == "lottery" else {}
    if write:
        catch_up(session, launch, now, order)
        current = launch.window_number
    elif launch.window_number is not None:
        current = rules.due_window(launch.window_number, launch.window_opened_at, launch.window_minutes,
                                   _total(order, launch), now).number
    else:
        current = None
    position = order.get(registration.id)
    own = rules.window_number(position, launch.window_size) if position else None
    taken = _taken(session, [registration.id])[registration.id]
    finished = rules.turn_finished(registration.gave_up_at is not None, taken[1], launch.units_per_buyer)
    return order, position, own, current, finished, taken


def _check_turn(launch, registration, now, own, current, finished):
    if launch.mode == "lottery":
        on_list = own is not None
    else:
        on_list = rules.on_the_list(registration.eligibility, registration.status,
                                    registration.deposit_paid_at is not None, launch.deposit_amount > 0)
    code = rules.selection_refusal(launch.status, launch.mode, launch.opens_at, now, on_list)
    if code is None and launch.mode == "lottery":
        code = rules.turn_refusal(own, current, finished)
    elif code is None and finished:
        code = "TURN_OVER"
    if code is not None:
        refuse(code, {
            "LAUNCH_PAUSED": f"the launch is paused: {launch.pause_reason or ''}",
            "SELECTION_NOT_OPEN": f"selection has not started (the launch is {launch.status}, opening {launch.opens_at})",
            "SELECTION_OVER": "selection is over",
            "NOT_ON_THE_LIST": "this registration is not on the launch's list (购房资格, 诚意金 or the draw)",
            "NOT_YOUR_WINDOW": f"your window is {own}; window {current} is choosing now",
            "WINDOW_PASSED": f"your window ({own}) has passed",
            "TURN_OVER": "your turn is over: you confirmed all you may or gave up",
        }[code])


def hold(uow, registration_id, unit_id, now=None):
    """A buyer holds a unit of their launch, if they may now (409/403 with the reason's code;
    race mode: 429 HOLD_ATTEMPTS_EXCEEDED past the attempt limit). The registration row is
    locked for the checks, so a buyer's parallel requests are decided one after the other."""
    session = uow.session
    now = now or utcnow()
    registration = _registration(session, registration_id, lock=True)
    launch = session.get(Launch, registration.launch_id)
    _, _, own, current, finished, taken = _state(session, launch, registration, now, write=True)
    _check_turn(launch, registration, now, own, current, finished)
    if session.get(LaunchUnit, (launch.id, unit_id)) is None:
        raise NotFound(f"unit {unit_id} is not a unit of this launch", "UNIT_NOT_IN_LAUNCH")
    if sum(taken) >= launch.units_per_buyer:
        refuse("BUYER_UNIT_LIMIT", f"a buyer may take {launch.units_per_buyer} unit(s) of this launch")
    expires_at = None
    if launch.mode == "race":
        _attempt(uow, launch, registration, unit_id, now)
    else:
        expires_at = rules.window_closes_at(launch.window_opened_at, launch.window_minutes)
    uow.commit()  # the attempt kept (and a window moved) whatever the unit's answer
    if not getattr(uow, "keeps_locks", False):  # committed for real: lock and count again
        registration = _registration(session, registration_id, lock=True)  # the buyer's next request waits
        if sum(_taken(session, [registration.id])[registration.id]) >= launch.units_per_buyer:
            refuse("BUYER_UNIT_LIMIT", f"a buyer may take {launch.units_per_buyer} unit(s) of this launch")
    return holds.hold_unit(uow, buyer_actor(registration), unit_id,
                           {"customer_name": registration.buyer_name, "customer_phone": registration.mobile},
                           {"launch_id": launch.id, "registration_id": registration.id,
                            "max_holds": launch.units_per_buyer, "expires_at": expires_at})


def lock_batch(session, requests):
    """A batch of holds ([registration_id, unit_id], …: buyer_holds) locks its registrations,
    then its units, each in id order, before deciding any: two batches (two gateway slots, two
    inventory workers) then wait for each other rather than deadlock on rows taken in opposite
    orders. The locks the decisions take again are already held."""
    registration_ids = sorted({int(r) for r, _ in requests})
    unit_ids = sorted({int(u) for _, u in requests})
    session.execute(select(LaunchRegistration.id).where(LaunchRegistration.id.in_(registration_ids))
                    .order_by(LaunchRegistration.id).with_for_update()).all()
    session.execute(select(Unit.id).where(Unit.id.in_(unit_ids)).order_by(Unit.id).with_for_update()).all()


def _attempt(uow, launch, registration, unit_id, now):
    """Race mode: count the buyer's recent attempts on the unit (under the registration's
    lock) and record this one, or refuse it with the seconds to wait."""
    since = now - timedelta(minutes=launch.attempt_cooldown_minutes)
    times = list(uow.session.execute(select(LaunchAttempt.at).where(
        LaunchAttempt.registration_id == registration.id, LaunchAttempt.unit_id == unit_id,
        LaunchAttempt.at > since)).scalars())
    wait = rules.attempt_wait(times, now, launch.attempt_limit, launch.attempt_cooldown_minutes)
    if wait:
        uow.rollback()
        raise TooSoon(f"{launch.attempt_limit} attempts on this unit in {launch.attempt_cooldown_minutes} min: "
                      f"try again in {wait} s", "HOLD_ATTEMPTS_EXCEEDED", wait)
    uow.session.execute(insert(LaunchAttempt).values(launch_id=launch.id, registration_id=registration.id,
                                                     unit_id=unit_id, at=now))


def confirmable(session, registration_id, hold_id, now=None):
    """What the gateway's confirmation needs to make the 认购 of a buyer's own active hold,
    once the buyer may still act (their window, the launch not paused): the unit's price and
    delivery date, the 诚意金 paid, the buyer and the advisor the 认购 is made as."""
    now = now or utcnow()
    registration = _registration(session, registration_id)
    launch = session.get(Launch, registration.launch_id)
    held = session.get(Hold, hold_id)
    if held is None or held.registration_id != registration.id:
        raise NotFound(f"hold {hold_id} not found", "HOLD_NOT_FOUND")
    if held.status != "active":
        raise Conflict(f"hold {hold_id} is no longer active ({held.status})", "HOLD_NOT_ACTIVE")
    _, _, own, current, _, _ = _state(session, launch, registration, now, write=False)
    _check_turn(launch, registration, now, own, current, False)  # holding: their turn is not over
    unit = session.get(Unit, held.unit_id)
    return {"hold_id": held.id, "unit_id": unit.id, "list_price": unit.list_price,
            "delivery_date": unit.delivery_date, "agency_id": launch.agency_id, "project_id": launch.project_id,
            "launch_id": launch.id, "registration_id": registration.id, "number": registration.number,
            "advisor_id": registration.advisor_id, "advisor_name": registration.advisor_name,
            "buyer_name": registration.buyer_name, "mobile": registration.mobile,
            "id_number": registration.id_number,
            "earnest": registration.deposit_amount if registration.deposit_paid_at is not None else 0}


def after_confirm(session, launch_id):
    """A buyer's hold became a 认购 (deals.subscribe_hold): their window may close early."""
    launch = session.get(Launch, launch_id)
    if launch is not None:
        catch_up(session, launch, utcnow())


def give_up(uow, registration_id, now=None):
    """放弃: the buyer ends their turn (in their window, or before it); their active holds in the
    launch are released; the window closes early if they were its last to finish."""
    session = uow.session
    now = now or utcnow()
    registration = _registration(session, registration_id, lock=True)
    launch = session.get(Launch, registration.launch_id)
    _, _, own, current, finished, _ = _state(session, launch, registration, now, write=True)
    _check_turn(launch, registration, now, own, current if own is None or own < current else own, finished)
    gave = session.execute(update(LaunchRegistration).where(
        LaunchRegistration.id == registration.id, LaunchRegistration.gave_up_at.is_(None))
        .values(gave_up_at=now).execution_options(synchronize_session=False)).rowcount
    if gave != 1:
        uow.rollback()
        refuse("TURN_OVER", "you gave up already")
    for active in session.execute(select(Hold).where(Hold.registration_id == registration.id,
                                                     Hold.status == "active")).scalars().all():
        holds.end_hold(uow, active, "cancelled", buyer_actor(registration), "放弃", "unit_hold_cancelled")
    session.refresh(registration)
    catch_up(session, launch, now)
    return buyer_selection(session, launch, registration, now)


# what buyers and the site see -------------------------------------------------------------
def _window_dict(launch, number, opened_at, total):
    if number is None:
        return None
    over = number > total
    return {"number": number, "opened_at": None if over else opened_at, "over": over,
            "closes_at": None if over else rules.window_closes_at(opened_at, launch.window_minutes)}


def buyer_selection(session, launch, registration, now=None):
    """A buyer's turn as their phone shows it: the current window, theirs, its status
    (waiting, open, passed, done), and their holds in the launch."""
    now = now or utcnow()
    order, position, own, current, finished, taken = _state(session, launch, registration, now, write=False)
    current_window = None
    if launch.mode == "lottery" and launch.window_number is not None:
        due = rules.due_window(launch.window_number, launch.window_opened_at, launch.window_minutes,
                               _total(order, launch), now)
        current_window = _window_dict(launch, due.number, due.opened_at, _total(order, launch))
    if launch.mode == "lottery":
        status = rules.turn_status(own, current, finished) if own is not None and current is not None else \
            ("done" if finished else "waiting")
    else:
        status = "done" if finished else ("open" if launch.status == "selecting" and now >= launch.opens_at
                                          else "waiting")
    mine = session.execute(select(Hold).where(Hold.registration_id == registration.id).order_by(Hold.id)).scalars()
    return {"current_window": current_window, "your_window": own, "status": status,
            "gave_up": registration.gave_up_at is not None, "confirmed": taken[1],
            "holds": [{"hold_id": h.id, "unit_id": h.unit_id, "status": h.status, "created_at": h.created_at,
                       "expires_at": h.expires_at, "deal_id": h.deal_id} for h in mine]}


def site_view(session, actor, launch_id, now=None):
    """The site's 选房 screen: the current window and who is choosing (masked), and per
    window when it opened and closed and how many units it sold."""
    require_role(actor, PERMISSIONS["launches.read"], "read launches")
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    now = now or utcnow()
    order = _order(session, launch)
    total = _total(order, launch)
    sold = dict(session.execute(select(Hold.registration_id, func.count()).where(
        Hold.launch_id == launch.id, Hold.status == "converted").group_by(Hold.registration_id)).all())
    data = {"launch_id": launch.id, "mode": launch.mode, "status": launch.status, "windows_total": total,
            "sold": sum(sold.values()), "units": session.execute(select(func.count()).select_from(LaunchUnit)
                                                                .where(LaunchUnit.launch_id == launch.id)).scalar_one(),
            "current_window": None, "choosing": [], "windows": []}
    if launch.mode == "lottery" and launch.window_number is not None:
        due = rules.due_window(launch.window_number, launch.window_opened_at, launch.window_minutes, total, now)
        data["current_window"] = _window_dict(launch, due.number, due.opened_at, total)
        members = _members(order, launch, due.number)
        finished = _finished(session, launch, members)
        regs = {r.id: r for r in session.execute(select(LaunchRegistration).where(
            LaunchRegistration.id.in_(members))).scalars()} if members else {}
        data["choosing"] = [{"position": order[rid], "number": regs[rid].number,
                             "buyer_name": rules.mask_name(regs[rid].buyer_name),
                             "status": "done" if finished[rid] else "open", "confirmed": sold.get(rid, 0)}
                            for rid in sorted(members, key=order.get)]
        by_window = {}
        for rid, n in sold.items():
            if rid in order:
                w = rules.window_number(order[rid], launch.window_size)
                by_window[w] = by_window.get(w, 0) + n
        data["windows"] = [{"number": w.number, "opened_at": w.opened_at, "opened_reason": w.opened_reason,
                            "closed_at": w.closed_at, "closed_reason": w.closed_reason,
                            "sold": by_window.get(w.number, 0)}
                           for w in session.execute(select(LaunchWindow).where(LaunchWindow.launch_id == launch.id)
                                                    .order_by(LaunchWindow.number)).scalars()]
    data["attempts"] = session.execute(select(func.count()).select_from(LaunchAttempt)
                                       .where(LaunchAttempt.launch_id == launch.id)).scalar_one()
    return data
