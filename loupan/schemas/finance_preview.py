"""finance preview: the 付款计划 a 认购 would get, before it is drafted (the advisor's quote to
the buyer, 置业计划书): the project's payment terms applied to a price, deposit and method.
Money is a decimal string ("1234.56")."""
from marshmallow import Schema, fields, validate

from loupan.events import PAYMENT_METHODS as METHODS
from loupan.validators import Amount, Money

KINDS = ("deposit", "down_payment", "instalment", "mortgage", "balance")


class SchedulePreviewQuery(Schema):
    price = Money(required=True, validate=validate.Range(min=0, min_inclusive=False, error="must be more than 0"),
                  metadata={"description": "成交价, CNY", "example": "3020000.00"})
    deposit = Money(load_default=None, metadata={"description": "定金, CNY (0 when not given)", "example": "100000.00"})
    payment_method = fields.String(required=True, validate=validate.OneOf(METHODS),
                                   metadata={"description": "付款方式", "example": "commercial_mortgage"})
    loan_amount = Money(load_default=None, metadata={
        "description": "贷款额 when known; otherwise the largest the minimum 首付 allows"})
    start_on = fields.Date(load_default=None, metadata={"description": "认购 date the lines count from (default today)"})


class PreviewLine(Schema):
    seq = fields.Integer(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    due_on = fields.Date(required=True)
    amount = Amount(required=True)


class SchedulePreviewOut(Schema):
    project_id = fields.Integer(required=True)
    price = Amount(required=True)
    deposit = Amount(required=True)
    payment_method = fields.String(required=True, validate=validate.OneOf(METHODS))
    loan_amount = Amount(required=True, metadata={"description": "the loan the schedule expects (0 without one)"})
    buyer_part = Amount(required=True, metadata={"description": "what the buyer pays (price − loan)"})
    start_on = fields.Date(required=True)
    lines = fields.List(fields.Nested(PreviewLine), required=True)
