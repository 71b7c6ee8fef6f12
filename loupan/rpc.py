"""RPC that outlives the broker, and RPC to another service with a timeout.

`ResilientRpc` is nameko's Rpc entrypoint (loupan.entrypoints builds `rpc` on it), except
that nothing the broker does can end the service: a reply that cannot be sent (the broker
went away while the worker ran) is logged and dropped, so the caller times out, where
nameko would let the error kill the container; an ack or requeue on a dead connection is
dropped too (the broker redelivers an unacked message by itself). Its queue consumer
reconnects every few seconds at most (`RECONNECT_MAX_SECONDS`), not kombu's 30.

`TimedRpcProxy` is nameko's in-service RpcProxy, which waits forever, with a timeout; its
reply listener uses the same resilient consumer. Every call it makes is sealed (loupan.bus):
with the seal the worker was called with when it carries the same actor, else by this service."""
import logging
import socket
from contextlib import contextmanager

import eventlet
from nameko.exceptions import UnknownService
from nameko.messaging import QueueConsumer
from nameko.rpc import ReplyListener, Rpc, RpcConsumer, RpcProxy

from loupan import bus
from loupan.errors import Unavailable

log = logging.getLogger(__name__)
RECONNECT_MAX_SECONDS = 4  # the longest wait between two connection attempts to the broker
# How long the consumer thread blocks reading the socket before it looks at its own requests:
# kombu's default of 1 s made every stop (a deploy, a test) wait up to 1 s per consumer group,
# ~2 s per service. The price: ten read timeouts a second per consumer thread, raised and caught.
POLL_SECONDS = 0.1
# How long a kill waits for the consumer thread to close its connection (the broker's
# Close-Ok) before it kills the thread outright: a kill never waits on the broker unbounded.
KILL_SECONDS = 2.0


def _waited(thread, seconds):
    """True if `thread` ended within `seconds` (however it ended)."""
    timer = eventlet.Timeout(seconds)
    try:
        thread.wait()
    except eventlet.Timeout as exc:
        if exc is not timer:
            raise
        return False
    except BaseException:  # noqa: BLE001 - how it ended; nameko's kill discards it too
        pass
    finally:
        timer.cancel()
    return True


class ResilientQueueConsumer(QueueConsumer):
    """nameko's queue consumer, reconnecting at most RECONNECT_MAX_SECONDS apart (so that a
    service consumes again within seconds of the broker's return), and never letting an
    ack or a requeue on a lost connection raise into the worker that settles the message."""

    @contextmanager
    def establish_connection(self):
        with self.create_connection() as conn:
            conn.ensure_connection(self.on_connection_error, self.connect_max_retries,
                                   interval_start=1, interval_step=1, interval_max=RECONNECT_MAX_SECONDS)
            yield conn

    def consume(self, limit=None, timeout=None, safety_interval=POLL_SECONDS, **kwargs):
        return super().consume(limit=limit, timeout=timeout, safety_interval=safety_interval, **kwargs)

    def kill(self):
        """Kill drops what is pending by definition; nameko's would still wait for the thread
        to see its stop flag at the next poll. A socket timeout thrown into the thread is
        what that poll would have raised (py-amqp keeps a part-read frame across it), so
        the thread sees the flag and leaves, closing its consumers and connection, at once."""
        thread = self._gt
        if thread is not None and not thread.dead:
            self.should_stop = True
            thread.kill(socket.timeout())
            if not _waited(thread, KILL_SECONDS):  # its close handshake unanswered: drop it
                thread.kill()
                _waited(thread, KILL_SECONDS)
        super().kill()

    def ack_message(self, message):
        try:
            super().ack_message(message)
        except Exception as exc:  # the broker redelivers it; the inbox absorbs a second copy  # noqa: BLE001
            log.warning("could not ack a message (%s: %s); the broker will redeliver it", type(exc).__name__, exc)

    def requeue_message(self, message):
        try:
            super().requeue_message(message)
        except Exception as exc:  # unacked: the broker requeues it when the connection goes  # noqa: BLE001
            log.warning("could not requeue a message (%s: %s); the broker will redeliver it",
                        type(exc).__name__, exc)


class ResilientRpcConsumer(RpcConsumer):
    """Replies that cannot be sent are logged and dropped (the message is acked: the call
    ran, its caller times out) instead of raising out of the worker and killing the service.
    Shared under nameko's RpcConsumer key: a service mixing both entrypoints still has one
    consumer on its rpc queue (two would each refuse the other's methods)."""

    queue_consumer = ResilientQueueConsumer()

    @property
    def sharing_key(self):
        return RpcConsumer

    def handle_result(self, message, result, exc_info):
        try:
            return super().handle_result(message, result, exc_info)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not send the reply to %s (%s: %s); dropped, the caller times out",
                        message.delivery_info.get("routing_key"), type(exc).__name__, exc)
            self.queue_consumer.ack_message(message)
            return result, exc_info


class ResilientRpc(Rpc):
    """nameko's Rpc entrypoint on ResilientRpcConsumer: `ResilientRpc.decorator(...)`."""

    rpc_consumer = ResilientRpcConsumer()


class ResilientReplyListener(ReplyListener):
    """The reply queue of TimedRpcProxy, consumed by ResilientQueueConsumer."""

    queue_consumer = ResilientQueueConsumer()


class _CallContext:
    """The worker's context as one call sends it: with the call's own command id and seal."""

    def __init__(self, worker_ctx, overrides):
        self._worker_ctx = worker_ctx
        self._overrides = overrides

    def __getattr__(self, name):
        return getattr(self._worker_ctx, name)

    @property
    def context_data(self):
        return dict(self._worker_ctx.context_data, **self._overrides)


class _TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout, worker_ctx=None, proxy_for=None, release=None,
                 config=None, caller=None):
        self._proxy = proxy
        self._service_name = service_name
        self._timeout = timeout
        self._worker_ctx = worker_ctx
        self._proxy_for = proxy_for  # worker context -> nameko's ServiceProxy
        self._release = release
        self._config = config or {}
        self._caller = caller  # the calling service's name: who seals a call it makes itself
        self._calls = {}

    def _proxy_of(self, method, args, kwargs):
        """The call's own context: the worker's command id (the gateway's, loupan.commands)
        keys the calls it makes, the first call of a method sends it as it is, the n-th with
        `#n`; and its seal (loupan.bus): the worker's own if the call carries the same actor,
        else one this service makes."""
        if self._worker_ctx is None or self._proxy_for is None:
            return self._proxy
        data = self._worker_ctx.data
        overrides = {bus.SEAL: bus.seal_for_call(self._config, self._caller, data.get(bus.SEAL), args, kwargs)}
        base = data.get("command_id")
        if base is not None:
            n = self._calls[method] = self._calls.get(method, 0) + 1
            overrides["command_id"] = base if n == 1 else f"{base}#{n}"
        return self._proxy_for(_CallContext(self._worker_ctx, overrides))

    def __getattr__(self, method):
        def call(*args, **kwargs):
            if self._release is not None:
                # what the caller committed is durable before the callee acts, and the caller
                # holds no database while it waits (SQLite: its other workers may write)
                self._release()
            try:
                reply = getattr(self._proxy_of(method, args, kwargs), method).call_async(*args, **kwargs)
            except UnknownService:
                raise Unavailable(f"{self._service_name} is not running") from None
            with eventlet.Timeout(self._timeout, False):
                return reply.result()
            raise Unavailable(
                f"{self._service_name}.{method} did not answer within {self._timeout}s"
            )

        return call


class TimedRpcProxy(RpcProxy):
    """Like RpcProxy, but every call gives up after `RPC_TIMEOUT` seconds (config, default 10)
    with `Unavailable`, so a dead service costs the caller a bounded wait, not a hung worker.

    The request also expires in the broker after the same time: a command still queued when
    its caller gave up (the front-end was told 503) must not run later when the service
    comes back, e.g. a hold nobody is waiting for."""

    rpc_reply_listener = ResilientReplyListener()

    def setup(self):
        super().setup()
        self.timeout = float(self.container.config.get("RPC_TIMEOUT", 10))
        self.options = dict(self.options, expiration=self.timeout)

    def get_dependency(self, worker_ctx):
        from loupan.db import release_worker

        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout,
                                  worker_ctx=worker_ctx, proxy_for=super().get_dependency,
                                  release=lambda: release_worker(self.container, worker_ctx),
                                  config=self.container.config, caller=self.container.service_name)
