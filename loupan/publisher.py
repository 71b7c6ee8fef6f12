"""Publishing a batch of messages with publisher confirms and `mandatory`.

Confirms are awaited for the whole batch rather than one by one: RabbitMQ confirms a
persistent message only once it is on disk, so a round trip per message would cap the
relay at the disk's sync rate. A message the broker returns (no queue bound for its
routing key) is reported `unrouted`; a nacked one `nacked`; an acked one `sent`.

Every wait on the broker has a deadline: the connection's socket gives up after
`confirm_timeout` on any read without a timeout of its own (a declare's answer), and a close
waits CLOSE_SECONDS for the broker's Close-Ok, then drops the socket. The connection has no
heartbeat, so without them a broker gone silent would be waited for forever.

One green thread at a time uses a publisher (the outbox's relay): a second reader of its
socket is refused by eventlet, and closing the socket under a green thread that waits on it
leaves that thread waiting forever (the suite's hang of issue 29: a kill closed the
connection while the relay was publishing on it).
"""
import socket
import time

import amqp
import kombu.exceptions
from kombu import Connection

CLOSE_SECONDS = 2.0  # how long a close waits for the broker's Close-Ok before dropping the socket


def _socket_of(conn):
    """The TCP socket under a kombu connection (py-amqp), or None if it has none (yet)."""
    transport = getattr(conn.connection, "transport", None) if conn.connected else None
    return getattr(transport, "sock", None)


def is_broker_outage(exc):
    """True if `exc` says the broker cannot be reached (refused, lost, closed by a broker
    shutting down, no confirm in time), as opposed to the broker refusing one publish (a
    channel error such as ACCESS_REFUSED): an outage is waited out, not counted per message."""
    return isinstance(exc, (OSError, socket.timeout, TimeoutError, amqp.exceptions.ConnectionError,
                            kombu.exceptions.OperationalError))


class ConfirmingPublisher:
    def __init__(self, amqp_uri, confirm_timeout=10.0):
        self.amqp_uri = amqp_uri
        self.confirm_timeout = confirm_timeout
        self._conn = None
        self._channel = None
        self._declared = set()

    def close(self, broken=False):
        """Close the connection; `broken`: without the closing handshake, which a broker that
        is gone would never answer."""
        conn, self._conn, self._channel, self._declared = self._conn, None, None, set()
        if conn is None:
            return
        try:
            sock = None if broken else _socket_of(conn)
            if sock is not None:
                sock.settimeout(CLOSE_SECONDS)
                conn.release()  # a Close-Ok not come by then: py-amqp drops the socket itself
            else:
                conn.collect()
        except Exception:  # the connection is being dropped anyway  # noqa: BLE001
            pass

    def _open(self):
        if self._channel is None:
            conn = Connection(self.amqp_uri, connect_timeout=5, heartbeat=0)
            conn.connect()
            # reads with no timeout of their own (a declare's or the channel's answer) end too
            _socket_of(conn).settimeout(self.confirm_timeout)
            channel = conn.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            channel.events["basic_return"].add(self._on_return)
            self._conn, self._channel, self._seq = conn, channel, 0
        return self._channel

    def _on_ack(self, tag, multiple):
        self._settle(tag, multiple, "sent")

    def _on_nack(self, tag, multiple):
        self._settle(tag, multiple, "nacked")

    def _settle(self, tag, multiple, outcome):
        tags = [t for t in self._pending if t <= tag] if multiple else [tag]
        for t in tags:
            key = self._pending.pop(t, None)
            if key is not None:
                returned = outcome == "sent" and key in self._returned
                self._outcomes[key] = "unrouted" if returned else outcome

    def _on_return(self, exc, exchange, routing_key, message):
        self._returned.add(message.properties.get("message_id"))

    def publish_batch(self, messages):
        """messages: iterable of (key, exchange, routing_key, body_str). Returns {key: outcome}.
        Raises on a broker or connection failure; the connection is then reopened next time."""
        try:
            channel = self._open()
            self._pending, self._outcomes, self._returned = {}, {}, set()
            for key, exchange, routing_key, body in messages:
                if exchange not in self._declared:
                    channel.exchange_declare(exchange, "topic", durable=True, auto_delete=False)
                    self._declared.add(exchange)
                self._seq += 1
                self._pending[self._seq] = key
                channel.basic_publish(
                    amqp.Message(
                        body,
                        content_type="application/json",
                        content_encoding="utf-8",
                        delivery_mode=2,
                        message_id=key,
                    ),
                    exchange=exchange,
                    routing_key=routing_key,
                    mandatory=True,
                )
            deadline = time.monotonic() + self.confirm_timeout
            while self._pending:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError("broker did not confirm the batch in time")
                self._conn.drain_events(timeout=remaining)
            return self._outcomes
        except Exception:  # whatever it was, the channel's state is unknown: start afresh
            self.close(broken=True)
            raise
