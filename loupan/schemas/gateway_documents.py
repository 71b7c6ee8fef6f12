"""Printed documents (PDF): what the 置业计划书 is drawn from, beside the schedule preview's figures."""
from marshmallow import fields, validate

from loupan.schemas.finance_preview import SchedulePreviewQuery
from loupan.validators import ID, Percent

PDF_TYPE = "application/pdf"


class PlanQuery(SchedulePreviewQuery):
    unit_id = fields.Integer(required=True, validate=ID, metadata={"description": "the unit the plan is for"})
    customer = fields.String(load_default=None, validate=validate.Length(max=40),
                             metadata={"description": "the buyer's name as printed"})
    years = fields.Integer(load_default=30, validate=validate.Range(1, 30), metadata={"description": "loan years"})
    annual_rate = Percent(20, load_default="3.10", metadata={"description": "the loan's annual rate, percent"})
    mortgage_method = fields.String(load_default="equal_instalment",
                                    validate=validate.OneOf(("equal_instalment", "equal_principal")),
                                    metadata={"description": "等额本息 or 等额本金"})
