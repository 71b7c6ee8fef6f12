"""Engines and units of work (a session that rolls back unless committed).

A unit of work outlives its database: closing or rolling back over a connection the server
dropped (a restart, a failover, pg_terminate_backend) logs, invalidates the connection and
returns, since nothing uncommitted survives a lost connection anyway; the pool pre-pings
on checkout, so the next worker gets a fresh connection once the server is back."""
import logging
from contextlib import contextmanager

from eventlet.semaphore import Semaphore
from sqlalchemy import create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool, StaticPool

from loupan.errors import Busy


log = logging.getLogger(__name__)
PG_CONNECT_TIMEOUT = 5  # seconds: a server that does not answer at all costs a bounded wait
DEFAULT_POOL_TIMEOUT = 30  # seconds a checkout waits for a pooled connection (DB_POOL_TIMEOUT)


def is_database_outage(exc):
    """True if `exc` says the database cannot be reached (connection refused or lost, server
    shutting down, connections not allowed), as opposed to a statement it refused: an outage
    is waited out, never a reason to give up on an event (loupan.inbox)."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated or isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    try:
        import psycopg2
        import psycopg2.extensions
    except ImportError:  # pragma: no cover (psycopg2 is a dependency)
        return False
    # psycopg2's OperationalError is the connection class; these two subclasses are answers
    # of a live server to one statement (a timeout, a deadlock), retried as usual
    return isinstance(exc.orig, psycopg2.OperationalError) and not isinstance(
        exc.orig, (psycopg2.extensions.QueryCanceledError, psycopg2.extensions.TransactionRollbackError))


class _NoGuard:
    def acquire(self):
        return True

    def release(self):
        pass


class BusyPool(QueuePool):
    """A pool whose checkout timeout is overload, not a crash: `Busy` (503 SERVICE_BUSY with
    Retry-After at the gateway, an outage retry in an event handler) instead of SQLAlchemy's
    TimeoutError, which reached the front-end as 500 (691 of 2,000 clients, issue 30)."""

    def _do_get(self):
        try:
            return super()._do_get()
        except PoolTimeout as exc:
            raise Busy("the database's connections are all in use; retry shortly") from exc


def make_engine(url, pool_size=10, pool_timeout=DEFAULT_POOL_TIMEOUT):
    """PostgreSQL: a pool as large as the worker count, pre-pinged, whose checkout waits at
    most `pool_timeout` seconds (then `Busy`). SQLite: one connection
    per process, WAL on; callers serialise on `engine.guard` (a green lock) so that writes
    queue in Python instead of SQLite's busy-wait, which would block the whole hub."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.close()

        engine.guard = Semaphore(1)
    else:
        connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT} if url.startswith("postgresql") else {}
        engine = create_engine(
            url, poolclass=BusyPool, pool_size=pool_size, max_overflow=2, pool_pre_ping=True,
            pool_timeout=pool_timeout,
            connect_args=connect_args,
        )
        engine.guard = _NoGuard()
    return engine


class UncommittedWrites(RuntimeError):
    """A coding error: the unit of work wrote after its last commit and nothing committed
    again (a release, or the end of an RPC entrypoint, would drop the write silently)."""


class UnitSession(Session):
    """A unit of work's session: it tells its unit when it writes (a flush, or an INSERT,
    UPDATE or DELETE executed; `info["wrote"]`, reset by commit and rollback), so that
    `release` and the end of an RPC can refuse to drop writes nobody committed. Reads set
    nothing."""


@event.listens_for(UnitSession, "after_flush")
def _flushed(session, _context):
    session.info["wrote"] = True


@event.listens_for(UnitSession, "do_orm_execute")
def _executed(state):
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def unit_of(session):
    """The unit of work a session belongs to: for code that was handed only the session (a
    rule deep in a call chain) to publish an event in the same transaction."""
    return session.info["unit_of_work"]


class UnitOfWork:
    """A worker's session, opened on first use; rolled back on close unless committed."""

    def __init__(self, engine, outbox=None, metadata=None):
        self.engine = engine
        self.outbox = outbox
        self.metadata = metadata
        self._session = None
        self._after_commit = []
        self.context_data = {}  # the worker's context data (loupan.db), where a command id comes
        self.command = None  # a loupan.commands.Command while the worker runs one
        self.sealed_by = None  # who sealed the worker's call (loupan.bus.require): a service's name or "gateway"

    @property
    def has_session(self):
        """True once the worker opened its session (on SQLite: holds the process's lock)."""
        return self._session is not None

    @property
    def session(self):
        if self._session is None:
            self.engine.guard.acquire()
            self._session = UnitSession(self.engine, expire_on_commit=False)
            self._session.info["unit_of_work"] = self  # unit_of(session): code handed a session may publish
        return self._session

    @property
    def has_uncommitted_writes(self):
        """True if the session wrote since its last commit or rollback (a flush, an executed
        INSERT/UPDATE/DELETE) or holds ORM changes not flushed yet; reads never count."""
        session = self._session
        if session is None:
            return False
        return bool(session.info.get("wrote") or session.new or session.deleted
                    or any(session.is_modified(obj) for obj in session.dirty))

    def require_committed(self, where):
        """Raise UncommittedWrites (logged) if writes since the last commit would be dropped
        at the end of `where`: write after the last commit, then commit again or roll back."""
        if self.has_uncommitted_writes:
            log.error("%s wrote after its last commit and did not commit again: the write is refused, "
                      "not dropped silently", where)
            raise UncommittedWrites(f"{where} wrote after its last commit and did not commit again: "
                                    f"commit the write or roll it back")

    def add_unique(self, obj, conflict):
        """Add `obj` and flush; if a unique constraint refuses it, roll back and raise
        `conflict` (the database decides, not a check-then-insert that races)."""
        self.session.add(obj)
        try:
            self.session.flush()
        except IntegrityError:
            self.rollback()
            raise conflict from None
        return obj

    def on_commit(self, callback):
        """Run `callback()` once after the next successful commit (e.g. wake the relay)."""
        self._after_commit.append(callback)

    def publish(self, event_type, payload, agency_id, project_id=None, actor=None):
        """Write an event to the outbox in this transaction; it is relayed after commit. It
        carries the worker's trace context, if any (loupan.tracing)."""
        envelope = self.outbox.write(self.session, event_type, payload, agency_id, project_id, actor,
                                     traceparent=self.context_data.get("traceparent"))
        self.on_commit(self.outbox.wake)
        return envelope

    def commit(self):
        """Commit. In a command (loupan.commands) the last commit is the command's: flushed
        now, committed with the command's answer."""
        if self.command is not None:
            self.command.commit(self)
            self.session.info["wrote"] = False  # flushed, committed with the command's answer
            return
        self.session.commit()
        self.session.info["wrote"] = False
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self):
        """Roll back; over a lost connection the transaction is gone already: the connection
        is invalidated and the session can be used again (it reconnects). In a command, back
        to its last commit."""
        if self.command is not None and self._session is not None and self.command.rollback(self):
            self._session.info["wrote"] = False  # back to the command's last commit
            return
        if self._session is not None:
            try:
                self._session.rollback()
            except DBAPIError as exc:
                log.warning("rollback failed (%s); the connection is discarded", _summary(exc))
                _invalidate(self._session)
            self._session.info["wrote"] = False
        self._after_commit = []

    def settle(self):
        """In a command, make its deferred commit durable now (another service or a background
        job is about to act on it; loupan.commands); otherwise nothing."""
        if self.command is not None and self._session is not None:
            self.command.settle(self)

    def release(self):
        """Let go of the database before a slow wait (another service's answer, a parse of a
        file): the session ends, so no connection (on SQLite: not the process's lock) is held
        meanwhile; in a command its deferred commit is made durable first. `session` opens a
        new one after; objects read before are detached (their loaded values stay). Writes
        not committed would be lost here: that is a coding error, refused."""
        if self._session is None:
            return
        if self.has_uncommitted_writes:
            raise UncommittedWrites("the unit of work has uncommitted writes: commit before releasing it")
        self.close()

    def close(self):
        """End the session, rolling back what was not committed. Never raises: this runs in
        nameko's worker teardown, where an exception would stop the whole service. (In a
        command, its deferred commit is made first, and may raise: the body closed.)"""
        try:
            if self.command is not None and self._session is not None:
                self.command.settle(self, keep_tail=False)
        finally:  # even if that raised: the session ends and SQLite's green lock is released
            self._end_session()

    def _end_session(self):
        if self._session is not None:
            try:
                self._session.close()
            except Exception as exc:  # noqa: BLE001
                log.warning("closing the session failed (%s); the connection is discarded", _summary(exc))
                _invalidate(self._session)
            finally:
                self._session = None
                self._after_commit = []
                self.engine.guard.release()


def _summary(exc):
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


def _invalidate(session):
    """Drop the session's connections from the pool (they are broken) and reset it."""
    try:
        session.invalidate()
    except Exception as exc:  # the pool's own cleanup failed: nothing more to do  # noqa: BLE001
        log.debug("invalidating the session failed too: %s", _summary(exc))


@contextmanager
def read_connection(engine):
    """A bare connection for a quick read on a hot path (no ORM session), holding the
    SQLite green lock like a unit of work does; nothing is committed."""
    engine.guard.acquire()
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.guard.release()


@contextmanager
def unit_of_work(engine):
    """A unit of work outside a worker (relay, timers' helpers, CLI commands)."""
    uow = UnitOfWork(engine)
    try:
        yield uow
    finally:
        uow.close()


