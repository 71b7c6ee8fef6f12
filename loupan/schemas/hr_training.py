"""hr 培训 training: courses, sessions, attendance, exams, the pre-job certification (上岗考核)
and the monthly coverage and pass-rate report."""
from decimal import Decimal

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.roles import ROLES
from loupan.validators import ID as ID_RANGE
from loupan.validators import Amount, Exact, not_blank

KIND_CODES = ("culture", "pitch", "sand_table", "sales_qa", "other")
SESSION_STATUSES = ("scheduled", "held", "cancelled")
ID = fields.Integer(strict=True, validate=ID_RANGE)



class CourseIn(Schema):
    title = fields.String(required=True, validate=[validate.Length(min=1, max=200), not_blank])
    kind = fields.String(required=True, validate=validate.OneOf(KIND_CODES), metadata={
        "description": "culture 企业文化, pitch 项目说辞/销讲, sand_table 沙盘, sales_qa 销售百问, other"})
    project_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID_RANGE,
                                metadata={"description": "the project; none for an agency-wide course"})
    is_certification = fields.Boolean(load_default=False, metadata={
        "description": "the project's pre-job certification (上岗考核): passing it certifies the advisor"})
    pass_score = Exact(0, 100, load_default=Decimal("80.00"), metadata={"description": "lowest passing score"})

    @validates_schema
    def check_certification(self, data, **kwargs):
        if data.get("is_certification") and data.get("project_id") is None:
            raise ValidationError("a certification (上岗考核) belongs to a project", "project_id")


class CourseOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    project_id = fields.Integer(allow_none=True)
    title = fields.String()
    kind = fields.String(validate=validate.OneOf(KIND_CODES))
    kind_name = fields.String(metadata={"description": "the kind in the sales offices' words"})
    is_certification = fields.Boolean()
    pass_score = Amount()
    created_by = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class CourseQuery(Schema):
    project_id = fields.Integer(load_default=None, validate=ID_RANGE, metadata={
        "description": "only the agency-wide courses and those of this project"})


class SessionIn(Schema):
    starts_at = fields.AwareDateTime(required=True)
    trainer = fields.String(required=True, validate=[validate.Length(min=1, max=100), not_blank])
    project_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID_RANGE,
                                metadata={"description": "the site it is held for; required for an "
                                                         "agency-wide course, its own project otherwise"})


class AttendeeOut(Schema):
    account_id = fields.Integer()
    present = fields.Boolean()


class SessionOut(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    project_id = fields.Integer()
    starts_at = fields.AwareDateTime()
    trainer = fields.String()
    status = fields.String(metadata={"description": "scheduled, held or cancelled"})
    created_by = fields.Integer(allow_none=True)
    status_changed_by = fields.Integer(allow_none=True)
    status_changed_at = fields.AwareDateTime(allow_none=True)
    status_reason = fields.String(allow_none=True)
    attendance = fields.List(fields.Nested(AttendeeOut))


class SessionQuery(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf(SESSION_STATUSES),
                           metadata={"description": "only sessions of this status"})


class AttendanceIn(Schema):
    account_ids = fields.List(ID, required=True, validate=validate.Length(min=1, max=500))
    present = fields.Boolean(load_default=True)


class SessionCancelIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=200), not_blank])


class ExamIn(Schema):
    account_id = fields.Integer(strict=True, required=True, validate=ID_RANGE)
    score = Exact(0, 100, required=True)
    project_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID_RANGE,
                                metadata={"description": "required for an agency-wide course"})


class ExamOut(Schema):
    id = fields.Integer()
    course_id = fields.Integer()
    project_id = fields.Integer()
    account_id = fields.Integer()
    score = Amount()
    passed = fields.Boolean()
    taken_at = fields.AwareDateTime()
    graded_by = fields.Integer()
    certified = fields.Boolean(metadata={
        "description": "the account holds the project's certification (上岗考核) after this exam"})


class CertificationOut(Schema):
    account_id = fields.Integer()
    full_name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    project_id = fields.Integer()
    course_id = fields.Integer()
    score = Amount()
    certified_on = fields.Date()


class StatsQuery(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"),
                          metadata={"description": "YYYY-MM, Asia/Shanghai calendar"})


class CourseStats(Schema):
    course_id = fields.Integer()
    title = fields.String()
    kind = fields.String(validate=validate.OneOf(KIND_CODES))
    exams_taken = fields.Integer()
    exams_passed = fields.Integer()
    pass_rate_percent = Amount(allow_none=True)


class TrainingStats(Schema):
    project_id = fields.Integer()
    month = fields.String()
    advisors = fields.Integer(metadata={"description": "active advisors assigned to the project"})
    advisors_trained = fields.Integer(metadata={
        "description": "of them, those present at one of the project's sessions in the month at least"})
    coverage_percent = Amount(allow_none=True, metadata={"description": "advisors_trained / advisors, null if none"})
    advisors_certified = fields.Integer(metadata={"description": "of them, those holding the 上岗考核"})
    exams_taken = fields.Integer()
    exams_passed = fields.Integer()
    pass_rate_percent = Amount(allow_none=True, metadata={"description": "exams_passed / exams_taken, null if none"})
    courses = fields.List(fields.Nested(CourseStats))
