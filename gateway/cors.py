"""CORS for front-ends served from another origin (`CORS_ORIGINS`: comma-separated origins,
`*` for any; empty = no CORS headers, the browser's same-origin rule applies)."""
ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-Id"
EXPOSE_HEADERS = "X-Total-Count, Retry-After, X-Request-Id"
MAX_AGE = "600"


def allowed_origins(config):
    value = config.get("CORS_ORIGINS") or ""
    return frozenset(o.strip().rstrip("/") for o in str(value).split(",") if o.strip())


def headers_for(request, origins, preflight=False):
    """The CORS headers to add for this request's Origin (none if it is not allowed)."""
    origin = request.headers.get("Origin")
    if not origin or not origins or ("*" not in origins and origin.rstrip("/") not in origins):
        return {}
    headers = {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
               "Access-Control-Expose-Headers": EXPOSE_HEADERS}
    if preflight:
        headers.update({"Access-Control-Allow-Methods": ALLOW_METHODS,
                        "Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "Access-Control-Max-Age": MAX_AGE})
    return headers
