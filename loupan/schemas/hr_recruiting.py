"""hr 招聘 recruiting: requisitions, candidates, interview feedback, offers, hiring and the
试用期 / 转正 (probation / confirmation) review."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.schemas.hr_accounts import AccountIn, AccountOut
from loupan.roles import DIRECTOR, ROLES
from loupan.validators import Amount, Mobile, Money, not_blank

# a director account is made by a director, never by a hire (see create_account)
HIRABLE_ROLES = tuple(r for r in ROLES if r != DIRECTOR)
# offer and hired are reached through an offer and a hire, not a bare move
ADVANCE_TO = ("screened", "interview_1", "interview_2", "rejected", "withdrawn")
STAGES = ("applied", "screened", "interview_1", "interview_2", "offer", "hired", "rejected", "withdrawn")
INTERVIEWS = ("interview_1", "interview_2")



def _text(max_length):
    return [validate.Length(min=1, max=max_length), not_blank]


class RequisitionIn(Schema):
    role = fields.String(required=True, validate=validate.OneOf(HIRABLE_ROLES))
    headcount = fields.Integer(required=True, strict=True, validate=validate.Range(1, 100))
    reason = fields.String(required=True, validate=_text(500),
                           metadata={"description": "why the site needs them (新盘开盘, 补员…)"})


class RequisitionOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    project_id = fields.Integer()
    role = fields.String(validate=validate.OneOf(ROLES))
    headcount = fields.Integer()
    reason = fields.String()
    status = fields.String(validate=validate.OneOf(("open", "approved", "filled", "cancelled")),
                           metadata={"description": "open, approved, filled or cancelled"})
    seats_taken = fields.Integer(metadata={"description": "offers outstanding, accepted or hired"})
    hired = fields.Integer()
    requested_by = fields.Integer()
    approved_by = fields.Integer(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class ReasonIn(Schema):
    reason = fields.String(required=True, validate=_text(500))


class CandidateIn(Schema):
    name = fields.String(required=True, validate=_text(100))
    phone = Mobile(required=True, metadata={"description": "mainland mobile, normalised to 11 digits"})
    source = fields.String(load_default="other", validate=_text(50),
                           metadata={"description": "where the candidate came from (招聘网站, 内推, 校招…)"})


class CandidateOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    project_id = fields.Integer()
    requisition_id = fields.Integer()
    name = fields.String()
    phone = fields.String()
    source = fields.String()
    stage = fields.String(validate=validate.OneOf(STAGES),
                          metadata={"description": "applied, screened, interview_1, interview_2, offer, "
                                                   "hired, rejected or withdrawn"})
    created_by = fields.Integer()
    created_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()


class AdvanceIn(Schema):
    to_stage = fields.String(required=True, validate=validate.OneOf(ADVANCE_TO))
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class FeedbackIn(Schema):
    score = fields.Integer(required=True, strict=True, validate=validate.Range(1, 5))
    recommendation = fields.String(required=True, validate=validate.OneOf(("hire", "no_hire")))
    notes = fields.String(required=True, validate=_text(2000))


class FeedbackOut(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    stage = fields.String()
    interviewer_id = fields.Integer()
    score = fields.Integer()
    recommendation = fields.String()
    notes = fields.String()
    at = fields.AwareDateTime()


class OfferIn(Schema):
    salary = Money(required=True, metadata={"description": "monthly base salary, CNY"})
    start_on = fields.Date(required=True)
    probation_months = fields.Integer(required=True, strict=True, validate=validate.Range(1, 6),
                                      metadata={"description": "试用期, at most 6 months"})

    @validates_schema
    def check_salary(self, data, **kwargs):
        if data.get("salary") is not None and data["salary"] <= 0:
            raise ValidationError("must be above zero", "salary")


class OfferOut(Schema):
    id = fields.Integer()
    candidate_id = fields.Integer()
    requisition_id = fields.Integer()
    project_id = fields.Integer()
    salary = Amount()
    start_on = fields.Date()
    probation_months = fields.Integer()
    status = fields.String(metadata={"description": "offered, accepted or declined"})
    created_by = fields.Integer()
    created_at = fields.AwareDateTime()
    answered_at = fields.AwareDateTime(allow_none=True)


class CandidateDetail(CandidateOut):
    feedback = fields.List(fields.Nested(FeedbackOut))
    offers = fields.List(fields.Nested(OfferOut))


class HireIn(AccountIn):
    """The hired candidate's login; name and project come from the candidate."""

    class Meta:
        exclude = ("full_name", "project_ids")

    role = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(HIRABLE_ROLES),
                         metadata={"description": "the requisition's role if omitted"})


class ProbationOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    project_id = fields.Integer()
    account_id = fields.Integer(allow_none=True)
    candidate_id = fields.Integer()
    start_on = fields.Date()
    end_on = fields.Date()
    review_opens_on = fields.Date(metadata={"description": "two weeks before end_on"})
    status = fields.String(validate=validate.OneOf(("in_probation", "confirmed", "extended", "terminated")),
                           metadata={"description": "in_probation, confirmed, extended or terminated"})
    review_notes = fields.String(allow_none=True)
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)


class HireOut(Schema):
    candidate = fields.Nested(CandidateOut)
    account = fields.Nested(AccountOut)
    probation = fields.Nested(ProbationOut)


class ReviewIn(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(("confirm", "extend", "terminate")))
    months = fields.Integer(load_default=None, allow_none=True, strict=True, validate=validate.Range(1, 3),
                            metadata={"description": "extension length, 1 to 3 months (extend only)"})
    notes = fields.String(required=True, validate=_text(2000),
                          metadata={"description": "hr's review: performance, attendance, exams"})

    @validates_schema
    def check_months(self, data, **kwargs):
        if data.get("decision") == "extend" and data.get("months") is None:
            raise ValidationError("an extension needs months", "months")
        if data.get("decision") != "extend" and data.get("months") is not None:
            raise ValidationError("only an extension takes months", "months")
