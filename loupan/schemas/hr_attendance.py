"""hr 考勤 attendance: shifts, the weekly rota (排班/轮休/值日), clock in/out, leave
requests and the monthly statistics."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import ID

LEAVE_KINDS = ("annual", "sick", "personal", "other")
MAX_LEAVE_DAYS = 90


class ShiftIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    starts = fields.Time(required=True, metadata={"description": "Asia/Shanghai, e.g. 09:00"})
    ends = fields.Time(required=True, metadata={"description": "Asia/Shanghai; before starts: overnight"})
    min_staff = fields.Integer(required=True, strict=True, validate=validate.Range(1, 200),
                               metadata={"description": "fewest people on this shift every day"})

    @validates_schema
    def check_times(self, data, **kwargs):
        if data.get("starts") is not None and data.get("starts") == data.get("ends"):
            raise ValidationError("a shift must not end when it starts", "ends")


class ShiftOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    starts = fields.Time()
    ends = fields.Time()
    min_staff = fields.Integer()


class RotaPlanIn(Schema):
    week_start = fields.Date(required=True, metadata={"description": "the Monday of the week"})
    rest_days_per_person = fields.Integer(strict=True, load_default=1, validate=validate.Range(0, 6),
                                          metadata={"description": "轮休 days each person gets"})


class RotaQuery(Schema):
    week_start = fields.Date(required=True, metadata={"description": "the Monday of the week"})


class RotaDay(Schema):
    day = fields.Date(required=True, metadata={"description": "the rota day (YYYY-MM-DD)"})


class RotaEntryIn(Schema):
    account_id = fields.Integer(required=True, strict=True, validate=ID)
    shift_id = fields.Integer(strict=True, load_default=None, allow_none=True, validate=ID)
    rest = fields.Boolean(load_default=False, metadata={"description": "轮休: a rest day"})
    duty = fields.Boolean(load_default=False, metadata={"description": "值日: on duty that day"})


class RotaDayIn(Schema):
    """The whole day of the rota as it should be (replaces that day's entries)."""

    entries = fields.List(fields.Nested(RotaEntryIn), required=True, validate=validate.Length(min=1, max=500))


class RotaEntryOut(Schema):
    day = fields.Date()
    account_id = fields.Integer()
    full_name = fields.String()
    shift_id = fields.Integer(allow_none=True)
    shift_name = fields.String(allow_none=True)
    rest = fields.Boolean()
    duty = fields.Boolean()


class RotaOut(Schema):
    project_id = fields.Integer()
    week_start = fields.Date()
    entries = fields.List(fields.Nested(RotaEntryOut))


class ClockIn(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(("in", "out")))


class ClockOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    account_id = fields.Integer()
    kind = fields.String()
    at = fields.AwareDateTime()


class LeaveIn(Schema):
    """请假 for the caller; project_ids default to every project the caller is assigned to."""

    kind = fields.String(required=True, validate=validate.OneOf(LEAVE_KINDS))
    start_on = fields.Date(required=True)
    end_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    project_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=None, allow_none=True,
                              validate=validate.Length(min=1, max=50))

    @validates_schema
    def check_dates(self, data, **kwargs):
        start, end = data.get("start_on"), data.get("end_on")
        if start and end and start > end:
            raise ValidationError("must not be after end_on", "start_on")
        if start and end and (end - start).days >= MAX_LEAVE_DAYS:
            raise ValidationError(f"a leave request covers at most {MAX_LEAVE_DAYS} days", "end_on")


class LeaveDecisionIn(Schema):
    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500),
                         metadata={"description": "why it was approved or rejected"})


class LeaveOut(Schema):
    id = fields.Integer()
    account_id = fields.Integer()
    project_ids = fields.List(fields.Integer())
    kind = fields.String(validate=validate.OneOf(LEAVE_KINDS))
    start_on = fields.Date()
    end_on = fields.Date()
    status = fields.String(metadata={"description": "pending, approved or rejected"})
    reason = fields.String()
    created_at = fields.AwareDateTime()
    decided_by = fields.Integer(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    decision_note = fields.String(allow_none=True)


class StatsQuery(Schema):
    month = fields.String(required=True, validate=validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$"),
                          metadata={"description": "YYYY-MM (Asia/Shanghai)"})


class PersonStats(Schema):
    account_id = fields.Integer()
    full_name = fields.String()
    scheduled = fields.Integer(metadata={"description": "working rota days, leave days excluded"})
    present = fields.Integer()
    late = fields.Integer()
    early_leave = fields.Integer()
    absent = fields.Integer()
    leave_days = fields.Integer(metadata={"description": "approved leave days that were not rest days"})


class StatsOut(Schema):
    project_id = fields.Integer()
    month = fields.String()
    people = fields.List(fields.Nested(PersonStats))
