"""crm care: 跟进 follow-ups and their service levels (overdue lists), 回访 satisfaction
visits and surveys with 好评率/投诉率, and 投诉 complaints."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.crm_customers import GRADES
from loupan.validators import ID

FOLLOW_UP_KINDS = ("call", "visit", "message")
SLA_RULES = ("first_response", "needs_analysis", "weekly_follow_up", "satisfaction_visit")
COMPLAINT_CATEGORIES = ("legal", "title", "mortgage", "insurance", "construction", "property_management",
                        "staff", "other")
SEVERITIES = ("low", "normal", "serious", "critical")


# follow-ups and service levels ------------------------------------------------------------
class FollowUpIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(FOLLOW_UP_KINDS))
    note = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    at = fields.AwareDateTime(load_default=None, allow_none=True,
                              metadata={"description": "when it happened; default now; never in the future "
                                                       "(400 FOLLOW_UP_IN_FUTURE)"})
    needs_analysis = fields.Boolean(load_default=False,
                                    metadata={"description": "需求分析: the customer's needs were talked through "
                                                             "(answers the 3-day service level)"})


class FollowUpOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(FOLLOW_UP_KINDS))
    note = fields.String()
    needs_analysis = fields.Boolean()
    at = fields.AwareDateTime()
    by_id = fields.Integer()
    by_name = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()


class OverdueQuery(Schema):
    advisor_id = fields.Integer(load_default=None, allow_none=True,
                                metadata={"description": "one advisor's items (advisors: only their own)"})


class OverdueOut(Schema):
    customer_id = fields.Integer()
    customer_name = fields.String()
    grade = fields.String(allow_none=True, validate=validate.OneOf(GRADES))
    advisor_id = fields.Integer(allow_none=True)
    advisor_name = fields.String(allow_none=True)
    rule = fields.String(validate=validate.OneOf(SLA_RULES), metadata={"description": "first_response (24 h), needs_analysis (3 days), "
                                                  "weekly_follow_up (A/B, 7 days), satisfaction_visit "
                                                  "(30 days after handover)"})
    due_at = fields.AwareDateTime()
    minutes_late = fields.Integer()


# satisfaction visits and surveys ----------------------------------------------------------
class VisitTaskQuery(Schema):
    owner_id = fields.Integer(load_default=None, allow_none=True)
    status = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("open", "done")))


class VisitTaskOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer()
    customer_name = fields.String()
    deal_id = fields.Integer(allow_none=True)
    kind = fields.String(validate=validate.OneOf(("satisfaction_visit",)))
    owner_id = fields.Integer(allow_none=True)
    due_at = fields.AwareDateTime()
    overdue = fields.Boolean()
    status = fields.String()
    survey_id = fields.Integer(allow_none=True)
    done_at = fields.AwareDateTime(allow_none=True)


class SurveyIn(Schema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5),
                           metadata={"description": "1 (very unhappy) to 5 (very happy); 4 and 5 are 好评"})
    comments = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    deal_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID,
                             metadata={"description": "the deal surveyed (closes its 回访 task)"})


class SurveyOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer()
    advisor_id = fields.Integer(allow_none=True)
    deal_id = fields.Integer(allow_none=True)
    score = fields.Integer()
    comments = fields.String(allow_none=True)
    by_id = fields.Integer()
    by_name = fields.String(allow_none=True)
    at = fields.AwareDateTime()


class SatisfactionQuery(Schema):
    from_ = fields.Date(required=True, data_key="from", metadata={"description": "first day (Asia/Shanghai)"})
    to = fields.Date(required=True, metadata={"description": "last day, inclusive (at most 366 days)"})


class SatisfactionFigures(Schema):
    surveys = fields.Integer()
    good = fields.Integer(metadata={"description": "surveys scoring 4 or 5"})
    good_rate = fields.Decimal(as_string=True, allow_none=True,
                               metadata={"description": "好评率, percent: good ÷ surveys"})
    average_score = fields.Decimal(as_string=True, allow_none=True)
    complaints = fields.Integer(metadata={"description": "complaints filed in the period"})
    deals = fields.Integer(metadata={"description": "customers served: deals (认购 approved) in the period"})
    complaint_rate = fields.Decimal(as_string=True, allow_none=True,
                                    metadata={"description": "投诉率, percent: complaints ÷ deals"})


class AdvisorSatisfaction(SatisfactionFigures):
    advisor_id = fields.Integer()


class SatisfactionOut(Schema):
    project_id = fields.Integer()
    from_ = fields.Date(data_key="from")
    to = fields.Date()
    site = fields.Nested(SatisfactionFigures)
    advisors = fields.List(fields.Nested(AdvisorSatisfaction))


# complaints ---------------------------------------------------------------------------------
class ComplaintIn(Schema):
    customer_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID)
    advisor_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID,
                                metadata={"description": "the advisor it is about; default the customer's owner"})
    category = fields.String(required=True, validate=validate.OneOf(COMPLAINT_CATEGORIES))
    severity = fields.String(required=True, validate=validate.OneOf(SEVERITIES),
                             metadata={"description": "serious and critical are escalated to the managers"})
    description = fields.String(required=True, validate=validate.Length(min=1, max=4000))
    owner_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID,
                              metadata={"description": "who handles it; default the filer"})
    deadline = fields.AwareDateTime(load_default=None, allow_none=True,
                                    metadata={"description": "default by severity: critical 1 day, serious 3, "
                                                             "normal 7, low 14"})


class ComplaintResolveIn(Schema):
    resolution = fields.String(required=True, validate=validate.Length(min=1, max=4000))


class ComplaintQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(("open", "resolved")))
    severity = fields.String(load_default=None, validate=validate.OneOf(SEVERITIES))
    category = fields.String(load_default=None, validate=validate.OneOf(COMPLAINT_CATEGORIES))
    owner_id = fields.Integer(load_default=None)
    advisor_id = fields.Integer(load_default=None)
    customer_id = fields.Integer(load_default=None)
    escalated = fields.Boolean(load_default=None, metadata={"description": "true: the managers' list"})
    overdue = fields.Boolean(load_default=None, metadata={"description": "true: open past the deadline"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 500))
    offset = fields.Integer(load_default=0, validate=validate.Range(0))

    @validates_schema
    def check_overdue(self, data, **kwargs):
        if data.get("overdue") and data.get("status") == "resolved":
            raise ValidationError("a resolved complaint is never overdue", "overdue")


class ComplaintOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    customer_id = fields.Integer(allow_none=True)
    customer_name = fields.String(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    category = fields.String(validate=validate.OneOf(COMPLAINT_CATEGORIES))
    severity = fields.String(validate=validate.OneOf(SEVERITIES))
    description = fields.String()
    owner_id = fields.Integer()
    escalated = fields.Boolean()
    deadline = fields.AwareDateTime()
    overdue = fields.Boolean(metadata={"description": "open past the deadline"})
    status = fields.String()
    resolution = fields.String(allow_none=True)
    resolved_by = fields.Integer(allow_none=True)
    resolved_at = fields.AwareDateTime(allow_none=True)
    minutes_to_resolve = fields.Integer(allow_none=True)
    filed_by = fields.Integer()
    filed_by_name = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
