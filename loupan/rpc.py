"""RPC to another service with a timeout: nameko's in-service RpcProxy waits forever."""
import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy

from loupan.errors import Unavailable


class _TimedServiceProxy:
    def __init__(self, proxy, service_name, timeout):
        self._proxy = proxy
        self._service_name = service_name
        self._timeout = timeout

    def __getattr__(self, method):
        def call(*args, **kwargs):
            try:
                reply = getattr(self._proxy, method).call_async(*args, **kwargs)
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

    def setup(self):
        super().setup()
        self.timeout = float(self.container.config.get("RPC_TIMEOUT", 10))
        self.options = dict(self.options, expiration=self.timeout)

    def get_dependency(self, worker_ctx):
        return _TimedServiceProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)
