"""What a buyer signed in on their phone may read of a launch: their own 认筹 registration,
their place in the 摇号's order and their selection window, and the launch's units with their
status (no other buyer's name, number or unit).

The gateway finds the registration by launch and mobile when a buyer asks for a sign-in code
(`find_buyer`), and reads `buyer_view` for the registration its buyer session names. These
take no actor: only a call sealed by the gateway or a service reaches them (loupan/bus.py)."""
import json
from datetime import timedelta

from sqlalchemy import select

from loupan.errors import NotFound
from services.inventory import launch_rules as rules
from services.inventory import selection
from services.inventory.models import Building, Launch, LaunchDraw, LaunchRegistration, LaunchUnit, Unit


def find_buyer(session, launch_id, mobile):
    """The live registration (not cancelled) of `mobile` in the launch, as the gateway's buyer
    session needs it, or None."""
    row = session.execute(
        select(LaunchRegistration.id, LaunchRegistration.agency_id, LaunchRegistration.project_id,
               LaunchRegistration.launch_id)
        .where(LaunchRegistration.launch_id == launch_id, LaunchRegistration.mobile == mobile,
               LaunchRegistration.status == "registered")
        .order_by(LaunchRegistration.id.desc()).limit(1)).first()
    return None if row is None else {"registration_id": row.id, "agency_id": row.agency_id,
                                     "project_id": row.project_id, "launch_id": row.launch_id}


def window_of(position, launch):
    """The selection window of the buyer at `position` (1-based) of the drawn order: its
    number and its scheduled opening (the launch's opening time plus the windows before it)."""
    number = (position - 1) // launch.window_size + 1
    return {"number": number, "opens_at": launch.opens_at + timedelta(minutes=(number - 1) * launch.window_minutes),
            "minutes": launch.window_minutes}


def _place(session, launch, registration):
    draw = session.get(LaunchDraw, launch.id)
    if draw is None or draw.drawn_at is None:
        return None
    for entry in json.loads(draw.result):
        if entry["number"] == registration.number:
            return entry
    return None  # drawn without this registration: it was not on the published list


def buyer_view(session, registration_id):
    registration = session.get(LaunchRegistration, registration_id)
    if registration is None or registration.status != "registered":
        raise NotFound(f"registration {registration_id} not found", "REGISTRATION_NOT_FOUND")
    launch = session.get(Launch, registration.launch_id)
    place = _place(session, launch, registration)
    units = session.execute(
        select(Unit.id, Building.name.label("building"), Unit.number, Unit.floor, Unit.layout, Unit.status,
               Unit.list_price, Unit.gross_area)
        .join(LaunchUnit, LaunchUnit.unit_id == Unit.id).join(Building, Building.id == Unit.building_id)
        .where(LaunchUnit.launch_id == launch.id).order_by(Building.name, Unit.floor, Unit.number)).all()
    return {
        "registration": {
            "id": registration.id, "number": registration.number,
            "buyer_name": rules.mask_name(registration.buyer_name),
            "id_number": rules.mask_id_number(registration.id_number),
            "eligibility": registration.eligibility, "priority_group": registration.priority_group,
            "deposit_paid": registration.deposit_paid_at is not None, "deposit_amount": registration.deposit_amount,
        },
        "launch": {"id": launch.id, "project_id": launch.project_id, "name": launch.name, "mode": launch.mode,
                   "status": launch.status, "opens_at": launch.opens_at,
                   "units_per_buyer": launch.units_per_buyer},
        "position": place["position"] if place else None,
        "window": window_of(place["position"], launch) if place else None,
        "selection": selection.buyer_selection(session, launch, registration),
        "units": [{"id": u.id, "building": u.building, "number": u.number, "floor": u.floor, "layout": u.layout,
                   "status": u.status, "list_price": u.list_price, "gross_area": u.gross_area} for u in units],
    }
