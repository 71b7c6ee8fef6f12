"""The database dependency: one engine per service, one session per worker.

Commits are explicit (`db.commit()` inside the entrypoint) rather than at worker end,
because nameko sends the RPC reply *before* `worker_result` runs: a commit that failed
there would already have been reported as success. At worker end whatever was not
committed is rolled back and the connection goes back to the pool.

Nothing here raises into nameko's worker lifecycle (an exception in a teardown stops the
service): a database that went away costs the worker its transaction, never the process.
"""
import logging

from nameko.extensions import DependencyProvider

from loupan.outbox import Outbox
from loupan.uow import DEFAULT_POOL_TIMEOUT, UnitOfWork, make_engine

log = logging.getLogger(__name__)


class Database(DependencyProvider):
    """`self.db` in a service: a UnitOfWork per worker over the service's own database."""

    def __init__(self, metadata, config_key="DATABASE_URL"):
        self.metadata = metadata
        self.config_key = config_key
        self.engine = None
        self.outbox = None
        self.units = {}

    def setup(self):
        config = self.container.config
        max_workers = int(config.get("max_workers", 10))
        # a checkout waits DB_POOL_TIMEOUT at most, then Busy (503 SERVICE_BUSY): the gateway
        # sets 2 s, so that an admitted request never waits 30 s on its pool (issue 30)
        self.engine = make_engine(config[self.config_key], pool_size=max_workers + 2,
                                  pool_timeout=float(config.get("DB_POOL_TIMEOUT") or DEFAULT_POOL_TIMEOUT))
        table = self.metadata.tables.get("outbox")
        if table is not None:
            self.outbox = Outbox(
                table, self.container.service_name, self.engine, config["AMQP_URI"],
                config.get("OUTBOX"),
            )

    def start(self):
        if self.outbox is not None:
            self.container.spawn_managed_thread(self.outbox.run, identifier="outbox-relay")

    def stop(self):
        if self.outbox is not None:
            self.outbox.stop()
        self.engine.dispose()

    def kill(self):
        if self.outbox is not None:
            self.outbox.kill()
        self.engine.dispose()

    def get_dependency(self, worker_ctx):
        uow = UnitOfWork(self.engine, self.outbox, self.metadata)
        uow.context_data = worker_ctx.data  # a command's id (loupan.commands) is taken from it
        uow.container_config = self.container.config  # the bus key a call's seal is checked with (loupan.bus)
        self.units[worker_ctx] = uow
        return uow

    def worker_teardown(self, worker_ctx):
        uow = self.units.pop(worker_ctx, None)
        if uow is not None:
            try:
                uow.close()  # swallows a lost connection itself; this is the last net
            except Exception:  # noqa: BLE001
                log.exception("closing the unit of work of %s failed", worker_ctx)


def worker_units(container, worker_ctx):
    """The units of work a worker of `container` holds (one per Database dependency)."""
    for dependency in container.dependencies:
        if isinstance(dependency, Database):
            uow = dependency.units.get(worker_ctx)
            if uow is not None:
                yield uow


def release_worker(container, worker_ctx):
    """Before the worker waits on another service: its databases released (UnitOfWork.release:
    what its command committed is durable first, no connection or SQLite lock held)."""
    for uow in worker_units(container, worker_ctx):
        uow.release()
