"""Publishing a batch of messages with publisher confirms and `mandatory`.

Confirms are awaited for the whole batch rather than one by one: RabbitMQ confirms a
persistent message only once it is on disk, so a round trip per message would cap the
relay at the disk's sync rate. A message the broker returns (no queue bound for its
routing key) is reported `unrouted`; a nacked one `nacked`; an acked one `sent`.
"""
import socket
import time

import amqp
import kombu.exceptions
from kombu import Connection


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
        if self._conn is not None:
            try:
                if broken:
                    self._conn.collect()
                else:
                    self._conn.release()
            except Exception:  # the connection is being dropped anyway  # noqa: BLE001
                pass
        self._conn = self._channel = None
        self._declared = set()

    def _open(self):
        if self._channel is None:
            conn = Connection(self.amqp_uri, connect_timeout=5, heartbeat=0)
            conn.connect()
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
