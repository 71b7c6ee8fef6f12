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


def test_a_rotated_secret_signs_beside_the_new_one_until_its_grace_period_ends():
    until = T0 + timedelta(hours=24)
    assert r.signing_secrets("whsec_new", "whsec_old", until, T0) == ["whsec_new", "whsec_old"]
    assert r.signing_secrets("whsec_new", "whsec_old", until, until - timedelta(seconds=1)) == ["whsec_new", "whsec_old"]
    assert r.signing_secrets("whsec_new", "whsec_old", until, until) == ["whsec_new"]
    assert r.signing_secrets("whsec_new", None, None, T0) == ["whsec_new"]
    body = b'{"type":"unit_held"}'
    both = r.signature_header(["whsec_new", "whsec_old"], 1765000000, body)
    assert both == f"{r.signature('whsec_new', 1765000000, body)}, {r.signature('whsec_old', 1765000000, body)}"
    # a receiver on either secret accepts it; one on a third, or a header of neither, does not
    assert r.verify("whsec_new", "1765000000", body, both, now=1765000000)
    assert r.verify("whsec_old", "1765000000", body, both, now=1765000000)
    assert not r.verify("whsec_other", "1765000000", body, both, now=1765000000)
    only_new = r.signature_header(["whsec_new"], 1765000000, body)
    assert only_new == r.signature("whsec_new", 1765000000, body)  # one secret: the header as before rotation
    assert not r.verify("whsec_old", "1765000000", body, only_new, now=1765000000)
    assert not r.verify("whsec_new", "1765000000", body, "", now=1765000000)
    assert not r.verify("whsec_new", "1765000000", body, " , ", now=1765000000)


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

    assert set(r.SUBSCRIBABLE) == set(WEBHOOK_EVENT_TYPES) == set(r.EVENT_TYPES) | {"unit_status_changed"}
    assert all(CATALOGUE[(t, 1)][0] == source for t, source in r.EVENT_TYPES.items())
    assert set(r.UNIT_MOVES) <= set(r.EVENT_TYPES)  # derived from events the gateway consumes


def test_unit_status_changed_follows_inventorys_status_machine():
    """Each (from, to) a unit event implies is a move inventory's status machine has."""
    from services.inventory.unit_rules import MOVES

    for event_type, (frm, to) in r.UNIT_MOVES.items():
        if event_type == "deal_unit_swapped":
            continue  # two units: below
        if frm is not None:
            assert (frm, to) in MOVES, event_type
        else:
            assert any(t == to for _, t in MOVES), event_type
    for frm in ("subscribed", "signed", "filed"):  # 退房 from each deal status the event names
        assert (frm, "available") in MOVES
    for status in ("subscribed", "signed"):  # 换房 (services/inventory/deals.py SWAPPABLE)
        for change in r.unit_status_changes("deal_unit_swapped", {
                "deal_id": 3, "from_unit_id": 4, "to_unit_id": 5, "deal_status": status}):
            assert (change["from_status"], change["to_status"]) in MOVES


def test_unit_status_changed_one_per_unit_moved():
    assert r.unit_status_changes("units_released", {"unit_ids": [4, 5]}) == [
        {"unit_id": 4, "from_status": "unreleased", "to_status": "available"},
        {"unit_id": 5, "from_status": "unreleased", "to_status": "available"}]
    held = {"hold_id": 9, "unit_id": 4, "unit_label": "1号楼-0101", "customer_name": "张三", "customer_phone": "138"}
    assert r.unit_status_changes("unit_held", held) == [
        {"unit_id": 4, "unit_label": "1号楼-0101", "hold_id": 9, "from_status": "available", "to_status": "held"}]
    assert r.unit_status_changes("unit_hold_expired", held)[0]["to_status"] == "available"
    deal = {"deal_id": 3, "unit_id": 4}
    assert [(c["from_status"], c["to_status"], c["deal_id"]) for c in
            [*r.unit_status_changes("subscription_approved", dict(deal, hold_id=None)),
             *r.unit_status_changes("contract_signed", deal), *r.unit_status_changes("contract_filed", deal),
             *r.unit_status_changes("unit_handed_over", deal)]] == [
        (None, "subscribed", 3), ("subscribed", "signed", 3), ("signed", "filed", 3), ("filed", "delivered", 3)]
    assert r.unit_status_changes("deal_cancelled", dict(deal, from_status="signed"))[0]["from_status"] == "signed"
    assert r.unit_status_changes("deal_cancelled", dict(deal, from_status=None))[0]["from_status"] is None
    assert r.unit_status_changes("deal_cancelled", dict(deal, from_status="submitted")) == []  # never on the unit
    assert r.unit_status_changes("payment_received", deal) == []
    swapped = {"deal_id": 3, "from_unit_id": 4, "to_unit_id": 5, "to_unit_label": "1号楼-0502", "deal_status": "signed",
               "new_price": "1000000.00", "advisor_id": 7}
    assert r.unit_status_changes("deal_unit_swapped", swapped) == [  # 换房: the deal leaves 4 and takes 5
        {"deal_id": 3, "unit_id": 4, "from_status": "signed", "to_status": "available"},
        {"deal_id": 3, "unit_id": 5, "unit_label": "1号楼-0502", "from_status": "available", "to_status": "signed"}]


def test_unit_status_changed_envelope_is_its_own_event_and_carries_no_person():
    cause = {"event_id": "5f0c5b9e-2a5b-4f39-9c57-1d6f0d8d2a11", "type": "unit_held", "version": 1,
             "occurred_at": "2026-12-06T08:00:00+00:00", "agency_id": 1, "project_id": 7, "actor": None,
             "payload": {"hold_id": 9, "unit_id": 4, "unit_label": "1号楼-0101", "customer_name": "张三"}}
    (change,) = r.unit_status_changes("unit_held", cause["payload"])
    derived = r.unit_status_envelope(cause, change)
    assert derived == r.unit_status_envelope(cause, change)  # a duplicate of the cause: the same id
    assert derived["event_id"] != cause["event_id"] and derived["type"] == "unit_status_changed"
    assert (derived["agency_id"], derived["project_id"], derived["occurred_at"]) == (1, 7, cause["occurred_at"])
    assert derived["payload"] == {"unit_id": 4, "unit_label": "1号楼-0101", "hold_id": 9, "from_status": "available",
                                  "to_status": "held", "cause": "unit_held", "cause_event_id": cause["event_id"]}
    other = r.unit_status_envelope(cause, dict(change, unit_id=5))
    assert other["event_id"] != derived["event_id"]
