"""The error codes the OpenAPI lists per route are read from the code (gateway/error_codes.py),
in-process, no system: the scan reads every construction it meets (none left to guess), a
code has one status, the codes a route's summary names are in its list, and known routes list
what their handlers and RPCs raise (a customer of another advisor, a taken unit, a 404 made
from the record's kind) and nothing of a step they do not go through. tests/conftest.py checks, in every system test, that each
error answer a test gets is listed for its route."""
import re

import pytest

import gateway.service  # noqa: F401 - importing the service declares every route
from gateway import error_codes, openapi
from gateway.http import ROUTES

CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


@pytest.fixture(scope="module")
def doc():
    return openapi.document()


def listed(doc, method, path):
    responses = doc["paths"][path][method]["responses"]
    return {(int(status), code) for status, answer in responses.items() for code in answer.get("x-error-codes", ())}


def test_the_scan_reads_every_code_it_meets():
    unread = set()
    for method, url, opts in ROUTES:
        unread |= set(error_codes.route_reach(opts["module"], opts["handler"]).dynamic)
    assert unread == set(), "name them in gateway/error_codes.py DYNAMIC, or make the code a literal"
    scan = error_codes.scan()
    assert set(scan.loose) <= set(error_codes.LOOSE), "errors built outside a function: say where they go"


def test_every_route_lists_its_codes_by_status_and_they_name_the_right_status(doc):
    statuses = {}
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            errors = {s: r for s, r in operation["responses"].items() if int(s) >= 400}
            assert errors, (method, path)
            for status, answer in errors.items():
                codes = answer["x-error-codes"]
                assert codes and codes == sorted(codes), (method, path, status)
                assert answer["description"].endswith(", ".join(codes)), (method, path, status)
                for code in codes:
                    statuses.setdefault(code, set()).add(int(status))
    # a code means one status wherever it is sent
    assert {code: s for code, s in statuses.items() if len(s) > 1} == {}


def test_the_codes_a_summary_names_are_the_route_s(doc):
    wrong = []
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            named = set(CODE.findall(operation.get("summary", ""))) - {"X_TOTAL_COUNT"}
            named = {c for c in named if not c.endswith(("_SECONDS", "_DAYS", "_MINUTES"))}
            codes = {code for _, code in listed(doc, method, path)}
            wrong += [(method, path, code) for code in sorted(named - codes)]
    assert wrong == []


def test_known_routes_list_what_their_code_raises(doc):
    customer = listed(doc, "get", "/api/customers/{customer_id}")
    # crm's get_in_scope(..., "customer") -> not_found("customer") -> CUSTOMER_NOT_FOUND
    assert {(403, "CUSTOMER_NOT_YOURS"), (404, "CUSTOMER_NOT_FOUND"), (404, "NOT_FOUND"),
            (401, "TOKEN_MISSING"), (403, "ROLE_FORBIDDEN"), (503, "SERVICE_UNAVAILABLE")} <= customer
    assert (403, "NOT_OWNER") not in customer  # the follow-up's and the change's, not the read's
    follow_up = listed(doc, "post", "/api/customers/{customer_id}/follow-ups")
    assert {(403, "NOT_OWNER"), (400, "FOLLOW_UP_IN_FUTURE"), (415, "UNSUPPORTED_MEDIA_TYPE"),
            (422, "IDEMPOTENCY_KEY_REUSED")} <= follow_up
    hold = listed(doc, "post", "/api/units/{unit_id}/holds")
    assert {(409, "UNIT_NOT_AVAILABLE"), (429, "RATE_LIMITED"), (422, "NO_PRESALE_PERMIT")} <= hold
    # codes made of a constant argument (hr's _staff(..., ADVISOR, ...)) and from a table (DealMove)
    all_codes = {code for path, methods in doc["paths"].items() for method in methods
                 for _, code in listed(doc, method, path)}
    assert {"NOT_ADVISOR_OF_PROJECT", "NOT_SUPERVISOR_OF_PROJECT", "DEAL_NOT_SUBMITTED"} <= all_codes
    # contracts hands its inventory proxy on: the 换房's refusal by inventory is the approval's
    assert (409, "UNIT_NOT_AVAILABLE") in listed(doc, "post", "/api/changes/{change_id}/approve")


def test_a_route_lists_only_the_steps_it_goes_through(doc):
    login = listed(doc, "post", "/api/auth/login")
    assert (401, "BAD_CREDENTIALS") in login and (429, "RATE_LIMITED") in login
    assert not {code for _, code in login} & {"TOKEN_MISSING", "ROLE_FORBIDDEN", "IDEMPOTENCY_KEY_REUSED"}
    board = listed(doc, "get", "/api/projects/{project_id}/board")
    assert (403, "PROJECT_FORBIDDEN") in board
    assert not {s for s, _ in board} & {415, 429}
    # a read carries no command id (gateway/http.py SAFE_METHODS): loupan.commands never refuses it
    for path, methods in doc["paths"].items():
        if "get" in methods:
            assert not {c for _, c in listed(doc, "get", path)} & {"COMMAND_IN_PROGRESS", "COMMAND_ID_REUSED"}, path
