"""Brokers' sign-in on their phones (gateway/routes/brokers.py): a texted code, then a broker
session; a 全民经纪人 signs up with the same code. crm's answers as the broker reads them, with
the projects' names inventory gives (crm keeps project ids only)."""
from marshmallow import Schema, fields, validate

from loupan.schemas.crm_channels import BrokerMeOut, FiledReportOut, ReportDetailOut, ReportOut
from loupan.validators import ID, Mobile

CODE = validate.Regexp(r"^\d{6}$", error="six digits")


class BrokerCodeIn(Schema):
    mobile = Mobile(required=True, metadata={"description": "the broker's mobile (or a new 全民经纪人's)"})


class BrokerSessionIn(Schema):
    mobile = Mobile(required=True)
    code = fields.String(required=True, validate=CODE)
    agency_id = fields.Integer(strict=True, allow_none=True, load_default=None, validate=ID, metadata={
        "description": "which agency, for a mobile that brokers for several (409 BROKER_AGENCY_REQUIRED)"})


class BrokerSignupIn(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=50))
    mobile = Mobile(required=True)
    code = fields.String(required=True, validate=CODE)
    project_id = fields.Integer(strict=True, required=True, validate=ID, metadata={
        "description": "the project whose page the 全民经纪人 signs up on: they broker for its agency"})


class BrokerSessionOut(Schema):
    token = fields.String(required=True, metadata={"description": "lpk_…: Authorization: Bearer <token> on /api/broker/*"})
    expires_at = fields.AwareDateTime(required=True)
    broker = fields.Nested(BrokerMeOut, required=True)


PROJECT_NAME = {"description": "the project's name (null: inventory did not answer in time; show the id)"}


class BrokerProject(Schema):
    id = fields.Integer()
    name = fields.String(allow_none=True, metadata=PROJECT_NAME)


class BrokerMeView(BrokerMeOut):
    projects = fields.List(fields.Nested(BrokerProject), metadata={
        "description": "the projects the broker may report to, with their names, by id: the channel's active "
                       "projects (none while it is suspended); a 全民经纪人: the agency's. Empty if inventory did "
                       "not answer for a 全民经纪人 (project_ids is null for them)"})


class BrokerReportView(ReportOut):
    project_name = fields.String(allow_none=True, metadata=PROJECT_NAME)


class BrokerFiledReportView(FiledReportOut):
    project_name = fields.String(allow_none=True, metadata=PROJECT_NAME)


class BrokerReportDetailView(ReportDetailOut):
    project_name = fields.String(allow_none=True, metadata=PROJECT_NAME)
