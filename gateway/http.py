"""The gateway's HTTP entrypoint: JSON in and out, authentication and role checks before a
worker runs, and one table from domain errors to HTTP statuses and stable error codes."""
import json
import logging
import re
import uuid
from functools import partial

from amqp.exceptions import ConnectionError as AmqpConnectionError
from eventlet.event import Event
from kombu.exceptions import OperationalError as BrokerUnreachable
from marshmallow import Schema
from nameko.exceptions import RemoteError
from nameko.web.handlers import HttpRequestHandler
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from prometheus_client import Counter

from gateway import idempotency
from gateway.auth import actor_from_request, current_actor
from gateway.cors import allowed_origins, headers_for
from gateway.idempotency import DEFAULT_TTL
from gateway.paging import Paging
from gateway.ratelimit import RATED, RateLimited, RateLimits
from gateway.roles import roles_of
from loupan import logs, tracing
from loupan.schemas import flatten, schema_instance
from loupan.db import Database
from loupan.errors import Busy, DomainError, Forbidden, Invalid, NotFound, TooLarge
from loupan.ops import metric
from loupan.roles import PUBLIC, require_role

log = logging.getLogger(__name__)
ROUTES = []  # (method, path, options): filled at import by @route, read by the OpenAPI builder
MAX_ID = 2**63 - 1
MAX_BODY_BYTES = 10 * 1024 * 1024  # the largest upload (an .xlsx); see gateway/server.py
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")  # no command id: a read is not a command
# A dependency that is down (broker, the gateway's or a service's database) is a 503 the
# front-end may retry, not an internal error: tests/reliability/test_outages.py.
OUTAGES = (ConnectionError, BrokerUnreachable, AmqpConnectionError, OperationalError, InterfaceError)
REMOTE_OUTAGES = {"OperationalError", "InterfaceError"}


def json_response(status, payload, headers=None):
    return Response(json.dumps(payload, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def error_response(exc):
    """DomainError -> its status and code; anything else -> 500 without internals."""
    if isinstance(exc, PoolTimeout):  # a pool not made by make_engine: overload all the same
        exc = Busy("the database's connections are all in use; retry shortly")
    if isinstance(exc, DomainError):
        retry = {"Retry-After": "1"} if exc.status == 503 else None  # busy or away: retry shortly
        if getattr(exc, "retry_after", None) is not None:  # e.g. QueueFull: the service says when
            retry = {"Retry-After": str(exc.retry_after)}
        return json_response(exc.status, {"error": exc.code, "message": exc.message}, headers=retry)
    if isinstance(exc, OUTAGES) or (isinstance(exc, RemoteError) and exc.exc_type in REMOTE_OUTAGES):
        log.warning("dependency unavailable: %r", exc)
        return json_response(503, {"error": "SERVICE_UNAVAILABLE",
                                   "message": "a service or its database is unavailable; retry shortly"})
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").upper().replace(" ", "_")
        return json_response(exc.code or 500, {"error": code, "message": exc.description or exc.name})
    error_id = uuid.uuid4().hex[:12]
    log.error("unhandled error %s: %r", error_id, exc, exc_info=exc)
    return json_response(500, {"error": "INTERNAL", "message": f"internal error (ref {error_id})"})


class JsonRoute(HttpRequestHandler):
    def __init__(self, method, url, roles=None, body=None, query=None, response=None,
                 status=200, summary="", many=False, raw_body=None, location=None, authenticate=None, **kwargs):
        self.roles = roles
        # a public route's own credential (a buyer's session), checked before its body is read
        self.authenticate = authenticate
        self.location = location  # e.g. "/api/imports/{id}": the answer's Location, from its fields
        # a body over the gateway's limit is refused before it is read (gateway/server.py)
        self.too_large_code = "SPREADSHEET_TOO_LARGE" if raw_body else "BODY_TOO_LARGE"
        self.body_schema = body
        self.query_schema = query
        self.response_schema = response
        self.status = status
        self.summary = summary
        self.paging = Paging(response, query) if many and method == "GET" else None
        self.rated = RATED.get((method, url))
        kwargs.setdefault("expected_exceptions", DomainError)  # a 4xx is not a server error
        super().__init__(method, url, **kwargs)

    def get_url_rule(self):
        # every route also answers the CORS preflight of its URL (see handle_request)
        return Rule(self.url, methods=self.method.split(",") + ["OPTIONS"])

    def setup(self):
        super().setup()
        self.responses = metric(Counter, "loupan_gateway_http_responses_total",
                                "HTTP responses by route and status class.", ("route", "status"))
        # the service's own database: account states (see current_actor), idempotency keys, rate counters
        self.database = next(d for d in self.container.dependencies if isinstance(d, Database))
        config = self.container.config
        self.cors_origins = allowed_origins(config)
        self.proxy_hops = int(config.get("TRUSTED_PROXY_HOPS") or 0)
        self.idempotency_ttl = int(config.get("IDEMPOTENCY_TTL_SECONDS") or DEFAULT_TTL)
        self.limits = _process_limits(self.container, lambda: self.database.engine)

    def handle_request(self, request):
        request.shallow = False
        request_id = request_id_of(request)
        logs.context.request_id = request_id
        request.span = tracing.start_http(request, self.url, request_id)  # None unless tracing is on
        try:
            if request.method == "OPTIONS":
                response = Response(status=204)
            else:
                response = self._answer(request, request_id)
        except BaseException:
            tracing.end_http(request.span, 500)
            raise
        tracing.end_http(request.span, response.status_code)
        response.headers.update(headers_for(request, self.cors_origins, request.method == "OPTIONS"))
        response.headers["X-Request-Id"] = request_id
        self.responses.labels(self.method_name, f"{response.status_code // 100}xx").inc()
        if response.status_code >= 400:
            log.info("%s %s -> %s", request.method, request.path, response.status_code)
        return response

    def _answer(self, request, request_id):
        owned = None  # (account id, key) of an Idempotency-Key this request claimed
        try:
            args, kwargs = self.get_entrypoint_parameters(request)
            self.check_signature(args, kwargs)
            if request.method == "POST" and "actor" in kwargs:
                key = idempotency.key_of(request)
                if key is not None:
                    account_id = kwargs["actor"]["account_id"]
                    stored = idempotency.claim(self.database.engine, account_id, key,
                                               idempotency.fingerprint(request), self.idempotency_ttl)
                    if stored is not None:
                        return Response(stored[1], status=stored[0], mimetype="application/json",
                                        headers={"Idempotency-Replayed": "true"})
                    owned = (account_id, key)
            event = Event()
            context_data = {"request_id": request_id}
            if request.span is not None:  # the worker's span is the child of the request's
                context_data[tracing.KEY] = tracing.traceparent_of(request.span)
            if request.method not in SAFE_METHODS and "actor" in kwargs:
                context_data["command_id"] = command_id_of(request_id, owned)
            self.container.spawn_worker(self, args, kwargs, context_data=context_data,
                                        handle_result=partial(self.handle_result, event))
            response = self.response_from_result(event.wait(), request)
        except Exception as exc:  # mapped to a JSON error, never a stack trace
            response = self.response_from_exception(exc)
        counted = getattr(request, "login_counted", None)
        if counted is not None and response.status_code != 401:
            try:  # only a wrong password counts against the login limits
                self.limits.refund(counted)
            except Exception as exc:  # noqa: BLE001 - the answer stands; the count stays
                log.warning("could not give back a login's rate count: %r", exc)
        if owned is not None:
            try:
                idempotency.finish(self.database.engine, *owned, response)
            except Exception as exc:  # noqa: BLE001 - the answer stands; the claim goes stale
                log.warning("could not store the idempotent answer: %r", exc)
        return response

    def get_entrypoint_parameters(self, request):
        for name, value in request.path_values.items():
            if isinstance(value, int) and not 0 < value <= MAX_ID:
                raise NotFound(f"{name} {value} not found", "NOT_FOUND")
        args, kwargs = super().get_entrypoint_parameters(request)
        kwargs = dict(kwargs)
        if self.roles != PUBLIC:
            actor = actor_from_request(request, self.container.config)
            actor = current_actor(self.database.engine, actor, request.method,
                                  self.container.config.get("ACCOUNT_STATE_STALE_SECONDS", 10))
            require_role(actor, self.roles)
            project_id = kwargs.get("project_id")
            if project_id is not None and actor["project_ids"] is not None \
                    and project_id not in actor["project_ids"]:
                raise Forbidden(f"no access to project {project_id}", "PROJECT_FORBIDDEN")
            kwargs["actor"] = actor
            if self.rated == "holds":
                self.limits.holds(actor["account_id"], client_ip(request, self.proxy_hops))
        if self.authenticate is not None:  # 401 before a body is read: nothing about it is told first
            request.authenticated = self.authenticate(self.database.engine, request)
        if self.body_schema is not None:
            kwargs["body"] = parse_body(request, self.body_schema)
            if self.rated == "login":
                request.login_counted = self.limits.login_attempt(
                    str(kwargs["body"].get("username", "")), client_ip(request, self.proxy_hops))
        if self.rated == "buyers":
            self.limits.buyers(client_ip(request, self.proxy_hops))
        query = request.args.to_dict()
        sane(query, "query")  # every parameter, the paging's and the ignored ones too
        if self.paging is not None:
            mine, query = self.paging.split(query)
            request.paging = self.paging.parse(mine)
        if self.query_schema is not None:
            kwargs["query"] = validated(self.query_schema, query, "query")
        return args, kwargs

    def response_from_result(self, result, request=None):
        if isinstance(result, Response):
            return result
        headers = None
        if self.paging is not None and isinstance(result, list) and request is not None:
            result, total = self.paging.apply(result, request.paging)
            if total is not None:
                headers = {"X-Total-Count": str(total)}
        if self.location is not None and isinstance(result, dict):
            headers = dict(headers or {}, Location=self.location.format(**result))
        return json_response(self.status, result, headers)

    def response_from_exception(self, exc):
        response = error_response(exc)
        if isinstance(exc, RateLimited):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response


def _process_limits(container, engine):
    """One set of limits per gateway container, shared by its routes."""
    limits = getattr(container, "loupan_rate_limits", None)
    if limits is None:
        limits = container.loupan_rate_limits = RateLimits(container.config, engine)
    return limits


REQUEST_ID = re.compile(r"[^A-Za-z0-9._:-]")


def command_id_of(request_id, owned=None):
    """The id that keys the state-changing RPC of this request in the service (loupan.commands):
    the client's Idempotency-Key, per account (`owned`), so that a retry answers the first
    outcome; else the request id with a random tail (the caller may repeat an X-Request-Id)."""
    if owned is not None:
        return f"key:{owned[0]}:{owned[1]}"
    return f"req:{request_id}:{uuid.uuid4().hex[:12]}"


def request_id_of(request):
    """The caller's X-Request-Id (sanitised, at most 64 characters) or a new one."""
    given = REQUEST_ID.sub("", request.headers.get("X-Request-Id", ""))[:64]
    return given or uuid.uuid4().hex


def client_ip(request, proxy_hops):
    """The client's address; behind `proxy_hops` trusted proxies, the address the outermost
    of them saw (X-Forwarded-For, counted from the right: the left part is the client's word)."""
    if proxy_hops > 0:
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        if len(hops) >= proxy_hops:
            return hops[-proxy_hops]
    return request.remote_addr or "unknown"


class UnsupportedMediaType(DomainError):
    status = 415
    default_code = "UNSUPPORTED_MEDIA_TYPE"


MAX_JSON_DEPTH = 32  # arrays and objects inside each other; no contract nests beyond 4
JSON_STRING = re.compile(r'"(?:[^"\\]++|\\.)*+"')  # possessive: no backtracking on hostile text
NOT_BRACKET = re.compile(r"[^\[\]{}]+")
AS_BRACKETS = str.maketrans("{}", "[]")  # the depth does not care which; the parser will


def too_deep(text, limit=MAX_JSON_DEPTH):
    """True if JSON `text` nests arrays/objects deeper than `limit`, decided before parsing
    (json.loads recurses once per level: deep enough, it raises RecursionError, a 500). Strings
    are dropped, then each pass removes the innermost pairs (after `k` passes, a run of
    limit + 1 - k openings proves it at once): at most `limit` C-speed scans, under 0.3 s for
    10 MB of brackets. Malformed brackets answer False and are left to the parser."""
    if text.count("[") + text.count("{") <= limit:
        return False
    brackets = NOT_BRACKET.sub("", JSON_STRING.sub("", text)).translate(AS_BRACKETS)
    for k in range(limit):
        if "[" * (limit + 1 - k) in brackets:
            return True
        inner = brackets.replace("[]", "")
        if not inner or inner == brackets:
            return False
        brackets = inner
    return True


SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # \ud800-\udfff: a pair is text, one alone is not
SURROGATE = re.compile("[\ud800-\udfff]")
UTF8 = ("utf-8", "utf8")


def bad_text(message):
    return Invalid(message, "BAD_TEXT")


def lone_surrogate(value):
    """True if a string anywhere in parsed JSON (keys included) holds half a surrogate pair:
    json.loads makes one of `"\ud800"`, and no database, log or answer can encode it."""
    if isinstance(value, str):
        return SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(lone_surrogate(k) or lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(lone_surrogate(item) for item in value)
    return False


def body_required(schema):
    """Whether a body of `schema` must be sent: an absent one is {} (parse_body)."""
    return any(field.required for field in schema_instance(schema).fields.values())


def parse_body(request, schema):
    mimetype = request.mimetype  # "" when the client sends no Content-Type: taken as JSON
    if mimetype and mimetype != "application/json" and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"the body must be application/json, not {mimetype[:100]}")
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in UTF8:
        raise UnsupportedMediaType(f"the body must be UTF-8, not {charset[:40]}")
    try:
        data = request.get_data()
    except RequestEntityTooLarge:
        data = None
    if data is None or len(data) > MAX_BODY_BYTES:  # chunked: gateway/server.py stops it there
        raise TooLarge("the body is larger than 10 MB", "BODY_TOO_LARGE")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_text("the body is not UTF-8 text") from None
    if too_deep(text):
        raise Invalid(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels", "TOO_DEEP")
    if not text.strip():
        # no body is the empty object: a route whose fields are all optional (an approval with
        # no note) takes it, one that needs a field says which (VALIDATION_ERROR)
        return validated(schema, {})
    try:
        data = json.loads(text)
    except RecursionError:
        raise Invalid(f"the JSON nests deeper than {MAX_JSON_DEPTH} levels", "TOO_DEEP") from None
    except ValueError:
        raise Invalid("the body is not valid JSON", "INVALID_JSON") from None
    if SURROGATE_ESCAPE.search(text) and lone_surrogate(data):
        raise bad_text("the body holds half a surrogate pair (a \\ud800-\\udfff escape alone): not text")
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object", "INVALID_JSON")
    return validated(schema, data)


def validated(schema, data, where="body"):
    """Check `data` against the contract schema; pass the raw dict on (the service loads it
    again: it trusts no caller, and raw JSON travels over RPC where Decimals would not)."""
    errors = schema_instance(schema).validate(data)
    if errors:
        raise Invalid(flatten(errors), "VALIDATION_ERROR")
    sane(data, where)
    return data


INT64 = 2**63
DATE_LIKE = re.compile(r"^(\d{4})-(\d{2}(-\d{2}([T ].*)?)?|[QqWwHh]\d{1,2})$")  # day, month, quarter, week
YEARS = range(1900, 2200)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # as openpyxl refuses them: tab, LF, CR pass
NUMBER = re.compile(r"^\s*[+-]?[0-9]+\s*$")
# text a number could be read from (int(), Decimal(), a date, a mobile) with a digit other than
# 0-9: int("１") and int("١") are 1, so an id of full-width or Arabic-Indic digits reached record 1
FOREIGN_DIGITS = re.compile(r"^\s*[+-]?\d[\d\s_.,:/+-]*$")


def sane(value, where="body"):
    """Refuse what no business uses and a database or date arithmetic cannot take, whatever
    the field: control characters (NUL breaks PostgreSQL text, the others the .xlsx exports),
    integers beyond 64 bits (bigint columns), dates, months and quarters outside 1900-2199
    (year 0, or 9999-12-31 plus a day)."""
    if isinstance(value, dict):
        for key, item in value.items():
            sane(item, f"{where}.{key}")
    elif isinstance(value, list):
        for item in value:
            sane(item, where)
    elif isinstance(value, str):
        if CONTROL.search(value):
            raise Invalid(f"{where}: control characters are not allowed", "VALIDATION_ERROR")
        if not value.isascii() and FOREIGN_DIGITS.match(value):
            raise Invalid(f"{where}: a number (an integer, an id, an amount, a date) is written in "
                          "ASCII digits 0-9", "VALIDATION_ERROR")
        if where.startswith("query") and NUMBER.match(value):
            sane(int(value), where)  # a query's numbers arrive as text
        match = DATE_LIKE.match(value)
        if match and int(match.group(1)) not in YEARS:
            raise Invalid(f"{where}: the year must be between 1900 and 2199", "VALIDATION_ERROR")
    elif isinstance(value, int) and not isinstance(value, bool) and not -INT64 <= value < INT64:
        raise Invalid(f"{where}: the number is too large", "VALIDATION_ERROR")


def route(method, url, roles=None, body=None, query=None, response=None, many=False, status=200,
          summary="", raw_body=None, produces=None, location=None, errors=None, authenticate=None):
    """Declare an HTTP route: nameko entrypoint plus what the OpenAPI document says of it.
    Its roles are its grant in the route table (gateway/roles.py, PUBLIC: no token needed); a
    route the table does not list fails at import, and so does a `roles=` that says otherwise
    (leave it out: the table is the one place). raw_body / produces: the media type of a
    request or response that is a file rather than JSON (for the document). location: the
    success answer's Location header, formatted with its fields ("/api/imports/{id}"); errors:
    {status: description} the route answers besides the common ones (for the document);
    authenticate: for a public route with a credential of its own, `check(engine, request)`,
    run before the body is read (a 401 comes before a 400), its answer as `request.authenticated`."""
    assert body is None or issubclass(body, Schema)
    granted = roles_of(method, url)
    if roles is not None and set(roles) != set(granted):
        raise ValueError(f"{method} {url}: roles={tuple(roles)} but gateway/roles.py grants {granted!r}")
    roles = granted
    options = {"roles": roles, "body": body, "query": query,
               "response": response, "many": many, "status": status, "summary": summary,
               "raw_body": raw_body, "produces": produces, "location": location, "errors": errors or {}}
    ROUTES.append((method, url, options))
    register = JsonRoute.decorator(method, url, roles=roles, body=body, query=query,
                                   response=response, status=status, summary=summary, many=many,
                                   raw_body=raw_body, location=location, authenticate=authenticate)

    def decorate(fn):
        # the OpenAPI's operationId and tag come from the handler's name and module
        options["handler"], options["module"] = fn.__name__, fn.__module__
        return register(fn)
    return decorate
