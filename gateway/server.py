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
- a path or query string that is not UTF-8: 400 BAD_TEXT; an encoded `/` in the path: 404
  NO_ROUTE; a method not in capitals (`get`): 405; a path id not in ASCII digits (`１`):
  404 NO_ROUTE (gateway/edges.py, before any route); every /api/ answer `Cache-Control:
  no-store`;
- anything that escapes a handler: 500 INTERNAL (eventlet writes text/plain).
It listens with a backlog of GATEWAY_BACKLOG (eventlet.listen's default is 50: under a few
hundred simultaneous connections the kernel refuses some), and an accept that fails for
want of file descriptors waits instead of killing the container.

Slow and idle clients (issue 30: 20,000 connections sending half a header, or a body that
never comes, held every descriptor; nothing closed them): a connection waits at most
GATEWAY_KEEPALIVE_TIMEOUT for a request to start, GATEWAY_HEADER_TIMEOUT from its first
byte to the end of its headers (then 408 and close), GATEWAY_BODY_TIMEOUT to send its
body (408 and close; an unread body is discarded under the same deadline); at most
GATEWAY_MAX_CONNECTIONS_PER_ADDRESS connections per client address and
GATEWAY_MAX_CONNECTIONS in all (capped below the open-files limit) are open: past either,
a new connection gets 503 TOO_MANY_CONNECTIONS and is closed at once. When many
connections have closed, the process gives freed memory back to the system (malloc_trim).
"""
import ctypes
import ctypes.util
import errno
import gc
import http.client
import json
import logging
import resource
import socket
import time
import uuid
from collections import Counter
from functools import partial

import eventlet
from eventlet import wsgi
from nameko.extensions import DependencyProvider
from nameko.web.server import HttpOnlyProtocol, WebServer, WsgiApp
from werkzeug.exceptions import HTTPException, MethodNotAllowed, RequestTimeout
from werkzeug.routing import Map, RequestRedirect
from werkzeug.wrappers import Request

from gateway import edges
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
DEFAULT_HEADER_TIMEOUT = 10  # seconds from a request's first byte to the end of its headers
DEFAULT_BODY_TIMEOUT = 60  # seconds to send the whole body (10 MB at ~1.4 Mbit/s)
DEFAULT_KEEPALIVE_TIMEOUT = 15  # seconds a connection may wait idle for its (next) request
DEFAULT_MAX_CONNECTIONS = 10000  # and never more than the open-files limit less RESERVED_FDS
DEFAULT_MAX_CONNECTIONS_PER_ADDRESS = 4000  # behind a proxy every client has its address
RESERVED_FDS = 512  # descriptors kept for the database pool, the broker, logs, children
TRIM_AFTER_CLOSED = 1000  # give memory back once this many connections closed since the peak


class HeaderTimeout(socket.timeout):
    """The headers did not arrive within GATEWAY_HEADER_TIMEOUT of the request's first byte."""


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
    header_timer = None

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except HeaderTimeout:
            self.close_connection = 1
            self._answer_and_close(408, "REQUEST_TIMEOUT",
                                   f"the headers took longer than {self.server.header_timeout} s")
        finally:
            self._stop_header_timer()

    def _stop_header_timer(self):
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None

    def _read_request_line(self):
        """Wait up to the keep-alive timeout for a request's first byte; from then on the
        request line and headers have GATEWAY_HEADER_TIMEOUT in all, however slowly they
        trickle in (a per-read timeout alone would let one byte a second hold a connection)."""
        if self.rfile.closed:
            self.close_connection = 1
            return ""
        try:
            self.connection.settimeout(self.server.keepalive_timeout)
            if not self.rfile.peek(1):  # the client closed
                self.close_connection = 1
                return ""
        except OSError:  # idle for too long (socket.timeout), or reset
            self.close_connection = 1
            return ""
        finally:
            self.connection.settimeout(self.server.socket_timeout)
        self.header_timer = eventlet.Timeout(self.server.header_timeout, HeaderTimeout())
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
        finally:
            self._stop_header_timer()  # the headers are in (or refused): the body has its own
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

    def _answer_and_close(self, status, code, message):
        """Answer a client that is too slow, without lingering for it."""
        try:
            self.connection.settimeout(1)
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
        body = DeadlineInput(environ["eventlet.input"], self, self.server.body_timeout)
        environ["wsgi.input"] = environ["eventlet.input"] = body
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


class DeadlineInput:
    """eventlet's request input, read within GATEWAY_BODY_TIMEOUT of the end of the headers
    in all: a body that never comes (a Content-Length with nothing behind it, `Expect:
    100-continue` and no body, a huge chunk size, a partial body) answers 408 and closes the
    connection. eventlet's discard of a body the app did not read keeps the same deadline."""

    _own = ("_input", "_protocol", "_deadline")

    def __init__(self, inner, protocol, seconds):
        object.__setattr__(self, "_input", inner)
        object.__setattr__(self, "_protocol", protocol)
        object.__setattr__(self, "_deadline", time.monotonic() + seconds)

    def __getattr__(self, name):
        return getattr(self._input, name)

    def __setattr__(self, name, value):  # eventlet sets headers_sent on its input
        setattr(self._input, name, value)

    def _call(self, method, *args):
        connection = self._protocol.connection
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise socket.timeout("the body did not arrive in time")
        idle = self._protocol.server.socket_timeout
        try:
            connection.settimeout(remaining if idle is None else min(idle, remaining))
            return getattr(self._input, method)(*args)
        finally:
            try:
                connection.settimeout(idle)
            except OSError:
                pass

    def _read(self, method, *args):
        try:
            return self._call(method, *args)
        except socket.timeout:
            self._protocol.close_connection = 1
            raise RequestTimeout(f"the body took longer than {self._protocol.server.body_timeout} s")

    def read(self, *args):
        return self._read("read", *args)

    def readline(self, *args):
        return self._read("readline", *args)

    def readlines(self, *args):
        return self._read("readlines", *args)

    def __iter__(self):
        return iter(self.readline, b"")

    def discard(self, *args):
        return self._call("discard", *args)  # a timeout is an OSError: eventlet closes


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
        self.routes = Map([r.empty() for r in self.url_map.iter_rules() if not _fallback(r)],
                          converters=edges.CONVERTERS)
        self.max_waiting = server.max_workers + server.queue
        self.in_flight = 0

    def __call__(self, environ, start_response):
        request = GatewayRequest(environ, shallow=True)
        try:
            response = self.respond(request)
        except Exception as exc:  # noqa: BLE001 - never eventlet's text/plain 500
            response = error_response(exc)
        response.headers.setdefault("X-Request-Id", request_id_of(request))
        if request.path.startswith("/api/"):  # personal data: no cache, no shared proxy keeps it
            response.headers["Cache-Control"] = "no-store"
        return response(environ, start_response)

    def respond(self, request):
        refused = edges.refusal(request, self.routes)  # bad text, %2F, `get`
        if refused is not None:
            return refused
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

    def setting(self, key, default):
        value = self.container.config.get(key)
        return default if value in (None, "") else type(default)(value)

    def start(self):
        if not self._starting:
            self._starting = True
            soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
            self.max_connections = self.setting("GATEWAY_MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS)
            if soft != resource.RLIM_INFINITY:
                self.max_connections = max(1, min(self.max_connections, soft - RESERVED_FDS))
            self.max_per_address = self.setting("GATEWAY_MAX_CONNECTIONS_PER_ADDRESS",
                                                DEFAULT_MAX_CONNECTIONS_PER_ADDRESS)
            self.open_by_address = Counter()
            self.open_connections = 0
            self.peak_connections = 0
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
            host = addr[0] if isinstance(addr, tuple) else addr
            if (self.open_connections >= self.max_connections
                    or self.open_by_address[host] >= self.max_per_address):
                _turn_away(sock)
                continue
            self.open_connections += 1
            self.open_by_address[host] += 1
            self.peak_connections = max(self.peak_connections, self.open_connections)
            sock.settimeout(self._serv.socket_timeout)
            self.container.spawn_managed_thread(partial(self.serve_connection, sock, addr, host))

    def serve_connection(self, sock, addr, host):
        try:
            self.process_request(sock, addr)
        finally:
            self.open_connections -= 1
            self.open_by_address[host] -= 1
            if self.open_by_address[host] <= 0:
                del self.open_by_address[host]
            if self.peak_connections - self.open_connections >= TRIM_AFTER_CLOSED:
                self.peak_connections = self.open_connections
                eventlet.spawn_n(give_memory_back)

    def make_url_map(self):
        """nameko's, with path ids of ASCII digits only (gateway/edges.py)."""
        url_map = Map(converters=edges.CONVERTERS)
        for provider in self._providers:
            rule = provider.get_url_rule()
            rule.endpoint = provider
            url_map.add(rule)
        return url_map

    def get_wsgi_app(self):
        return GatewayApp(self)

    def get_wsgi_server(self, sock, wsgi_app, protocol=GatewayProtocol, debug=False):
        body_timeout = self.setting("GATEWAY_BODY_TIMEOUT", float(DEFAULT_BODY_TIMEOUT))
        server = wsgi.Server(sock, sock.getsockname(), wsgi_app, protocol=protocol, debug=debug,
                             log=logging.getLogger("nameko.web.server"), url_length_limit=MAX_REQUEST_LINE,
                             socket_timeout=body_timeout)  # any one read or write of a connection
        server.header_timeout = self.setting("GATEWAY_HEADER_TIMEOUT", float(DEFAULT_HEADER_TIMEOUT))
        server.body_timeout = body_timeout
        server.keepalive_timeout = self.setting("GATEWAY_KEEPALIVE_TIMEOUT", float(DEFAULT_KEEPALIVE_TIMEOUT))
        return server


def _turn_away(sock):
    """Past a connection cap: 503 if the socket takes it at once, then close."""
    try:
        sock.setblocking(False)
        sock.send(raw_answer(503, "TOO_MANY_CONNECTIONS", "too many connections; retry shortly")
                  .replace(b"Connection: close", b"Retry-After: 1\r\nConnection: close"))
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def give_memory_back():
    """After a flood of connections, hand freed heap back to the system: without this the
    process kept its peak (148 -> 538 MB after 20,000 connections, and stayed)."""
    gc.collect()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class HttpServer(DependencyProvider):
    """Declared on the service: nameko binds dependencies before entrypoints, so this binds
    the GatewayWebServer first and the entrypoints' WebServer() resolve to it."""

    server = GatewayWebServer()

    def get_dependency(self, worker_ctx):
        return None
