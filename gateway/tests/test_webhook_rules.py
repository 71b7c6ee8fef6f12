"""Outbound webhooks' pure rules (gateway/webhook_rules.py): the retry schedule, the signature a
receiver checks, the masking of personal data, and where a delivery may go."""
import json
from datetime import datetime, timedelta, timezone

from gateway import webhook_rules as r

T0 = datetime(2026, 12, 6, 8, 0, tzinfo=timezone.utc)


def test_retries_wait_30_seconds_doubling_capped_at_an_hour():
    assert [r.retry_delay(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert r.retry_delay(50) == 3600
    assert [r.retry_delay(n, first=0.5, cap=2) for n in (1, 2, 3, 4)] == [0.5, 1, 2, 2]


def test_a_delivery_is_tried_again_for_a_day_then_dead():
    state, at = r.after_failure(T0, T0, 1)
    assert (state, at) == ("pending", T0 + timedelta(seconds=30))
    assert r.after_failure(T0, T0 + timedelta(hours=23, minutes=59), 20) == ("dead", None)
    assert r.after_failure(T0, T0 + timedelta(hours=22), 20)[0] == "pending"
    # the whole schedule: about 30 attempts in the day, none after it
    now, attempts = T0, 0
    while True:
        attempts += 1
        state, now = r.after_failure(T0, now, attempts)
        if state == "dead":
            break
        assert now <= T0 + timedelta(days=1)
    assert 25 <= attempts <= 35


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body_and_replays_are_refused():
    body = b'{"type":"contract_signed"}'
    sig = r.signature("whsec_abc", 1765000000, body)
    assert sig == "sha256=" + __import__("hmac").new(b"whsec_abc", b"1765000000." + body, "sha256").hexdigest()
    assert r.verify("whsec_abc", "1765000000", body, sig, now=1765000000 + 299)
    assert not r.verify("whsec_abc", "1765000000", body, sig, now=1765000000 + 301)  # a replay
    assert not r.verify("whsec_abc", "1765000000", body + b" ", sig, now=1765000000)  # another body
    assert not r.verify("whsec_other", "1765000000", body, sig, now=1765000000)
    assert not r.verify("whsec_abc", "1765000001", body, sig, now=1765000000)  # another timestamp
    assert not r.verify("whsec_abc", "soon", body, sig, now=1765000000)


def test_personal_data_is_masked_unless_the_endpoint_is_granted_it():
    envelope = {"type": "contract_signed", "agency_id": 1, "actor": {"username": "zhang_adv"},
                "payload": {"deal_id": 3, "customer_name": "张三丰", "customer_phone": "13812345678",
                            "unit_label": "1号楼-0101",
                            "buyers": [{"name": "李四", "phone": "13987654321", "share": "100.00"}],
                            "id_number": "11010519900301244X"}}
    masked = json.loads(r.body_of(envelope, personal_data=False))
    assert masked["payload"]["customer_name"] == "张**" and masked["payload"]["customer_phone"] == "138****5678"
    assert masked["payload"]["buyers"] == [{"name": "李*", "phone": "139****4321", "share": "100.00"}]
    assert masked["payload"]["id_number"] == "110***********244X"
    assert masked["payload"]["unit_label"] == "1号楼-0101" and masked["actor"] == {"username": "zhang_adv"}
    assert json.loads(r.body_of(envelope, personal_data=True)) == envelope
    assert envelope["payload"]["customer_name"] == "张三丰"  # the event itself untouched


def test_endpoints_are_https_and_local_http_only_when_allowed():
    assert r.url_problem("https://crm.example.com/hooks/loupan", allow_local=False) is None
    assert r.url_problem("http://crm.example.com/hooks", allow_local=True) == "WEBHOOK_URL_NOT_HTTPS"
    assert r.url_problem("http://127.0.0.1:9000/h", allow_local=False) == "WEBHOOK_URL_NOT_HTTPS"
    assert r.url_problem("http://127.0.0.1:9000/h", allow_local=True) is None
    assert r.url_problem("http://localhost/h", allow_local=True) is None
    assert r.url_problem("ftp://example.com/x", allow_local=True) == "WEBHOOK_URL_INVALID"
    assert r.url_problem("https://user:pw@example.com/x", allow_local=False) == "WEBHOOK_URL_INVALID"
    assert r.url_problem("not a url", allow_local=False) == "WEBHOOK_URL_INVALID"


def test_a_2xx_is_delivered_anything_else_is_not():
    assert r.delivered(200) and r.delivered(204) and not r.delivered(301)
    assert not r.delivered(500) and not r.delivered(None)


def test_the_events_offered_are_the_catalogues_and_the_contracts():
    from loupan.events import CATALOGUE
    from loupan.schemas.gateway_webhooks import WEBHOOK_EVENT_TYPES

    assert set(r.EVENT_TYPES) == set(WEBHOOK_EVENT_TYPES)
    assert all(CATALOGUE[(t, 1)][0] == source for t, source in r.EVENT_TYPES.items())
