"""crm customers: 报备 registration, the customer record with its grade and owner history,
撞单 conflicts and rulings, bulk reassignment, 保护期 settings and logged exports."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.roles import ROLES
from loupan.validators import ID, Amount, Area, Money

CHANNELS = ("walk_in", "phone", "online", "channel_partner", "referral", "event")
# their Chinese names, as the office says them (spreadsheets; the console keeps its own in labels.ts)
CHANNEL_NAMES = {"walk_in": "自然到访", "phone": "来电", "online": "网络", "channel_partner": "渠道",
                 "referral": "老带新", "event": "活动"}
GRADES = ("A", "B", "C", "D")
STATUSES = ("lead", "subscribed", "signed", "lost")
EXPORT_FORMATS = ("xlsx", "json")


def _range_ok(data, low, high):
    if data.get(low) is not None and data.get(high) is not None and data[low] > data[high]:
        raise ValidationError(f"must not be below {low}", high)


class CustomerNeedsFields(Schema):
    budget_min = Money(allow_none=True, load_default=None, metadata={"description": "CNY"})
    budget_max = Money(allow_none=True, load_default=None, metadata={"description": "CNY"})
    area_min = Area(allow_none=True, load_default=None, metadata={"description": "m²"})
    area_max = Area(allow_none=True, load_default=None, metadata={"description": "m²"})
    layout = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=50))
    district = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=50))

    @validates_schema
    def check_ranges(self, data, **kwargs):
        _range_ok(data, "budget_min", "budget_max")
        _range_ok(data, "area_min", "area_max")


class CustomerIn(CustomerNeedsFields):
    """报备 / 登记 a customer of a project."""

    # normalised by the service, which answers 400 INVALID_MOBILE for a number that is not one
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=30),
                           metadata={"description": "mainland mobile, 11 digits from 1; spaces, dashes, +86 "
                                                    "accepted (400 INVALID_MOBILE otherwise)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    channel = fields.String(required=True, validate=validate.OneOf(CHANNELS),
                            metadata={"description": "认知途径: how the customer heard of the project"})
    partner_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=100),
                                 metadata={"description": "the channel partner (渠道) for channel_partner"})
    referrer_customer_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID,
                                          metadata={"description": "老带新: the referring customer"})
    grade = fields.String(validate=validate.OneOf(GRADES), allow_none=True, load_default=None,
                          metadata={"description": "A 意向, B 潜在, C 一般, D 无效"})
    notes = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    owner_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID,
                              metadata={"description": "the owning advisor; default: the caller if an "
                                                       "advisor or supervisor, else the pool"})
    owner_name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=80))

    @validates_schema
    def check_partner(self, data, **kwargs):
        if data.get("channel") == "channel_partner" and not data.get("partner_name"):
            raise ValidationError("a channel partner's 报备 names the partner", "partner_name")


class CustomerPatch(CustomerNeedsFields):
    """Change a customer: only the fields given change (loaded with partial=True)."""

    name = fields.String(validate=validate.Length(min=1, max=50))
    notes = fields.String(allow_none=True, validate=validate.Length(max=2000))
    referrer_customer_id = fields.Integer(strict=True, allow_none=True, validate=ID)
    grade = fields.String(validate=validate.OneOf(GRADES), metadata={"description": "A 意向, B 潜在, C 一般, D 无效"})
    grade_reason = fields.String(allow_none=True, validate=validate.Length(max=200))

    @validates_schema
    def check_grade_reason(self, data, **kwargs):
        if "grade_reason" in data and "grade" not in data:
            raise ValidationError("a grade_reason goes with a grade", "grade_reason")


class CustomerQuery(Schema):
    owner_id = fields.Integer(load_default=None, metadata={
        "description": "this person's customers; after their 离职, those their leave put in the pool"})
    former_owner_id = fields.Integer(load_default=None, validate=ID, metadata={
        "description": "customers put in the pool by this person's 离职 and not taken since"})
    pool = fields.Boolean(load_default=False, metadata={"description": "only customers in the pool (公客)"})
    grade = fields.String(load_default=None, validate=validate.OneOf(GRADES))
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    q = fields.String(load_default=None, validate=validate.Length(min=1, max=50),
                      metadata={"description": "part of the name"})
    mobile = fields.String(load_default=None, validate=validate.Length(min=1, max=30),
                           metadata={"description": "the full number (lists show it masked)"})
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


MAX_EXPORT_ROWS = 20_000  # one export's rows: a 2 MB .xlsx built in a second; more is paged with offset


class CustomerExportQuery(CustomerQuery):
    format = fields.String(load_default="xlsx", validate=validate.OneOf(EXPORT_FORMATS))
    limit = fields.Integer(load_default=None, allow_none=True, validate=validate.Range(1, MAX_EXPORT_ROWS),
                           metadata={"description": "rows from `offset`; without it the export is every "
                                                    f"matching row, refused (422 EXPORT_TOO_LARGE) above "
                                                    f"{MAX_EXPORT_ROWS:,}"})


class CustomerOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    mobile = fields.String(metadata={"description": "138****5678 unless the caller is the owner, "
                                                    "a manager or the director"})
    mobile_masked = fields.Boolean()
    name = fields.String()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    partner_name = fields.String(allow_none=True)
    referrer_customer_id = fields.Integer(allow_none=True)
    grade = fields.String(validate=validate.OneOf(GRADES), allow_none=True)
    budget_min = Amount(allow_none=True)
    budget_max = Amount(allow_none=True)
    area_min = Amount(allow_none=True)
    area_max = Amount(allow_none=True)
    layout = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    owner_id = fields.Integer(allow_none=True, metadata={"description": "None: in the pool (公客)"})
    owner_name = fields.String(allow_none=True)
    owned_since = fields.AwareDateTime(allow_none=True)
    protected_until = fields.AwareDateTime(allow_none=True, metadata={"description": "保护期 end"})
    last_follow_up_at = fields.AwareDateTime(allow_none=True)
    first_visit_at = fields.AwareDateTime(allow_none=True)
    registered_at = fields.AwareDateTime()
    registered_by = fields.Integer(allow_none=True)


class CustomerGradeOut(Schema):
    grade = fields.String(validate=validate.OneOf(GRADES))
    reason = fields.String(allow_none=True)
    by_id = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class CustomerOwnerChangeOut(Schema):
    from_owner_id = fields.Integer(allow_none=True)
    to_owner_id = fields.Integer(allow_none=True)
    reason = fields.String(metadata={"description": "registered, claimed, ruling, lapsed, left, reassigned"})
    note = fields.String(allow_none=True)
    by_id = fields.Integer(allow_none=True)
    by_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class CustomerDealBuyerOut(Schema):
    name = fields.String()
    phone = fields.String(metadata={"description": "masked as the customer's mobile is"})
    share = fields.String(metadata={"description": "percent of ownership"})


class CustomerDealOut(Schema):
    deal_id = fields.Integer()
    unit_id = fields.Integer(allow_none=True, metadata={"description": "the unit after any 换房"})
    unit_label = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(("subscribed", "signed", "handed_over", "cancelled")))
    buyers = fields.List(fields.Nested(CustomerDealBuyerOut), allow_none=True,
                         metadata={"description": "the buyers after a 更名 (co-buyers), null before any"})


MOBILE_CHANGE_STATUSES = ("applied", "pending", "approved", "rejected")


class MobileChangeIn(Schema):
    """更正手机号: the customer's new number and why (the owner or a manager)."""

    # normalised by the service, which answers 400 INVALID_MOBILE for a number that is not one
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=30),
                           metadata={"description": "the new mainland mobile, 11 digits from 1; spaces, dashes, "
                                                    "+86 accepted (400 INVALID_MOBILE otherwise)"})
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=200),
                                                    validate.Regexp(r"\s*\S", error="say why")],
                           metadata={"description": "why the number changes (kept in the customer's history)"})


class MobileChangeQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(MOBILE_CHANGE_STATUSES),
                           metadata={"description": "pending: the manager's queue"})


class MobileChangeApproveIn(Schema):
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))


class MobileChangeRejectIn(Schema):
    note = fields.String(required=True, validate=[validate.Length(min=1, max=300),
                                                  validate.Regexp(r"\s*\S", error="say why")],
                         metadata={"description": "why not (the requester reads it in the customer's history)"})


class MobileChangeOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer()
    customer_name = fields.String(allow_none=True)
    old_mobile = fields.String(metadata={"description": "masked 138****5678, as every history shows numbers"})
    new_mobile = fields.String(metadata={"description": "masked 138****5678"})
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(MOBILE_CHANGE_STATUSES), metadata={
        "description": "applied (at once: no channel held the customer), pending (a channel holds the customer: "
                       "waits for a manager), approved (by a manager, or asked by one: applied), rejected"})
    held = fields.Boolean(metadata={"description": "a channel held the customer when it was asked"})
    report_id = fields.Integer(allow_none=True, metadata={"description": "the channel report that held it"})
    channel_name = fields.String(allow_none=True)
    broker_name = fields.String(allow_none=True)
    requested_by = fields.Integer()
    requested_by_name = fields.String(allow_none=True)
    requested_at = fields.AwareDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_by_name = fields.String(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    note = fields.String(allow_none=True, metadata={"description": "the manager's words"})
    applied_at = fields.AwareDateTime(allow_none=True)


class ChannelProtectionOut(Schema):
    """The channel that brought the customer (a verified 带看) and keeps it until protected_until."""

    report_id = fields.Integer()
    channel_id = fields.Integer(allow_none=True, metadata={"description": "null: a 全民经纪人"})
    channel_name = fields.String()
    broker_id = fields.Integer()
    broker_name = fields.String()
    visited_at = fields.AwareDateTime(allow_none=True)
    protected_until = fields.AwareDateTime(allow_none=True)


class CustomerDetailOut(CustomerOut):
    grades = fields.List(fields.Nested(CustomerGradeOut))
    owners = fields.List(fields.Nested(CustomerOwnerChangeOut))
    deals = fields.List(fields.Nested(CustomerDealOut), metadata={"description": "the customer's deals (认购 on)"})
    mobile_changes = fields.List(fields.Nested(MobileChangeOut),
                                 metadata={"description": "更正手机号, oldest first (numbers masked)"})
    channel_protection = fields.Nested(ChannelProtectionOut, allow_none=True, metadata={
        "description": "the channel that holds the customer now (null: none)"})


class ConflictOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer()
    owner_id = fields.Integer(allow_none=True, metadata={"description": "the owner when the claim came"})
    claimant_id = fields.Integer(allow_none=True)
    claimant_name = fields.String(allow_none=True)
    partner_name = fields.String(allow_none=True)
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    claimed_name = fields.String(allow_none=True)
    note = fields.String(allow_none=True)
    status = fields.String(metadata={"description": "open, kept, transferred"})
    ruling = fields.String(allow_none=True)
    ruled_by = fields.Integer(allow_none=True)
    ruled_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()


class CustomerRegistrationOut(Schema):
    outcome = fields.String(metadata={"description": "created (201), existing or claimed (200), "
                                                     "conflict (202: 撞单 recorded, awaiting a ruling)"})
    customer = fields.Nested(CustomerOut)
    conflict = fields.Nested(ConflictOut, allow_none=True)


class ConflictQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("open", "kept", "transferred")))


class ConflictRulingIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("keep", "transfer")),
                             metadata={"description": "keep: the owner stays; transfer: to the claimant"})
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=300))


class CustomerNewOwner(Schema):
    account_id = fields.Integer(required=True, strict=True)
    name = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=80))


class CustomerReassignIn(Schema):
    """Move customers in one action: those listed, or all of from_owner_id (with the customers
    their 离职 put in the pool), or the pool's."""

    from_owner_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID)
    from_pool = fields.Boolean(load_default=False)
    customer_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=None, allow_none=True,
                               validate=validate.Length(max=5000))
    to_owner_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID)
    to_owner_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=None, allow_none=True,
                               validate=validate.Length(max=200),
                               metadata={"description": "several advisors: customers are spread evenly"})
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))

    @validates_schema
    def check_targets(self, data, **kwargs):
        if data.get("to_owner_id") is None and not data.get("to_owner_ids"):
            raise ValidationError("give to_owner_id or to_owner_ids", "to_owner_id")


class CustomerReassignRpcIn(Schema):
    """What the service takes: the targets checked and named by the gateway."""

    from_owner_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID)
    from_pool = fields.Boolean(load_default=False)
    customer_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=None, allow_none=True)
    to_owners = fields.List(fields.Nested(CustomerNewOwner), required=True, validate=validate.Length(min=1, max=200))
    note = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=200))


class CustomerOwnerCount(Schema):
    account_id = fields.Integer()
    name = fields.String(allow_none=True)
    count = fields.Integer()


class CustomerReassignOut(Schema):
    project_id = fields.Integer()
    moved = fields.Integer()
    owners = fields.List(fields.Nested(CustomerOwnerCount))


class CustomerSettingsIn(Schema):
    protection_days = fields.Integer(required=True, strict=True, validate=validate.Range(1, 365),
                                     metadata={"description": "保护期: days without follow-up before the pool"})


class CustomerSettingsOut(Schema):
    project_id = fields.Integer()
    protection_days = fields.Integer()


class CustomerExportRowOut(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String()
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    partner_name = fields.String(allow_none=True)
    grade = fields.String(validate=validate.OneOf(GRADES), allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    owner_name = fields.String(allow_none=True)
    budget_min = Amount(allow_none=True)
    budget_max = Amount(allow_none=True)
    area_min = Amount(allow_none=True)
    area_max = Amount(allow_none=True)
    layout = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    registered_at = fields.AwareDateTime()
    last_follow_up_at = fields.AwareDateTime(allow_none=True)
    protected_until = fields.AwareDateTime(allow_none=True)


class CustomerExportLogOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    by_id = fields.Integer()
    by_name = fields.String(allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES))
    filters = fields.Dict()
    row_count = fields.Integer()
    format = fields.String(validate=validate.OneOf(EXPORT_FORMATS))
    at = fields.AwareDateTime()
    kind = fields.String(validate=validate.OneOf(("export", "import")),
                         metadata={"description": "export, or import: customers brought in from a spreadsheet"})
    file_name = fields.String(allow_none=True, metadata={"description": "an import's file"})
