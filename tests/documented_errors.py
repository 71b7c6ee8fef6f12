"""Every error a system test meets is one the OpenAPI document lists for its route (issue 16:
the documented codes are the codes the routes send). loupan.testing.client.Api records each
error answer (SEEN); tests/conftest.py checks a test's after it ran, so every API test is a
probe of the document. Answers to no route (404 NO_ROUTE, 405), the server's refusals before
any route (gateway.error_codes.SERVER, said once in the document's description) and 500s are
not a route's."""
import re
from functools import lru_cache

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map, Rule


@lru_cache(maxsize=1)
def _routes():
    import gateway.service  # noqa: F401 - importing the service declares every route
    from gateway.error_codes import SERVER
    from gateway.http import ROUTES
    from gateway.openapi import _openapi_path, document

    doc = document()
    rules, documented = [], {}
    for method, url, _ in ROUTES:
        path, _ = _openapi_path(url)
        endpoint = f"{method} {url}"
        rules.append(Rule(url, methods=[method], endpoint=endpoint))
        responses = doc["paths"][path][method.lower()]["responses"]
        documented[endpoint] = {(int(status), code) for status, answer in responses.items()
                                for code in answer.get("x-error-codes", ())}
        documented[endpoint, "ok"] = {int(status): answer.get("content", {}).get("application/json", {}).get("schema")
                                      for status, answer in responses.items() if int(status) < 400}
    return Map(rules).bind("localhost"), documented, SERVER, doc["components"]["schemas"]


def undocumented(seen):
    """The (method, path, status, code) of `seen` that the document does not list for its route."""
    adapter, documented, server, _ = _routes()
    out = []
    for method, path, status, code in seen:
        if (status >= 500 and status != 503) or (status, code) in server:
            continue
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:  # no such route (NO_ROUTE, METHOD_NOT_ALLOWED): answered before any
            continue
        if (status, code) not in documented[endpoint]:
            out.append((method, path, status, code, endpoint))
    return out


def _missing(schema, value, where, schemas, out):
    """The required properties missing under `value`, by the document's `schema`."""
    while isinstance(schema, dict) and "$ref" in schema:
        schema = schemas[schema["$ref"].rsplit("/", 1)[-1]]
    if not isinstance(schema, dict) or value is None:
        return out
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value[:50]):
            _missing(schema["items"], item, f"{where}[{i}]", schemas, out)
    elif isinstance(value, dict):
        out += [f"{where}.{name}" for name in schema.get("required", ()) if name not in value]
        for name, prop in schema.get("properties", {}).items():
            if name in value:
                _missing(prop, value[name], f"{where}.{name}", schemas, out)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key, item in value.items():
                _missing(extra, item, f"{where}{{{key}}}", schemas, out)
    return out


def unlike_document(answers):
    """The (route, status, property) of successes that lack a property the document marks
    required: send it always (null for nothing), or name it in gateway/openapi.py SOMETIMES_ABSENT."""
    adapter, documented, _, schemas = _routes()
    out = []
    for method, path, status, body in answers:
        try:
            endpoint, _ = adapter.match(path, method=method)
        except HTTPException:
            continue
        schema = documented[endpoint, "ok"].get(status)
        if schema is not None:
            for where in _missing(schema, body, "", schemas, []):
                found = (endpoint, status, re.sub(r"\[\d+\]", "[]", where))
                if found not in out:
                    out.append(found)
    return out
