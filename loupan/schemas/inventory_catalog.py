"""inventory (销控): projects, buildings, units, holds, releases, the board."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import ID, Amount, Area, Money, Mobile, Percent

# a hold lasts 1 minute to a week: a typo cannot take a unit off the market for a year
MIN_HOLD_MINUTES, MAX_HOLD_MINUTES, DEFAULT_HOLD_MINUTES = 1, 7 * 24 * 60, 24 * 60
HOLD_MINUTES = validate.Range(MIN_HOLD_MINUTES, MAX_HOLD_MINUTES)
STATUSES = ("unreleased", "available", "locked", "held", "subscribed", "signed", "filed", "delivered")
PROPERTY_TYPES = ("residential", "apartment", "shop", "office", "parking")
ORIENTATIONS = ("东", "南", "西", "北", "东南", "西南", "东北", "西北", "南北", "东西",
                "E", "S", "W", "N", "SE", "SW", "NE", "NW", "NS", "EW")


class ProjectIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    city = fields.String(required=True, validate=validate.Length(min=1, max=100))
    developer_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    hold_minutes = fields.Integer(strict=True, load_default=DEFAULT_HOLD_MINUTES, validate=HOLD_MINUTES)
    max_holds_per_buyer = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 50),
                                         metadata={"description": "units one buyer may hold at once"})
    advisor_discount_pct = Percent(load_default="0",
                                   metadata={"description": "discount % an advisor may give alone"})


class ProjectOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    name = fields.String()
    city = fields.String()
    developer_name = fields.String()
    hold_minutes = fields.Integer()
    max_holds_per_buyer = fields.Integer()
    advisor_discount_pct = Amount()
    created_at = fields.AwareDateTime()


class BuildingIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    permit_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))


class BuildingPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    permit_no = fields.String(allow_none=True, validate=validate.Length(min=1, max=100),
                              metadata={"description": "预售许可证 number, once granted"})


class BuildingOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    permit_no = fields.String(allow_none=True)


class UnitIn(Schema):
    building_id = fields.Integer(required=True, strict=True, validate=ID)
    number = fields.String(required=True, validate=validate.Length(min=1, max=40))
    floor = fields.Integer(required=True, strict=True, validate=validate.Range(-10, 300))
    layout = fields.String(required=True, validate=validate.Length(min=1, max=40))
    orientation = fields.String(required=True, validate=validate.OneOf(ORIENTATIONS))
    property_type = fields.String(required=True, validate=validate.OneOf(PROPERTY_TYPES))
    gross_area = Area(required=True, metadata={"description": "建筑面积, m², decimal string"})
    net_area = Area(required=True, metadata={"description": "套内面积, m², decimal string"})
    list_price = Money(required=True, metadata={"description": "表价 total, CNY, decimal string"})
    base_price = Money(required=True, metadata={"description": "底价 total, CNY, decimal string"})
    decoration = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))
    delivery_date = fields.Date(load_default=None, allow_none=True)

    @validates_schema
    def check_amounts(self, data, **kwargs):
        errors = {}
        if data["gross_area"] <= 0:
            errors["gross_area"] = ["must be greater than 0"]
        if not 0 < data["net_area"] <= data["gross_area"]:
            errors["net_area"] = ["must be greater than 0 and at most the gross area"]
        if data["list_price"] <= 0:
            errors["list_price"] = ["must be greater than 0"]
        if data["base_price"] <= 0:  # above the 表价 only by a director (inventory's unit_rules.below_base)
            errors["base_price"] = ["must be greater than 0"]
        if errors:
            raise ValidationError(errors)


class UnitsIn(Schema):
    units = fields.List(fields.Nested(UnitIn), required=True, validate=validate.Length(min=1, max=5000))


class UnitOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    building_id = fields.Integer()
    number = fields.String()
    floor = fields.Integer()
    layout = fields.String()
    orientation = fields.String()
    property_type = fields.String(validate=validate.OneOf(PROPERTY_TYPES))
    gross_area = Amount()
    net_area = Amount()
    list_price = Amount()
    unit_price = Amount(metadata={"description": "表价 per m² of gross area"})
    base_price = Amount()
    decoration = fields.String(allow_none=True)
    delivery_date = fields.Date(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    status_changed_at = fields.AwareDateTime()


class UnitQuery(Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    building_id = fields.Integer()
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class UnitPage(Schema):
    items = fields.List(fields.Nested(UnitOut))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class ReleaseIn(Schema):
    unit_ids = fields.List(fields.Integer(strict=True, validate=ID), required=True,
                           validate=validate.Length(min=1, max=5000))


class ReleaseOut(Schema):
    released = fields.List(fields.Integer())
    already_released = fields.List(fields.Integer())


class HoldIn(Schema):
    customer_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    customer_phone = Mobile(required=True)


class HoldOut(Schema):
    hold_id = fields.Integer()
    unit_id = fields.Integer()
    project_id = fields.Integer()
    customer_name = fields.String()
    customer_phone = fields.String()
    advisor_id = fields.Integer(allow_none=True)
    status = fields.String()
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()


class BoardUnit(Schema):
    id = fields.Integer()
    number = fields.String()
    layout = fields.String()
    gross_area = Amount()
    list_price = Amount()
    status = fields.String(validate=validate.OneOf(STATUSES))


class BoardFloor(Schema):
    floor = fields.Integer()
    units = fields.List(fields.Nested(BoardUnit))


class BoardBuilding(Schema):
    id = fields.Integer()
    name = fields.String()
    permit_no = fields.String(allow_none=True)
    floors = fields.List(fields.Nested(BoardFloor))


class StatusTotal(Schema):
    count = fields.Integer()
    gross_area = Amount()
    amount = Amount()


class Board(Schema):
    """销控表: buildings × floors × units, and count/area/amount per status."""

    project = fields.Nested(ProjectOut)
    buildings = fields.List(fields.Nested(BoardBuilding))
    totals = fields.Dict(keys=fields.String(), values=fields.Nested(StatusTotal))
