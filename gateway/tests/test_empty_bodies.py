"""No body is the empty object: a route whose fields are all optional (approve or reject
with an optional note) takes a request without one, a route that needs a field answers
which (400 VALIDATION_ERROR, not INVALID_JSON), and the OpenAPI says which bodies are
required, the same rule."""
import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway import openapi
from gateway.http import ROUTES, body_required, parse_body
from loupan.errors import Invalid
from loupan.schemas.contracts_deals import DealRejectIn
from loupan.schemas.hr_attendance import LeaveDecisionIn


def request(data, content_type=None):
    return Request(EnvironBuilder(method="POST", data=data, content_type=content_type).get_environ())


@pytest.mark.parametrize("data,content_type", [(b"", None), (b"", "application/json"), (b"  \n", "application/json")])
def test_no_body_is_the_empty_object(data, content_type):
    assert parse_body(request(data, content_type), LeaveDecisionIn) == {}
    with pytest.raises(Invalid) as err:
        parse_body(request(data, content_type), DealRejectIn)
    assert err.value.code == "VALIDATION_ERROR" and "note" in str(err.value)


def test_a_malformed_body_is_still_invalid_json():
    with pytest.raises(Invalid) as err:
        parse_body(request(b"{oops", "application/json"), LeaveDecisionIn)
    assert err.value.code == "INVALID_JSON"


def test_the_openapi_requires_a_body_only_when_a_field_is_required():
    import gateway.service  # noqa: F401  (the routes register at import)

    document = openapi.document()
    optional = set()
    for method, url, opts in ROUTES:
        if opts["body"] is None:
            continue
        body = document["paths"][openapi._openapi_path(url)[0]][method.lower()]["requestBody"]
        assert body["required"] is body_required(opts["body"]), url
        if not body["required"]:
            optional.add(url)
    assert {"/api/leave-requests/<int:leave_id>/approve", "/api/leave-requests/<int:leave_id>/reject",
            "/api/subscriptions/<int:deal_id>/approve", "/api/changes/<int:change_id>/approve",
            "/api/discount-requests/<int:request_id>/approve"} <= optional
    assert "/api/subscriptions/<int:deal_id>/reject" not in optional
