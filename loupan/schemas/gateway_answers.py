"""gateway: what it answers itself (notifications, errors)."""
from marshmallow import Schema, fields


class NotificationOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer(allow_none=True)
    kind = fields.String()
    text = fields.String()
    created_at = fields.AwareDateTime()


class ErrorOut(Schema):
    error = fields.String(required=True, metadata={"description": "stable code, e.g. UNIT_NOT_AVAILABLE"})
    message = fields.String(required=True)
