"""gateway: outbound webhooks for integrators (docs/webhooks.md)."""
from marshmallow import Schema, fields, validate

WEBHOOK_EVENT_TYPES = ("units_released", "unit_held", "unit_hold_cancelled", "unit_hold_expired",
                       "price_list_published", "launch_registered", "launch_finished", "subscription_approved",
                       "contract_signed", "contract_filed", "deal_cancelled", "unit_handed_over", "deal_unit_swapped",
                       "payment_received", "payment_refunded", "unit_status_changed")
DELIVERY_STATES = ("pending", "delivered", "dead")
# a rotated secret still signs deliveries beside the new one this long unless the director says
# otherwise, so the integrator can switch its receiver without refusing one (docs/webhooks.md)
SECRET_GRACE_HOURS = 24
MAX_SECRET_GRACE_HOURS = 168


class WebhookIn(Schema):
    url = fields.String(required=True, validate=validate.Length(1, 500), metadata={
        "description": "where deliveries are posted: https (400 WEBHOOK_URL_NOT_HTTPS)",
        "example": "https://crm.example.com/hooks/loupan"})
    event_types = fields.List(fields.String(validate=validate.OneOf(WEBHOOK_EVENT_TYPES)), required=True,
                              validate=validate.Length(1, len(WEBHOOK_EVENT_TYPES)),
                              metadata={"description": "the events sent (loupan/events.py's catalogue; "
                                                       "unit_status_changed: one per unit the unit events move)",
                                        "example": ["subscription_approved", "contract_signed"]})
    description = fields.String(load_default="", validate=validate.Length(0, 200),
                                metadata={"example": "明源 CRM 同步"})
    personal_data = fields.Boolean(load_default=False, metadata={
        "description": "buyers' names, mobiles and ID numbers sent in full; otherwise masked (张**, 138****5678)"})


class WebhookOut(Schema):
    id = fields.Integer()
    url = fields.String()
    event_types = fields.List(fields.String())
    description = fields.String()
    personal_data = fields.Boolean()
    created_by = fields.Integer(metadata={"description": "the director who registered it"})
    created_at = fields.AwareDateTime()
    disabled_at = fields.AwareDateTime(allow_none=True)
    status = fields.String(validate=validate.OneOf(("active", "disabled")), metadata={"description": "active | disabled"})
    secret_rotated_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when a director last rotated the signing secret (null: never)"})
    previous_secret_until = fields.AwareDateTime(allow_none=True, metadata={
        "description": "until when deliveries also carry a signature with the secret the last rotation replaced "
                       "(null: none, they carry the current secret's only)"})


class WebhookIssued(WebhookOut):
    secret = fields.String(metadata={"description": "the signing secret, shown in this answer only: "
                                                    "Loupan-Signature is HMAC-SHA256 of `<timestamp>.<body>` with it"})


class WebhookRotateIn(Schema):
    # no load_default: optional in the generated types (the route applies SECRET_GRACE_HOURS)
    old_secret_hours = fields.Integer(strict=True, validate=validate.Range(0, MAX_SECRET_GRACE_HOURS), metadata={
        "description": f"hours the replaced secret still signs deliveries beside the new one, so the receiver "
                       f"can switch without refusing one; {SECRET_GRACE_HOURS} when absent, 0: it stops at once "
                       f"(e.g. it leaked)",
        "example": SECRET_GRACE_HOURS})


class DeliveryOut(Schema):
    delivery_id = fields.String(metadata={"description": "the Loupan-Delivery header, the same on every attempt"})
    event_id = fields.String()
    event_type = fields.String()
    state = fields.String(validate=validate.OneOf(DELIVERY_STATES), metadata={"description": "pending | delivered | dead"})
    attempts = fields.Integer()
    last_status = fields.Integer(allow_none=True, metadata={"description": "HTTP status of the last attempt (null: none, e.g. a timeout)"})
    last_error = fields.String(allow_none=True, metadata={"description": "the last answer's first 500 characters, or why there was none"})
    last_attempt_at = fields.AwareDateTime(allow_none=True)
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    delivered_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
