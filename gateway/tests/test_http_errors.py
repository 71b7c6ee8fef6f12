"""The gateway's error table (gateway/http.py `error_response`), one case per kind of
error: every DomainError subclass in loupan.errors (walked, so a new one is covered the day
it is added), the outages that are a 503, werkzeug's HTTP errors, and anything else, which
is a 500 that names a reference and never the exception's text; then what front-ends rely
on: the pinned statuses, a domain error's type across RPC, and the refusals of a body, a
path id and the protocol layer, all in the same `{"error": CODE, "message": ...}` shape."""
import inspect
import json

import pytest
from kombu.exceptions import OperationalError as AmqpConnectionError
from marshmallow import Schema, fields
from nameko.exceptions import RemoteError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http import MAX_BODY_BYTES, MAX_ID, MAX_JSON_DEPTH, JsonRoute, error_response, parse_body
from gateway.ratelimit import RateLimited
from gateway.server import raw_answer
from loupan import errors

DOMAIN_ERRORS = [cls for _, cls in inspect.getmembers(errors, inspect.isclass)
                 if issubclass(cls, errors.DomainError)]


def answer(exc):
    response = error_response(exc)
    assert response.mimetype == "application/json"
    return response.status_code, json.loads(response.get_data(as_text=True))


def test_every_domain_error_is_walked():
    assert {c.__name__ for c in DOMAIN_ERRORS} >= {
        "DomainError", "Invalid", "Unauthenticated", "Forbidden", "NotFound", "Conflict", "RuleViolated",
        "TooLarge", "Unavailable"}


@pytest.mark.parametrize("cls", DOMAIN_ERRORS, ids=lambda c: c.__name__)
def test_a_domain_error_is_its_status_with_its_code_and_message(cls):
    assert answer(cls("房源 101 已被预留", "UNIT_HELD")) == (cls.status, {"error": "UNIT_HELD",
                                                                        "message": "房源 101 已被预留"})
    assert answer(cls("no code given")) == (cls.status, {"error": cls.default_code, "message": "no code given"})
    assert 400 <= cls.status < 600


@pytest.mark.parametrize("exc", [
    ConnectionRefusedError(111, "Connection refused"),
    AmqpConnectionError("broker gone"),
    OperationalError("SELECT 1", {}, Exception("server closed the connection")),
    InterfaceError("SELECT 1", {}, Exception("connection already closed")),
    RemoteError("OperationalError", "could not connect to server"),
    RemoteError("InterfaceError", "connection already closed"),
], ids=lambda e: type(e).__name__ + (f"({e.exc_type})" if isinstance(e, RemoteError) else ""))
def test_an_outage_is_503_service_unavailable_without_its_details(exc):
    status, body = answer(exc)
    assert status == 503 and body["error"] == "SERVICE_UNAVAILABLE"
    assert "refused" not in body["message"] and "closed" not in body["message"]


@pytest.mark.parametrize("exc,status,code", [
    (NotFound(), 404, "NOT_FOUND"), (MethodNotAllowed(valid_methods=["GET"]), 405, "METHOD_NOT_ALLOWED"),
    (RequestEntityTooLarge(), 413, "REQUEST_ENTITY_TOO_LARGE"),
], ids=lambda v: type(v).__name__ if isinstance(v, Exception) else str(v))
def test_an_http_error_is_its_status_as_json(exc, status, code):
    got, body = answer(exc)
    assert (got, body["error"]) == (status, code) and body["message"]


@pytest.mark.parametrize("exc", [KeyError("password_hash"), RemoteError("ValueError", "secret detail"),
                                 ZeroDivisionError("division by zero")], ids=lambda e: type(e).__name__)
def test_anything_else_is_500_with_a_reference_and_no_internals(exc):
    status, body = answer(exc)
    assert status == 500 and body["error"] == "INTERNAL" and "ref " in body["message"]
    assert "password_hash" not in body["message"] and "secret" not in body["message"]


def test_a_rate_limit_is_429_and_says_when_to_come_back():
    response = JsonRoute.response_from_exception(None, RateLimited(7.2))  # self is not used
    assert response.status_code == 429 and response.headers["Retry-After"] == "8"
    assert json.loads(response.get_data(as_text=True))["error"] == "RATE_LIMITED"


# What front-ends rely on: a status or default code changed here breaks clients and must say so.
PINNED = {"DomainError": (400, "BAD_REQUEST"), "Invalid": (400, "INVALID"),
          "Unauthenticated": (401, "UNAUTHENTICATED"), "Forbidden": (403, "FORBIDDEN"),
          "NotFound": (404, "NOT_FOUND"), "Conflict": (409, "CONFLICT"), "TooLarge": (413, "TOO_LARGE"),
          "RuleViolated": (422, "RULE_VIOLATED"), "Unavailable": (503, "SERVICE_UNAVAILABLE")}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_statuses_front_ends_rely_on_stay(name):
    cls = getattr(errors, name)
    assert (cls.status, cls.default_code) == PINNED[name]


@pytest.mark.parametrize("cls", DOMAIN_ERRORS, ids=lambda c: c.__name__)
def test_a_domain_error_keeps_its_type_across_rpc(cls):
    """A service raises it, nameko serialises it, and the gateway gets the same class back
    (registered with deserialize_to_instance): the service's status, not a 500 RemoteError."""
    from nameko.exceptions import deserialize, get_module_path, registry, serialize

    assert registry.get(get_module_path(cls)) is cls
    arrived = deserialize(serialize(cls("unit 7 is held", "UNIT_NOT_AVAILABLE")))
    assert type(arrived) is cls
    assert answer(arrived) == (cls.status, {"error": "UNIT_NOT_AVAILABLE", "message": "unit 7 is held"})


class UnitIn(Schema):
    unit_number = fields.String(required=True)


@pytest.mark.parametrize("data,content_type,status,code", [
    ('{"unit_number": "1201"}', "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("x" * (MAX_BODY_BYTES + 1), "application/json", 413, "BODY_TOO_LARGE"),
    ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "application/json", 400, "TOO_DEEP"),
    ('{"unit_number": ', "application/json", 400, "INVALID_JSON"),
    ('["1201"]', "application/json", 400, "INVALID_JSON"),
    ('{"unit_number": 1201}', "application/json", 400, "VALIDATION_ERROR"),
    ('{"unit_number": "12\\u000001"}', "application/json", 400, "VALIDATION_ERROR"),
], ids=["media-type", "too-large", "too-deep", "not-json", "not-an-object", "contract", "control-char"])
def test_a_body_is_refused_before_any_rpc_in_the_same_shape(data, content_type, status, code):
    request = Request(EnvironBuilder(method="POST", data=data, content_type=content_type).get_environ())
    with pytest.raises(errors.DomainError) as refused:
        parse_body(request, UnitIn)
    got, body = answer(refused.value)
    assert (got, body["error"]) == (status, code) and set(body) == {"error", "message"} and body["message"]


@pytest.mark.parametrize("value", [0, MAX_ID + 1])
def test_an_id_in_the_path_outside_the_id_range_is_404(value):
    request = Request(EnvironBuilder(path=f"/api/units/{value}").get_environ())
    request.path_values = {"unit_id": value}
    with pytest.raises(errors.NotFound) as refused:
        JsonRoute.get_entrypoint_parameters(None, request)  # the range check runs before self is used
    assert answer(refused.value) == (404, {"error": "NOT_FOUND", "message": f"unit_id {value} not found"})


def test_the_protocol_layer_refuses_in_the_same_shape():
    """Refusals before any WSGI app runs (a request line too long, bad headers) are JSON too."""
    head, _, payload = raw_answer(414, "URI_TOO_LONG", "the request line is too long").partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414 ") and b"Content-Type: application/json" in head
    assert json.loads(payload) == {"error": "URI_TOO_LONG", "message": "the request line is too long"}
