"""Projects, buildings and units: creating them, releasing units (推盘) and reading them
(the board included)."""
import json
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS
from loupan.scope import event_actor, get_in_scope
from loupan.schemas import dump
from loupan.schemas.inventory_catalog import ProjectOut
from loupan.types import CENT, to_decimal2, utcnow
from services.inventory import history
from services.inventory.unit_rules import STATUSES, below_base, move
from services.inventory.models import Building, Project, Unit


def get_project(session, actor, project_id):
    project = get_in_scope(session, actor, Project, project_id, "project")
    return project


def list_projects(session, actor):
    query = select(Project).where(Project.agency_id == actor["agency_id"]).order_by(Project.id)
    if actor.get("project_ids") is not None:
        query = query.where(Project.id.in_(actor["project_ids"]))
    return session.execute(query).scalars().all()


def create_project(uow, actor, data):
    project = uow.add_unique(Project(agency_id=actor["agency_id"], **data),
                             Conflict(f"a project named {data['name']} exists", "PROJECT_EXISTS"))
    uow.publish(
        "project_created",
        {"name": project.name, "city": project.city, "developer_name": project.developer_name},
        agency_id=project.agency_id, project_id=project.id, actor=event_actor(actor),
    )
    return project


def create_building(uow, actor, project_id, data):
    project = get_project(uow.session, actor, project_id)
    return uow.add_unique(Building(agency_id=project.agency_id, project_id=project.id, **data),
                          Conflict(f"building {data['name']} exists in this project", "BUILDING_EXISTS"))


def update_building(uow, actor, building_id, changes):
    """Rename a building or record its presale permit once granted. A permit cannot be
    removed from a building that already has units on sale."""
    building = get_in_scope(uow.session, actor, Building, building_id, "building")
    if "permit_no" in changes and not changes["permit_no"] and building.permit_no:
        on_sale = uow.session.execute(
            select(func.count()).select_from(Unit)
            .where(Unit.building_id == building.id, Unit.status != "unreleased")
        ).scalar_one()
        if on_sale:
            raise RuleViolated(f"building {building.name} has {on_sale} units on sale: its permit stays",
                               "PERMIT_IN_USE")
    for key, value in changes.items():
        setattr(building, key, value)
    try:
        uow.session.flush()
    except IntegrityError:
        uow.rollback()
        raise Conflict(f"building {changes.get('name')} exists in this project", "BUILDING_EXISTS") from None
    return building


def create_units(uow, actor, project_id, units):
    """Bulk creation, all or nothing; each unit starts `unreleased` (未推) with a history row."""
    session = uow.session
    project = get_project(session, actor, project_id)
    building_ids = {u["building_id"] for u in units}
    known = set(session.execute(
        select(Building.id).where(Building.project_id == project.id, Building.id.in_(building_ids))
    ).scalars())
    unknown = sorted(building_ids - known)
    if unknown:
        raise NotFound(f"buildings {unknown} are not in project {project.id}", "BUILDING_NOT_FOUND")
    under = [u["number"] for u in units if below_base(u["list_price"], u["base_price"])]
    if under and not may_go_below_base(actor):
        raise RuleViolated(f"the 表价 of {', '.join(under[:20])} is below its 底价: only a director creates such units",
                           "BELOW_BASE_NEEDS_DIRECTOR")
    seen = set()
    for u in units:
        key = (u["building_id"], u["number"])
        if key in seen:
            raise Conflict(f"unit {u['number']} appears twice in building {u['building_id']}", "DUPLICATE_UNIT")
        seen.add(key)
    rows = [Unit(agency_id=project.agency_id, project_id=project.id, status="unreleased", **u) for u in units]
    session.add_all(rows)
    try:
        session.flush()
    except IntegrityError:
        uow.rollback()
        raise Conflict("a unit with one of these numbers exists already", "DUPLICATE_UNIT") from None
    now = utcnow()
    for reason, ids in (("created", [r.id for r in rows if not below_base(r.list_price, r.base_price)]),
                        ("created below 底价 by a director", [r.id for r in rows if below_base(r.list_price, r.base_price)])):
        if ids:
            history.record(session, ids, agency_id=project.agency_id, project_id=project.id,
                           from_status=None, to_status="unreleased", actor=actor, reason=reason, at=now)
    return rows


def may_go_below_base(actor):
    return actor["role"] in PERMISSIONS["price_lists.approve"]


def release_units(uow, actor, project_id, unit_ids):
    """推盘: unreleased units of the project become available. All ids must belong to the
    project and their buildings must have a presale permit, or nothing is released."""
    session = uow.session
    project = get_project(session, actor, project_id)
    wanted = sorted(set(unit_ids))
    rows = session.execute(
        select(Unit.id, Unit.status, Building.permit_no)
        .join(Building, Building.id == Unit.building_id)
        .where(Unit.project_id == project.id, Unit.id.in_(wanted))
    ).all()
    missing = sorted(set(wanted) - {r.id for r in rows})
    if missing:
        raise NotFound(f"units {missing[:20]} are not in project {project.id}", "UNIT_NOT_FOUND")
    no_permit = sorted(r.id for r in rows if not r.permit_no)
    if no_permit:
        raise RuleViolated(
            f"units {no_permit[:20]} are in buildings without a presale permit (预售许可证)",
            "NO_PRESALE_PERMIT",
        )
    source, target = move("unreleased", "available")
    candidates = [r.id for r in rows if r.status == source]
    now = utcnow()
    released = []
    if candidates:
        result = session.execute(
            update(Unit).where(Unit.id.in_(candidates), Unit.status == source)
            .values(status=target, status_changed_at=now)
            .returning(Unit.id)
        )
        released = sorted(result.scalars())
        history.record(session, released, agency_id=project.agency_id, project_id=project.id,
                       from_status=source, to_status=target, actor=actor, reason="released", at=now)
        uow.publish("units_released", {"unit_ids": released}, agency_id=project.agency_id,
                    project_id=project.id, actor=event_actor(actor))
    already = sorted(set(wanted) - set(released))
    return {"released": released, "already_released": already}


def unit_dict(unit):
    data = {c.name: getattr(unit, c.name) for c in Unit.__table__.columns}
    data["unit_price"] = (unit.list_price / unit.gross_area).quantize(CENT)
    return data


def list_units(session, actor, project_id, query):
    project = get_project(session, actor, project_id)
    where = [Unit.project_id == project.id]
    if query.get("status"):
        where.append(Unit.status == query["status"])
    if query.get("building_id"):
        where.append(Unit.building_id == query["building_id"])
    total = session.execute(select(func.count()).select_from(Unit).where(*where)).scalar_one()
    rows = session.execute(
        select(Unit).where(*where).order_by(Unit.building_id, Unit.floor, Unit.number)
        .limit(query["limit"]).offset(query["offset"])
    ).scalars().all()
    return {"items": [unit_dict(u) for u in rows], "total": total,
            "limit": query["limit"], "offset": query["offset"]}


UNITS = Unit.__table__
BOARD_CELLS = (
    select(UNITS.c.id, UNITS.c.building_id, UNITS.c.floor, UNITS.c.number, UNITS.c.layout,
           UNITS.c.gross_area, UNITS.c.list_price, UNITS.c.status)
    .where(UNITS.c.project_id == bindparam("project_id"))
    .order_by(UNITS.c.building_id, UNITS.c.floor.desc(), UNITS.c.number)
)
CELL_KEYS = ("id", "building_id", "floor", "number", "layout", "gross_area", "list_price", "status")


def board(session, actor, project_id):
    """销控表 of one project, from two indexed queries (Core on the session's connection:
    a 3,000-unit board is 3,000 rows, and ORM row handling would double its cost)."""
    project = get_project(session, actor, project_id)
    buildings = session.execute(
        select(Building).where(Building.project_id == project.id).order_by(Building.id)
    ).scalars().all()
    rows = session.connection().execute(BOARD_CELLS, {"project_id": project.id}).all()
    floors = defaultdict(lambda: defaultdict(list))
    totals = {s: {"count": 0, "gross_area": Decimal(0), "amount": Decimal(0)} for s in STATUSES}
    for row in rows:
        cell = dict(zip(CELL_KEYS, row))
        floors[cell["building_id"]][cell["floor"]].append(cell)
        total = totals[cell["status"]]
        total["count"] += 1
        total["gross_area"] += cell["gross_area"]
        total["amount"] += cell["list_price"]
    return {
        "project": project,
        "buildings": [
            {"id": b.id, "name": b.name, "permit_no": b.permit_no,
             "floors": [{"floor": f, "units": us} for f, us in floors[b.id].items()]}
            for b in buildings
        ],
        "totals": totals,
    }


def board_json(data):
    """The board as the JSON text of the `Board` contract, written directly: marshmallow
    over 3,000 nested cells cost more than the query. Amounts become decimal strings."""
    document = {
        "project": dump(ProjectOut, data["project"]),
        "buildings": [
            {**{k: b[k] for k in ("id", "name", "permit_no")},
             "floors": [{"floor": f["floor"], "units": [
                 {"id": u["id"], "number": u["number"], "layout": u["layout"],
                  "gross_area": str(u["gross_area"]), "list_price": str(u["list_price"]),
                  "status": u["status"]} for u in f["units"]]} for f in b["floors"]]}
            for b in data["buildings"]
        ],
        "totals": {status: {"count": t["count"], "gross_area": str(to_decimal2(t["gross_area"])),
                            "amount": str(to_decimal2(t["amount"]))}
                   for status, t in data["totals"].items()},
    }
    return json.dumps(document, ensure_ascii=False)
