"""CORS headers only for configured origins; preflights list methods and headers."""
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.cors import allowed_origins, headers_for


def request(origin=None):
    headers = {"Origin": origin} if origin else {}
    return Request(EnvironBuilder(path="/api/projects", headers=headers).get_environ())


def test_no_configuration_means_no_cors_headers():
    assert allowed_origins({}) == frozenset()
    assert allowed_origins({"CORS_ORIGINS": None}) == frozenset()
    assert headers_for(request("https://app.example.com"), allowed_origins({})) == {}


def test_allowed_origin_gets_headers_others_none():
    origins = allowed_origins({"CORS_ORIGINS": "https://app.example.com/, http://localhost:5173"})
    ok = headers_for(request("https://app.example.com"), origins)
    assert ok["Access-Control-Allow-Origin"] == "https://app.example.com"
    assert "X-Total-Count" in ok["Access-Control-Expose-Headers"]
    assert "Retry-After" in ok["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Methods" not in ok
    assert headers_for(request("https://evil.example.com"), origins) == {}
    assert headers_for(request(), origins) == {}


def test_preflight_lists_methods_and_headers():
    origins = allowed_origins({"CORS_ORIGINS": "*"})
    pre = headers_for(request("http://any.example"), origins, preflight=True)
    assert pre["Access-Control-Allow-Origin"] == "http://any.example"
    assert "POST" in pre["Access-Control-Allow-Methods"]
    for header in ("Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"):
        assert header in pre["Access-Control-Allow-Headers"]
