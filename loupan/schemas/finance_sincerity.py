"""finance 诚意金 (a launch registration's refundable sincerity deposit, issue 18): the
receipt the cashier takes, its refund by a second person, and a launch's list.
Money is a decimal string ("1234.56") everywhere."""
from marshmallow import Schema, fields, validate

from loupan.schemas.finance_money import positive
from loupan.validators import Amount, Money, not_blank

SINCERITY_METHODS = ("cash", "card", "transfer", "pos")
STATUSES = ("valid", "refunded", "converted")
STANDINGS = ("paid", "converted", "refunded", "outstanding", "none")


class SincerityIn(Schema):
    amount = Money(required=True, validate=positive,
                   metadata={"description": "the launch's 诚意金, to the cent (422 SINCERITY_AMOUNT_MISMATCH)"})
    method = fields.String(required=True, validate=validate.OneOf(SINCERITY_METHODS))
    payer = fields.String(load_default=None, validate=[validate.Length(max=50), not_blank],
                          metadata={"description": "who paid; the registered buyer by default"})
    slip_no = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=60), not_blank],
                            metadata={"description": "bank slip (银行回单) or POS voucher number"})
    received_on = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai; today by default"})


class SincerityRefundIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=300), not_blank])


class SincerityReceiptOut(Schema):
    id = fields.Integer()
    receipt_no = fields.String(metadata={"description": "the project's receipt series, SK-<project>-000001"})
    project_id = fields.Integer()
    launch_id = fields.Integer()
    registration_id = fields.Integer()
    number = fields.String(metadata={"description": "the 认筹 number, RC-0001"})
    buyer_name = fields.String(allow_none=True)
    mobile_masked = fields.String(allow_none=True)
    amount = Amount()
    method = fields.String(validate=validate.OneOf(SINCERITY_METHODS))
    payer = fields.String()
    slip_no = fields.String(allow_none=True)
    received_on = fields.Date()
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "valid; refunded (a second person); converted (the 定金 of "
                                                    "the deal made from the registration)"})
    recorded_by = fields.Integer()
    recorded_by_name = fields.String(allow_none=True, metadata={"description": "the cashier's name (gateway, from hr)"})
    recorded_at = fields.AwareDateTime()
    ended_by = fields.Integer(allow_none=True)
    ended_by_name = fields.String(allow_none=True, metadata={"description": "who refunded it (gateway, from hr)"})
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    deal_id = fields.Integer(allow_none=True, metadata={"description": "converted: the deal"})
    deal_receipt_id = fields.Integer(allow_none=True, metadata={"description": "converted: the deal's receipt"})


class SincerityLineOut(Schema):
    registration_id = fields.Integer()
    number = fields.String()
    buyer_name = fields.String(allow_none=True)
    mobile_masked = fields.String(allow_none=True)
    amount_due = Amount()
    standing = fields.String(validate=validate.OneOf(STANDINGS))
    receipts = fields.List(fields.Nested(SincerityReceiptOut))


class SincerityTotalOut(Schema):
    count = fields.Integer()
    amount = Amount()


class SincerityTotalsOut(Schema):
    paid = fields.Nested(SincerityTotalOut)
    converted = fields.Nested(SincerityTotalOut)
    refunded = fields.Nested(SincerityTotalOut)
    outstanding = fields.Nested(SincerityTotalOut)


class LaunchSincerityOut(Schema):
    launch_id = fields.Integer()
    registrations = fields.List(fields.Nested(SincerityLineOut))
    totals = fields.Nested(SincerityTotalsOut)
