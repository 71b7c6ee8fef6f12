"""contracts deals: 认购 (subscription) and its 审核, 签约 with 补充协议, 网签/备案, and the
deal reads."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import Amount, Mobile, Money, Percent, not_blank

PAYMENT_METHODS = ("full", "instalments", "commercial_mortgage", "provident_fund", "combined")
DEAL_STATUSES = ("pending", "submitted", "subscribed", "signed", "filed", "handed_over", "rejected",
                 "cancelled", "failed")
ID = {"required": True, "strict": True, "validate": validate.Range(1, 2**63 - 1)}
NOTE = {"load_default": None, "validate": validate.Length(max=300)}


class CoBuyerIn(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=50), not_blank])
    phone = Mobile(required=True)
    id_number = fields.String(load_default=None, validate=validate.Length(max=30))
    share = Percent(required=True, metadata={"description": "percent of ownership"})


class SubscriptionIn(Schema):
    """认购: the buyer is a crm customer (customer_id) or named here; without either, the
    hold's customer. Co-buyers take their shares; the main buyer the rest of 100."""

    hold_id = fields.Integer(**ID)
    customer_id = fields.Integer(strict=True, load_default=None, validate=validate.Range(1, 2**63 - 1))
    customer_name = fields.String(load_default=None, validate=[validate.Length(min=1, max=50), not_blank])
    customer_phone = Mobile(load_default=None)
    customer_id_number = fields.String(load_default=None, validate=validate.Length(max=30))
    co_buyers = fields.List(fields.Nested(CoBuyerIn), load_default=list, validate=validate.Length(max=5))
    price = Money(required=True, metadata={"description": "agreed total price (成交价)"})
    discount_request = fields.String(load_default=None, validate=validate.Length(max=200),
                                     metadata={"description": "优惠 asked, as the buyer put it"})
    deposit = Money(required=True, metadata={"description": "定金"})
    payment_method = fields.String(required=True, validate=validate.OneOf(PAYMENT_METHODS))
    loan_amount = Money(load_default=None, metadata={
        "description": "bank part; required for commercial_mortgage, provident_fund, combined"})
    delivery_date = fields.Date(required=True, metadata={"description": "交付 date promised"})
    # no load_default: an optional property of the generated types, as bodies written before it
    subscribed_on = fields.Date(allow_none=True, metadata={
        "description": "认购 date, Asia/Shanghai; default today, an earlier one when entered late (补录). "
                       "Every later date of the deal follows it (docs/domain.md, Dates of a deal): "
                       "422 DATE_TOO_EARLY before 2000-01-01, DATE_IN_FUTURE after today"})

    @validates_schema
    def check_buyer(self, data, **kwargs):
        named = (data.get("customer_name"), data.get("customer_phone"))
        if (named[0] is None) != (named[1] is None):
            raise ValidationError("give customer_name and customer_phone together", "customer_phone")
        if data.get("customer_id") is not None and named[0] is not None:
            raise ValidationError("give customer_id or customer_name + customer_phone, not both",
                                  "customer_id")


class DealReviewIn(Schema):
    note = fields.String(**NOTE)


class DealRejectIn(Schema):
    note = fields.String(required=True, validate=[validate.Length(min=1, max=300), not_blank])


class ContractIn(Schema):
    signed_on = fields.Date(load_default=None, metadata={
        "description": "签约 date; default today; never before the 认购 date (422 DATE_OUT_OF_ORDER)"})
    terms = fields.String(load_default=None, validate=validate.Length(max=5000))


class AgreementIn(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=100), not_blank])
    content = fields.String(required=True, validate=[validate.Length(min=1, max=10000), not_blank])
    signed_on = fields.Date(allow_none=True, metadata={
        "description": "the agreement's date; default today; never before the contract's 签约 date "
                       "(422 DATE_OUT_OF_ORDER)"})


class OnlineSigningIn(Schema):
    number = fields.String(required=True, validate=[validate.Length(min=1, max=60), not_blank],
                           metadata={"description": "网签 number"})
    date = fields.Date(required=True)


class FilingIn(Schema):
    filing_no = fields.String(required=True, validate=[validate.Length(min=1, max=60), not_blank],
                              metadata={"description": "备案 number from the housing authority"})
    date = fields.Date(required=True)


class DealQuery(Schema):
    status = fields.String(validate=validate.OneOf(DEAL_STATUSES))
    awaiting = fields.String(validate=validate.OneOf(("contract", "agreement")), metadata={
        "description": "deals whose 签约 (a draft contract) or a 补充协议 (pending) waits for 审核"})
    advisor_id = fields.Integer(validate=validate.Range(1, 2**63 - 1))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))


class DealBuyerOut(Schema):
    name = fields.String()
    phone = fields.String(allow_none=True, metadata={"description": "masked but for the deal's advisor and "
                                                                    "managers; none for developer viewers"})
    share = Amount()
    position = fields.Integer()


class DealOut(Schema):
    """A deal: the 认购 and where the sale is now."""

    id = fields.Integer()
    project_id = fields.Integer()
    unit_id = fields.Integer()
    unit_label = fields.String(allow_none=True)
    hold_id = fields.Integer(allow_none=True)
    subscription_no = fields.String(allow_none=True, metadata={"description": "认购书 number, per project"})
    status = fields.String(validate=validate.OneOf(DEAL_STATUSES), metadata={"description": " | ".join(DEAL_STATUSES)})
    customer_id = fields.Integer(allow_none=True)
    customer_name = fields.String()
    customer_phone = fields.String(allow_none=True, metadata={"description": "masked as for buyers"})
    advisor_id = fields.Integer(allow_none=True)
    gross_area = Amount(allow_none=True)
    list_price = Amount(allow_none=True)
    price = Amount()
    discount_request = fields.String(allow_none=True)
    deposit = Amount()
    payment_method = fields.String(validate=validate.OneOf(PAYMENT_METHODS))
    loan_amount = Amount(allow_none=True)
    delivery_date = fields.Date(allow_none=True)
    subscribed_on = fields.Date(allow_none=True, metadata={"description": "认购 date"})
    created_at = fields.AwareDateTime()
    reviewed_by = fields.Integer(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    review_note = fields.String(allow_none=True)


class DealPage(Schema):
    items = fields.List(fields.Nested(DealOut))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class AgreementOut(Schema):
    id = fields.Integer()
    contract_id = fields.Integer()
    deal_id = fields.Integer()
    number = fields.Integer(metadata={"description": "补充协议 number within the contract"})
    title = fields.String()
    content = fields.String()
    signed_on = fields.Date(allow_none=True, metadata={"description": "the agreement's date"})
    status = fields.String(validate=validate.OneOf(("pending", "approved", "rejected")),
                           metadata={"description": "pending | approved | rejected"})
    created_by = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    reviewed_by = fields.Integer(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    review_note = fields.String(allow_none=True)


class ContractOut(Schema):
    id = fields.Integer()
    deal_id = fields.Integer()
    project_id = fields.Integer()
    contract_no = fields.String(metadata={"description": "合同 number, per project"})
    status = fields.String(metadata={"description": "draft (awaiting 审核) | signed | rejected"})
    price = Amount()
    payment_method = fields.String(validate=validate.OneOf(PAYMENT_METHODS))
    loan_amount = Amount(allow_none=True)
    signed_on = fields.Date()
    terms = fields.String(allow_none=True)
    drafted_by = fields.Integer(allow_none=True)
    drafted_at = fields.AwareDateTime()
    reviewed_by = fields.Integer(allow_none=True)
    reviewed_at = fields.AwareDateTime(allow_none=True)
    review_note = fields.String(allow_none=True)
    online_signing_no = fields.String(allow_none=True)
    online_signed_on = fields.Date(allow_none=True)
    filing_no = fields.String(allow_none=True)
    filed_on = fields.Date(allow_none=True)


class DealHistoryOut(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    note = fields.String(allow_none=True)
    by_id = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class DealDetail(DealOut):
    """A deal with its buyers, contract, 补充协议 and history."""

    buyers = fields.List(fields.Nested(DealBuyerOut))
    contract = fields.Nested(ContractOut, allow_none=True)
    agreements = fields.List(fields.Nested(AgreementOut))
    history = fields.List(fields.Nested(DealHistoryOut))
