"""The gateway's error table (gateway/http.py `error_response`), one case per kind of
error: every DomainError subclass in loupan.errors (walked, so a new one is covered the day
it is added), the outages that are a 503, werkzeug's HTTP errors, and anything else, which
is a 500 that names a reference and never the exception's text."""
import inspect
import json

import pytest
from kombu.exceptions import OperationalError as AmqpConnectionError
from nameko.exceptions import RemoteError
from sqlalchemy.exc import InterfaceError, OperationalError
from werkzeug.exceptions import MethodNotAllowed, NotFound, RequestEntityTooLarge

from gateway.http import JsonRoute, error_response
from gateway.ratelimit import RateLimited
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
