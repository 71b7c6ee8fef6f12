"""价目表 price lists: a draft made by bulk adjustment (调价) from the current prices, its
preview, director approval below 底价, publishing (which reprices the units on sale), and
the price history of a unit and of a project (价格走向/调价步骤/调价周期/调价幅度)."""
import json

from sqlalchemy import bindparam, case, delete, func, insert, select, update

from loupan.schemas import dump
from loupan.schemas.inventory_pricing import AdjustmentIn
from loupan.errors import Conflict, NotFound, RuleViolated
from loupan.roles import PERMISSIONS, require_not_own, require_role
from loupan.scope import event_actor, get_in_scope
from loupan.types import utcnow
from services.inventory import price_rules
from services.inventory.catalog import get_project
from services.inventory.unit_rules import unit_label
from services.inventory.models import Building, PriceList, PriceListItem, Unit

# a deal fixes the price of these units: a new version carries their price unchanged
SOLD = ("subscribed", "signed", "filed", "delivered")
PUBLISHED = ("published", "superseded")
LISTED_IN_ERRORS = 50
UNITS = Unit.__table__
# conditional on the price the draft was made from and on the unit still being on sale
REPRICE_UNIT = (update(UNITS)
                .where(UNITS.c.id == bindparam("b_id"),
                       UNITS.c.list_price == bindparam("b_old", type_=UNITS.c.list_price.type),
                       *(UNITS.c.status != s for s in SOLD))  # no IN list: executemany takes none
                .values(list_price=bindparam("b_new", type_=UNITS.c.list_price.type)))


def _price_list(session, actor, price_list_id):
    price_list = get_in_scope(session, actor, PriceList, price_list_id, "price list")
    return price_list


def _check_selectors(session, project, units, adjustments):
    """Buildings and units named by a selector must belong to the project."""
    ids = {u.id for u in units}
    unknown_units = sorted({i for a in adjustments for i in a["selector"].get("unit_ids") or ()} - ids)
    if unknown_units:
        raise NotFound(f"units {unknown_units[:20]} are not in project {project.id}", "UNIT_NOT_FOUND")
    building_ids = {a["selector"]["building_id"] for a in adjustments if a["selector"].get("building_id")}
    known = set(session.execute(
        select(Building.id).where(Building.project_id == project.id, Building.id.in_(building_ids))
    ).scalars()) if building_ids else set()
    if building_ids - known:
        raise NotFound(f"buildings {sorted(building_ids - known)} are not in project {project.id}",
                       "BUILDING_NOT_FOUND")


def create_draft(uow, actor, project_id, data):
    """调价: a draft version = the current prices with `adjustments` applied, in order, to the
    units on sale they select. Units whose price a deal fixed keep it."""
    session = uow.session
    project = get_project(session, actor, project_id)
    units = session.execute(
        select(Unit.id, Unit.building_id, Unit.floor, Unit.layout, Unit.gross_area, Unit.list_price,
               Unit.base_price, Unit.status)
        .where(Unit.project_id == project.id).order_by(Unit.id)
    ).all()
    adjustments = data["adjustments"]
    _check_selectors(session, project, units, adjustments)
    try:
        new_prices = price_rules.reprice([u for u in units if u.status not in SOLD], adjustments)
    except price_rules.EmptySelection as exc:
        raise RuleViolated(str(exc), "EMPTY_SELECTION") from None
    not_positive = sorted(uid for uid, price in new_prices.items() if price <= 0)
    if not_positive:
        raise RuleViolated(f"units {not_positive[:LISTED_IN_ERRORS]} would cost nothing or less",
                           "PRICE_NOT_POSITIVE")
    below_base = any(new_prices.get(u.id, u.list_price) < u.base_price for u in units
                     if new_prices.get(u.id, u.list_price) != u.list_price)
    version = session.execute(
        select(func.coalesce(func.max(PriceList.version), 0)).where(PriceList.project_id == project.id)
    ).scalar_one() + 1
    price_list = uow.add_unique(
        PriceList(agency_id=project.agency_id, project_id=project.id, version=version, status="draft",
                  note=data["note"], adjustments=json.dumps(dump(AdjustmentIn, adjustments, many=True)),
                  needs_director_approval=below_base, created_by=actor["account_id"], created_at=utcnow()),
        Conflict("this project has a draft price list already: publish or discard it first", "DRAFT_EXISTS"),
    )
    if units:
        session.execute(insert(PriceListItem), [
            {"price_list_id": price_list.id, "unit_id": u.id, "agency_id": project.agency_id,
             "project_id": project.id, "list_price": new_prices.get(u.id, u.list_price),
             "previous_price": u.list_price}
            for u in units
        ])
    return price_list


def price_list_dict(session, price_list):
    counts = session.execute(
        select(func.count(), func.coalesce(func.sum(
            case((PriceListItem.list_price != PriceListItem.previous_price, 1), else_=0)), 0))
        .where(PriceListItem.price_list_id == price_list.id)
    ).one()
    data = {c.name: getattr(price_list, c.name) for c in PriceList.__table__.columns}
    data["adjustments"] = json.loads(price_list.adjustments)
    data["unit_count"], data["changed_count"] = counts
    return data


def list_price_lists(session, actor, project_id):
    project = get_project(session, actor, project_id)
    rows = session.execute(
        select(PriceList).where(PriceList.project_id == project.id).order_by(PriceList.version.desc())
    ).scalars().all()
    return [price_list_dict(session, p) for p in rows]


def preview(session, actor, price_list_id):
    """A version with every unit it changes: old, new, difference, new 单价, below 底价."""
    price_list = _price_list(session, actor, price_list_id)
    rows = session.execute(
        select(PriceListItem.unit_id, PriceListItem.list_price, PriceListItem.previous_price,
               Unit.number, Unit.floor, Unit.layout, Unit.gross_area, Unit.base_price,
               Building.name.label("building_name"))
        .join(Unit, Unit.id == PriceListItem.unit_id)
        .join(Building, Building.id == Unit.building_id)
        .where(PriceListItem.price_list_id == price_list.id,
               PriceListItem.list_price != PriceListItem.previous_price)
        .order_by(Unit.building_id, Unit.floor, Unit.number)
    ).all()
    items = [{
        "unit_id": r.unit_id, "building_name": r.building_name, "number": r.number, "floor": r.floor,
        "layout": r.layout, "gross_area": r.gross_area, "old_price": r.previous_price,
        "new_price": r.list_price, "difference": r.list_price - r.previous_price,
        "new_unit_price": price_rules.unit_price(r.list_price, r.gross_area), "base_price": r.base_price,
        "below_base": r.list_price < r.base_price,
    } for r in rows]
    return {
        **price_list_dict(session, price_list), "items": items,
        "up_count": sum(i["difference"] > 0 for i in items),
        "down_count": sum(i["difference"] < 0 for i in items),
        "below_base_count": sum(i["below_base"] for i in items),
    }


def discard(uow, actor, price_list_id):
    """Delete a draft; a published version is history and stays."""
    session = uow.session
    price_list = _price_list(session, actor, price_list_id)
    data = price_list_dict(session, price_list)
    taken = session.execute(
        update(PriceList).where(PriceList.id == price_list.id, PriceList.status == "draft")
        .values(status="discarded")
    ).rowcount
    if taken != 1:
        raise Conflict(f"price list {price_list_id} is not a draft", "PRICE_LIST_NOT_DRAFT")
    session.execute(delete(PriceListItem).where(PriceListItem.price_list_id == price_list.id))
    session.execute(delete(PriceList).where(PriceList.id == price_list.id))
    return dict(data, status="discarded")


def approve(uow, actor, price_list_id):
    """A director's approval of a draft that takes units below their 底价."""
    require_role(actor, PERMISSIONS["price_lists.approve"], "approve prices below 底价", "DIRECTOR_REQUIRED")
    session = uow.session
    price_list = _price_list(session, actor, price_list_id)
    require_not_own(actor, price_list.created_by, what="price list")
    approved = session.execute(
        update(PriceList).where(PriceList.id == price_list.id, PriceList.status == "draft")
        .values(approved_by=actor["account_id"], approved_at=utcnow())
    ).rowcount
    if approved != 1:
        raise Conflict(f"price list {price_list_id} is not a draft", "PRICE_LIST_NOT_DRAFT")
    session.refresh(price_list)
    return price_list_dict(session, price_list)


def publish(uow, actor, price_list_id):
    """Make a draft the current version: it supersedes the previous one and reprices the units
    on sale in the same transaction. Refused (422 BELOW_BASE_PRICE) when it takes a unit below
    its 底价 without a director's approval, and (409 PRICE_LIST_STALE) when a unit's price
    moved since the draft was made."""
    session = uow.session
    price_list = _price_list(session, actor, price_list_id)
    if price_list.status != "draft":
        raise Conflict(f"price list {price_list_id} is not a draft", "PRICE_LIST_NOT_DRAFT")
    # rows locked (PostgreSQL) so that no hold or deal changes a unit while it is repriced
    units = {u.id: u for u in session.execute(
        select(Unit.id, Unit.building_id, Unit.number, Unit.list_price, Unit.base_price, Unit.status)
        .where(Unit.project_id == price_list.project_id).order_by(Unit.id).with_for_update()
    ).all()}
    items = session.execute(
        select(PriceListItem.unit_id, PriceListItem.list_price, PriceListItem.previous_price)
        .where(PriceListItem.price_list_id == price_list.id)
    ).all()
    changed = [i for i in items if i.list_price != i.previous_price]
    on_sale = [i for i in changed if units[i.unit_id].status not in SOLD]
    below = [i.unit_id for i in on_sale if i.list_price < units[i.unit_id].base_price]
    if below and price_list.approved_by is None:
        names = _labels(session, [units[uid] for uid in below])
        raise RuleViolated(f"{len(below)} unit(s) would go below their 底价 without a director's "
                           f"approval: {names}", "BELOW_BASE_PRICE")
    stale = [i.unit_id for i in on_sale if units[i.unit_id].list_price != i.previous_price]
    if stale:
        raise Conflict(f"prices of units {stale[:LISTED_IN_ERRORS]} changed since this draft was made: "
                       "discard it and adjust again", "PRICE_LIST_STALE")
    now = utcnow()
    published = session.execute(
        update(PriceList).where(PriceList.id == price_list.id, PriceList.status == "draft")
        .values(status="published", published_at=now, published_by=actor["account_id"])
    ).rowcount
    if published != 1:
        raise Conflict(f"price list {price_list_id} is not a draft", "PRICE_LIST_NOT_DRAFT")
    session.execute(
        update(PriceList).where(PriceList.project_id == price_list.project_id,
                                PriceList.status == "published", PriceList.id != price_list.id)
        .values(status="superseded")
    )
    _settle_items(session, price_list, units, items, changed, on_sale)
    if on_sale:
        session.execute(REPRICE_UNIT, [{"b_id": i.unit_id, "b_old": i.previous_price, "b_new": i.list_price}
                                       for i in on_sale])
    session.refresh(price_list)
    data = price_list_dict(session, price_list)
    uow.publish("price_list_published",
                {"price_list_id": price_list.id, "version": price_list.version,
                 "unit_count": data["unit_count"], "changed_count": data["changed_count"]},
                agency_id=price_list.agency_id, project_id=price_list.project_id, actor=event_actor(actor))
    return data


def _settle_items(session, price_list, units, items, changed, on_sale):
    """Make the version say what really happened: a unit sold since the draft keeps its
    price, and a unit created since then is carried at its current price (a full set)."""
    selling = {i.unit_id for i in on_sale}
    sold_since = [i.unit_id for i in changed if i.unit_id not in selling]
    if sold_since:
        session.execute(
            update(PriceListItem).where(PriceListItem.price_list_id == price_list.id,
                                        PriceListItem.unit_id.in_(sold_since))
            .values(list_price=PriceListItem.previous_price)
        )
    listed = {i.unit_id for i in items}
    new_units = [u for uid, u in units.items() if uid not in listed]
    if new_units:
        session.execute(insert(PriceListItem), [
            {"price_list_id": price_list.id, "unit_id": u.id, "agency_id": price_list.agency_id,
             "project_id": price_list.project_id, "list_price": u.list_price, "previous_price": u.list_price}
            for u in new_units
        ])


def _labels(session, units):
    buildings = dict(session.execute(
        select(Building.id, Building.name).where(Building.id.in_({u.building_id for u in units}))
    ).all())
    shown = ", ".join(unit_label(buildings[u.building_id], u.number) for u in units[:LISTED_IN_ERRORS])
    return shown + (" …" if len(units) > LISTED_IN_ERRORS else "")


def unit_prices(session, actor, unit_id):
    """Every published change of one unit's price, with direction, step, period and size."""
    unit = get_in_scope(session, actor, Unit, unit_id, "unit")
    rows = session.execute(
        select(PriceList.id, PriceList.version, PriceList.published_at,
               PriceListItem.previous_price, PriceListItem.list_price)
        .join(PriceList, PriceList.id == PriceListItem.price_list_id)
        .where(PriceListItem.project_id == unit.project_id, PriceListItem.unit_id == unit.id,
               PriceList.status.in_(PUBLISHED), PriceListItem.list_price != PriceListItem.previous_price)
        .order_by(PriceList.version)
    ).all()
    steps = price_rules.steps([(r.published_at, r.previous_price, r.list_price) for r in rows])
    changes = [
        dict(s, price_list_id=r.id, version=r.version, old_price=s["old"], new_price=s["new"],
             new_unit_price=price_rules.unit_price(s["new"], unit.gross_area))
        for r, s in zip(rows, steps)
    ]
    return {"unit_id": unit.id, "project_id": unit.project_id, "list_price": unit.list_price,
            "unit_price": price_rules.unit_price(unit.list_price, unit.gross_area), "changes": changes}


def price_history(session, actor, project_id):
    """价格走向 of a project: each published version's 均价 per m² (total ÷ gross area of all
    its units) against the one before it, with step, period and size."""
    project = get_project(session, actor, project_id)
    rows = session.execute(
        select(PriceList.id, PriceList.version, PriceList.published_at,
               func.count().label("unit_count"),
               func.sum(case((PriceListItem.list_price != PriceListItem.previous_price, 1), else_=0))
               .label("changed_count"),
               func.sum(PriceListItem.list_price).label("total"),
               func.sum(PriceListItem.previous_price).label("previous_total"),
               func.sum(Unit.gross_area).label("area"))
        .join(PriceListItem, PriceListItem.price_list_id == PriceList.id)
        .join(Unit, Unit.id == PriceListItem.unit_id)
        .where(PriceList.project_id == project.id, PriceList.status.in_(PUBLISHED))
        .group_by(PriceList.id, PriceList.version, PriceList.published_at)
        .order_by(PriceList.version)
    ).all()
    averages = [(price_rules.unit_price(r.previous_total, r.area), price_rules.unit_price(r.total, r.area))
                for r in rows]
    steps = price_rules.steps([(r.published_at, old, new) for r, (old, new) in zip(rows, averages)])
    versions = [
        dict(s, price_list_id=r.id, version=r.version, unit_count=r.unit_count,
             changed_count=r.changed_count, previous_average_unit_price=s["old"], average_unit_price=s["new"])
        for r, s in zip(rows, steps)
    ]
    return {"project_id": project.id, "versions": versions}
