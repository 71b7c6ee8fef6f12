"""Outbound webhooks' pure rules (gateway/routes/webhooks.py): which events an integrator may
subscribe to, where a delivery may go, when it is tried again, how it is signed, and what of
the payload is masked for an endpoint not granted personal data. docs/webhooks.md."""
import hashlib
import hmac
import json
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

# the catalogue's events an endpoint may ask for (loupan/events.py), with their source service
EVENT_TYPES = {
    "units_released": "inventory",
    "unit_held": "inventory",
    "unit_hold_cancelled": "inventory",
    "unit_hold_expired": "inventory",
    "price_list_published": "inventory",
    "launch_registered": "inventory",
    "launch_finished": "inventory",
    "subscription_approved": "contracts",
    "contract_signed": "contracts",
    "contract_filed": "contracts",
    "deal_cancelled": "contracts",
    "unit_handed_over": "contracts",
    "deal_unit_swapped": "contracts",
    "payment_received": "finance",
    "payment_refunded": "finance",
}
# unit_status_changed: derived by the gateway, one per unit an event above moves (inventory's
# status machine, services/inventory/unit_rules.py MOVES): (from, to) by the event's type; from
# None where the event does not tell (a 认购 approved from the hold, or after it lapsed)
UNIT_STATUS_CHANGED = "unit_status_changed"
UNIT_MOVES = {
    "units_released": ("unreleased", "available"),
    "unit_held": ("available", "held"),
    "unit_hold_cancelled": ("held", "available"),
    "unit_hold_expired": ("held", "available"),
    "subscription_approved": (None, "subscribed"),
    "contract_signed": ("subscribed", "signed"),
    "contract_filed": ("signed", "filed"),
    "deal_cancelled": (None, "available"),  # from the payload's from_status
    "unit_handed_over": ("filed", "delivered"),
    "deal_unit_swapped": (None, None),  # two units: the deal's leaves one, takes the other (below)
}
SUBSCRIBABLE = (*EVENT_TYPES, UNIT_STATUS_CHANGED)
LOCAL_HOSTS = ("127.0.0.1", "localhost")
FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 3600
GIVE_UP_SECONDS = 86400  # a delivery still failing a day after its event: dead
REPLAY_WINDOW_SECONDS = 300  # what a receiver should accept (docs/webhooks.md)
EXCERPT_CHARS = 500

# payload keys holding a person's mobile or name (or a list of persons: contract_signed's buyers)
MOBILE_KEYS = ("customer_phone", "phone", "mobile", "buyer_phone")
NAME_KEYS = ("customer_name", "buyer_name", "name")
ID_KEYS = ("id_number",)


def unit_status_changes(event_type, payload):
    """[{unit_id, from_status, to_status, ...}]: the units an event moves, one entry each. A
    退房 of a 认购 never approved (from_status "submitted") moved no unit: none."""
    if event_type not in UNIT_MOVES:
        return []
    if event_type == "deal_unit_swapped":  # 换房: the old unit is free again, the new one the deal's
        status, deal = payload.get("deal_status"), {"deal_id": payload["deal_id"]}
        return [dict(deal, unit_id=payload["from_unit_id"], from_status=status, to_status="available"),
                dict(deal, unit_id=payload["to_unit_id"], from_status="available", to_status=status,
                     **({"unit_label": payload["to_unit_label"]} if payload.get("to_unit_label") else {}))]
    frm, to = UNIT_MOVES[event_type]
    if event_type == "deal_cancelled":
        frm = payload.get("from_status")
        if frm == "submitted":
            return []
    unit_ids = payload.get("unit_ids") if event_type == "units_released" else [payload["unit_id"]]
    extra = {k: payload[k] for k in ("unit_label", "hold_id", "deal_id") if payload.get(k) is not None}
    return [dict(extra, unit_id=unit_id, from_status=frm, to_status=to) for unit_id in unit_ids or []]


def unit_status_envelope(envelope, change):
    """The unit_status_changed envelope of one change of a consumed event's (a JSON envelope):
    its own event id, derived from the cause's and the unit (the same on a duplicate), the
    cause's time, agency, project and actor; no person's data in it."""
    cause_id = str(envelope["event_id"])
    event_id = uuid.uuid5(uuid.UUID(cause_id), f"{UNIT_STATUS_CHANGED}:{change['unit_id']}")
    return {"event_id": str(event_id), "type": UNIT_STATUS_CHANGED, "version": 1,
            "occurred_at": envelope["occurred_at"], "agency_id": envelope["agency_id"],
            "project_id": envelope.get("project_id"), "actor": envelope.get("actor"),
            "payload": dict(change, cause=envelope["type"], cause_event_id=cause_id)}


def url_problem(url, allow_local):
    """None if `url` may receive deliveries, else the error code: https only (http to
    127.0.0.1 or localhost when the operator allows local endpoints, for development)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "WEBHOOK_URL_INVALID"
    if not parts.hostname or parts.scheme not in ("https", "http") or parts.username or parts.password:
        return "WEBHOOK_URL_INVALID"
    if parts.scheme == "http" and not (allow_local and parts.hostname in LOCAL_HOSTS):
        return "WEBHOOK_URL_NOT_HTTPS"
    return None


def retry_delay(attempts, first=FIRST_RETRY_SECONDS, cap=MAX_RETRY_SECONDS):
    """Seconds to wait after the `attempts`-th failed attempt: first, doubling, capped."""
    return min(cap, first * 2 ** max(0, attempts - 1))


def after_failure(created_at, now, attempts, first=FIRST_RETRY_SECONDS, cap=MAX_RETRY_SECONDS,
                  give_up=GIVE_UP_SECONDS):
    """(state, next attempt) after a failed attempt: tried again after the backoff, unless
    that falls beyond `give_up` seconds since the delivery was made: then dead."""
    at = now + timedelta(seconds=retry_delay(attempts, first, cap))
    if at > created_at + timedelta(seconds=give_up):
        return "dead", None
    return "pending", at


def delivered(status):
    return status is not None and 200 <= status < 300


def signature(secret, timestamp, body):
    """`sha256=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` with the endpoint's secret."""
    message = str(int(timestamp)).encode("ascii") + b"." + body
    return "sha256=" + hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def signing_secrets(secret, previous, previous_until, now):
    """The secrets a delivery signed at `now` carries signatures of: the endpoint's, then the
    one it replaced while that one's grace period lasts."""
    if previous and previous_until is not None and now < previous_until:
        return [secret, previous]
    return [secret]


def signature_header(secrets_, timestamp, body):
    """Loupan-Signature: one `sha256=<hex>` per secret, comma-separated (as Stripe lists v1=
    twice while a secret is rolled): a receiver accepts a delivery if any one matches."""
    return ", ".join(signature(s, timestamp, body) for s in secrets_)


def signatures_in(header):
    return [part.strip() for part in (header or "").split(",") if part.strip()]


def verify(secret, timestamp, body, header, now, window=REPLAY_WINDOW_SECONDS):
    """What a receiver does (docs/webhooks.md): one of the header's signatures is its secret's
    and the timestamp is within `window` seconds of its clock."""
    try:
        if abs(int(now) - int(timestamp)) > window:
            return False
    except (TypeError, ValueError):
        return False
    expected = signature(secret, timestamp, body)
    # every one compared (no early exit): the time taken tells nothing of which matched
    return sum(hmac.compare_digest(expected, given) for given in signatures_in(header)) > 0


def mask_mobile(value):
    """138****5678"""
    if not isinstance(value, str):
        return value
    digits = value.strip()
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "****"


def mask_name(value):
    """张**: the first character, one * for each of the others (at least one)."""
    if not isinstance(value, str) or not value:
        return value
    return value[0] + "*" * max(1, len(value) - 1)


def mask_id(value):
    if not isinstance(value, str) or len(value) < 8:
        return value if not isinstance(value, str) else "****"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def masked(value):
    """A payload with every mobile, name and ID number of a person masked (nested ones too)."""
    if isinstance(value, list):
        return [masked(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for key, v in value.items():
        if key in MOBILE_KEYS:
            out[key] = mask_mobile(v)
        elif key in NAME_KEYS:
            out[key] = mask_name(v)
        elif key in ID_KEYS:
            out[key] = mask_id(v)
        else:
            out[key] = masked(v)
    return out


def body_of(envelope, personal_data):
    """The bytes posted: the event envelope, its payload masked unless granted personal data
    (the actor's username is staff's, not a buyer's: kept)."""
    if not personal_data:
        envelope = dict(envelope, payload=masked(envelope.get("payload") or {}))
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def excerpt(text):
    return (text or "")[:EXCERPT_CHARS]
