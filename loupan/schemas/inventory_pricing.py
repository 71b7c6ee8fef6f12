"""inventory pricing: price lists (价目表), bulk adjustment (调价), price history, discounts (折扣)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.inventory_catalog import HoldOut
from loupan.validators import Amount, Exact, Money, Percent

PRICE_LIST_STATUSES = ("draft", "published", "superseded")
DISCOUNT_STATUSES = ("pending", "approved", "rejected")
# bounds that catch a typo (30 for 3.0) before it reaches a preview
VALUE_RANGES = {"percent": (-50, 50), "per_m2": (-50000, 50000)}


class SelectorIn(Schema):
    """Which units an adjustment takes: every given criterion must hold; {} takes all."""

    building_id = fields.Integer(strict=True, validate=validate.Range(1, 2**63 - 1))
    floor_from = fields.Integer(strict=True, validate=validate.Range(-10, 300))
    floor_to = fields.Integer(strict=True, validate=validate.Range(-10, 300))
    layouts = fields.List(fields.String(validate=validate.Length(min=1, max=40)),
                          validate=validate.Length(min=1, max=50))
    unit_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(1, 2**63 - 1)),
                           validate=validate.Length(min=1, max=5000))

    @validates_schema
    def check_floors(self, data, **kwargs):
        if data.get("floor_from") is not None and data.get("floor_to") is not None \
                and data["floor_from"] > data["floor_to"]:
            raise ValidationError({"floor_to": ["must not be below floor_from"]})


class AdjustmentIn(Schema):
    selector = fields.Nested(SelectorIn, required=True)
    method = fields.String(required=True, validate=validate.OneOf(tuple(VALUE_RANGES)))
    value = Exact(-50000, 50000, required=True, metadata={
        "description": "percent: \"3.5\" = +3.5 %; per_m2: \"-200\" = −200 CNY per m² of gross area"})
    floor_coefficient = Exact(-10, 10, metadata={
        "description": "extra percent per floor above floor_base (below it, the other way)"})
    floor_base = fields.Integer(strict=True, validate=validate.Range(-10, 300),
                                metadata={"description": "the floor the coefficient counts from; default 1"})

    @validates_schema
    def check_value(self, data, **kwargs):
        low, high = VALUE_RANGES.get(data.get("method"), (None, None))
        if low is not None and not low <= data["value"] <= high:
            raise ValidationError({"value": [f"must be between {low} and {high} for {data['method']}"]})


class PriceListIn(Schema):
    adjustments = fields.List(fields.Nested(AdjustmentIn), required=True,
                              validate=validate.Length(min=1, max=20),
                              metadata={"description": "applied in order"})
    note = fields.String(load_default="", validate=validate.Length(max=500))


class PriceListOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    version = fields.Integer()
    status = fields.String(validate=validate.OneOf(PRICE_LIST_STATUSES), metadata={"description": "draft, published, superseded (discarded once deleted)"})
    note = fields.String()
    adjustments = fields.List(fields.Nested(AdjustmentIn))
    needs_director_approval = fields.Boolean(metadata={"description": "takes a unit below its 底价"})
    approved_by = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.Integer()
    created_at = fields.AwareDateTime()
    published_by = fields.Integer(allow_none=True)
    published_at = fields.AwareDateTime(allow_none=True)
    unit_count = fields.Integer()
    changed_count = fields.Integer()


class PriceChangeOut(Schema):
    unit_id = fields.Integer()
    building_name = fields.String()
    number = fields.String()
    floor = fields.Integer()
    layout = fields.String()
    gross_area = Amount()
    old_price = Amount()
    new_price = Amount()
    difference = Amount()
    new_unit_price = Amount(metadata={"description": "new price per m² of gross area"})
    base_price = Amount()
    below_base = fields.Boolean()


class PriceListPreview(PriceListOut):
    """A version and every unit it changes."""

    up_count = fields.Integer()
    down_count = fields.Integer()
    below_base_count = fields.Integer()
    items = fields.List(fields.Nested(PriceChangeOut))


class _Step(Schema):
    step = fields.Integer(metadata={"description": "调价步骤: the n-th change"})
    direction = fields.String(metadata={"description": "价格走向: up, down (flat for a project average)"})
    amount = Amount(metadata={"description": "调价幅度 in CNY"})
    percent = Amount(metadata={"description": "调价幅度 in percent"})
    period_days = fields.Integer(allow_none=True,
                                 metadata={"description": "调价周期: days since the previous change"})
    published_at = fields.AwareDateTime()
    price_list_id = fields.Integer()
    version = fields.Integer()


class UnitPriceChange(_Step):
    old_price = Amount()
    new_price = Amount()
    new_unit_price = Amount()


class UnitPrices(Schema):
    unit_id = fields.Integer()
    project_id = fields.Integer()
    list_price = Amount()
    unit_price = Amount()
    changes = fields.List(fields.Nested(UnitPriceChange))


class VersionTrend(_Step):
    unit_count = fields.Integer()
    changed_count = fields.Integer()
    previous_average_unit_price = Amount(metadata={"description": "均价 per m² before this version"})
    average_unit_price = Amount(metadata={"description": "均价 per m²: total ÷ gross area of all units"})


class PriceHistory(Schema):
    project_id = fields.Integer()
    versions = fields.List(fields.Nested(VersionTrend))


class DiscountIn(Schema):
    price = Money(metadata={"description": "the agreed total, CNY"})
    discount_pct = Percent(validate=validate.Range(0, 100, min_inclusive=False, max_inclusive=False),
                          metadata={"description": "discount off the list price, percent"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))

    @validates_schema
    def one_of_price_or_pct(self, data, **kwargs):
        if (data.get("price") is None) == (data.get("discount_pct") is None):
            raise ValidationError({"price": ["give either price or discount_pct"]})
        if data.get("price") is not None and data["price"] <= 0:
            raise ValidationError({"price": ["must be greater than 0"]})


class DecisionIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class DiscountQuery(Schema):
    status = fields.String(validate=validate.OneOf(DISCOUNT_STATUSES))


class DiscountRequestOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    hold_id = fields.Integer()
    unit_id = fields.Integer()
    list_price = Amount()
    requested_price = Amount()
    discount_pct = Amount()
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(DISCOUNT_STATUSES))
    needs_director = fields.Boolean(metadata={"description": "below the unit's 底价: a director decides"})
    requested_by = fields.Integer()
    requested_at = fields.AwareDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    note = fields.String(allow_none=True)
    executed_by = fields.Integer(allow_none=True, metadata={
        "description": "who recorded the approved price on the hold (内勤); null: not in effect yet"})
    executed_at = fields.AwareDateTime(allow_none=True)


class HoldDetail(HoldOut):
    """A hold with all the subscription checks its price against (contracts reads it once)."""

    special_price = Amount(allow_none=True, metadata={"description": "approved discount price (total)"})
    list_price = Amount(metadata={"description": "the unit's current 表价"})
    base_price = Amount(metadata={"description": "the unit's 底价"})
    advisor_discount_pct = Amount(metadata={"description": "the project's advisor discount range, %"})
    registration_id = fields.Integer(allow_none=True, metadata={
        "description": "a buyer's own 选房 hold: its 认筹 (launch registration); the 认购 names it"})
