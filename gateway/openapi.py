"""The OpenAPI document, built from the routes and the contract schemas they declare.

Conventions a client generator relies on (docs/design.md, "The OpenAPI document"): every
operation's `operationId` is its handler's name in camelCase (`hold_unit` -> `holdUnit`), its
tag the gateway/routes/<topic>.py module that declares it (gateway/service.py: `core`), both
derived here from the route registry; every property has a type (money, areas and percents
are decimal strings); every error answers the `Error` schema."""
import importlib
import json
import re
import sys
from functools import lru_cache

from apispec import APISpec
from eventlet import tpool
from nameko.extensions import DependencyProvider
from apispec.ext.marshmallow import MarshmallowPlugin

from marshmallow import fields

from gateway import error_codes
from gateway.http import ROUTES, body_required
from gateway.idempotency import HEADER as IDEMPOTENCY_HEADER
from gateway.paging import DEFAULT_LIMIT, MAX_LIMIT, Paging
from gateway.ratelimit import RATED
from loupan.roles import EVERYONE, PUBLIC
from loupan.schemas import contracts_deals, crm_customers, hr_accounts, inventory_catalog
from loupan.schemas.gateway_answers import ErrorOut
from loupan.validators import Amount, Exact

# What each error status means; the codes of each route's answers are listed after it, read
# from the code (gateway/error_codes.py: the codes its handler, its RPCs and the gateway's
# steps it goes through can send).
ERRORS = {
    400: "invalid input",
    401: "no token, or a bad, expired or signed-out one",
    403: "the role, the project or the record is not the caller's",
    404: "unknown id",
    408: "the request was not received in time",
    409: "conflict with the record's current state",
    413: "the body is larger than 10 MB, refused before it is read (an .xlsx also when its contents "
         "would inflate beyond the limits)",
    414: "the request line (method, URL, version) is longer than 8192 bytes",
    415: "the body is not application/json",
    422: "a business rule refused it",
    429: "too many requests; retry after `Retry-After` seconds",
    503: "a service did not answer in time, or the gateway sheds load (with `Retry-After`)",
}
CONVENTIONS = (
    "Sales operations for real-estate sales agencies.\n\n"
    "Every answer carries `X-Request-Id` (yours, sanitised to 64 characters, or a new one); it is in "
    "the gateway's logs and passed to the services. POSTs take an optional `Idempotency-Key`. "
    "Lists take `limit` (default 100, at most 500) and `offset` and answer `X-Total-Count`, and "
    "filter on their items' plain fields (`?status=available`). Login (per username and per IP) "
    "and holds (per user and per IP) are rate limited: 429 RATE_LIMITED with `Retry-After`; "
    "the limits are counted by each gateway instance on its own. CORS is answered for the "
    "origins in `CORS_ORIGINS`. Money, areas and percents are decimal strings of ASCII digits "
    "(or JSON integers) with at most 2 decimals (rates: 4), never rounded: money 0 to 10^11 CNY, "
    "areas above 0 to 10^6 m², percents 0 to 100; anything else is 400 VALIDATION_ERROR naming "
    "the field. Each operation lists the error codes it can send under each status (and in "
    "`x-error-codes`); before any route, the server itself may refuse a connection or a request "
    "(408 REQUEST_TIMEOUT, 400 HEADERS_TOO_LARGE or BAD_REQUEST for a malformed length, 413 "
    "BODY_TOO_LARGE for any body over 10 MB, 503 TOO_MANY_CONNECTIONS, 405 METHOD_NOT_ALLOWED, "
    "404 NO_ROUTE), and an unexpected failure is 500 INTERNAL with a reference for the logs.")
RETRY_AFTER = {"description": "seconds to wait before sending it again", "schema": {"type": "integer"}}
REQUEST_ID = {"description": "the request's id (the caller's X-Request-Id, or a new one)",
              "schema": {"type": "string"}}
IDEMPOTENCY = {
    "name": IDEMPOTENCY_HEADER, "in": "header", "required": False,
    "description": "Retry-safe POST: the same key (per account) and body replays the first answer "
                   "(2xx or 4xx) and the effect happens once; another body with the key is 422 "
                   "IDEMPOTENCY_KEY_REUSED, a retry while the first still runs 409 "
                   "IDEMPOTENCY_IN_PROGRESS. Kept 24 h (IDEMPOTENCY_TTL_SECONDS).",
    "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
}


# Tags: one per topic, the module that declares the route. The English is the module's
# docstring; the Chinese name of each topic is here (a module not listed gets its docstring).
CORE = "core"
TOPICS = {
    CORE: ("核心", "sign-in, the signed-in account, staff accounts, projects, buildings, units, "
                  "holds (预留), the 销控表 board and notifications"),
    "accounts": ("账号", None),
    "passwords": ("密码", None),
    "attendance": ("考勤", None),
    "contracts_changes": ("变更·按揭·交房·产证", None),
    "contracts_deals": ("认购·签约·网签备案", None),
    "control": ("销控", None),
    "crm_care": ("跟进·回访·投诉", None),
    "crm_customers": ("客户·报备·撞单", None),
    "crm_visits": ("来电来访·轮序", None),
    "data_reveals": ("号码查看记录", None),
    "deals": ("房源与成交", None),
    "evaluation": ("考核", None),
    "finance_commission": ("算价·代理费·提成·费用", None),
    "finance_money": ("收款·催款·日结", None),
    "pricing": ("价目表·调价·折扣", None),
    "recruiting": ("招聘", None),
    "reports": ("报表", None),
    "spreadsheets": ("表格导入导出", None),
    "staff": ("人事", None),
    "training": ("培训", None),
}
FREE_FORM = "free-form JSON object (its keys depend on the record; see the operation)"
AMOUNT = {"type": "string", "format": "decimal", "pattern": "^-?[0-9]+\\.[0-9]{2}$",
          "description": "decimal string with exactly 2 places (money in CNY, m², or a percent)"}

# Examples of the main inputs, keyed by their schema; gateway/tests/test_openapi_document.py
# loads each with its schema, so an example that the contract would refuse fails the suite.
EXAMPLES = {
    hr_accounts.LoginIn: {"username": "li.guwen", "password": "correct horse battery staple"},
    inventory_catalog.HoldIn: {"customer_name": "王先生", "customer_phone": "13800138000"},
    crm_customers.CustomerIn: {"mobile": "138 0013 8000", "name": "王先生", "channel": "walk_in",
                               "grade": "B"},
    contracts_deals.SubscriptionIn: {"hold_id": 12, "price": "1234567.00", "deposit": "50000.00",
                                     "payment_method": "commercial_mortgage", "loan_amount": "800000.00",
                                     "delivery_date": "2028-06-30"},
}


def operation_id(handler):
    """`hold_unit` -> `holdUnit`."""
    head, *rest = handler.strip("_").split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _path_operation_id(method, url):
    """The fallback when two routes share a handler: method and path, `getProjectsProjectIdBoard`."""
    words = re.findall(r"[A-Za-z0-9]+", url.replace("/api/", "/", 1).replace("<int:", "<"))
    return operation_id("_".join([method.lower()] + words))


def topic_of(module):
    """`gateway.routes.control` -> `control`; the routes of gateway/service.py are `core`."""
    prefix = "gateway.routes."
    return module[len(prefix):] if module.startswith(prefix) else CORE


def tag_description(topic, module):
    chinese, english = TOPICS.get(topic, (None, None))
    if english is None:
        doc = (importlib.import_module(module).__doc__ or topic).strip()
        english = " ".join(doc.split("\n\n")[0].split()).split(" A mixin of")[0].rstrip(".")
    return f"{chinese} / {english}" if chinese and not english.startswith(chinese) else english


def _decimal_as_string(self, field, **kwargs):
    """Money travels as a string ("0.00": exact cents); apispec would say number. Inputs
    (loupan.validators.Exact: Money, Area, Percent) say their places and range; outputs
    (loupan.validators.Amount) always carry 2 places."""
    if isinstance(field, fields.Decimal) and field.as_string:
        return {"type": "string", "format": "decimal"}
    if isinstance(field, Amount):
        return {key: value for key, value in AMOUNT.items()
                if key != "description" or not field.metadata.get("description")}
    if isinstance(field, Exact):
        return {"type": "string", "format": "decimal",
                "pattern": f"^-?[0-9]+(\\.[0-9]{{1,{field.places}}})?$" if field.places else "^-?[0-9]+$",
                "x-minimum": f"{field.low:f}", "x-exclusiveMinimum": not field.low_inclusive,
                "x-maximum": f"{field.high:f}"}
    return {}


def _typed_dicts(self, field, **kwargs):
    """A Dict without a value type is a free-form object: say so (apispec writes `{}`)."""
    if isinstance(field, fields.Dict) and field.value_field is None:
        extra = {"additionalProperties": True}
        if not field.metadata.get("description"):
            extra["description"] = FREE_FORM
        return extra
    return {}


def _paging_parameters(paging):
    params = []
    if paging.slices:
        params += [
            {"name": "limit", "in": "query", "required": False, "description": "page size",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
            {"name": "offset", "in": "query", "required": False, "description": "items to skip",
             "schema": {"type": "integer", "minimum": 0, "default": 0}},
        ]
    for name, field in sorted(paging.filters.items()):
        kind = "integer" if isinstance(field, fields.Integer) else \
            "boolean" if isinstance(field, fields.Boolean) else "string"
        params.append({"name": name, "in": "query", "required": False,
                       "description": f"only items whose {name} equals this", "schema": {"type": kind}})
    return params


def _openapi_path(url):
    """werkzeug `<int:project_id>` -> OpenAPI `{project_id}`."""
    out, params = url, []
    while "<" in out:
        start, end = out.index("<"), out.index(">")
        name = out[start + 1:end].split(":")[-1]
        params.append(name)
        out = out[:start] + "{" + name + "}" + out[end + 1:]
    return out, params


def error_responses(method, url, opts):
    """{status: [codes]} of a route's error answers, sorted."""
    by_status = {}
    for status, code in error_codes.route_codes(method, url, opts, RATED.get((method, url))):
        by_status.setdefault(status, set()).add(code)
    return {status: sorted(by_status[status]) for status in sorted(by_status)}


@lru_cache(maxsize=1)
def document():
    plugin = MarshmallowPlugin()
    spec = APISpec(title="Loupan API", version="0.1.0", openapi_version="3.0.3",
                   plugins=[plugin],
                   info={"description": CONVENTIONS})
    plugin.converter.add_attribute_function(_decimal_as_string)
    plugin.converter.add_attribute_function(_typed_dicts)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorOut)
    paths, tags = {}, {}
    handlers = [opts["handler"] for _, _, opts in ROUTES]
    for method, url, opts in ROUTES:
        path, params = _openapi_path(url)
        topic = topic_of(opts["module"])
        tags.setdefault(topic, tag_description(topic, opts["module"]))
        shared = handlers.count(opts["handler"]) > 1  # one handler, two URLs: name by the path
        operation = {"operationId": _path_operation_id(method, url) if shared else operation_id(opts["handler"]),
                     "tags": [topic], "summary": opts["summary"], "responses": {}}
        if opts["roles"] != PUBLIC:
            operation["security"] = [{"bearer": []}]
            roles = "any signed-in user" if opts["roles"] == EVERYONE else ", ".join(opts["roles"])
            operation["description"] = f"Roles: {roles}."
        parameters = [{"name": p, "in": "path", "required": True,  # <month>, <day>: strings
                       "schema": {"type": "integer", "minimum": 1} if f"<int:{p}>" in url else {"type": "string"}}
                      for p in params]
        if opts["query"] is not None:
            parameters.append({"in": "query", "schema": opts["query"]})
        paging = Paging(opts["response"], opts["query"]) if opts["many"] and method == "GET" else None
        if paging is not None:
            parameters += _paging_parameters(paging)
        if method == "POST" and opts["roles"] != PUBLIC:
            parameters.append(IDEMPOTENCY)
        if parameters:
            operation["parameters"] = parameters
        binary = {"type": "string", "format": "binary"}
        if opts["body"] is not None:
            media = {"schema": opts["body"]}
            if opts["body"] in EXAMPLES:
                media["example"] = EXAMPLES[opts["body"]]
            # no body is the empty object (gateway.http.parse_body): required only when a field is
            operation["requestBody"] = {"required": body_required(opts["body"]),
                                        "content": {"application/json": media}}
        if opts["raw_body"] is not None:
            operation["requestBody"] = {"required": True, "content": {opts["raw_body"]: {"schema": binary}}}
        schema = opts["response"]
        body = {"type": "array", "items": schema} if opts["many"] else schema
        ok = {"description": "success"}
        if schema is not None:
            ok["content"] = {"application/json": {"schema": body}}
        if opts["produces"] is not None:  # a file, or a file besides JSON (e.g. ?format=xlsx)
            ok.setdefault("content", {})[opts["produces"]] = {"schema": binary}
        ok["headers"] = {"X-Request-Id": REQUEST_ID}
        if opts.get("location"):
            ok["headers"]["Location"] = {"description": f"where to follow it: {opts['location']}",
                                         "schema": {"type": "string"}}
        if paging is not None and paging.slices:
            ok["headers"]["X-Total-Count"] = {"description": "items matching, before limit/offset",
                                              "schema": {"type": "integer"}}
        operation["responses"][str(opts["status"])] = ok
        for status, codes in error_responses(method, url, opts).items():
            text = opts["errors"].get(str(status)) or ERRORS[status]
            operation["responses"][str(status)] = {
                "description": f"{text}: {', '.join(codes)}",
                "x-error-codes": codes,
                "headers": dict({"X-Request-Id": REQUEST_ID}, **({"Retry-After": RETRY_AFTER}
                                                                 if status in (429, 503) else {})),
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(path, {})[method.lower()] = operation
    for topic in sorted(tags):
        spec.tag({"name": topic, "description": tags[topic]})
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return required_outputs(spec.to_dict())


# Output properties the API leaves out of some answers ({schema: {property}}); every other
# property of an output schema is in every answer (a null where it is `nullable`), so the
# document marks it `required` and generated types are not all optional. Every system test
# checks its 2xx answers against this (tests/documented_errors.py).
SOMETIMES_ABSENT = {
    # the daily report has no month's figures (targets, ranking, 去化率, average price)
    "Report": {"average_price", "collection_vs_target", "ranking", "sales_vs_target", "sell_through"},
    "DataRevealOut": {"candidate_id"},  # a customer's number revealed, not a candidate's
    "CollectionLine": {"state"},
}


def _refs(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.add(value.rsplit("/", 1)[-1])
            else:
                _refs(value, found)
    elif isinstance(node, list):
        for item in node:
            _refs(item, found)
    return found


def output_schemas(doc):
    """The component schemas that only answers use (not a body or a parameter), with those
    they contain."""
    schemas = doc["components"]["schemas"]

    def closure(names):
        while True:
            more = set(names)
            for name in names:
                _refs(schemas.get(name, {}), more)
            if more == names:
                return names
            names = more
    inputs, outputs = set(), set()
    for operations in doc["paths"].values():
        for operation in operations.values():
            _refs([operation.get("requestBody", {}), operation.get("parameters", [])], inputs)
            _refs({s: r for s, r in operation["responses"].items() if int(s) < 400}, outputs)
    return closure(outputs) - closure(inputs)


def required_outputs(doc):
    schemas = doc["components"]["schemas"]
    for name in sorted(output_schemas(doc)):
        schema = schemas[name]
        absent = SOMETIMES_ABSENT.get(name, set())
        names = [p for p in schema.get("properties", {}) if p not in absent]
        if names:
            schema["required"] = sorted(set(schema.get("required", [])) | set(names))
    return doc


def built_document():
    """document() from a native thread (tpool): while it is built, the gateway answers."""
    return tpool.execute(document)


class DocumentWarmer(DependencyProvider):
    """Builds the document as the gateway is set up, before it listens (setup comes before
    any start), in a native thread: the scan of the sources for the error codes takes seconds
    (more on a busy machine), which the first GET /api/openapi.json would wait otherwise."""

    def setup(self):
        built_document()


def write_document(path):
    """Write the document as JSON to `path`, in-process (no running system): what the
    generated TypeScript types of web/ are made from."""
    import gateway.service  # noqa: F401 - importing the service declares every route
    with open(path, "w", encoding="utf-8") as out:
        json.dump(document(), out, ensure_ascii=False, indent=1)


if __name__ == "__main__":  # python -m gateway.openapi openapi.json
    write_document(sys.argv[1] if len(sys.argv) > 1 else "openapi.json")
