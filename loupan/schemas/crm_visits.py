"""crm 来电/来访登记 calls and visits, the walk-in rotation (轮序接待) and the funnel."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.crm_customers import CHANNELS

VISITOR_KINDS = ("customer", "market_researcher", "visitor")  # 客户, 市调, 参观
ASSIGNMENTS = ("rotation", "owner", "chosen")
FUNNEL_BY = ("day", "advisor", "channel")
MAX_PERIOD_DAYS = 366
ACCOUNT = {"strict": True, "validate": validate.Range(1, 2**63 - 1)}


class VisitIn(Schema):
    visitor_kind = fields.String(load_default="customer", validate=validate.OneOf(VISITOR_KINDS),
                                 metadata={"description": "customer 客户, market_researcher 市调, visitor 参观"})
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS),
                            metadata={"description": "认知途径; default walk_in for visits, phone for calls"})
    advisor_id = fields.Integer(load_default=None, allow_none=True, **ACCOUNT,
                                metadata={"description": "the advisor who took it; for a customer's visit leave "
                                                         "it out to let the rotation (or the owner) decide"})
    mobile = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20),
                           metadata={"description": "the customer's mobile: links to or registers the customer"})
    customer_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50))
    partner_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100),
                                 metadata={"description": "the channel partner who brought the customer"})
    day = fields.Date(load_default=None, allow_none=True,
                      metadata={"description": "must be today (Asia/Shanghai): registered the same day"})
    party_size = fields.Integer(strict=True, load_default=1, validate=validate.Range(1, 50))
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=300))


class VisitOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(("call", "visit")), metadata={"description": "call 来电 or visit 来访"})
    visitor_kind = fields.String(validate=validate.OneOf(VISITOR_KINDS))
    day = fields.Date()
    at = fields.AwareDateTime()
    advisor_id = fields.Integer(allow_none=True)
    assignment = fields.String(validate=validate.OneOf(ASSIGNMENTS), allow_none=True, metadata={"description": "rotation, owner or chosen"})
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    customer_id = fields.Integer(allow_none=True)
    customer_name = fields.String(allow_none=True)
    new_customer = fields.Boolean(metadata={"description": "this call or visit registered a new customer"})
    conflict_id = fields.Integer(allow_none=True, metadata={"description": "撞单 recorded by this registration"})
    party_size = fields.Integer()
    note = fields.String(allow_none=True)
    registered_by = fields.Integer()
    registered_by_name = fields.String(allow_none=True)


class _Period(Schema):
    start = fields.Date(data_key="from", load_default=None, allow_none=True,
                        metadata={"description": "first day (Asia/Shanghai); default today"})
    end = fields.Date(data_key="to", load_default=None, allow_none=True,
                      metadata={"description": "last day, inclusive; default the first day"})

    @validates_schema
    def check_period(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None:
            if end < start:
                raise ValidationError("must not be before from", "to")
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise ValidationError(f"at most {MAX_PERIOD_DAYS} days", "to")


class VisitQuery(_Period):
    advisor_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**63 - 1))
    visitor_kind = fields.String(load_default=None, validate=validate.OneOf(VISITOR_KINDS))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class CountsQuery(_Period):
    pass


class CountRow(Schema):
    """上客量 of one advisor on one day (advisor_id None: unassigned)."""

    project_id = fields.Integer()
    day = fields.Date()
    advisor_id = fields.Integer(allow_none=True)
    calls = fields.Integer(metadata={"description": "来电"})
    visits = fields.Integer(metadata={"description": "来访 by customers (上客量)"})
    market_researchers = fields.Integer(metadata={"description": "市调 visits"})
    visitors = fields.Integer(metadata={"description": "参观 visits"})
    new_customers = fields.Integer(metadata={"description": "customers registered by these calls and visits"})


# rotation ---------------------------------------------------------------------------------
class RotationQuery(Schema):
    day = fields.Date(load_default=None, allow_none=True, metadata={"description": "default today (Asia/Shanghai)"})


class QueueEntry(Schema):
    position = fields.Integer(metadata={"description": "1: takes the next new walk-in"})
    account_id = fields.Integer()
    username = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True, metadata={"description": "hr's name of the person (李顾问); "
                                                                        "null if hr did not answer"})


class SkippedOut(Schema):
    account_id = fields.Integer()
    username = fields.String(allow_none=True)
    full_name = fields.String(allow_none=True, metadata={"description": "as in the queue"})
    reason = fields.String()


class RotationAuditOut(Schema):
    id = fields.Integer()
    action = fields.String(metadata={"description": "assigned, joined, left, reordered, skipped, restored"})
    account_id = fields.Integer(allow_none=True)
    visit_id = fields.Integer(allow_none=True)
    queue_after = fields.List(fields.Integer())
    reason = fields.String(allow_none=True)
    by_id = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class RotationOut(Schema):
    project_id = fields.Integer()
    day = fields.Date()
    version = fields.Integer(metadata={"description": "changes with every change of the queue"})
    queue = fields.List(fields.Nested(QueueEntry))
    skipped = fields.List(fields.Nested(SkippedOut))
    assignments = fields.List(fields.Nested(RotationAuditOut))
    audit = fields.List(fields.Nested(RotationAuditOut))


class ReorderIn(Schema):
    order = fields.List(fields.Integer(**ACCOUNT), required=True, validate=validate.Length(min=1, max=200),
                        metadata={"description": "today's queue in its new order, head first"})
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))
    version = fields.Integer(load_default=None, allow_none=True, strict=True,
                             validate=validate.Range(0, 2**63 - 1),
                             metadata={"description": "the version you read; 409 ROTATION_CHANGED if it moved"})


class SkipIn(Schema):
    account_id = fields.Integer(required=True, **ACCOUNT)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


# funnel -----------------------------------------------------------------------------------
class FunnelQuery(_Period):
    start = fields.Date(data_key="from", required=True, metadata={"description": "first day (Asia/Shanghai)"})
    end = fields.Date(data_key="to", required=True, metadata={"description": "last day, inclusive"})
    by = fields.String(load_default="day", validate=validate.OneOf(FUNNEL_BY))


class FunnelCounts(Schema):
    visits = fields.Integer(metadata={"description": "上客量: customers' visits"})
    new_leads = fields.Integer(metadata={"description": "customers registered"})
    a_grade = fields.Integer(metadata={"description": "customers graded A in the period"})
    subscribed = fields.Integer(metadata={"description": "认购: customers who became subscribed"})
    signed = fields.Integer(metadata={"description": "签约: customers who became signed"})


class FunnelRow(FunnelCounts):
    key = fields.String(metadata={"description": "the day, advisor id or channel ('none' if unknown)"})
    day = fields.Date(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    channel = fields.String(allow_none=True)


class FunnelOut(Schema):
    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    by = fields.String()
    rows = fields.List(fields.Nested(FunnelRow))
    total = fields.Nested(FunnelCounts)
