"""The feed's HTTP side, on plain asyncio (one Protocol object per connection, no framework
object per request: an idle viewer costs its socket and a few hundred bytes here).

    GET /api/projects/<id>/board/stream   Server-Sent Events of the project's board changes
    GET /metrics                          Prometheus (loupan_feed_*)
    GET /health/live, /health/ready       ready: the stream queue is read to its end

The stream: `retry:`, then either the frames after the client's Last-Event-ID (it resumes),
`event: reload` (what it missed is not known any more: read the board again, then follow),
or, for a first connection, `event: hello` with the current id; then one frame per change
(`id: <offset>`, `event: unit` or `event: reload`, `data: <delta JSON>`, board_events.py), and a
comment every KEEPALIVE_SECONDS. Frames are written in batches every FLUSH_SECONDS (one write
per viewer per batch: at 5,000 viewers and 50 changes a second the per-change wake-ups and
writes were the cost). A viewer whose socket does not take what it is sent (more than
MAX_BUFFER bytes waiting) is disconnected: it reconnects and resumes.

Who may listen: the gateway's rules, asked of the gateway. The bearer token is a gateway JWT
(checked here first with the same key and rule, loupan/keys.py: a forged or expired token
costs no call) whose account may read the project there (`GET /api/projects/<id>`: role,
revocation, 调岗 and the agency's scope are the gateway's; another agency's project is 404),
or a 大屏 display token (`lpd_…`, gateway/routes/display.py) of this project
(`GET /api/display/board`), or a buyer's session (`lpb_…`, gateway/routes/buyers.py) of a
launch of this project (`GET /api/buyer/me`). Each answer is remembered for AUTH_CACHE_SECONDS per account and
project (per display token), so a reconnecting viewer costs no call.
"""
import asyncio
import hashlib
import json
import logging
import re
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import jwt
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

from gateway.feed.board_events import delta
from gateway.feed.ring import Ring, can_resume

log = logging.getLogger("loupan.feed")

CONNECTIONS = Gauge("loupan_feed_connections_open", "Board streams open now")
DELIVERED = Counter("loupan_feed_events_delivered_total", "Board frames written to viewers (one per viewer)")
RECEIVED = Counter("loupan_feed_events_received_total", "Board events read from the stream")
RESUMES = Counter("loupan_feed_resumes_total", "Reconnections with a Last-Event-ID, by outcome", ["outcome"])
REFUSED = Counter("loupan_feed_refused_total", "Stream requests refused, by status", ["status"])
DELAY = Histogram("loupan_feed_delivery_delay_seconds",
                  "From the event's commit (occurred_at) to its write to the last viewer of its project",
                  buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))

STREAM_PATH = re.compile(r"^/api/projects/(\d+)/board/stream$")
MAX_HEADER_BYTES = 16 * 1024
HEADER_SECONDS = 10
MAX_BUFFER = 1 << 20  # bytes waiting in a viewer's socket before it is cut off
PREFIX = "lpd_"  # a display token (gateway/routes/display.py)
BUYER_PREFIX = "lpb_"  # a buyer's session (gateway/routes/buyers.py)
# the project a display token's or a buyer session's answer names: the one project it may follow
OWN_PROJECT = {"display": lambda answer: answer["board"]["project"]["id"],
               "buyer": lambda answer: answer["launch"]["project_id"]}


def sse(event, data, event_id=None):
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}\n\n".encode()


def occurred(at):
    """Epoch seconds of an ISO occurred_at, or None."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(at).timestamp()
    except (TypeError, ValueError):
        return None


class Hub:
    """The rings, the viewers of each project and the batched fan-out. Runs on the loop."""

    def __init__(self, loop, ring_size, flush_seconds):
        self.loop, self.ring_size, self.flush_seconds = loop, ring_size, flush_seconds
        self.first = self.head = None
        self.caught_up = False
        self.rings, self.viewers = {}, {}
        self.dirty, self.flush_at = {}, None  # project -> [occurred epoch of unsent frames]

    def publish(self, offset, source, envelope):
        if self.first is None:
            self.first = offset
        self.head = offset
        found = delta(source, envelope) if isinstance(envelope, dict) else None
        if found is None:
            return
        RECEIVED.inc()
        project = found["project_id"]
        ring = self.rings.get(project)
        if ring is None:
            ring = self.rings[project] = Ring(self.ring_size)
        ring.add(offset, sse("reload" if found["reload"] else "unit", found, offset))
        if project in self.viewers:
            self.dirty.setdefault(project, []).append(occurred(found["at"]))
            if self.flush_at is None:
                self.flush_at = self.loop.call_later(self.flush_seconds, self.flush)

    def flush(self):
        self.flush_at = None
        dirty, self.dirty = self.dirty, {}
        for project, stamps in dirty.items():
            ring, delivered = self.rings[project], 0
            for viewer in list(self.viewers.get(project, ())):
                delivered += viewer.catch_up(ring, self.head)
            DELIVERED.inc(delivered)
            now = time.time()
            for at in stamps:
                if at is not None:
                    DELAY.observe(max(0.0, now - at))

    def attach(self, viewer, project, last_id):
        """Send `viewer` what it missed (or reload, or hello) and follow the project."""
        ring = self.rings.get(project)
        if last_id is None:
            viewer.write(b"retry: 2000\n\n" + sse("hello", {"head": self.head}, -1 if self.head is None else self.head))
            viewer.last = -1 if self.head is None else self.head
        elif can_resume(last_id, self.first, self.head, ring):
            RESUMES.labels("resumed").inc()
            viewer.write(b"retry: 2000\n\n")
            viewer.last = last_id
            DELIVERED.inc(viewer.catch_up(ring, self.head))
        else:
            RESUMES.labels("reload").inc()
            head = -1 if self.head is None else self.head
            viewer.write(b"retry: 2000\n\n" + sse("reload", {"head": self.head, "reason": "RESUME_TOO_OLD"}, head))
            viewer.last = head
        self.viewers.setdefault(project, set()).add(viewer)
        CONNECTIONS.inc()

    def detach(self, viewer, project):
        viewers = self.viewers.get(project)
        if viewers is not None and viewer in viewers:
            viewers.discard(viewer)
            CONNECTIONS.dec()
            if not viewers:
                del self.viewers[project]

    def keepalive(self):
        for viewers in list(self.viewers.values()):
            for viewer in list(viewers):
                viewer.write(b": keep-alive\n\n")


class Authority:
    """Who may follow a project's stream: see the module's doc."""

    def __init__(self, config, executor):
        self.secret = config["JWT_SECRET"]
        self.gateway = str(config["GATEWAY_URL"]).rstrip("/")
        self.ttl = float(config.get("AUTH_CACHE_SECONDS", 30))
        self.executor = executor
        self.cache = {}

    def _ask(self, path, authorization):
        request = urllib.request.Request(self.gateway + path, headers={"Authorization": authorization})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()
        except OSError:
            return 503, b'{"error": "GATEWAY_UNAVAILABLE", "message": "the gateway does not answer; retry shortly"}'

    async def check(self, authorization, project):
        """None if allowed, else (status, error code, message)."""
        scheme, _, token = (authorization or "").partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            return 401, "TOKEN_MISSING", "a bearer token is required"
        if token.startswith(PREFIX):
            key, path = ("display", hashlib.sha256(token.encode()).hexdigest()), "/api/display/board"
        elif token.startswith(BUYER_PREFIX):  # a buyer's phone follows the board of its launch's project
            key, path = ("buyer", hashlib.sha256(token.encode()).hexdigest()), "/api/buyer/me"
        else:
            try:
                claims = jwt.decode(token, self.secret, algorithms=["HS256"], options={"require": ["exp", "sub"]})
            except jwt.ExpiredSignatureError:
                return 401, "TOKEN_EXPIRED", "the token has expired"
            except jwt.InvalidTokenError:
                return 401, "TOKEN_INVALID", "the token is not valid"
            key = ("account", claims["sub"], claims.get("gen", 0), claims.get("agency_id"), project)
            path = f"/api/projects/{project}"
        cached = self.cache.get(key)
        if cached is None or cached[0] < time.monotonic():
            status, body = await asyncio.get_running_loop().run_in_executor(
                self.executor, self._ask, path, f"Bearer {token}")
            cached = (time.monotonic() + self.ttl, status, body)
            if status != 503:
                if len(self.cache) > 100_000:
                    self.cache.clear()
                self.cache[key] = cached
        _, status, body = cached
        if status == 200 and key[0] in OWN_PROJECT:
            try:
                allowed = int(OWN_PROJECT[key[0]](json.loads(body))) == project
            except (ValueError, KeyError, TypeError):
                allowed = False
            return None if allowed else (404, "PROJECT_NOT_FOUND", f"project {project} not found")
        if status == 200:
            return None
        try:
            answer = json.loads(body)
            code, message = answer["error"], answer.get("message", "")
        except (ValueError, KeyError, TypeError):
            code, message = "GATEWAY_UNAVAILABLE", "the gateway's answer could not be read"
        if status in (403, 404):  # not this caller's project: as the gateway, it does not exist for them
            return 404, code if status == 404 else "PROJECT_NOT_FOUND", message
        return (status if status in (401, 503) else 503), code, message


def response(status, body, content_type="application/json", extra=""):
    reasons = {200: "OK", 204: "No Content", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 405: "Method Not Allowed",
               431: "Request Header Fields Too Large", 503: "Service Unavailable"}
    if isinstance(body, str):
        body = body.encode()
    return (f"HTTP/1.1 {status} {reasons.get(status, 'Error')}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n{extra}\r\n").encode() + body


def error(status, code, message, extra=""):
    return response(status, json.dumps({"error": code, "message": message}, ensure_ascii=False), extra=extra)


# what a preflight from an allowed origin is told: a GET with the token and the resume id
PREFLIGHT = ("Access-Control-Allow-Methods: GET\r\nAccess-Control-Allow-Headers: Authorization, Last-Event-ID\r\n"
             "Access-Control-Max-Age: 600\r\n")
STREAM_HEAD = (b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream; charset=utf-8\r\nCache-Control: no-store\r\n"
               b"X-Accel-Buffering: no\r\nConnection: close\r\n\r\n")


class Connection(asyncio.Protocol):
    __slots__ = ("app", "transport", "buffer", "project", "last", "timer", "closed")

    def __init__(self, app):
        self.app, self.transport, self.buffer = app, None, b""
        self.project = self.last = self.timer = None
        self.closed = False

    def connection_made(self, transport):
        self.transport = transport
        self.timer = self.app.loop.call_later(HEADER_SECONDS, self.close)

    def data_received(self, data):
        if self.project is not None or self.buffer is None:
            return  # a viewer says nothing more; a request is being answered
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self.buffer) > MAX_HEADER_BYTES:
                self.finish(error(431, "HEADERS_TOO_LARGE", "request headers too large"))
            return
        head, self.buffer = self.buffer[:end].decode("latin-1"), None
        self.timer.cancel()
        lines = head.split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3:
            return self.finish(error(400, "BAD_REQUEST", "not an HTTP request"))
        method, target, _ = parts
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self.app.loop.create_task(self.app.handle(self, method, target.split("?", 1)[0], headers))

    def write(self, data):
        if self.closed:
            return
        if self.transport.get_write_buffer_size() > MAX_BUFFER:
            log.info("feed: a viewer of project %s is too slow; disconnected (it resumes)", self.project)
            return self.close()
        self.transport.write(data)

    def catch_up(self, ring, head):
        frames = ring.after(self.last)
        self.last = head
        if frames:
            self.write(b"".join(frame for _, frame in frames))
        return len(frames)

    def finish(self, data):
        self.transport.write(data)
        self.close()

    def close(self):
        if not self.closed:
            self.closed = True
            self.transport.close()

    def connection_lost(self, exc):
        self.closed = True
        if self.timer is not None:
            self.timer.cancel()
        if self.project is not None:
            self.app.hub.detach(self, self.project)


class App:
    def __init__(self, config, loop):
        self.config, self.loop = config, loop
        self.hub = Hub(loop, int(config.get("RING_SIZE", 2000)), float(config.get("FLUSH_SECONDS", 0.05)))
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="feed-auth")
        self.authority = Authority(config, self.executor)
        self.max_connections = int(config.get("MAX_CONNECTIONS", 20000))
        self.cors_origins = {o.strip().rstrip("/") for o in str(config.get("CORS_ORIGINS") or "").split(",") if o.strip()}
        self.consumer = None

    def ready(self):
        return self.hub.caught_up and self.consumer is not None and self.consumer.connected

    def cors(self, headers):
        """The CORS headers for the request's Origin if it is one of CORS_ORIGINS (the console's
        origin when the feed is on another one, as with scripts/run.sh), else none: behind the
        shipped nginx the feed shares the console's origin and needs none."""
        origin = headers.get("origin")
        if origin and origin in self.cors_origins:
            return f"Access-Control-Allow-Origin: {origin}\r\nVary: Origin\r\n"
        return ""

    async def handle(self, conn, method, path, headers):
        try:
            cors = self.cors(headers)
            if method == "OPTIONS" and cors and STREAM_PATH.match(path):  # the browser's preflight
                return conn.finish(response(204, b"", extra=cors + PREFLIGHT))
            if method not in ("GET", "HEAD"):
                return conn.finish(error(405, "METHOD_NOT_ALLOWED", f"{method} is not served here"))
            if path == "/health/live":
                return conn.finish(response(200, "live", "text/plain"))
            if path == "/health/ready":
                if self.ready():
                    return conn.finish(response(200, "ready", "text/plain"))
                return conn.finish(response(503, "broker: not connected or stream not read yet", "text/plain"))
            if path == "/metrics":
                return conn.finish(response(200, generate_latest(), CONTENT_TYPE_LATEST))
            match = STREAM_PATH.match(path)
            if match is None:
                return conn.finish(error(404, "NO_ROUTE", f"no route {path}"))
            await self.stream(conn, int(match.group(1)), headers, cors)
        except Exception:  # the connection's answer, never the loop's end  # noqa: BLE001
            log.exception("feed: request failed")
            if not conn.closed:
                conn.finish(error(503, "SERVICE_UNAVAILABLE", "retry shortly", "Retry-After: 1\r\n"))

    async def stream(self, conn, project, headers, cors=""):
        if not self.ready():
            REFUSED.labels("503").inc()
            return conn.finish(error(503, "FEED_STARTING", "the feed is reading its stream; retry shortly",
                                     cors + "Retry-After: 1\r\n"))
        if CONNECTIONS._value.get() >= self.max_connections:
            REFUSED.labels("503").inc()
            return conn.finish(error(503, "FEED_FULL", "too many viewers on this feed; retry shortly",
                                     cors + "Retry-After: 5\r\n"))
        refused = await self.authority.check(headers.get("authorization"), project)
        if refused is not None:
            status, code, message = refused
            REFUSED.labels(str(status)).inc()
            return conn.finish(error(status, code, message, cors + ("Retry-After: 1\r\n" if status == 503 else "")))
        last = headers.get("last-event-id")
        try:
            last = int(last) if last not in (None, "") else None
        except ValueError:
            last = -2  # not an id of ours: reload
        if conn.closed:
            return
        conn.transport.write(STREAM_HEAD if not cors else STREAM_HEAD[:-2] + cors.encode() + b"\r\n")
        conn.project = project
        self.hub.attach(conn, project, last)


async def serve(config, consumer_factory):
    loop = asyncio.get_running_loop()
    app = App(config, loop)

    def caught_up():
        loop.call_soon_threadsafe(setattr, app.hub, "caught_up", True)

    app.consumer = consumer_factory(lambda *args: loop.call_soon_threadsafe(app.hub.publish, *args), caught_up)
    app.consumer.start()
    host, _, port = str(config["WEB_SERVER_ADDRESS"]).rpartition(":")
    server = await loop.create_server(lambda: Connection(app), host or "0.0.0.0", int(port), backlog=4096,
                                      reuse_address=True)
    keepalive = float(config.get("KEEPALIVE_SECONDS", 15))

    async def ping():
        while True:
            await asyncio.sleep(keepalive)
            app.hub.keepalive()

    pinger = loop.create_task(ping())
    log.info("feed: listening on %s", config["WEB_SERVER_ADDRESS"])
    try:
        await server.serve_forever()
    finally:
        pinger.cancel()
        app.consumer.stop()
