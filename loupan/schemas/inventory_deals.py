"""inventory ↔ contracts: the steps of the deal saga (认购, 换房, 退房) and a unit's detail."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.inventory_catalog import UnitOut
from loupan.validators import Amount

ID = {"required": True, "strict": True, "validate": validate.Range(1, 2**63 - 1)}


class SubscribeHoldIn(Schema):
    hold_id = fields.Integer(**ID)
    deal_id = fields.Integer(**ID)


class DealUnitOut(Schema):
    """The unit a deal took, with what the subscription needs to price it."""

    deal_id = fields.Integer()
    hold_id = fields.Integer()
    unit_id = fields.Integer()
    unit_label = fields.String()
    project_id = fields.Integer()
    status = fields.String()
    advisor_id = fields.Integer(allow_none=True)
    customer_name = fields.String()
    customer_phone = fields.String()
    gross_area = Amount()
    list_price = Amount(metadata={"description": "表价 total"})
    base_price = Amount(metadata={"description": "底价 total"})
    special_price = Amount(allow_none=True, metadata={"description": "approved special price of the hold"})


class SwapUnitIn(Schema):
    deal_id = fields.Integer(**ID)
    from_unit_id = fields.Integer(**ID)
    to_unit_id = fields.Integer(**ID)

    @validates_schema
    def check_units(self, data, **kwargs):
        if data["from_unit_id"] == data["to_unit_id"]:
            raise ValidationError("must differ from from_unit_id", "to_unit_id")


class SwapOut(Schema):
    deal_id = fields.Integer()
    from_unit_id = fields.Integer()
    to_unit_id = fields.Integer()
    status = fields.String(metadata={"description": "the deal's status, now on the new unit"})
    from_list_price = Amount()
    to_list_price = Amount()
    price_difference = Amount(metadata={"description": "new list price − old list price"})


class ReleaseDealUnitIn(Schema):
    deal_id = fields.Integer(**ID)
    unit_id = fields.Integer(**ID)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=150))


class ReleaseDealUnitOut(Schema):
    deal_id = fields.Integer()
    unit_id = fields.Integer()
    released = fields.Boolean(metadata={"description": "false: the unit no longer carried the deal"})
    status = fields.String()


class ActiveHold(Schema):
    hold_id = fields.Integer()
    customer_name = fields.String()
    customer_phone = fields.String(metadata={"description": "masked except for the hold's advisor and managers"})
    advisor_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    special_price = Amount(allow_none=True)


class UnitDetail(UnitOut):
    """One unit: its status, the deal and advisor it belongs to, and its active hold."""

    deal_id = fields.Integer(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    hold = fields.Nested(ActiveHold, allow_none=True)
