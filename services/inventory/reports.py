"""销控 reports of one project: slow movers (滞销) and the daily reconciliation (日对账)."""
from collections import defaultdict
from datetime import datetime, time, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select

from loupan.types import SHANGHAI, utcnow
from services.inventory.catalog import get_project
from services.inventory.unit_rules import unit_label
from services.inventory.models import Building, Unit, UnitHistory

SOLD = ("subscribed", "signed")

# (label, lowest included); a band runs up to the next band's lowest
FLOOR_BANDS = (("≤0", None), ("1-5", 1), ("6-10", 6), ("11-20", 11), ("21+", 21))
AREA_BANDS = (("<90", None), ("90-120", Decimal(90)), ("120-144", Decimal(120)), ("≥144", Decimal(144)))


def band(value, bands):
    """The label of the band `value` falls in."""
    label = bands[0][0]
    for name, lowest in bands[1:]:
        if value >= lowest:
            label = name
    return label


def floor_band(floor):
    return band(floor, FLOOR_BANDS)


def area_band(gross_area):
    return band(gross_area, AREA_BANDS)


def _groups(units, key, order=None):
    """Count and list-price sum per key; bands in their own order (empty ones included so
    reports line up), layouts by count, most first."""
    tallies = defaultdict(lambda: {"count": 0, "amount": Decimal(0)})
    for u in units:
        tally = tallies[key(u)]
        tally["count"] += 1
        tally["amount"] += u["list_price"]
    keys = order if order is not None else sorted(tallies, key=lambda k: (-tallies[k]["count"], k))
    return [{"key": k, **tallies[k]} for k in keys]


def slow_movers(session, actor, project_id, days):
    """滞销: units on sale (available) for more than `days` days since they last changed status."""
    project = get_project(session, actor, project_id)
    now = utcnow()
    rows = session.execute(
        select(Unit.id, Unit.building_id, Building.name.label("building_name"), Unit.number, Unit.floor,
               Unit.layout, Unit.gross_area, Unit.list_price, Unit.status_changed_at)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.project_id == project.id, Unit.status == "available",
               Unit.status_changed_at < now - timedelta(days=days))
        .order_by(Unit.status_changed_at, Unit.id)
    ).all()
    units = [{**r._asdict(), "available_since": r.status_changed_at,
              "days_on_market": (now - r.status_changed_at).days} for r in rows]
    return {
        "days": days, "as_of": now, "total": len(units), "units": units,
        "by_layout": _groups(units, lambda u: u["layout"]),
        "by_floor_band": _groups(units, lambda u: floor_band(u["floor"]), [b for b, _ in FLOOR_BANDS]),
        "by_area_band": _groups(units, lambda u: area_band(u["gross_area"]), [b for b, _ in AREA_BANDS]),
    }


def day_bounds(day):
    """The UTC instants where the Asia/Shanghai day `day` starts and ends."""
    start = datetime.combine(day, time(), SHANGHAI).astimezone(timezone.utc)
    return start, start + timedelta(days=1)


def reconciliation(session, actor, project_id, day=None):
    """日对账: every change to subscribed or signed on `day` (Asia/Shanghai; today by
    default), per advisor, counted and summed at list price, for the assistant to match
    against the deals recorded."""
    project = get_project(session, actor, project_id)
    day = day or datetime.now(SHANGHAI).date()
    start, end = day_bounds(day)
    rows = session.execute(
        select(UnitHistory.unit_id, UnitHistory.to_status, UnitHistory.advisor_id, UnitHistory.actor_name,
               UnitHistory.at, Unit.number, Unit.list_price, Building.name.label("building_name"))
        .join(Unit, Unit.id == UnitHistory.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(UnitHistory.project_id == project.id, UnitHistory.at >= start, UnitHistory.at < end,
               UnitHistory.to_status.in_(SOLD))
        .order_by(UnitHistory.at, UnitHistory.id)
    ).all()

    def tallies():
        return {status: {"count": 0, "amount": Decimal(0)} for status in SOLD}

    advisors = defaultdict(lambda: {**tallies(), "units": []})
    totals = tallies()
    for r in rows:
        line = advisors[r.advisor_id]
        for tally in (line[r.to_status], totals[r.to_status]):
            tally["count"] += 1
            tally["amount"] += r.list_price
        line["units"].append({"unit_id": r.unit_id, "unit_label": unit_label(r.building_name, r.number),
                              "to_status": r.to_status, "at": r.at, "list_price": r.list_price,
                              "actor_name": r.actor_name})
    # advisors in id order; changes nobody was recorded for come last
    order = sorted(advisors, key=lambda a: (a is None, a or 0))
    return {"project_id": project.id, "date": day,
            "advisors": [{"advisor_id": a, **advisors[a]} for a in order], **totals}
