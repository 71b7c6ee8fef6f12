"""Engines and units of work (a session that rolls back unless committed)."""
from contextlib import contextmanager

from eventlet.semaphore import Semaphore
from sqlalchemy import create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool


class _NoGuard:
    def acquire(self):
        return True

    def release(self):
        pass


def make_engine(url, pool_size=10):
    """PostgreSQL: a pool as large as the worker count, pre-pinged. SQLite: one connection
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
        engine = create_engine(
            url, pool_size=pool_size, max_overflow=2, pool_pre_ping=True, pool_timeout=30
        )
        engine.guard = _NoGuard()
    return engine


class UnitOfWork:
    """A worker's session, opened on first use; rolled back on close unless committed."""

    def __init__(self, engine, outbox=None, metadata=None):
        self.engine = engine
        self.outbox = outbox
        self.metadata = metadata
        self._session = None
        self._after_commit = []

    @property
    def has_session(self):
        """True once the worker opened its session (on SQLite: holds the process's lock)."""
        return self._session is not None

    @property
    def session(self):
        if self._session is None:
            self.engine.guard.acquire()
            self._session = Session(self.engine, expire_on_commit=False)
        return self._session

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
        """Write an event to the outbox in this transaction; it is relayed after commit."""
        envelope = self.outbox.write(self.session, event_type, payload, agency_id, project_id, actor)
        self.on_commit(self.outbox.wake)
        return envelope

    def commit(self):
        self.session.commit()
        callbacks, self._after_commit = self._after_commit, []
        for callback in callbacks:
            callback()

    def rollback(self):
        if self._session is not None:
            self._session.rollback()
        self._after_commit = []

    def close(self):
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None
                self._after_commit = []
                self.engine.guard.release()


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


