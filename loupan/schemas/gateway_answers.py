"""gateway: what it answers itself (notifications, errors)."""
from marshmallow import Schema, fields, validate

from loupan.roles import ROLES


NOTIFICATION_KINDS = ("hold_expired", "sla_breached")  # the gateway's notifications table (gateway/models.py)


class NotificationOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer(allow_none=True)
    kind = fields.String(validate=validate.OneOf(NOTIFICATION_KINDS), metadata={"description": " | ".join(NOTIFICATION_KINDS)})
    text = fields.String()
    created_at = fields.AwareDateTime()


class MeOut(Schema):
    id = fields.Integer()
    username = fields.String()
    full_name = fields.String(metadata={"description": "the name to show"})
    role = fields.String(validate=validate.OneOf(ROLES))
    role_title = fields.String(metadata={"description": "the role as the console shows it, e.g. 置业顾问"})
    permissions = fields.List(fields.String(), metadata={
        "description": "the permissions of loupan/roles.py the account holds (docs/roles.md), e.g. deals.sell"})
    project_ids = fields.List(fields.Integer(), allow_none=True, metadata={
        "description": "the projects the account works on; null: every project of its agency"})


class ErrorOut(Schema):
    error = fields.String(required=True, metadata={"description": "stable code, e.g. UNIT_NOT_AVAILABLE"})
    message = fields.String(required=True)
