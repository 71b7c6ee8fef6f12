"""Stopping or killing a service while its outbox relay is publishing, with a real RabbitMQ:
the stop or kill returns (never waits on the broker unbounded), and no committed event is
lost. The suite's hang (issue 29) was a kill that closed the publisher's connection while
the relay was publishing on it: the kill waited for a Close-Ok the relay had taken and then
dropped with the socket, and nothing ever woke it.

`relay_reading(...)` makes the relay's wait for its confirms observable: the test learns
when the relay is about to read the broker's socket, and may hold it there."""
import eventlet
import pytest
from eventlet.event import Event

from loupan.publisher import ConfirmingPublisher
from loupan.testing import wait_until
from loupan.tests.test_outbox_inbox import PublishingService, call, engine, outbox_row, start  # noqa: F401 - fixtures

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

DEADLINE = 30  # a stop or kill that has not returned by then is the hang, reported as such


@pytest.fixture
def relay_reading(monkeypatch):
    """relay_reading(pause, hold) -> Event sent when the relay first waits for its confirms.
    `pause`: seconds it then waits before it reads (a stop lands in between); `hold`: it then
    keeps reading the socket until its confirm deadline, as when the broker is slow."""

    def watch(pause=0.0, hold=False):
        reading = Event()
        real_open = ConfirmingPublisher._open

        def open_watched(self):
            fresh = self._channel is None
            channel = real_open(self)
            if fresh:
                conn, real_drain = self._conn, self._conn.drain_events

                def drain(timeout=None):
                    if not reading.ready():
                        reading.send(True)
                        eventlet.sleep(pause)
                        while hold:  # ends with the socket timeout at the confirm deadline
                            real_drain(timeout=timeout)
                    return real_drain(timeout=timeout)

                conn.drain_events = drain
            return channel

        monkeypatch.setattr(ConfirmingPublisher, "_open", open_watched)
        return reading

    return watch


class Hung(BaseException):
    """Thrown into a wait past DEADLINE: not an Exception, so no `except Exception` of the
    code under test can swallow it."""


def finished(action, what):
    try:
        with eventlet.Timeout(DEADLINE, Hung()):
            action()
    except Hung:
        pytest.fail(f"{what} did not return: it waits on the broker")


def test_stop_while_the_relay_publishes_waits_for_its_pass_then_returns(start, engine, event_sink, relay_reading):
    """The stop lands after the relay sent the batch and before it read the confirms: the relay
    finishes its pass (the event out and marked sent) and closes its own connection."""
    reading = relay_reading(pause=0.3)
    sink = event_sink("inventory")
    container = start(PublishingService)
    event_id = call(container, "release", [1])
    reading.wait()
    finished(container.stop, "container.stop()")
    (event,) = sink.wait_for("units_released")
    assert event["event_id"] == event_id
    assert outbox_row(engine, event_id).state == "sent"


def test_kill_while_the_relay_waits_for_confirms_returns_and_loses_nothing(start, engine, event_sink,
                                                                          relay_reading, monkeypatch):
    """Killed while the relay reads the socket for confirms that do not come: the kill returns,
    the row stays pending (the broker's confirm was never recorded), and the next start of
    the service sends it: at least once, never lost."""
    reading = relay_reading(hold=True)
    sink = event_sink("inventory")
    container = start(PublishingService)
    event_id = call(container, "release", [2])
    reading.wait()
    finished(container.kill, "container.kill()")
    assert outbox_row(engine, event_id).state == "pending"

    monkeypatch.undo()  # the next start publishes as usual
    start(PublishingService, OUTBOX={"sweep_seconds": 0.2})
    wait_until(lambda: outbox_row(engine, event_id).state == "sent", what="outbox row sent")
    assert {e["event_id"] for e in sink.wait_for("units_released")} == {event_id}


# a broker gone silent ---------------------------------------------------------------------
class SilencingProxy:
    """A TCP proxy to the broker that can go silent: from `silence()` on it forwards nothing
    either way and closes nothing, as a broker behind a dead network path."""

    def __init__(self, host, port):
        self.upstream = (host, port)
        self.server = eventlet.listen(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.silent = False
        self.sockets, self.threads = [], [eventlet.spawn(self._accept)]

    def _accept(self):
        while True:
            client, _ = self.server.accept()
            upstream = eventlet.connect(self.upstream)
            self.sockets += [client, upstream]
            self.threads += [eventlet.spawn(self._pump, client, upstream), eventlet.spawn(self._pump, upstream, client)]

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                if not self.silent:
                    sink.sendall(data)
        except OSError:
            pass

    def silence(self):
        self.silent = True

    def close(self):  # the threads first: a socket closed under a waiting thread confuses eventlet's hub
        for thread in self.threads:
            thread.kill()
        for sock in [self.server, *self.sockets]:
            sock.close()


@pytest.fixture
def silencing_proxy(rabbit_config):
    from urllib.parse import urlparse

    uri = urlparse(rabbit_config["AMQP_URI"])
    proxy = SilencingProxy(uri.hostname, uri.port or 5672)
    yield proxy, uri._replace(netloc=f"{uri.username}:{uri.password}@127.0.0.1:{proxy.port}").geturl()
    proxy.close()


@pytest.mark.parametrize("stage", ["confirms", "close"])
def test_a_silent_broker_never_holds_the_publisher(silencing_proxy, stage):
    """The broker stops answering (no frames, no reset): waiting for confirms fails at the
    confirm deadline, and a close gives up on the Close-Ok and drops the socket."""
    proxy, amqp_uri = silencing_proxy
    publisher = ConfirmingPublisher(amqp_uri, confirm_timeout=1)
    assert publisher.publish_batch([("e1", "inventory.events", "units_released", "{}")]) == {"e1": "unrouted"}
    proxy.silence()
    if stage == "confirms":
        with pytest.raises(TimeoutError):
            publisher.publish_batch([("e2", "inventory.events", "units_released", "{}")])
    finished(publisher.close, "publisher.close()")
    assert publisher._conn is None
