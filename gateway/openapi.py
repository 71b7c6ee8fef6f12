"""The OpenAPI document, built from the routes and the contract schemas they declare."""
import html
from functools import lru_cache

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from gateway.http import PUBLIC, ROUTES
from loupan.contracts.gateway import ErrorOut

ERRORS = {
    "400": "invalid input (VALIDATION_ERROR, INVALID_JSON)",
    "401": "no token, or a bad or expired one",
    "403": "role or project not allowed",
    "404": "unknown id",
    "409": "conflict, e.g. UNIT_NOT_AVAILABLE",
    "422": "a business rule refused it, e.g. NO_PRESALE_PERMIT",
    "503": "a service did not answer in time",
}


def _openapi_path(url):
    """werkzeug `<int:project_id>` -> OpenAPI `{project_id}`."""
    out, params = url, []
    while "<" in out:
        start, end = out.index("<"), out.index(">")
        name = out[start + 1:end].split(":")[-1]
        params.append(name)
        out = out[:start] + "{" + name + "}" + out[end + 1:]
    return out, params


@lru_cache(maxsize=1)
def document():
    spec = APISpec(title="Loupan API", version="0.1.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "Sales operations for real-estate sales agencies."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    spec.components.schema("Error", schema=ErrorOut)
    paths = {}
    for method, url, opts in ROUTES:
        path, params = _openapi_path(url)
        operation = {"summary": opts["summary"], "responses": {}}
        if opts["roles"] is not PUBLIC:
            operation["security"] = [{"bearer": []}]
            roles = "any signed-in user" if opts["roles"] is None else ", ".join(opts["roles"])
            operation["description"] = f"Roles: {roles}."
        parameters = [{"name": p, "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 1}} for p in params]
        if opts["query"] is not None:
            parameters.append({"in": "query", "schema": opts["query"]})
        if parameters:
            operation["parameters"] = parameters
        binary = {"type": "string", "format": "binary"}
        if opts["body"] is not None:
            operation["requestBody"] = {"required": True,
                                        "content": {"application/json": {"schema": opts["body"]}}}
        if opts["raw_body"] is not None:
            operation["requestBody"] = {"required": True, "content": {opts["raw_body"]: {"schema": binary}}}
        schema = opts["response"]
        body = {"type": "array", "items": schema} if opts["many"] else schema
        ok = {"description": "success"}
        if schema is not None:
            ok["content"] = {"application/json": {"schema": body}}
        if opts["produces"] is not None:
            ok["content"] = {opts["produces"]: {"schema": binary}}
        operation["responses"][str(opts["status"])] = ok
        for code, text in ERRORS.items():
            operation["responses"][code] = {
                "description": text,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
            }
        paths.setdefault(path, {})[method.lower()] = operation
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def docs_html(doc):
    """A self-contained page (no external scripts: sales offices may have no internet)."""
    rows = []
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            rows.append(
                f"<tr><td class=m>{method.upper()}</td><td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op.get('summary', ''))}</td>"
                f"<td>{html.escape(op.get('description', 'public'))}</td></tr>"
            )
    return (
        "<!doctype html><meta charset=utf-8><title>Loupan API</title>"
        "<style>body{font:14px sans-serif;margin:2em}td{padding:4px 10px;border-bottom:1px solid #ddd}"
        ".m{font-weight:bold}</style><h1>Loupan API</h1>"
        "<p>Machine-readable: <a href=/api/openapi.json>/api/openapi.json</a>. "
        "Errors are JSON <code>{\"error\": CODE, \"message\": …}</code>.</p>"
        f"<table>{''.join(rows)}</table>"
    )
