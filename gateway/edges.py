"""What a request line must be before any route sees it (issue 30; docs/operations.md,
"Hostile input"), checked once for every route by gateway/server.py:
- its path and query string are UTF-8 once percent-decoded (werkzeug would replace bad bytes
  with U+FFFD and go on): else 400 BAD_TEXT (a JSON body's text: gateway/http.py, parse_body);
- its path has no encoded separator (`%2F`, `%5C`): one resource, one spelling; else 404
  NO_ROUTE, like the other odd paths;
- its method is written as HTTP defines it, in capitals (werkzeug upper-cases `get`): else
  405 METHOD_NOT_ALLOWED with `Allow`;
- a path id (`<int:…>`) is ASCII digits: werkzeug's `\\d+` and int() take full-width `１`
  and Arabic-Indic `١` as 1 (AsciiInteger; else no route matches: 404 NO_ROUTE).
"""
import re
from urllib.parse import unquote_to_bytes

from werkzeug.routing import IntegerConverter

from gateway.http import json_response

ENCODED_SEPARATOR = re.compile(r"%(?:2f|5c)", re.IGNORECASE)


class AsciiInteger(IntegerConverter):
    """`<int:name>` of ASCII digits only."""

    regex = r"[0-9]+"


CONVERTERS = {"int": AsciiInteger}


def is_text(wsgi_string):
    """A WSGI string (the request's bytes as latin-1), percent-decoded, is UTF-8. Python's
    codec also refuses encoded surrogates (`%ED%A0%80`) and overlong forms."""
    try:
        unquote_to_bytes(wsgi_string.encode("latin-1")).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return False
    return True


def refusal(request, routes):
    """The answer refusing the request's line, or None if it may go to its route."""
    environ = request.environ
    raw_path = environ.get("RAW_PATH_INFO", environ.get("PATH_INFO", ""))  # RAW_: eventlet's, undecoded
    if not is_text(raw_path) or not is_text(environ.get("QUERY_STRING", "")):
        return json_response(400, {"error": "BAD_TEXT",
                                   "message": "the path or query string is not UTF-8 text"})
    if ENCODED_SEPARATOR.search(raw_path):
        return json_response(404, {"error": "NO_ROUTE",
                                   "message": "no route: a path never holds an encoded / or \\"})
    method = environ.get("REQUEST_METHOD", "")
    if method != method.upper():
        allowed = sorted(routes.bind_to_environ(environ).allowed_methods())
        if not allowed:
            return json_response(404, {"error": "NO_ROUTE", "message": f"no route {request.path[:200]!r}"})
        return json_response(405, {"error": "METHOD_NOT_ALLOWED",
                                   "message": f"methods are written in capitals: {method[:20]!r} is not allowed; "
                                              f"allowed: {', '.join(allowed)}"},
                             headers={"Allow": ", ".join(allowed)})
    return None
