"""finance money: payment schedules (付款计划), receipts (收款) with void and refund,
collections (催款) and monthly targets, daily reconciliation (日结), payment terms.
Money is a decimal string ("1234.56") everywhere."""
from marshmallow import Schema, fields, validate

from loupan.validators import ID, Amount, Money, Percent, not_blank

RECEIPT_METHODS = ("cash", "card", "transfer", "pos", "provident_fund", "mortgage")
MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="must be a month YYYY-MM")
positive = validate.Range(min=0, min_inclusive=False, error="must be more than 0")


class TermsIn(Schema):
    """Only the terms given change; the others keep their value."""

    down_ratio = Percent(load_default=None,
                         metadata={"description": "% minimum 首付 (deposit included) for 分期, 商贷, 组合贷"})
    provident_down_ratio = Percent(load_default=None,
                                   metadata={"description": "% minimum 首付 for 公积金"})
    down_payment_days = fields.Integer(strict=True, validate=validate.Range(0, 365), load_default=None)
    instalment_count = fields.Integer(strict=True, validate=validate.Range(1, 60), load_default=None)
    instalment_days = fields.Integer(strict=True, validate=validate.Range(1, 365), load_default=None)
    full_payment_days = fields.Integer(strict=True, validate=validate.Range(0, 365), load_default=None)
    mortgage_days = fields.Integer(strict=True, validate=validate.Range(0, 730), load_default=None)
    reminder_days = fields.Integer(strict=True, validate=validate.Range(0, 90), load_default=None)


class TermsOut(Schema):
    project_id = fields.Integer()
    down_ratio = Amount()
    provident_down_ratio = Amount()
    down_payment_days = fields.Integer()
    instalment_count = fields.Integer()
    instalment_days = fields.Integer()
    full_payment_days = fields.Integer()
    mortgage_days = fields.Integer()
    reminder_days = fields.Integer()


class LineOut(Schema):
    id = fields.Integer()
    seq = fields.Integer()
    kind = fields.String(metadata={"description": "deposit, down_payment, instalment, mortgage, balance"})
    due_on = fields.Date()
    amount = Amount()
    paid = Amount()
    remaining = Amount()
    status = fields.String(metadata={"description": "open, paid, closed (replaced or cancelled)"})


class ScheduleChangeOut(Schema):
    reason = fields.String()
    price = Amount()
    payment_method = fields.String()
    loan_amount = Amount(allow_none=True)
    collected = Amount()
    unplaced = Amount(metadata={"description": "collected money the new lines no longer hold (to refund)"})
    at = fields.AwareDateTime()


class EscrowAccountOut(Schema):
    """A project's 预售资金监管 account from a date."""

    id = fields.Integer()
    project_id = fields.Integer()
    bank = fields.String()
    account_name = fields.String()
    account_no = fields.String()
    from_on = fields.Date()
    deposits_escrowed = fields.Boolean()
    set_by = fields.Integer()
    set_at = fields.AwareDateTime()


class ScheduleOut(Schema):
    deal_id = fields.Integer()
    project_id = fields.Integer()
    unit_id = fields.Integer()
    unit_label = fields.String(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    customer_name = fields.String(allow_none=True)
    price = Amount()
    deposit = Amount(allow_none=True)
    payment_method = fields.String()
    loan_amount = Amount(allow_none=True)
    status = fields.String(metadata={"description": "subscribed, signed, cancelled"})
    collected = Amount(metadata={"description": "the valid receipts' allocations"})
    outstanding = Amount(metadata={"description": "what the open lines still wait for"})
    credit = Amount(metadata={"description": "received on valid receipts but on no line (a price cut): to refund"})
    lines = fields.List(fields.Nested(LineOut))
    history = fields.List(fields.Nested(ScheduleChangeOut))
    escrow_account = fields.Nested(EscrowAccountOut, allow_none=True,
                                   metadata={"description": "预售资金监管 account in force today; null: none"})


class ReceiptIn(Schema):
    amount = Money(required=True, validate=positive)
    method = fields.String(required=True, validate=validate.OneOf(RECEIPT_METHODS))
    payer = fields.String(load_default=None, validate=[validate.Length(max=50), not_blank],
                          metadata={"description": "who paid; the buyer by default"})
    received_on = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai; today by default"})
    line_id = fields.Integer(strict=True, load_default=None, validate=ID,
                             metadata={"description": "fill this schedule line first"})
    slip_no = fields.String(load_default=None, allow_none=True, validate=[validate.Length(max=60), not_blank],
                            metadata={"description": "bank slip (银行回单) or POS voucher number, printed on the 收据"})
    account_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60),
                               metadata={"description": "the bank account the money went to (8-32 digits; spaces "
                                                        "and hyphens dropped). House price while the project's "
                                                        "escrow account is in force: that account, or none to "
                                                        "default to it (422 ESCROW_ACCOUNT_MISMATCH otherwise)"})


class ReceiptEndIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=300), not_blank])


class AllocationOut(Schema):
    line_id = fields.Integer()
    amount = Amount()


class ReceiptOut(Schema):
    id = fields.Integer()
    receipt_no = fields.String()
    deal_id = fields.Integer()
    project_id = fields.Integer()
    amount = Amount()
    method = fields.String(validate=validate.OneOf(RECEIPT_METHODS))
    payer = fields.String()
    slip_no = fields.String(allow_none=True, metadata={"description": "bank slip or POS voucher number"})
    received_on = fields.Date()
    account_no = fields.String(allow_none=True, metadata={"description": "the account the money went to (digits)"})
    escrow_slip_no = fields.String(allow_none=True, metadata={"description": "bank slip of its deposit to escrow"})
    escrow_deposited_on = fields.Date(allow_none=True, metadata={"description": "deposited to escrow on; null: not"})
    escrow_deposited_by = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(("valid", "voided", "refunded")),
                           metadata={"description": "valid, voided, refunded"})
    recorded_by = fields.Integer(allow_none=True, metadata={"description": "None: a bank disbursement"})
    recorded_by_name = fields.String(allow_none=True, metadata={"description": "the cashier's name (gateway, from hr)"})
    recorded_at = fields.AwareDateTime()
    ended_by = fields.Integer(allow_none=True)
    ended_by_name = fields.String(allow_none=True, metadata={"description": "who voided or refunded it (gateway, from hr)"})
    ended_at = fields.AwareDateTime(allow_none=True)
    end_reason = fields.String(allow_none=True)
    allocations = fields.List(fields.Nested(AllocationOut))


class CollectionsQuery(Schema):
    as_of = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai day; today by default"})
    advisor_id = fields.Integer(load_default=None, metadata={"description": "one advisor's lines (advisors: own)"})


class RemindersQuery(CollectionsQuery):
    days = fields.Integer(load_default=None, validate=validate.Range(0, 90),
                          metadata={"description": "due within this many days; the project's reminder_days"})


class CollectionLine(Schema):
    line_id = fields.Integer()
    deal_id = fields.Integer()
    unit_id = fields.Integer()
    unit_label = fields.String(allow_none=True)
    customer_name = fields.String(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    advisor_name = fields.String(allow_none=True, metadata={"description": "the deal's advisor (gateway, from hr)"})
    kind = fields.String()
    due_on = fields.Date()
    amount = Amount()
    paid = Amount()
    remaining = Amount()
    days_overdue = fields.Integer()
    bucket = fields.String(allow_none=True, metadata={"description": "1-30, 31-60, 61-90, 90+ (None: not yet due)"})
    state = fields.String(metadata={"description": "reminders only: overdue or due_soon"})


class Bucket(Schema):
    bucket = fields.String()
    count = fields.Integer()
    amount = Amount()


class CollectionsOut(Schema):
    project_id = fields.Integer()
    as_of = fields.Date()
    total = Amount()
    buckets = fields.List(fields.Nested(Bucket))
    lines = fields.List(fields.Nested(CollectionLine))


class RemindersOut(Schema):
    project_id = fields.Integer()
    as_of = fields.Date()
    days = fields.Integer()
    lines = fields.List(fields.Nested(CollectionLine))


class Month(Schema):
    month = fields.String(required=True, validate=MONTH)


class TargetIn(Schema):
    amount = Money(required=True)


class TargetOut(Schema):
    project_id = fields.Integer()
    month = fields.String()
    target = Amount(allow_none=True)
    actual = Amount(metadata={"description": "valid receipts received in the month"})
    remaining = Amount(allow_none=True)
    achieved_percent = Amount(allow_none=True)


class ReconciliationQuery(Schema):
    day = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai day; today by default"})


class MethodTotal(Schema):
    method = fields.String(validate=validate.OneOf(RECEIPT_METHODS))
    count = fields.Integer()
    total = Amount()


class CountTotal(Schema):
    count = fields.Integer()
    total = Amount()


class Mismatch(Schema):
    what = fields.String(metadata={"description": "receipt (allocations ≠ amount) or deal (lines ≠ allocations)"})
    id = fields.Integer()
    expected = Amount()
    found = Amount()


class DayReceipt(Schema):
    id = fields.Integer()
    receipt_no = fields.String()
    deal_id = fields.Integer()
    amount = Amount()
    method = fields.String(validate=validate.OneOf(RECEIPT_METHODS))
    payer = fields.String()
    status = fields.String()


class ReconciliationOut(Schema):
    project_id = fields.Integer()
    day = fields.Date()
    count = fields.Integer(metadata={"description": "valid receipts received that day"})
    total = Amount()
    by_method = fields.List(fields.Nested(MethodTotal))
    voided = fields.Nested(CountTotal)
    refunded = fields.Nested(CountTotal)
    allocated_total = Amount()
    balanced = fields.Boolean()
    mismatches = fields.List(fields.Nested(Mismatch))
    receipts = fields.List(fields.Nested(DayReceipt), metadata={"description": "empty for the developer's viewer"})


# 预售资金监管 (presale funds escrow) ------------------------------------------------------------
class EscrowAccountIn(Schema):
    bank = fields.String(required=True, validate=validate.Length(max=60),
                         metadata={"description": "supervising bank (监管银行); 422 ESCROW_BANK_REQUIRED if blank"})
    account_name = fields.String(required=True, validate=validate.Length(max=100),
                                 metadata={"description": "422 ESCROW_ACCOUNT_NAME_REQUIRED if blank"})
    account_no = fields.String(required=True, validate=validate.Length(max=60),
                               metadata={"description": "8-32 digits, spaces and hyphens dropped "
                                                        "(422 ACCOUNT_NO_INVALID)"})
    from_on = fields.Date(required=True, metadata={"description": "in force from this day (409 ESCROW_FROM_TAKEN "
                                                                  "if the project has one from that day)"})
    deposits_escrowed = fields.Boolean(load_default=False,
                                       metadata={"description": "定金 is escrowed too (house price by default "
                                                                "excludes the deposit)"})


class EscrowAccountsOut(Schema):
    project_id = fields.Integer()
    in_force = fields.Nested(EscrowAccountOut, allow_none=True, metadata={"description": "today's; null: none"})
    accounts = fields.List(fields.Nested(EscrowAccountOut), metadata={"description": "oldest from-date first"})


class EscrowDepositIn(Schema):
    slip_no = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=60),
                            metadata={"description": "the deposit's bank slip (进账单); the receipt's own slip "
                                                     "number by default (422 ESCROW_SLIP_REQUIRED if neither)"})
    deposited_on = fields.Date(load_default=None, metadata={"description": "Asia/Shanghai; today by default"})


class EscrowReportQuery(Schema):
    from_month = fields.String(data_key="from", load_default=None, validate=MONTH,
                               metadata={"description": "YYYY-MM; 11 months before `to` by default"})
    to_month = fields.String(data_key="to", load_default=None, validate=MONTH,
                             metadata={"description": "YYYY-MM; this month by default"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


class EscrowFigures(Schema):
    collected = Amount(metadata={"description": "house price received (valid receipts; 定金 left out unless "
                                                "the account in force escrows deposits)"})
    escrowed = Amount(metadata={"description": "of which deposited to the escrow account"})
    pending = Amount(metadata={"description": "of which subject to escrow, not yet deposited"})
    not_subject = Amount(metadata={"description": "of which received while no escrow account was in force"})
    deposits_excluded = Amount(metadata={"description": "定金 received, not house price"})
    receipts = fields.Integer(metadata={"description": "valid receipts received"})


class EscrowMonth(EscrowFigures):
    month = fields.String()


class EscrowPending(Schema):
    receipt_id = fields.Integer()
    receipt_no = fields.String()
    deal_id = fields.Integer()
    received_on = fields.Date()
    amount = Amount()
    house_price = Amount(metadata={"description": "the part of it subject to escrow"})
    method = fields.String(validate=validate.OneOf(RECEIPT_METHODS))
    payer = fields.String()
    slip_no = fields.String(allow_none=True)
    account_no = fields.String(allow_none=True)


class EscrowReportOut(Schema):
    project_id = fields.Integer()
    from_month = fields.String()
    to_month = fields.String()
    in_force = fields.Nested(EscrowAccountOut, allow_none=True)
    months = fields.List(fields.Nested(EscrowMonth))
    total = fields.Nested(EscrowFigures)
    pending = fields.List(fields.Nested(EscrowPending), metadata={"description": "receipts of the months subject "
                                                                                 "to escrow, not yet deposited"})
