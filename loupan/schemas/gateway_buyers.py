"""The buyers' sign-in and their own view of a launch (gateway/routes/buyers.py)."""
from marshmallow import Schema, fields, validate

from loupan.schemas.inventory_buyers import BuyerView
from loupan.validators import ID, Mobile


class BuyerCodeIn(Schema):
    launch_id = fields.Integer(required=True, strict=True, validate=ID)
    mobile = Mobile(required=True, metadata={"description": "the mobile of the buyer's 认筹"})


class BuyerCodeSent(Schema):
    sent_to = fields.String(required=True, metadata={"description": "the mobile, masked (138****0001)"})
    expires_in = fields.Integer(required=True, metadata={"description": "seconds the code is valid"})
    resend_after = fields.Integer(required=True, metadata={"description": "seconds before another may be asked for"})


class BuyerSessionIn(Schema):
    launch_id = fields.Integer(required=True, strict=True, validate=ID)
    mobile = Mobile(required=True)
    code = fields.String(required=True, validate=validate.Regexp(r"^\d{6}$", error="six digits"))


class BuyerSessionOut(Schema):
    token = fields.String(required=True, metadata={"description": "lpb_…: Authorization: Bearer <token> on /api/buyer/*"})
    expires_at = fields.AwareDateTime(required=True)
    buyer = fields.Nested(BuyerView, required=True)


class BuyerSignedOut(Schema):
    signed_out = fields.Boolean(required=True)
