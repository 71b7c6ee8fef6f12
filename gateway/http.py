"""The gateway's HTTP entrypoint: JSON in and out, authentication and role checks before a
worker runs, and one table from domain errors to HTTP statuses and stable error codes."""
import json
import logging
import uuid

from marshmallow import Schema
from nameko.web.handlers import HttpRequestHandler
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from prometheus_client import Counter

from gateway.auth import actor_from_request, refuse_revoked
from loupan.contracts import flatten, schema_instance
from loupan.db import Database
from loupan.errors import DomainError, Forbidden, Invalid, NotFound
from loupan.ops import metric

log = logging.getLogger(__name__)
ROUTES = []  # (method, path, options): filled at import by @route, read by the OpenAPI builder
MAX_ID = 2**63 - 1
PUBLIC = ()


def json_response(status, payload, headers=None):
    return Response(json.dumps(payload, ensure_ascii=False), status=status,
                    mimetype="application/json", headers=headers)


def error_response(exc):
    """DomainError -> its status and code; anything else -> 500 without internals."""
    if isinstance(exc, DomainError):
        return json_response(exc.status, {"error": exc.code, "message": exc.message})
    if isinstance(exc, HTTPException):
        code = (exc.name or "error").upper().replace(" ", "_")
        return json_response(exc.code or 500, {"error": code, "message": exc.description or exc.name})
    error_id = uuid.uuid4().hex[:12]
    log.error("unhandled error %s: %r", error_id, exc, exc_info=exc)
    return json_response(500, {"error": "INTERNAL", "message": f"internal error (ref {error_id})"})


class JsonRoute(HttpRequestHandler):
    def __init__(self, method, url, roles=None, body=None, query=None, response=None,
                 status=200, summary="", **kwargs):
        self.roles = roles
        self.body_schema = body
        self.query_schema = query
        self.response_schema = response
        self.status = status
        self.summary = summary
        kwargs.setdefault("expected_exceptions", DomainError)  # a 4xx is not a server error
        super().__init__(method, url, **kwargs)

    def setup(self):
        super().setup()
        self.responses = metric(Counter, "loupan_gateway_http_responses_total",
                                "HTTP responses by route and status class.", ("route", "status"))
        # the service's own database, where revoked accounts are kept (see refuse_revoked)
        self.database = next(d for d in self.container.dependencies if isinstance(d, Database))

    def get_entrypoint_parameters(self, request):
        for name, value in request.path_values.items():
            if isinstance(value, int) and not 0 < value <= MAX_ID:
                raise NotFound(f"{name} {value} not found", "NOT_FOUND")
        args, kwargs = super().get_entrypoint_parameters(request)
        if self.roles is not PUBLIC:
            actor = actor_from_request(request, self.container.config)
            refuse_revoked(self.database.engine, actor)
            if self.roles is not None and actor["role"] not in self.roles:
                raise Forbidden(f"role {actor['role']} may not do this", "ROLE_FORBIDDEN")
            project_id = kwargs.get("project_id")
            if project_id is not None and actor["project_ids"] is not None \
                    and project_id not in actor["project_ids"]:
                raise Forbidden(f"no access to project {project_id}", "PROJECT_FORBIDDEN")
            kwargs["actor"] = actor
        if self.body_schema is not None:
            kwargs["body"] = parse_body(request, self.body_schema)
        if self.query_schema is not None:
            kwargs["query"] = validated(self.query_schema, request.args.to_dict())
        return args, kwargs

    def response_from_result(self, result):
        response = result if isinstance(result, Response) else json_response(self.status, result)
        self._count(response)
        return response

    def response_from_exception(self, exc):
        response = error_response(exc)
        self._count(response)
        return response

    def _count(self, response):
        self.responses.labels(self.method_name, f"{response.status_code // 100}xx").inc()


def parse_body(request, schema):
    try:
        data = json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        raise Invalid("the body is not valid JSON", "INVALID_JSON") from None
    if not isinstance(data, dict):
        raise Invalid("the body must be a JSON object", "INVALID_JSON")
    return validated(schema, data)


def validated(schema, data):
    """Check `data` against the contract schema; pass the raw dict on (the service loads it
    again: it trusts no caller, and raw JSON travels over RPC where Decimals would not)."""
    errors = schema_instance(schema).validate(data)
    if errors:
        raise Invalid(flatten(errors), "VALIDATION_ERROR")
    return data


def route(method, url, roles=None, body=None, query=None, response=None, many=False, status=200,
          summary="", raw_body=None, produces=None):
    """Declare an HTTP route: nameko entrypoint plus what the OpenAPI document says of it.
    roles=None: any signed-in user; roles=PUBLIC: no token needed. raw_body / produces: the
    media type of a request or response that is a file rather than JSON (for the document)."""
    assert body is None or issubclass(body, Schema)
    ROUTES.append((method, url, {"roles": roles, "body": body, "query": query,
                                 "response": response, "many": many, "status": status, "summary": summary,
                                 "raw_body": raw_body, "produces": produces}))
    return JsonRoute.decorator(method, url, roles=roles, body=body, query=query,
                               response=response, status=status, summary=summary)
