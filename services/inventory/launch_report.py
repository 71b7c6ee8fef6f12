"""开盘报告: a launch's figures after (or during) its 选房, read from inventory's own tables:
registrations, the review, the 诚意金, the draw, each lottery window's buyers and what they
did, the units sold and left, how long it took to sell out, race mode's attempts and every
refused hold by its code. The arithmetic is launch_report_rules.py; docs/launch.md tells
what each figure means. No names, mobiles or ID numbers: figures only."""
import json

from sqlalchemy import func, insert, select

from loupan.roles import PERMISSIONS, require_role
from loupan.scope import get_in_scope
from loupan.types import utcnow
from services.inventory import launch_report_rules as figures
from services.inventory import launch_rules
from services.inventory.models import (Hold, Launch, LaunchAttempt, LaunchDraw, LaunchHistory, LaunchRefusal,
                                       LaunchRegistration, LaunchUnit, LaunchWindow)


def _positions(session, launch):
    """{registration id: position} of a drawn lottery launch ({} otherwise)."""
    draw = session.get(LaunchDraw, launch.id)
    if launch.mode != "lottery" or draw is None or draw.drawn_at is None:
        return {}
    ids = dict(session.execute(select(LaunchRegistration.number, LaunchRegistration.id)
                               .where(LaunchRegistration.launch_id == launch.id)).all())
    return {ids[e["number"]]: e["position"] for e in json.loads(draw.result) if e["number"] in ids}


def _windows(session, launch, positions, confirmed, gave_up):
    """Every window of the drawn order, as it ran (or not yet), with its buyers' outcomes."""
    total = launch_rules.windows_total(len(positions), launch.window_size)
    ran = {w.number: w for w in session.execute(
        select(LaunchWindow).where(LaunchWindow.launch_id == launch.id)).scalars()}
    members = {}
    for rid, position in positions.items():
        members.setdefault(launch_rules.window_number(position, launch.window_size), []).append(rid)
    rows = []
    for number in range(1, total + 1):
        row = ran.get(number)
        closed = row is not None and row.closed_at is not None
        buyers = [figures.Buyer(confirmed.get(rid, 0), rid in gave_up) for rid in members.get(number, [])]
        rows.append(dict(figures.window_figures(buyers, closed), number=number,
                         opened_at=row.opened_at if row else None, opened_reason=row.opened_reason if row else None,
                         closed_at=row.closed_at if row else None, closed_reason=row.closed_reason if row else None))
    return rows


def launch_report(session, actor, launch_id):
    require_role(actor, PERMISSIONS["launches.report"], "read a launch's report")
    launch = get_in_scope(session, actor, Launch, launch_id, "launch")
    registrations = session.execute(select(
        LaunchRegistration.id, LaunchRegistration.status, LaunchRegistration.eligibility,
        LaunchRegistration.deposit_paid_at, LaunchRegistration.gave_up_at)
        .where(LaunchRegistration.launch_id == launch.id)).all()
    positions = _positions(session, launch)
    sold_holds = session.execute(select(Hold.registration_id, Hold.unit_id, Hold.ended_at).where(
        Hold.launch_id == launch.id, Hold.status == "converted")).all()
    confirmed = {}
    for rid, _, _ in sold_holds:
        confirmed[rid] = confirmed.get(rid, 0) + 1
    gave_up = {r.id for r in registrations if r.gave_up_at is not None}
    units = figures.units_figures(
        session.execute(select(func.count()).select_from(LaunchUnit).where(LaunchUnit.launch_id == launch.id))
        .scalar_one(), len({unit_id for _, unit_id, _ in sold_holds}))
    selecting_at = session.execute(select(func.min(LaunchHistory.at)).where(
        LaunchHistory.launch_id == launch.id, LaunchHistory.action == "start_selection")).scalar_one()
    last_sold_at = max((at for _, _, at in sold_holds if at is not None), default=None)
    windows = _windows(session, launch, positions, confirmed, gave_up) if launch.mode == "lottery" else []
    codes = session.execute(select(LaunchRefusal.code).where(LaunchRefusal.launch_id == launch.id)).scalars()
    return {
        "launch_id": launch.id, "project_id": launch.project_id, "name": launch.name, "mode": launch.mode,
        "status": launch.status, "opens_at": launch.opens_at, "window_size": launch.window_size,
        "window_minutes": launch.window_minutes, "units_per_buyer": launch.units_per_buyer,
        "registrations": figures.registration_figures(
            [(r.status, r.eligibility, r.deposit_paid_at is not None) for r in registrations],
            launch.deposit_amount > 0),
        "drawn": len(positions) if launch.mode == "lottery" else None,
        "windows": windows,
        "no_shows": sum(w["no_shows"] for w in windows) if launch.mode == "lottery" else None,
        "units": units,
        "selecting_at": selecting_at, "last_sold_at": last_sold_at,
        "sell_out_seconds": figures.sell_out_seconds(selecting_at, last_sold_at, units["left"]),
        "attempts": session.execute(select(func.count()).select_from(LaunchAttempt)
                                    .where(LaunchAttempt.launch_id == launch.id)).scalar_one(),
        "refusals": figures.refusals_by_code(codes),
        "generated_at": utcnow(),
    }


def record_refusal(uow, registration_id, unit_id, code):
    """A buyer's hold refused with `code`: kept for the report, in a transaction of its own
    (the refused request wrote nothing else). Nothing for a registration that does not exist."""
    session = uow.session
    registration = session.get(LaunchRegistration, registration_id)
    if registration is None or code is None:
        return
    session.execute(insert(LaunchRefusal).values(
        agency_id=registration.agency_id, project_id=registration.project_id, launch_id=registration.launch_id,
        registration_id=registration.id, unit_id=unit_id, code=str(code)[:40], at=utcnow()))
    uow.commit()
