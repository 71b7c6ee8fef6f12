"""crm channels (渠道分销): channel companies and brokers, a project's 判客 rules, 报备 by a
broker and its verdict, the 带看码 checked at reception, appeals (申诉) and rulings, risk alerts."""
from marshmallow import Schema, fields, validate

from loupan.validators import ID

CHANNEL_GRADES = ("A", "B", "C")
CHANNEL_STATUSES = ("active", "suspended")
BROKER_STATUSES = ("active", "disabled")
REPORT_STATUSES = ("valid", "visited", "rejected", "lapsed")
REASONS = ("new", "masked_pending_visit", "reported_by_other", "duplicate", "site_customer", "natural_visit",
           "visited", "expired", "ruling")
VISIT_RESULTS = ("visited", "rejected", "lapsed")
APPEAL_STATUSES = ("open", "ruled")
APPEAL_DECISIONS = ("to_channel", "to_site", "dismiss")
RISK_KINDS = ("report_before_deal", "many_channels", "owner_change", "mobile_change", "high_conversion")
REASON_TEXT = ("new: nobody holds the customer; masked_pending_visit: valid, the site's customers are checked "
               "when the full number is given at the visit; reported_by_other: another channel's report holds "
               "the customer (against_report_id); duplicate: the same channel's report does; site_customer: the "
               "site's customer in its 保护期; natural_visit: the customer visited the site first (自然到访); "
               "visited: brought with the 带看码; expired: no visit in time; ruling: a manager's ruling")
Mobile = fields.String  # normalised by the service (400 INVALID_MOBILE)


class ChannelIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    grade = fields.String(required=True, validate=validate.OneOf(CHANNEL_GRADES))
    contract_no = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=50))
    commission_terms = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=500),
                                     metadata={"description": "as agreed (finance computes the commission)"})
    project_ids = fields.List(fields.Integer(strict=True, validate=ID), required=True,
                              validate=validate.Length(max=200),
                              metadata={"description": "the projects it reports to"})


class ChannelPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    grade = fields.String(validate=validate.OneOf(CHANNEL_GRADES))
    contract_no = fields.String(allow_none=True, validate=validate.Length(max=50))
    commission_terms = fields.String(allow_none=True, validate=validate.Length(max=500))
    project_ids = fields.List(fields.Integer(strict=True, validate=ID), validate=validate.Length(max=200))
    status = fields.String(validate=validate.OneOf(CHANNEL_STATUSES),
                           metadata={"description": "suspended: its brokers file no reports"})


class ChannelQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(CHANNEL_STATUSES))
    project_id = fields.Integer(load_default=None, validate=ID)


class ChannelOut(Schema):
    id = fields.Integer()
    name = fields.String()
    grade = fields.String(validate=validate.OneOf(CHANNEL_GRADES))
    contract_no = fields.String(allow_none=True)
    commission_terms = fields.String(allow_none=True)
    project_ids = fields.List(fields.Integer())
    status = fields.String(validate=validate.OneOf(CHANNEL_STATUSES))
    created_at = fields.AwareDateTime()


class BrokerIn(Schema):
    channel_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID,
                                metadata={"description": "null: a 全民经纪人 (no channel)"})
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    mobile = Mobile(required=True, validate=validate.Length(min=1, max=30))


class BrokerPatch(Schema):
    name = fields.String(validate=validate.Length(min=1, max=50))
    status = fields.String(validate=validate.OneOf(BROKER_STATUSES))


class BrokerQuery(Schema):
    channel_id = fields.Integer(load_default=None, validate=ID)
    individual = fields.Boolean(load_default=False, metadata={"description": "only 全民经纪人"})


class BrokerOut(Schema):
    id = fields.Integer()
    channel_id = fields.Integer(allow_none=True)
    channel_name = fields.String(metadata={"description": "全民经纪人 for a broker of no channel"})
    name = fields.String()
    mobile = fields.String(metadata={"description": "138****5678 except for managers and directors"})
    mobile_masked = fields.Boolean()
    status = fields.String(validate=validate.OneOf(BROKER_STATUSES))
    created_at = fields.AwareDateTime()


class ChannelSettingsIn(Schema):
    report_valid_hours = fields.Integer(required=True, strict=True, validate=validate.Range(1, 24 * 60),
                                        metadata={"description": "带看有效期: hours a report waits for its visit"})
    protection_days = fields.Integer(required=True, strict=True, validate=validate.Range(1, 730),
                                     metadata={"description": "days the channel keeps a customer after the visit"})
    site_protection_wins = fields.Boolean(required=True, metadata={
        "description": "the site's customer in its 保护期 wins over a channel's report (one who visited the "
                       "site first always does)"})


class ChannelSettingsOut(ChannelSettingsIn):
    project_id = fields.Integer()


class ReportIn(Schema):
    broker_id = fields.Integer(strict=True, required=True, validate=ID,
                               metadata={"description": "the broker reporting (staff file on a broker's behalf)"})
    customer_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=30), metadata={
        "description": "the full mobile, or 前三后四 with the middle hidden (138****5678); else 400 INVALID_MOBILE"})
    expected_visit_at = fields.AwareDateTime(allow_none=True, load_default=None)


class ReportQuery(Schema):
    broker_id = fields.Integer(load_default=None, validate=ID, metadata={"description": "one broker's reports"})
    channel_id = fields.Integer(load_default=None, validate=ID)
    customer_id = fields.Integer(load_default=None, validate=ID)
    status = fields.String(load_default=None, validate=validate.OneOf(REPORT_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class ReportOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    broker_id = fields.Integer()
    broker_name = fields.String()
    channel_id = fields.Integer(allow_none=True)
    channel_name = fields.String()
    customer_name = fields.String()
    mobile = fields.String(metadata={"description": "138****5678 unless a manager and the full number is known"})
    mobile_masked = fields.Boolean()
    mobile_key = fields.String(metadata={"description": "前三后四"})
    expected_visit_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(validate=validate.OneOf(REPORT_STATUSES))
    reason = fields.String(validate=validate.OneOf(REASONS), metadata={"description": REASON_TEXT})
    against_report_id = fields.Integer(allow_none=True, metadata={"description": "the report that was first"})
    valid_until = fields.AwareDateTime(allow_none=True, metadata={"description": "bring the customer by then"})
    visited_at = fields.AwareDateTime(allow_none=True)
    protected_until = fields.AwareDateTime(allow_none=True, metadata={
        "description": "the channel's protection after the visit"})
    customer_id = fields.Integer(allow_none=True)
    attributed = fields.Boolean(metadata={"description": "the channel is the customer's bringer now"})
    filed_by = fields.Integer(allow_none=True)
    filed_by_name = fields.String(allow_none=True)
    filed_at = fields.AwareDateTime()


class FiledReportOut(ReportOut):
    visit_code = fields.String(allow_none=True, metadata={
        "description": "the one-time 带看码 of a valid report, shown this once (only its hash is kept)"})
    visit_qr_svg = fields.String(allow_none=True, metadata={"description": "the 带看码 as a QR image (SVG)"})


class ChannelVisitIn(Schema):
    code = fields.String(required=True, validate=validate.Length(min=4, max=40),
                         metadata={"description": "the 带看码, typed or read from its QR"})
    mobile = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=30), metadata={
        "description": "the customer's full mobile: required when the report hid the middle digits"})


class ChannelVisitOut(Schema):
    id = fields.Integer()
    report_id = fields.Integer()
    customer_id = fields.Integer(allow_none=True)
    result = fields.String(validate=validate.OneOf(VISIT_RESULTS))
    reason = fields.String(validate=validate.OneOf(REASONS))
    receptionist_id = fields.Integer()
    receptionist_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class VisitResultOut(Schema):
    visit = fields.Nested(ChannelVisitOut)
    report = fields.Nested(ReportOut)


class AppealIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    attachments = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                              validate=validate.Length(max=20),
                              metadata={"description": "references to the evidence: document ids, file names, links"})
    broker_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID,
                               metadata={"description": "the appealing broker (the report's); null: the caller"})


class AppealRulingIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(APPEAL_DECISIONS), metadata={
        "description": "to_channel: the report's channel brought the customer; to_site: it did not; dismiss: "
                       "the verdict stands"})
    ruling = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    evidence = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                           validate=validate.Length(max=20))
    mobile = fields.String(allow_none=True, load_default=None, validate=validate.Length(min=1, max=30), metadata={
        "description": "to_channel for a report that hid the middle digits: the customer's full mobile"})


class AppealQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(APPEAL_STATUSES))


class AppealOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    report_id = fields.Integer()
    broker_id = fields.Integer(allow_none=True)
    reason = fields.String()
    attachments = fields.List(fields.String())
    status = fields.String(validate=validate.OneOf(APPEAL_STATUSES))
    decision = fields.String(allow_none=True, validate=validate.OneOf(APPEAL_DECISIONS))
    ruling = fields.String(allow_none=True)
    evidence = fields.List(fields.String(), allow_none=True)
    filed_by = fields.Integer(allow_none=True, metadata={"description": "null: the broker on their phone"})
    filed_by_name = fields.String(allow_none=True)
    filed_at = fields.AwareDateTime()
    ruled_by = fields.Integer(allow_none=True)
    ruled_by_name = fields.String(allow_none=True)
    ruled_at = fields.AwareDateTime(allow_none=True)


class ReportDetailOut(ReportOut):
    visits = fields.List(fields.Nested(ChannelVisitOut))
    appeals = fields.List(fields.Nested(AppealOut))


class AlertQuery(Schema):
    kind = fields.String(load_default=None, validate=validate.OneOf(RISK_KINDS))
    limit = fields.Integer(load_default=200, validate=validate.Range(1, 500))


class AlertOut(Schema):
    id = fields.Integer(allow_none=True, metadata={"description": "null: computed now (high_conversion)"})
    project_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(RISK_KINDS), metadata={
        "description": "report_before_deal (截客: a report just before a 认购), many_channels (3+ channels), "
                       "owner_change (of a customer a channel holds), mobile_change (更正手机号 of a customer a channel "
                       "holds: requested, approved or applied by a manager), high_conversion (a broker far above the "
                       "site's norm)"})
    report_id = fields.Integer(allow_none=True)
    customer_id = fields.Integer(allow_none=True)
    broker_id = fields.Integer(allow_none=True)
    mobile_key = fields.String(allow_none=True)
    facts = fields.Dict(keys=fields.String(), metadata={"description": "what the manager needs to judge it"})
    at = fields.AwareDateTime()


# a broker on their own phone (gateway/routes/brokers.py) ---------------------------------------
class BrokerReportIn(Schema):
    project_id = fields.Integer(strict=True, required=True, validate=ID,
                                metadata={"description": "the project (a channel's broker: one it reports to)"})
    customer_name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    mobile = fields.String(required=True, validate=validate.Length(min=1, max=30), metadata={
        "description": "the full mobile, or 前三后四 with the middle hidden (138****5678); else 400 INVALID_MOBILE"})
    expected_visit_at = fields.AwareDateTime(allow_none=True, load_default=None)


class BrokerReportQuery(Schema):
    project_id = fields.Integer(load_default=None, validate=ID)
    status = fields.String(load_default=None, validate=validate.OneOf(REPORT_STATUSES))
    limit = fields.Integer(load_default=50, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10**9))


class BrokerAppealIn(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    attachments = fields.List(fields.String(validate=validate.Length(min=1, max=300)), load_default=list,
                              validate=validate.Length(max=20),
                              metadata={"description": "references to the evidence: document ids, file names, links"})


class BrokerFound(Schema):
    broker_id = fields.Integer()
    agency_id = fields.Integer()
    channel_id = fields.Integer(allow_none=True)


class BrokerMeOut(Schema):
    id = fields.Integer()
    name = fields.String()
    mobile = fields.String(metadata={"description": "the broker's own mobile"})
    channel_id = fields.Integer(allow_none=True)
    channel_name = fields.String(metadata={"description": "全民经纪人 for a broker of no channel"})
    individual = fields.Boolean(metadata={"description": "a 全民经纪人 (no channel)"})
    project_ids = fields.List(fields.Integer(), allow_none=True, metadata={
        "description": "the projects the channel reports to (none while it is suspended); null: a 全民经纪人 "
                       "reports to any of the agency's"})
    created_at = fields.AwareDateTime()
