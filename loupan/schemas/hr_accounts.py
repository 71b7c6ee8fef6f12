"""hr: accounts in and out."""
from marshmallow import Schema, fields, validate

from loupan.roles import ROLES
from loupan.validators import ID


class AccountIn(Schema):
    username = fields.String(required=True, validate=validate.Regexp(r"^[A-Za-z0-9_.\-]{3,80}$"))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=8, max=200))
    full_name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    project_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=list)


class AccountOut(Schema):
    id = fields.Integer()
    agency_id = fields.Integer()
    username = fields.String()
    full_name = fields.String()
    role = fields.String(validate=validate.OneOf(ROLES))
    active = fields.Boolean()
    project_ids = fields.List(fields.Integer(), allow_none=True)
    created_at = fields.AwareDateTime()


class LoginIn(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=80))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class PasswordChangeIn(Schema):
    """A change of one's own password: the current one, and the new one (the policy of
    services/hr/password_rules.py, 422 WEAK_PASSWORD, judges it in hr)."""
    old_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))
    new_password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class PasswordChangedOut(Schema):
    account_id = fields.Integer(required=True)
    token_version = fields.Integer(required=True)


class TokenOut(Schema):
    access_token = fields.String(required=True)
    token_type = fields.String(required=True)
    expires_in = fields.Integer(required=True)
