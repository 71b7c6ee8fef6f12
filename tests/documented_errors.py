"""Every error a system test meets is one the OpenAPI document lists for its route (issue 16:
the documented codes are the codes the routes send). loupan.testing.client.Api records each
error answer (SEEN); tests/conftest.py checks a test's after it ran, so every API test is a
probe of the document. Answers to no route (404 NO_ROUTE, 405), the server's refusals before
any route (gateway.error_codes.SERVER, said once in the document's description) and 500s are
not a route's."""
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
    return Map(rules).bind("localhost"), documented, SERVER


def undocumented(seen):
    """The (method, path, status, code) of `seen` that the document does not list for its route."""
    adapter, documented, server = _routes()
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
