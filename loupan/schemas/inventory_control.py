"""inventory 销控 control: locks, scheduled releases (推盘), hold rules, slow movers (滞销)
and the daily reconciliation (日对账)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.inventory_catalog import HOLD_MINUTES
from loupan.validators import ID, Amount, Percent, not_blank

UNIT_IDS = validate.Length(min=1, max=5000)
FLOORS = validate.Range(-10, 300)



class LockIn(Schema):
    unit_ids = fields.List(fields.Integer(strict=True, validate=ID), required=True, validate=UNIT_IDS)
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=180), not_blank],
                           metadata={"description": "why the units are kept off (or put back on) sale"})


class LockOut(Schema):
    unit_ids = fields.List(fields.Integer())
    status = fields.String(metadata={"description": "the status every listed unit now has"})


class ReleaseScheduleIn(Schema):
    """推盘计划: a building (optionally a floor range of it) and/or a list of units."""

    run_at = fields.AwareDateTime(required=True, metadata={"description": "when to release; must be in the future"})
    building_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID)
    floor_from = fields.Integer(strict=True, load_default=None, allow_none=True, validate=FLOORS)
    floor_to = fields.Integer(strict=True, load_default=None, allow_none=True, validate=FLOORS)
    unit_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=None, allow_none=True,
                           validate=UNIT_IDS)

    @validates_schema
    def check_selectors(self, data, **kwargs):
        if data.get("building_id") is None and not data.get("unit_ids"):
            raise ValidationError("give a building_id or unit_ids", "building_id")
        floors = (data.get("floor_from"), data.get("floor_to"))
        if any(f is not None for f in floors) and data.get("building_id") is None:
            raise ValidationError("a floor range needs a building_id", "floor_from")
        if None not in floors and floors[0] > floors[1]:
            raise ValidationError("must not be above floor_to", "floor_from")


class ReleaseScheduleOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    run_at = fields.AwareDateTime()
    building_id = fields.Integer(allow_none=True)
    floor_from = fields.Integer(allow_none=True)
    floor_to = fields.Integer(allow_none=True)
    unit_ids = fields.List(fields.Integer(), allow_none=True)
    status = fields.String(validate=validate.OneOf(("scheduled", "done", "cancelled", "failed")),
                           metadata={"description": "scheduled, done, cancelled or failed"})
    created_by = fields.Integer(allow_none=True)
    created_by_name = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    ran_at = fields.AwareDateTime(allow_none=True)
    released_count = fields.Integer(allow_none=True)
    message = fields.String(allow_none=True)


class ProjectSettingsIn(Schema):
    """Hold rules and the advisor's discount range of a project; give any of them."""

    hold_minutes = fields.Integer(strict=True, validate=HOLD_MINUTES,
                                  metadata={"description": "how long a hold lasts, e.g. 30 on launch day"})
    max_holds_per_buyer = fields.Integer(strict=True, validate=validate.Range(1, 50),
                                         metadata={"description": "units one buyer may hold at once"})
    advisor_discount_pct = Percent(metadata={"description": "discount % an advisor may give alone"})

    @validates_schema
    def check_something(self, data, **kwargs):
        if not data:
            raise ValidationError("give at least one of hold_minutes, max_holds_per_buyer, advisor_discount_pct")


class HoldExtendIn(Schema):
    minutes = fields.Integer(required=True, strict=True, validate=HOLD_MINUTES)


class SlowMoverQuery(Schema):
    days = fields.Integer(load_default=90, validate=validate.Range(0, 3650),
                          metadata={"description": "on sale for more than this many days"})


class SlowUnit(Schema):
    id = fields.Integer()
    building_id = fields.Integer()
    building_name = fields.String()
    number = fields.String()
    floor = fields.Integer()
    layout = fields.String()
    gross_area = Amount()
    list_price = Amount()
    available_since = fields.AwareDateTime()
    days_on_market = fields.Integer()


class SlowMoverGroup(Schema):
    key = fields.String()
    count = fields.Integer()
    amount = Amount(metadata={"description": "sum of list prices"})


class SlowMovers(Schema):
    """滞销: units on sale for more than `days` days, and their counts by layout, floor band
    and area band."""

    days = fields.Integer()
    as_of = fields.AwareDateTime()
    total = fields.Integer()
    units = fields.List(fields.Nested(SlowUnit))
    by_layout = fields.List(fields.Nested(SlowMoverGroup))
    by_floor_band = fields.List(fields.Nested(SlowMoverGroup))
    by_area_band = fields.List(fields.Nested(SlowMoverGroup))


class ReconciliationQuery(Schema):
    date = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai day; today if omitted"})


class SoldTally(Schema):
    count = fields.Integer()
    amount = Amount(metadata={"description": "sum of list prices"})


class ReconciledUnit(Schema):
    unit_id = fields.Integer()
    unit_label = fields.String()
    to_status = fields.String()
    at = fields.AwareDateTime()
    list_price = Amount()
    actor_name = fields.String(allow_none=True)


class AdvisorDay(Schema):
    advisor_id = fields.Integer(allow_none=True)
    subscribed = fields.Nested(SoldTally)
    signed = fields.Nested(SoldTally)
    units = fields.List(fields.Nested(ReconciledUnit))


class Reconciliation(Schema):
    """日对账: units that became subscribed or signed on one day, per advisor."""

    project_id = fields.Integer()
    date = fields.Date()
    advisors = fields.List(fields.Nested(AdvisorDay))
    subscribed = fields.Nested(SoldTally)
    signed = fields.Nested(SoldTally)
