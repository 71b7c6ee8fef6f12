"""A buyer's own view of a launch (inventory.buyer_view), the contract between inventory and
the gateway's buyer routes (gateway/routes/buyers.py)."""
from marshmallow import Schema, fields

from loupan.schemas.inventory_selection import BuyerSelection
from loupan.validators import Money


class BuyerFound(Schema):
    registration_id = fields.Integer()
    agency_id = fields.Integer()
    project_id = fields.Integer()
    launch_id = fields.Integer()


class BuyerRegistration(Schema):
    id = fields.Integer()
    number = fields.String(metadata={"description": "认筹号, e.g. RC-0001"})
    buyer_name = fields.String(metadata={"description": "masked: 张**"})
    id_number = fields.String(metadata={"description": "masked: 110***********1234"})
    eligibility = fields.String(metadata={"description": "pending, eligible or ineligible (购房资格)"})
    priority_group = fields.String(allow_none=True)
    deposit_paid = fields.Boolean(metadata={"description": "诚意金 received"})
    deposit_amount = Money(allow_none=True)


class BuyerLaunch(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    mode = fields.String(metadata={"description": "lottery (摇号 then 选房 in windows) or race"})
    status = fields.String()
    opens_at = fields.AwareDateTime()
    units_per_buyer = fields.Integer()


class BuyerWindow(Schema):
    number = fields.Integer(metadata={"description": "the selection window, 1 first"})
    opens_at = fields.AwareDateTime(metadata={"description": "when it is scheduled to open"})
    minutes = fields.Integer()


class BuyerUnit(Schema):
    id = fields.Integer()
    building = fields.String()
    number = fields.String()
    floor = fields.Integer()
    layout = fields.String()
    status = fields.String()
    list_price = Money()
    gross_area = fields.Decimal(as_string=True)


class BuyerView(Schema):
    registration = fields.Nested(BuyerRegistration, required=True)
    launch = fields.Nested(BuyerLaunch, required=True)
    position = fields.Integer(allow_none=True, metadata={"description": "place in the drawn order; null before the draw"})
    window = fields.Nested(BuyerWindow, allow_none=True)
    units = fields.List(fields.Nested(BuyerUnit), required=True)
    selection = fields.Nested(BuyerSelection, required=True, metadata={"description": "选房: the buyer's turn and holds"})
