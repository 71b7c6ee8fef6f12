"""The gateway's web server: nameko's WebServer and eventlet.wsgi with every answer JSON.

What nameko and eventlet would answer themselves, and what the gateway answers instead:
- an unknown route or an odd path (NUL, `.` or `..` segments): 404 NO_ROUTE (not werkzeug's
  HTML page, not a 500 "embedded null byte");
- a known route with another method: 405 METHOD_NOT_ALLOWED and `Allow` (the `/api/<path>`
  fallback, which takes every method, would otherwise make it a 404);
- a body over MAX_BODY_BYTES: 413, from Content-Length, before any of it is read; the
  connection then closes after a bounded drain ("lingering close"), so the client reads the
  answer instead of a TCP reset;
- a request line over MAX_REQUEST_LINE: 414 (eventlet writes an empty HTTP/1.0 414);
  malformed request lines and headers: 400 (eventlet writes empty or HTML pages);
- more requests than workers plus GATEWAY_QUEUE waiting: 503 SERVICE_BUSY with Retry-After
  (nameko would queue them without bound);
- anything that escapes a handler: 500 INTERNAL (eventlet writes text/plain).
It listens with a backlog of GATEWAY_BACKLOG (eventlet.listen's default is 50: under a few
hundred simultaneous connections the kernel refuses some), and an accept that fails for
want of file descriptors waits instead of killing the container.
"""
import errno
import http.client
import json
import logging
import socket
import time
import uuid
from functools import partial

import eventlet
from eventlet import wsgi
from nameko.extensions import DependencyProvider
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Request

from gateway.http import MAX_BODY_BYTES, error_response, json_response, request_id_of

log = logging.getLogger(__name__)
MAX_REQUEST_LINE = wsgi.MAX_REQUEST_LINE  # 8192 bytes: method, URL and version
DEFAULT_BACKLOG = 2048  # the kernel caps it at net.core.somaxconn
DEFAULT_QUEUE = 1000  # requests that may wait for a worker before the gateway sheds load
LINGER_SECONDS = 30  # drain a refused body this long at most, as nginx's lingering_time
LINGER_IDLE_SECONDS = 5  # and stop when the client sends nothing for this long
UNMONITORED = ("/health/", "/metrics")  # probes are never shed: a busy gateway is alive
ACCEPT_ERRORS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
EVERY_METHOD = {"GET", "POST", "PUT", "PATCH", "DELETE"}


class GatewayRequest(Request):
    # a chunked body (no Content-Length) is read no further than one byte past the limit:
    # get_data() then returns MAX_BODY_BYTES + 1 bytes, which the handlers refuse
    max_content_length = MAX_BODY_BYTES + 1


def raw_answer(status, code, message):
    """A complete HTTP/1.1 answer, for the protocol layer (before any WSGI app runs)."""
    body = json.dumps({"error": code, "message": message}).encode()
    reason = http.client.responses.get(status, "Error")
    head = [f"HTTP/1.1 {status} {reason}", "Content-Type: application/json",
            f"Content-Length: {len(body)}", "Connection: close", f"X-Request-Id: {uuid.uuid4().hex}"]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


class GatewayProtocol(HttpOnlyProtocol):
    """eventlet's HTTP protocol, answering its own refusals in JSON and lingering after them."""

    linger = False

    def _read_request_line(self):
        line = super()._read_request_line()
        if len(line) >= self.server.url_length_limit:  # eventlet would write an empty 414
            self._refuse(414, "URI_TOO_LONG",
                         f"the request line is longer than {self.server.url_length_limit} bytes")
            return ""  # eventlet: no request line, close the connection
        return line

    def parse_request(self):
        try:
            if not super().parse_request():
                return False
        except (wsgi.HeaderLineTooLong, wsgi.HeadersTooLarge):
            self._refuse(400, "HEADERS_TOO_LARGE", "a header line or the headers are too large")
            return False
        lengths = set(self.headers.get_all("content-length") or ())
        if lengths:
            if len(lengths) > 1 or not lengths.pop().strip().isdigit():  # smuggling, or junk
                self._refuse(400, "BAD_REQUEST", "Content-Length is not one number")
                return False
            if self.headers.get("transfer-encoding") is not None:
                self._refuse(400, "BAD_REQUEST", "Content-Length and Transfer-Encoding together")
                return False
        return True

    def send_error(self, code, message=None, explain=None):
        """http.server's refusals (bad request line, HTTP version): JSON, not its HTML page."""
        self._refuse(code, http.client.responses.get(code, "error").upper().replace(" ", "_"),
                     message or explain or "the request is malformed")

    def _refuse(self, status, code, message):
        self.close_connection = 1
        self.linger = True
        try:
            self.wfile.write(raw_answer(status, code, message))
            self.wfile.flush()
        except OSError:
            pass

    def get_environ(self):
        environ = super().get_environ()
        if self.headers.get("content-type") is None:
            environ["CONTENT_TYPE"] = ""  # eventlet fills in email's default, text/plain
        # eventlet's input ends where a chunked body ends: werkzeug may read it (else it
        # reads nothing) and applies GatewayRequest.max_content_length as it does
        environ["wsgi.input_terminated"] = True
        environ["loupan.protocol"] = self  # lets the app close the connection after a refusal
        return environ

    def finish(self):
        if self.linger:
            self._drain()
        super().finish()

    def _drain(self):
        """Read and drop what the client still sends (a refused body, the rest of a long
        request line) before closing: closing a socket with unread data sends a TCP reset,
        which can destroy the answer before the client reads it."""
        conn = self.connection
        try:
            self.wfile.flush()
            conn.shutdown(socket.SHUT_WR)
            conn.settimeout(LINGER_IDLE_SECONDS)
            deadline = time.monotonic() + LINGER_SECONDS
            while time.monotonic() < deadline and conn.recv(65536):
                pass
        except OSError:
            pass


def close_after(environ):
    """Answer, then close and drain: for a request whose body is refused unread."""
    protocol = environ.get("loupan.protocol")
    if protocol is not None:
        protocol.close_connection = 1
        protocol.linger = True


def _fallback(rule):
    """A rule that takes every method (`/api/<path:rest>` answering NO_ROUTE): it says
    nothing about which methods a path allows."""
    return EVERY_METHOD <= set(rule.methods or ())


class GatewayApp(WsgiApp):
    def __init__(self, server):
        super().__init__(server)
        self.routes = Map([r.empty() for r in self.url_map.iter_rules() if not _fallback(r)])
        self.max_waiting = server.max_workers + server.queue
        self.in_flight = 0

    def __call__(self, environ, start_response):
        request = GatewayRequest(environ, shallow=True)
        try:
            response = self.respond(request)
        except Exception as exc:  # noqa: BLE001 - never eventlet's text/plain 500
            response = error_response(exc)
        response.headers.setdefault("X-Request-Id", request_id_of(request))
        return response(environ, start_response)

    def respond(self, request):
        segments = request.path.split("/")
        if "\x00" in request.path or "." in segments or ".." in segments:
            return _no_route(request)
        try:
            provider, values = self.routes.bind_to_environ(request.environ).match()
        except MethodNotAllowed as exc:
            allowed = ", ".join(sorted(exc.valid_methods or ()))
            return json_response(405, {"error": "METHOD_NOT_ALLOWED",
                                       "message": f"{request.method} is not allowed here; allowed: {allowed}"},
                                 headers={"Allow": allowed})
        except RequestRedirect as exc:  # e.g. //api/ping -> /api/ping
            return json_response(308, {"error": "REDIRECT", "message": f"see {exc.new_url}"},
                                 headers={"Location": exc.new_url})
        except HTTPException:
            try:
                provider, values = self.url_map.bind_to_environ(request.environ).match()
            except HTTPException:
                return _no_route(request)
        length = request.content_length
        if length is not None and length > MAX_BODY_BYTES:
            close_after(request.environ)
            return json_response(413, {"error": getattr(provider, "too_large_code", "BODY_TOO_LARGE"),
                                       "message": f"the body is larger than {MAX_BODY_BYTES // 2**20} MB"})
        monitored = not request.path.startswith(UNMONITORED)
        if monitored and self.in_flight >= self.max_waiting:
            return json_response(503, {"error": "SERVICE_BUSY",
                                       "message": "the gateway is at capacity; retry shortly"},
                                 headers={"Retry-After": "1"})
        request.path_values = values
        self.in_flight += monitored
        try:
            response = provider.handle_request(request)
        finally:
            self.in_flight -= monitored
        if response.status_code == 500 and response.mimetype != "application/json":
            # nameko's plain http entrypoints answer "Error: <type>: <message>" in text
            log.error("%s %s: %s", request.method, request.path, response.get_data(as_text=True)[:200])
            return json_response(500, {"error": "INTERNAL", "message": "internal error"})
        return response


def _no_route(request):
    return json_response(404, {"error": "NO_ROUTE", "message": f"no route {request.path[:200]!r}"})


class GatewayWebServer(WebServer):
    """Shared under nameko's WebServer key, so every http entrypoint of the service uses it
    once it is bound first (HttpServer below sees to that)."""

    @property
    def sharing_key(self):
        return WebServer

    @property
    def max_workers(self):
        return self.container.max_workers

    @property
    def queue(self):
        return int(self.container.config.get("GATEWAY_QUEUE") or DEFAULT_QUEUE)

    def start(self):
        if not self._starting:
            self._starting = True
            backlog = int(self.container.config.get("GATEWAY_BACKLOG") or DEFAULT_BACKLOG)
            self._sock = eventlet.listen(self.bind_addr, backlog=backlog)
            self._sock.settimeout(None)  # as nameko: https://github.com/celery/kombu/issues/838
            self._serv = self.get_wsgi_server(self._sock, self.get_wsgi_app())
            self._gt = self.container.spawn_managed_thread(self.run)

    def run(self):
        while self._is_accepting:
            try:
                sock, addr = self._sock.accept()
            except OSError as exc:
                if exc.errno in ACCEPT_ERRORS:  # out of descriptors: the backlog holds them
                    log.warning("accept failed (%s); retrying", errno.errorcode.get(exc.errno))
                    eventlet.sleep(0.05)
                    continue
                if exc.errno == errno.ECONNABORTED:
                    continue
                raise
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self.process_request, sock, addr))

    def get_wsgi_app(self):
        return GatewayApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=GatewayProtocol, debug=False):
        return wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                           log=logging.getLogger("nameko.web.server"), url_length_limit=MAX_REQUEST_LINE)


class HttpServer(DependencyProvider):
    """Declared on the service: nameko binds dependencies before entrypoints, so this binds
    the GatewayWebServer first and the entrypoints' WebServer() resolve to it."""

    server = GatewayWebServer()

    def get_dependency(self, worker_ctx):
        return None
