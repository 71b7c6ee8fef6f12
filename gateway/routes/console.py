"""The web console, served without a token (the page signs in over the API and keeps the token
in sessionStorage). A mixin of GatewayService. Not in the OpenAPI document: these are pages, not
API routes.

- `/console/`: the Vue console, built by Vite from web/ into web/dist (`npm ci && npm run build`
  in web/; scripts/run.sh and scripts/test.sh build it when its sources changed, the Dockerfile
  in a stage of its own). LOUPAN_CONSOLE_DIST moves it.
- `/buyer/`, `/buyer/launch/<id>`: the buyers' mobile page 手机选房 (web/buyer.html, Vant; a
  buyer signs in with the mobile of their 认筹 and a texted code, docs/launch.md), from the
  same build; its scripts and styles are the console's /console/assets/ files.
- `/broker/`, `/broker/project/<id>`: the brokers' mobile page 经纪人 (web/broker.html, Vant; a
  broker signs in with their mobile and a texted code, a 全民经纪人 signs up at the linked
  project; docs/domain.md "Brokers"), from the same build.
- `/`: redirects to /console/."""
import hashlib
import os
import re
from pathlib import Path

from nameko.web.handlers import http
from werkzeug.utils import redirect
from werkzeug.wrappers import Response

from gateway.http import error_response
from loupan.errors import NotFound

DIST = Path(os.environ.get("LOUPAN_CONSOLE_DIST") or Path(__file__).resolve().parents[2] / "web" / "dist").resolve()
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".json": "application/json",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
}
# Everything the console needs is served from here: the browser refuses any other origin.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
NOT_BUILT = ("<!doctype html><meta charset='utf-8'><title>控制台尚未构建</title>"
             "<p>控制台尚未构建。在 web/ 目录运行 <code>npm ci &amp;&amp; npm run build</code>"
             "（scripts/run.sh 会自动构建）。</p>")


def _feed_port(value):
    """The port the live board feed listens on, on the same host as the console
    (LOUPAN_FEED_PORT: scripts/run.sh gives it its own port); unset behind the shipped nginx,
    where the feed shares the console's origin. Only digits: it goes into a header and the page."""
    value = (value or "").strip()
    return value if value.isdigit() and 0 < int(value) < 65536 else ""


FEED_PORT = _feed_port(os.environ.get("LOUPAN_FEED_PORT"))


def with_feed(page):
    """The page with where the feed is in a meta tag the script reads (web/src/feed.ts): ":<port>"
    of the host the browser used, or "same-origin", so the console and the wall follow the
    board live instead of polling it. A port, not a URL: the page names no other site."""
    meta = f'<meta name="loupan-feed" content="{":" + FEED_PORT if FEED_PORT else "same-origin"}">'.encode()
    return page.replace(b"</head>", meta + b"</head>", 1)


def feed_source(request):
    """The CSP source of the feed for this request: its scheme and host (as the browser asked
    for them) with the feed's port; none when the feed shares the origin."""
    if not FEED_PORT:
        return ""
    host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
    if not re.fullmatch(r"[A-Za-z0-9.\-]+|\[[0-9A-Fa-f:.]+\]", host):
        return ""
    return f"{request.scheme}://{host}:{FEED_PORT}"


def asset_path(root, name):
    """The file under `root` that `name` names, or None (unknown type, hidden, outside root, or
    a name no file has: a NUL makes Path.resolve raise)."""
    if not name or "\x00" in name or any(part.startswith(".") for part in name.split("/")):
        return None
    path = (root / name).resolve()
    if root not in path.parents or path.suffix not in TYPES or not path.is_file():
        return None
    return path


def asset_response(request, root, name):
    path = asset_path(root, name)
    if path is None:
        if root == DIST and name in ("index.html", "buyer.html", "broker.html"):
            response = Response(NOT_BUILT, status=503, content_type=TYPES[".html"])
            response.headers["Content-Security-Policy"] = CSP
            return response
        return error_response(NotFound(f"no console file {name}", "NO_ROUTE"))
    body = path.read_bytes()
    if path.suffix == ".html":
        body = with_feed(body)
    response = Response(body, status=200, content_type=TYPES[path.suffix])
    if root == DIST and name.startswith("assets/"):
        # Vite names these by their content's hash: a new build is a new name
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # the page itself and the unversioned files: revalidated, a 304 if unchanged
        response.headers["Cache-Control"] = "no-cache"
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["X-Content-Type-Options"] = "nosniff"
    if path.suffix == ".html":
        feed = feed_source(request)
        response.headers["Content-Security-Policy"] = CSP + (f"; connect-src 'self' {feed}" if feed else "")
        response.headers["Referrer-Policy"] = "no-referrer"
    return response.make_conditional(request)


class ConsoleRoutes:
    @http("GET", "/")
    def site_root(self, request):
        """The site's root is the console."""
        return redirect("/console/", code=302)

    @http("GET", "/console")
    def console_root(self, request):
        """The console lives under /console/ (relative asset links need the slash)."""
        return redirect("/console/", code=301)

    @http("GET", "/console/")
    def console_index(self, request):
        """The console's single page (the Vue build)."""
        return asset_response(request, DIST, "index.html")

    @http("GET", "/console/<path:asset>")
    def console_asset(self, request, asset):
        """The console's scripts, styles and images."""
        return asset_response(request, DIST, asset)

    @http("GET", "/buyer")
    def buyer_root(self, request):
        """The buyers' page lives under /buyer/."""
        return redirect("/buyer/", code=301)

    @http("GET", "/buyer/")
    def buyer_index(self, request):
        """The buyers' mobile page 手机选房 (the launch from the link: /buyer/#/?launch=<id>)."""
        return asset_response(request, DIST, "buyer.html")

    @http("GET", "/buyer/launch/<int:launch_id>")
    def buyer_launch(self, request, launch_id):
        """The buyers' page for a launch: the link a sales office sends, /buyer/launch/<id>."""
        return asset_response(request, DIST, "buyer.html")

    @http("GET", "/broker")
    def broker_root(self, request):
        """The brokers' page lives under /broker/."""
        return redirect("/broker/", code=301)

    @http("GET", "/broker/")
    def broker_index(self, request):
        """The brokers' mobile page 经纪人 (报备, my reports, my commission)."""
        return asset_response(request, DIST, "broker.html")

    @http("GET", "/broker/project/<int:project_id>")
    def broker_project(self, request, project_id):
        """The brokers' page for a project: where a 全民经纪人 signs up and reports (the link or QR a
        sales office gives out), /broker/project/<id>."""
        return asset_response(request, DIST, "broker.html")
