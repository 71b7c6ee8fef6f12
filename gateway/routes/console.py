"""The web console (销控大屏, 来访登记, 我的客户, 日报): static files under gateway/console/,
served without a token (the page signs in over the API and keeps the token in sessionStorage).
A mixin of GatewayService. Not in the OpenAPI document: these are pages, not API routes."""
import hashlib
from pathlib import Path

from nameko.web.handlers import http
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from gateway.http import error_response
from loupan.errors import NotFound

ROOT = Path(__file__).resolve().parents[1] / "console"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
}
# Everything the console needs is served from here: the browser refuses any other origin.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


def asset_path(name):
    """The file under ROOT that `name` names, or None (unknown type, hidden, outside ROOT, or
    a name no file has: a NUL makes Path.resolve raise)."""
    if not name or "\x00" in name or any(part.startswith(".") for part in name.split("/")):
        return None
    path = (ROOT / name).resolve()
    if ROOT not in path.parents or path.suffix not in TYPES or not path.is_file():
        return None
    return path


def asset_response(request, name):
    path = asset_path(name)
    if path is None:
        return error_response(NotFound(f"no console file {name}", "NO_ROUTE"))
    body = path.read_bytes()
    response = Response(body, status=200, content_type=TYPES[path.suffix])
    # no versioned file names (no build step): the browser revalidates and gets a 304 if unchanged
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["X-Content-Type-Options"] = "nosniff"
    if path.suffix == ".html":
        response.headers["Content-Security-Policy"] = CSP
        response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


class ConsoleRoutes:
    @http("GET", "/console")
    def console_root(self, request):
        """The console lives under /console/ (relative asset links need the slash)."""
        return redirect("/console/", code=301)

    @http("GET", "/console/")
    def console_index(self, request):
        """The console's single page."""
        return asset_response(request, "index.html")

    @http("GET", "/console/<path:asset>")
    def console_asset(self, request, asset):
        """The console's scripts, styles and images."""
        return asset_response(request, asset)
