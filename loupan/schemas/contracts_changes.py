"""contracts: a deal's changes (更名/换房/退房), its mortgage case (按揭报件), its handover
(交房) and title certificate (房产证)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import Amount, Mobile, Money, Percent, not_blank

CHANGE_KINDS = ("rename", "swap", "cancel")
CHANGE_STATUSES = ("requested", "approved", "rejected", "applied", "failed")
MORTGAGE_KINDS = ("commercial", "provident_fund", "combined")
MORTGAGE_STEPS = ("opened", "papers_collected", "submitted", "approved", "disbursed")
TITLE_STEPS = ("applied", "issued", "delivered")
ID = {"strict": True, "validate": validate.Range(1, 2**63 - 1)}
NOTE = {"load_default": None, "allow_none": True, "validate": validate.Length(max=300)}


class BuyerIn(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=50), not_blank])
    phone = Mobile(required=True, metadata={"description": "mainland mobile, normalised to 11 digits"})
    share = Percent(required=True, metadata={"description": "percent of ownership; the shares sum to 100"})
    id_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=30))


class ChangeIn(Schema):
    """A change request: 更名 `rename` {buyers}, 换房 `swap` {to_unit_id, new_price?},
    退房 `cancel` {reason}."""

    kind = fields.String(required=True, validate=validate.OneOf(CHANGE_KINDS))
    buyers = fields.List(fields.Nested(BuyerIn), validate=validate.Length(min=1, max=4),
                         metadata={"description": "rename: the new buyer set (1–4)"})
    to_unit_id = fields.Integer(metadata={"description": "swap: an available unit of the same project"}, **ID)
    new_price = Money(load_default=None, allow_none=True,
                      metadata={"description": "swap: an explicit new agreed price instead of old price + "
                                                "list-price difference"})
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=150),
                           metadata={"description": "cancel: why the buyer withdraws"})
    note = fields.String(**NOTE)

    @validates_schema
    def check_kind(self, data, **kwargs):
        if data["kind"] == "rename" and not data.get("buyers"):
            raise ValidationError("required for a rename", "buyers")
        if data["kind"] == "swap" and not data.get("to_unit_id"):
            raise ValidationError("required for a swap", "to_unit_id")
        if data["kind"] == "cancel" and not (data.get("reason") or "").strip():
            raise ValidationError("required for a cancel", "reason")


class ChangeDecisionIn(Schema):
    note = fields.String(**NOTE)
    new_price = Money(load_default=None, allow_none=True,
                      metadata={"description": "swap only: the manager approves this agreed price instead"})


class ChangeQuery(Schema):
    status = fields.String(validate=validate.OneOf(CHANGE_STATUSES))


class ChangeOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer()
    project_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(CHANGE_KINDS))
    status = fields.String(validate=validate.OneOf(CHANGE_STATUSES), metadata={"description": "requested → approved → applied | failed; or rejected"})
    payload = fields.Dict(metadata={"description": "what the request asks (buyers, to_unit_id, reason)"})
    from_unit_id = fields.Integer(allow_none=True)
    price_difference = Amount(allow_none=True, metadata={"description": "swap: new list price − old list price"})
    new_price = Amount(allow_none=True, metadata={"description": "swap: the deal's agreed price after the move"})
    requested_by = fields.Integer()
    requested_by_name = fields.String(allow_none=True)
    requested_at = fields.AwareDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    note = fields.String(allow_none=True)
    applied_at = fields.AwareDateTime(allow_none=True)
    error_code = fields.String(allow_none=True, metadata={"description": "why a failed request failed"})
    error = fields.String(allow_none=True)


# 按揭报件 ---------------------------------------------------------------------------------
class MortgageIn(Schema):
    bank = fields.String(required=True, validate=[validate.Length(min=1, max=60), not_blank])
    amount = Money(required=True, metadata={"description": "the loan amount"})
    kind = fields.String(required=True, validate=validate.OneOf(MORTGAGE_KINDS),
                         metadata={"description": "commercial 商贷, provident_fund 公积金, combined 组合贷"})
    date = fields.Date(load_default=None, allow_none=True, metadata={"description": "opened on (default today)"})
    note = fields.String(**NOTE)


class MortgageAdvanceIn(Schema):
    to = fields.String(required=True, validate=validate.OneOf(MORTGAGE_STEPS[1:]))
    date = fields.Date(load_default=None, allow_none=True,
                       metadata={"description": "date of the step, Asia/Shanghai (default today)"})
    note = fields.String(**NOTE)


class StuckQuery(Schema):
    days = fields.Integer(validate=validate.Range(1, 3650), metadata={
        "description": "the current step happened this many days ago or more, by its date (default MORTGAGE_STUCK_DAYS)"})


class MortgageOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer()
    project_id = fields.Integer()
    bank = fields.String()
    amount = Amount()
    kind = fields.String(validate=validate.OneOf(MORTGAGE_KINDS))
    step = fields.String(validate=validate.OneOf(MORTGAGE_STEPS), metadata={"description": " → ".join(MORTGAGE_STEPS)})
    opened_on = fields.Date()
    papers_collected_on = fields.Date(allow_none=True)
    submitted_on = fields.Date(allow_none=True)
    approved_on = fields.Date(allow_none=True)
    disbursed_on = fields.Date(allow_none=True)
    note = fields.String(allow_none=True)
    step_changed_at = fields.AwareDateTime(metadata={"description": "when the last step was entered"})
    step_on = fields.Date(metadata={"description": "the date the current step happened (as entered)"})
    days_in_step = fields.Integer(metadata={
        "description": "whole days since the current step happened (step_on, Asia/Shanghai), what the stuck list goes by"})
    unit_label = fields.String(allow_none=True)
    customer_name = fields.String(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)


# 交房 and 房产证 ---------------------------------------------------------------------------
class HandoverIn(Schema):
    date = fields.Date(required=True, metadata={"description": "交房 date, Asia/Shanghai"})
    inspection_notes = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2000))
    issues = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list,
                         validate=validate.Length(max=50),
                         metadata={"description": "defects found at the inspection (验房)"})


class TitleIn(Schema):
    to = fields.String(required=True, validate=validate.OneOf(TITLE_STEPS))
    date = fields.Date(load_default=None, allow_none=True, metadata={"description": "default today"})
    certificate_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=40))


class HandoverOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer()
    project_id = fields.Integer()
    handed_over_on = fields.Date()
    inspection_notes = fields.String(allow_none=True)
    issues = fields.List(fields.String())
    title_step = fields.String(allow_none=True, metadata={"description": " → ".join(TITLE_STEPS)})
    title_applied_on = fields.Date(allow_none=True)
    title_issued_on = fields.Date(allow_none=True)
    title_delivered_on = fields.Date(allow_none=True)
    certificate_no = fields.String(allow_none=True)
