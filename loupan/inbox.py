"""Consuming events: nothing done twice, nothing silently dropped.

`handles(source, event_type)` decorates a service method taking the validated envelope.
Before the method runs, `(handler, event_id)` is inserted into the service's `inbox` table
in the same transaction as the method's effect; a redelivered event hits the primary key
and is skipped. The wrapper commits after the method returns.

nameko acks a message whose handler raised. Here a failure is instead re-published to the
handler's `<queue>.retry` queue (a TTL queue that dead-letters back into the handler's
queue after `EVENT_RETRY.delay_ms`) and acked; after `max_attempts`, or at once for an
event that breaks its contract, it goes to `<queue>.dlq`, where it stays for an operator.
Publishing before acking means a crash in between redelivers, which the inbox absorbs.

A handler that failed because a dependency is away (its database unreachable, the broker
or another service not answering: `is_outage`) did nothing wrong: its event goes to the
retry queue without counting an attempt, as long as the outage lasts, and is applied once
the dependency is back; it is never dead-lettered for an outage. If even the retry queue
cannot be reached the message is requeued, or, on a lost connection, redelivered by the
broker; nothing in here raises into the worker (that would stop the service).
"""
import functools
import logging
import socket
from functools import partial

import amqp.exceptions
import kombu.exceptions
from kombu import Connection, Exchange, Queue
from kombu.pools import producers
from nameko.events import EventHandler
from nameko.exceptions import RemoteError, RpcTimeout
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from loupan import logs
from loupan.errors import Unavailable
from loupan.events import InvalidEvent, parse_envelope
from loupan.rpc import ResilientQueueConsumer
from loupan.types import utcnow
from loupan.uow import is_database_outage

log = logging.getLogger(__name__)
ATTEMPTS_HEADER = "x-loupan-attempts"
OUTAGES_HEADER = "x-loupan-outage-retries"
BROKER_OUTAGES = (ConnectionError, socket.timeout, amqp.exceptions.ConnectionError, kombu.exceptions.OperationalError)
REMOTE_OUTAGES = {"OperationalError", "InterfaceError"}  # another service's database, through RPC


def is_outage(exc):
    """True if the handler failed because something it needs is away, not because of the event."""
    if is_database_outage(exc) or isinstance(exc, BROKER_OUTAGES + (Unavailable, RpcTimeout)):
        return True
    return isinstance(exc, RemoteError) and exc.exc_type in REMOTE_OUTAGES


def record_once(uow, inbox, handler, event_id):
    """Insert (handler, event_id) as the first statement of the transaction; False if it
    was already there (the whole transaction is rolled back, nothing else was done)."""
    try:
        uow.session.execute(
            insert(inbox).values(handler=handler, event_id=event_id, received_at=utcnow())
        )
        uow.session.flush()
    except IntegrityError:
        uow.rollback()
        return False
    return True


class DeadLetteringQueueConsumer(ResilientQueueConsumer):
    """nameko's queue consumer, except that a body kombu cannot decode (not JSON, say) is
    parked in the handler's dead-letter queue; kombu's default would log it and ack it away.
    Resilient (loupan.rpc): reconnects within seconds, acks on a lost connection never raise.
    Each handler's retry and dead-letter queues are declared here, on the consumer's own
    channel, at every (re)connection: a broker that lost them gets them back, and a start
    opens no connection per handler (twelve in crm's, a quarter of a second)."""

    def get_consumers(self, consumer_cls, channel):
        for provider in self._providers:
            provider.retry_queue(channel).declare()
            provider.dead_queue(channel).declare()
        consumers = super().get_consumers(consumer_cls, channel)
        for provider, consumer in self._consumers.items():
            consumer.on_decode_error = partial(provider.undecodable, self)
        return consumers


class RetryingEventHandler(EventHandler):
    queue_consumer = DeadLetteringQueueConsumer()

    def setup(self):
        super().setup()
        retry = self.container.config.get("EVENT_RETRY") or {}
        self.max_attempts = int(retry.get("max_attempts", 5))
        self.delay_ms = int(retry.get("delay_ms", 2000))
        name = self.queue.name
        self.retry_queue = Queue(
            f"{name}.retry",
            exchange=Exchange(""),
            routing_key=f"{name}.retry",
            durable=True,
            queue_arguments={
                "x-message-ttl": self.delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": name,
            },
        )
        self.dead_queue = Queue(f"{name}.dlq", exchange=Exchange(""), routing_key=f"{name}.dlq", durable=True)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is None:
            self.queue_consumer.ack_message(message)
            return
        if is_outage(exc_info[1]):  # not the event's fault: retried for as long as it lasts
            self.park(message, self.retry_queue, int((message.headers or {}).get(ATTEMPTS_HEADER, 0)),
                      exc_info[1], outage=True)
            return
        attempts = int((message.headers or {}).get(ATTEMPTS_HEADER, 0)) + 1
        final = attempts >= self.max_attempts or issubclass(exc_info[0], InvalidEvent)
        self.park(message, self.dead_queue if final else self.retry_queue, attempts, exc_info[1])

    def undecodable(self, queue_consumer, message, exc):
        """A body that is not even JSON breaks the contract: straight to the dead letters."""
        self.park(message, self.dead_queue, 1, exc)

    def park(self, message, target, attempts, error, outage=False):
        """Re-publish `message` to the retry or dead-letter queue, then ack it; if that
        publish fails, requeue it instead, so that it is never lost. `outage`: the retry
        does not count as an attempt (counted apart, in OUTAGES_HEADER)."""
        final = target is self.dead_queue
        headers = dict(message.headers or {})
        headers.update({ATTEMPTS_HEADER: attempts, "x-loupan-error": repr(error)[:500]})
        if outage:
            retries = headers[OUTAGES_HEADER] = int(headers.get(OUTAGES_HEADER, 0)) + 1
            log.log(logging.WARNING if retries == 1 or retries % 10 == 0 else logging.DEBUG,
                    "a dependency is unavailable (%s: %s); event retried in %d ms (outage retry %d)",
                    type(error).__name__, str(error).splitlines()[0] if str(error) else "",
                    self.delay_ms, retries)
        try:
            conn = Connection(self.container.config["AMQP_URI"], transport_options={"confirm_publish": True})
            with producers[conn].acquire(block=True, timeout=10) as producer:
                producer.publish(
                    message.body,
                    exchange="",
                    routing_key=target.name,
                    headers=headers,
                    content_type=message.content_type,
                    content_encoding=message.content_encoding,
                    delivery_mode=2,
                    retry=True,
                    retry_policy={"max_retries": 3},
                )
        except Exception:  # could not park it: give it back to the queue rather than lose it
            log.exception("could not re-publish failed event; requeueing")
            self.queue_consumer.requeue_message(message)
            return
        if final:
            log.error("event dead-lettered to %s after %d attempts", target.name, attempts)
        self.queue_consumer.ack_message(message)


def handles(source_service, event_type, **options):
    """Decorate `method(self, event)`: validated envelope in, effect committed exactly once.
    The service must have `db` (Database) with an `inbox` table in its metadata."""

    def decorate(method):
        @functools.wraps(method)
        def consume(self, body):
            event = parse_envelope(body)
            logs.context.event_id = event["event_id"]
            if event["type"] != event_type:
                raise InvalidEvent(f"expected {event_type}, got {event['type']}")
            inbox = self.db.metadata.tables["inbox"]
            if not record_once(self.db, inbox, method.__name__, event["event_id"]):
                log.info("duplicate event %s skipped by %s", event["event_id"], method.__name__)
                return None
            result = method(self, event)
            self.db.commit()
            return result

        return RetryingEventHandler.decorator(source_service, event_type, **options)(consume)

    return decorate
