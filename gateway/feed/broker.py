"""The feed's consumer: one thread reading the feed's RabbitMQ stream queue with py-amqp and
handing each event to the asyncio loop (`deliver(offset, source, envelope)` through
`call_soon_threadsafe`).

The queue is a stream (`x-queue-type: stream`, RabbitMQ 3.9+), bound to the board's events on
inventory's and contracts' exchanges (board_events.BINDINGS): the broker keeps what arrives
for FEED_STREAM_MAX_AGE whether or not the feed runs, every consumer reads it from the
offset it asks for, and the offset of each message is its id on the feed. The feed reads it
from its start ("first") at every start, so its rings are rebuilt after a restart; it is
`caught_up` when the stream has nothing more for it (a read times out), and ready from then.

A lost connection is retried every second, reading again from the offset after the last one
handed over.
"""
import json
import logging
import socket
import threading
import time

import amqp

from gateway.feed.board_events import BINDINGS

log = logging.getLogger("loupan.feed")
QUEUE = "evt-board--feed.board.stream"  # two dots: not a handler queue of the dead-letter policy
PREFETCH = 1000
IDLE_SECONDS = 0.5  # a read that long without a message: the stream is read to its end


def connection_params(uri):
    """py-amqp's Connection keywords of an amqp:// URI."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(uri)
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return {"host": f"{parts.hostname or '127.0.0.1'}:{parts.port or 5672}",
            "userid": unquote(parts.username or "guest"), "password": unquote(parts.password or "guest"),
            "virtual_host": vhost, "connect_timeout": 5, "heartbeat": 0}


class StreamConsumer(threading.Thread):
    def __init__(self, amqp_uri, deliver, caught_up, max_age="1h", segment_bytes=10_000_000):
        super().__init__(name="feed-consumer", daemon=True)
        self.amqp_uri, self.deliver, self.caught_up = amqp_uri, deliver, caught_up
        self.arguments = {"x-queue-type": "stream", "x-max-age": str(max_age),
                          "x-stream-max-segment-size-bytes": int(segment_bytes)}
        self.next_offset = "first"
        self.connected = False
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                self._consume()
            except Exception as exc:  # a broker outage: wait and read on from where we were  # noqa: BLE001
                self.connected = False
                log.warning("feed: broker connection lost (%s: %s); retrying in 1 s", type(exc).__name__, exc)
                self.stopping.wait(1.0)

    def _consume(self):
        conn = amqp.Connection(**connection_params(self.amqp_uri))
        conn.connect()
        try:
            channel = conn.channel()
            for exchange in sorted({f"{source}.events" for source, _ in BINDINGS}):
                channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
            channel.queue_declare(QUEUE, durable=True, auto_delete=False, arguments=self.arguments)
            for source, event_type in BINDINGS:
                channel.queue_bind(QUEUE, f"{source}.events", event_type)
            channel.basic_qos(0, PREFETCH, False)
            channel.basic_consume(QUEUE, callback=lambda m: self._on_message(channel, m),
                                  arguments={"x-stream-offset": self.next_offset})
            self.connected = True
            log.info("feed: reading %s from offset %s", QUEUE, self.next_offset)
            announced = False
            while not self.stopping.is_set():
                try:
                    conn.drain_events(timeout=IDLE_SECONDS)
                except socket.timeout:
                    if not announced:
                        announced = True
                        self.caught_up()
        finally:
            self.connected = False
            try:
                conn.collect()
            except Exception:  # noqa: BLE001
                pass

    def _on_message(self, channel, message):
        offset = int(message.headers["x-stream-offset"])
        source = str(message.delivery_info.get("exchange", "")).removesuffix(".events")
        channel.basic_ack(message.delivery_tag)
        self.next_offset = offset + 1
        try:
            envelope = json.loads(message.body)
        except (TypeError, ValueError):
            log.warning("feed: offset %s is not JSON; skipped", offset)
            envelope = None
        self.deliver(offset, source, envelope)

    def stop(self):
        self.stopping.set()


def wait_connected(consumer, timeout):
    deadline = time.monotonic() + timeout
    while not consumer.connected and time.monotonic() < deadline:
        time.sleep(0.05)
    return consumer.connected
