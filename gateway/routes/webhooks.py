"""Outbound webhooks for integrators (issue 20, docs/webhooks.md). A mixin of GatewayService.

A director registers an endpoint (https; the secret in that answer only) with the events of the
agency it wants. Each such event, consumed through the gateway's inbox, becomes one delivery row
per subscribed endpoint in the transaction that records the event in the inbox: none is lost,
and a duplicate of the event makes none. A timer posts the due deliveries: the envelope (personal
data masked unless the endpoint is granted it), signed with HMAC-SHA256 over `<timestamp>.<body>`;
a 2xx delivers; anything else (or no answer within the timeout) is tried again 30 s later,
doubling up to an hour, for a day, then the delivery is dead with its last answer. A replica
claims a delivery by a conditional update (a lease) before posting, so two replicas never post
one delivery at once; the delivery id is the same on every attempt. A director rotates an
endpoint's secret: the new one is shown once, and the one it replaced signs beside it (the
header lists both) for a grace period, then is forgotten."""
import json
import logging
import secrets
import uuid
from datetime import timedelta

import eventlet
import requests
from sqlalchemy import or_, select, update

from gateway import webhook_rules as rules
from gateway.http import route
from gateway.idempotency import write_connection
from gateway.models import WebhookDelivery, WebhookEndpoint
from loupan.errors import Conflict, Invalid, NotFound
from loupan.events import CATALOGUE, Envelope
from loupan.inbox import handles
from loupan.schemas import dump
from loupan.schemas import gateway_webhooks as w
from loupan.timers import every
from loupan.types import utcnow

log = logging.getLogger(__name__)
SECRET_PREFIX = "whsec_"
LEASE_SECONDS = 120  # longer than a post's timeout: a replica that died mid-post frees it then
BATCH = 50
PARALLEL = 10  # posts at once per replica
_DELIVERIES = WebhookDelivery.__table__
_ENDPOINTS = WebhookEndpoint.__table__
_ENVELOPE = Envelope()


def endpoint_dict(row, now=None):
    """An endpoint as the API shows it: never a secret (the new one is added to the answer that
    issues it, the replaced one is never shown again)."""
    until = row.previous_secret_until if row.previous_secret else None
    return {"id": row.id, "url": row.url, "event_types": list(row.event_types), "description": row.description,
            "personal_data": row.personal_data, "created_by": row.created_by, "created_at": row.created_at,
            "disabled_at": row.disabled_at, "status": "disabled" if row.disabled_at else "active",
            "secret_rotated_at": row.secret_rotated_at,
            "previous_secret_until": until if until is not None and until > (now or utcnow()) else None}


def json_envelope(event):
    """The consumed envelope as it travelled (its payload dumped by its schema again)."""
    schema = CATALOGUE[(event["type"], event["version"])][1]()
    return json.loads(json.dumps(dict(_ENVELOPE.dump(event), payload=schema.dump(event["payload"])), default=str))


def settings(config):
    return {"first": float(config.get("WEBHOOK_RETRY_FIRST_SECONDS", rules.FIRST_RETRY_SECONDS)),
            "cap": float(config.get("WEBHOOK_RETRY_MAX_SECONDS", rules.MAX_RETRY_SECONDS)),
            "give_up": float(config.get("WEBHOOK_GIVE_UP_SECONDS", rules.GIVE_UP_SECONDS)),
            "timeout": float(config.get("WEBHOOK_TIMEOUT_SECONDS", 10))}


def post(url, signing, delivery_id, event_type, body, timeout, now):
    """(status or None, excerpt of the answer or of the failure); `signing`: the secrets whose
    signatures Loupan-Signature lists (rules.signing_secrets)."""
    timestamp = int(now.timestamp())
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "Loupan-Webhooks/1",
               "Loupan-Delivery": delivery_id, "Loupan-Event": event_type, "Loupan-Timestamp": str(timestamp),
               "Loupan-Signature": rules.signature_header(signing, timestamp, body)}
    try:
        answer = requests.post(url, data=body, headers=headers, timeout=timeout, allow_redirects=False)
    except requests.Timeout:
        return None, f"no answer within {timeout:g} s"
    except requests.RequestException as exc:
        return None, rules.excerpt(f"{type(exc).__name__}: {exc}")
    return answer.status_code, rules.excerpt(answer.text)


def send_due(engine, config, now=None, owner=None):
    """Claim and post the due deliveries (up to BATCH, PARALLEL at once); how many were posted."""
    now = now or utcnow()
    options = settings(config)
    due = (select(_DELIVERIES.c.id).select_from(_DELIVERIES.join(_ENDPOINTS, _ENDPOINTS.c.id == _DELIVERIES.c.endpoint_id))
           .where(_DELIVERIES.c.state == "pending", _DELIVERIES.c.next_attempt_at <= now,
                  or_(_DELIVERIES.c.lease_until.is_(None), _DELIVERIES.c.lease_until < now),
                  _ENDPOINTS.c.disabled_at.is_(None))
           .order_by(_DELIVERIES.c.next_attempt_at).limit(BATCH))
    with write_connection(engine) as conn:
        # a replaced secret past its grace period is forgotten (it signs nothing any more)
        conn.execute(update(_ENDPOINTS).where(_ENDPOINTS.c.previous_secret.is_not(None),
                                              _ENDPOINTS.c.previous_secret_until <= now)
                     .values(previous_secret=None, previous_secret_until=None))
        ids = conn.execute(due).scalars().all()
    # each in its own green thread: one endpoint that never answers delays none of the others
    pool = eventlet.GreenPool(PARALLEL)
    return sum(pool.imap(lambda pk: send_one(engine, pk, now, options, owner or str(uuid.uuid4())), ids))


def send_one(engine, delivery_pk, now, options, token):
    """Claim one delivery (a lease: no other replica posts it meanwhile), post it, record the
    outcome under the lease; False if another replica has it."""
    claim = (update(_DELIVERIES).where(_DELIVERIES.c.id == delivery_pk, _DELIVERIES.c.state == "pending",
                                       _DELIVERIES.c.next_attempt_at <= now,
                                       or_(_DELIVERIES.c.lease_until.is_(None), _DELIVERIES.c.lease_until < now))
             .values(lease_owner=token, lease_until=now + timedelta(seconds=LEASE_SECONDS)))
    with write_connection(engine) as conn:
        if conn.execute(claim).rowcount != 1:
            return False  # another replica has it
        row = conn.execute(select(_DELIVERIES, _ENDPOINTS.c.url, _ENDPOINTS.c.secret, _ENDPOINTS.c.previous_secret,
                                  _ENDPOINTS.c.previous_secret_until, _ENDPOINTS.c.personal_data)
                           .select_from(_DELIVERIES.join(_ENDPOINTS, _ENDPOINTS.c.id == _DELIVERIES.c.endpoint_id))
                           .where(_DELIVERIES.c.id == delivery_pk)).one()
    attempt_at = utcnow()
    signing = rules.signing_secrets(row.secret, row.previous_secret, row.previous_secret_until, attempt_at)
    status, text = post(row.url, signing, row.delivery_id, row.event_type,
                        rules.body_of(row.envelope, row.personal_data), options["timeout"], attempt_at)
    done = utcnow()
    attempts = row.attempts + 1
    values = {"attempts": attempts, "last_status": status, "last_error": text, "last_attempt_at": attempt_at,
              "lease_owner": None, "lease_until": None}
    if rules.delivered(status):
        values.update(state="delivered", delivered_at=done, next_attempt_at=None)
    else:
        state, at = rules.after_failure(row.retry_from, done, attempts, options["first"], options["cap"],
                                        options["give_up"])
        values.update(state=state, next_attempt_at=at)
        log.log(logging.WARNING if state == "dead" else logging.INFO, "webhook delivery %s attempt %d: %s (%s)",
                row.delivery_id, attempts, status, state)
    with write_connection(engine) as conn:
        conn.execute(update(_DELIVERIES).where(_DELIVERIES.c.id == delivery_pk, _DELIVERIES.c.lease_owner == token)
                     .values(**values))
    return True


def delivery_dict(row):
    return {k: getattr(row, k) for k in ("delivery_id", "event_id", "event_type", "state", "attempts", "last_status",
                                         "last_error", "last_attempt_at", "next_attempt_at", "delivered_at",
                                         "created_at")}


class WebhookRoutes:
    def _endpoint(self, actor, webhook_id):
        row = self.db.session.get(WebhookEndpoint, webhook_id)
        if row is None or row.agency_id != actor["agency_id"]:
            raise NotFound(f"webhook {webhook_id} not found", "WEBHOOK_NOT_FOUND")
        return row

    @route("POST", "/api/webhooks", body=w.WebhookIn, response=w.WebhookIssued, status=201,
           summary="Register an integrator's endpoint for events of the agency; the signing secret is in this "
                   "answer only (400 WEBHOOK_URL_NOT_HTTPS, WEBHOOK_URL_INVALID)")
    def create_webhook(self, request, actor, body):
        allow_local = str(self.config.get("WEBHOOKS_ALLOW_LOCAL", "0")).strip().lower() in ("1", "true", "yes")
        url = body["url"].strip()
        problem = rules.url_problem(url, allow_local)
        if problem == "WEBHOOK_URL_NOT_HTTPS":
            raise Invalid("a webhook's url must be https", "WEBHOOK_URL_NOT_HTTPS")
        if problem is not None:
            raise Invalid("not a url a webhook can be posted to", "WEBHOOK_URL_INVALID")
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        row = WebhookEndpoint(agency_id=actor["agency_id"], url=url, event_types=sorted(set(body["event_types"])),
                              description=(body.get("description") or "").strip(),
                              personal_data=bool(body.get("personal_data", False)),
                              secret=secret, created_by=actor["account_id"], created_at=utcnow())
        self.db.session.add(row)
        self.db.session.flush()
        answer = dict(endpoint_dict(row), secret=secret)
        self.db.commit()
        return dump(w.WebhookIssued, answer)

    @route("GET", "/api/webhooks", response=w.WebhookOut, many=True, summary="The agency's webhook endpoints")
    def list_webhooks(self, request, actor):
        rows = self.db.session.execute(select(WebhookEndpoint).where(WebhookEndpoint.agency_id == actor["agency_id"])
                                       .order_by(WebhookEndpoint.id)).scalars().all()
        return dump(w.WebhookOut, [endpoint_dict(r) for r in rows], many=True)

    @route("GET", "/api/webhooks/<int:webhook_id>", response=w.WebhookOut, summary="One webhook endpoint")
    def get_webhook(self, request, actor, webhook_id):
        return dump(w.WebhookOut, endpoint_dict(self._endpoint(actor, webhook_id)))

    @route("DELETE", "/api/webhooks/<int:webhook_id>", response=w.WebhookOut,
           summary="Disable an endpoint: nothing more is made or sent for it (its log stays)")
    def disable_webhook(self, request, actor, webhook_id):
        row = self._endpoint(actor, webhook_id)
        self.db.session.execute(update(WebhookEndpoint).where(WebhookEndpoint.id == row.id,
                                                              WebhookEndpoint.disabled_at.is_(None))
                                .values(disabled_at=utcnow(), disabled_by=actor["account_id"]))
        self.db.commit()
        self.db.session.refresh(row)
        return dump(w.WebhookOut, endpoint_dict(row))

    @route("POST", "/api/webhooks/<int:webhook_id>/rotate-secret", body=w.WebhookRotateIn, response=w.WebhookIssued,
           summary="Rotate the endpoint's signing secret: the new one is in this answer only; the one it replaces "
                   "still signs every delivery beside it (Loupan-Signature lists both) for old_secret_hours (24 by "
                   "default, 0: not at all), then never again, and is never shown (404 WEBHOOK_NOT_FOUND; "
                   "409 WEBHOOK_DISABLED, WEBHOOK_ROTATED_MEANWHILE)")
    def rotate_webhook_secret(self, request, actor, webhook_id, body):
        row = self._endpoint(actor, webhook_id)
        if row.disabled_at is not None:
            raise Conflict("the endpoint is disabled: nothing is signed for it", "WEBHOOK_DISABLED")
        now = utcnow()
        secret = SECRET_PREFIX + secrets.token_urlsafe(32)
        hours = body.get("old_secret_hours", w.SECRET_GRACE_HOURS)
        keep = hours > 0
        # a conditional update: of two directors rotating at once, one replaces the secret the
        # other read, and the other is told (it would hand out a secret already replaced)
        changed = self.db.session.execute(
            update(WebhookEndpoint).where(WebhookEndpoint.id == row.id, WebhookEndpoint.secret == row.secret,
                                          WebhookEndpoint.disabled_at.is_(None))
            .values(secret=secret, previous_secret=row.secret if keep else None,
                    previous_secret_until=now + timedelta(hours=hours) if keep else None,
                    secret_rotated_at=now, secret_rotated_by=actor["account_id"])
            .execution_options(synchronize_session=False)).rowcount
        if changed != 1:
            self.db.rollback()
            raise Conflict("the secret was rotated or the endpoint disabled meanwhile: read it again",
                           "WEBHOOK_ROTATED_MEANWHILE")
        self.db.commit()
        self.db.session.refresh(row)
        log.info("webhook %s: signing secret rotated by account %s (the old one signs for %d h)", row.id,
                 actor["account_id"], hours)
        return dump(w.WebhookIssued, dict(endpoint_dict(row, now), secret=secret))

    @route("GET", "/api/webhooks/<int:webhook_id>/deliveries", response=w.DeliveryOut, many=True,
           summary="The endpoint's delivery log, newest first (at most 200): state, attempts, the last answer, "
                   "the next attempt")
    def list_webhook_deliveries(self, request, actor, webhook_id):
        row = self._endpoint(actor, webhook_id)
        rows = self.db.session.execute(select(WebhookDelivery).where(WebhookDelivery.endpoint_id == row.id)
                                       .order_by(WebhookDelivery.id.desc()).limit(200)).scalars().all()
        return dump(w.DeliveryOut, [delivery_dict(r) for r in rows], many=True)

    @route("POST", "/api/webhooks/<int:webhook_id>/deliveries/<delivery_id>/redeliver", response=w.DeliveryOut,
           summary="Send a delivery again now (a dead one gets another day of retries), with the same delivery id "
                   "(404 WEBHOOK_DELIVERY_NOT_FOUND; 409 WEBHOOK_DISABLED)")
    def redeliver_webhook(self, request, actor, webhook_id, delivery_id):
        endpoint = self._endpoint(actor, webhook_id)
        delivery = self.db.session.execute(select(WebhookDelivery).where(
            WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.delivery_id == delivery_id)).scalar_one_or_none()
        if delivery is None:
            raise NotFound(f"delivery {delivery_id} not found", "WEBHOOK_DELIVERY_NOT_FOUND")
        if endpoint.disabled_at is not None:
            raise Conflict("the endpoint is disabled", "WEBHOOK_DISABLED")
        now = utcnow()
        self.db.session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery.id)
                                .values(state="pending", next_attempt_at=now, retry_from=now))
        self.db.commit()
        self.db.session.refresh(delivery)
        return dump(w.DeliveryOut, delivery_dict(delivery))

    @every("WEBHOOK_SEND_SECONDS", 2)
    def send_webhooks(self):
        send_due(self.db.engine, self.config)


def _subscriber(event_type):
    def on_event(self, event):
        """One delivery per active endpoint of the event's agency subscribed to it, and one per
        unit it moves for each endpoint subscribed to unit_status_changed, in the transaction of
        the inbox record (`handles` commits both)."""
        endpoints = self.db.session.execute(select(WebhookEndpoint).where(
            WebhookEndpoint.agency_id == event["agency_id"], WebhookEndpoint.disabled_at.is_(None))).scalars().all()
        wanted = [e for e in endpoints if event["type"] in e.event_types]
        by_unit = [e for e in endpoints if rules.UNIT_STATUS_CHANGED in e.event_types]
        changes = rules.unit_status_changes(event["type"], event["payload"]) if by_unit else []
        if not wanted and not changes:
            return
        envelope = json_envelope(event)
        made = [(e, envelope) for e in wanted]
        for change in changes:  # unit_status_changed: one delivery per unit moved, its own event id
            derived = rules.unit_status_envelope(envelope, change)
            made += [(e, derived) for e in by_unit]
        now = utcnow()
        self.db.session.add_all(
            WebhookDelivery(delivery_id=str(uuid.uuid4()), endpoint_id=e.id, agency_id=event["agency_id"],
                            event_id=str(env["event_id"]), event_type=env["type"], envelope=env, state="pending",
                            attempts=0, next_attempt_at=now, created_at=now, retry_from=now)
            for e, env in made)

    on_event.__name__ = f"webhook_{event_type}"
    on_event.__qualname__ = f"WebhookRoutes.webhook_{event_type}"
    return on_event


for _type, _source in rules.EVENT_TYPES.items():
    setattr(WebhookRoutes, f"webhook_{_type}", handles(_source, _type)(_subscriber(_type)))
