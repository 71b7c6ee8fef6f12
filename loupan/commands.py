"""Commands survive redelivery (issue 14): a redelivered command changes nothing and its
caller gets the first answer.

nameko acks an RPC request after its worker: a service killed after it committed a command
but before the reply went out gets the request again from the broker when it restarts. So
every state-changing call carries a command id in its context data (`command_id`; the
gateway sets it: the client's Idempotency-Key, per account, or one per HTTP request, see
gateway/http.py), and `loupan.entrypoints.rpc` runs the call through `run`:

- The service's `commands` row (command_id, entrypoint) is read first. A finished one
  answers its stored outcome (the result, or the 4xx domain error) and the body does not
  run; one written for other arguments is refused, 422 COMMAND_ID_REUSED.
- Otherwise the body runs, and its last `db.commit()` is made by the wrapper: `commit()`
  flushes (so constraints refuse where they always did) and opens a savepoint; once the body
  answers, what it did after that commit is rolled back (it never committed it), the row is
  written with the answer and everything commits in one transaction. The effect and its
  answer are durable together or not at all, even when the answer is computed after the
  commit (most entrypoints `commit()` then `dump(...)`).
- A commit must be durable before anybody else can see its effect: before a call to another
  service (loupan.rpc.TimedRpcProxy), a background job, `uow.close()` or a failpoint, the
  deferred commit is made for real (`UnitOfWork.settle`), with the row as a marker (no
  outcome yet). Commands that do that are sagas whose steps are safe to repeat (the
  contracts sagas); a redelivery that finds a marker runs the body again to finish them,
  and their last commit stores the outcome.
- A copy running at the same time loses at the row's primary key: its transaction is rolled
  back and it answers the winner's outcome (409 COMMAND_IN_PROGRESS while there is none).
- 5xx and unexpected errors store no outcome: what was committed stays, and a redelivery or
  retry runs the body again (as a saga told "retrying is safe" expects).
- A body that writes after its last commit and answers without committing again is a
  coding error, not a tail to drop silently: `loupan.entrypoints.rpc` raises
  `loupan.uow.UncommittedWrites` (logged; a 500), what was committed stays as for any
  unexpected error, and the write is rolled back. Reads after the last commit are fine.

Calls without a command id (GET routes, calls between services: the wrapper takes the id
out of the worker's context so the calls a command makes do not carry it, timers, events)
run as before, and a body that never commits leaves no row. `CommandSweeper` deletes rows
older than COMMAND_TTL_SECONDS (a day: the gateway keeps Idempotency-Keys as long).
"""
import hashlib
import importlib
import json
import logging
from datetime import timedelta

from greenlet import getcurrent
from kombu.utils.json import dumps, loads
from nameko.dependency_providers import Config
from sqlalchemy import Column, Index, String, Table, Text, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from loupan.errors import Conflict, DomainError, Invalid, RuleViolated
from loupan.failpoints import failpoint
from loupan.timers import every
from loupan.types import UTCDateTime, utcnow
from loupan.uow import read_connection

log = logging.getLogger(__name__)

COMMAND_ID = "command_id"  # the context-data key
MAX_ID_LENGTH = 200
DEFAULT_TTL = 24 * 3600
_RUNNING = {}  # greenlet -> the unit of work of the command it runs (for failpoints)


def commands_table(metadata):
    """(command_id, entrypoint) of every command a service committed, with a fingerprint of
    its arguments and its outcome: JSON {"result": ...} or {"error": {...}}; NULL while a
    saga's first steps are committed and its answer is not."""
    return Table(
        "commands",
        metadata,
        Column("command_id", String(MAX_ID_LENGTH), primary_key=True),
        Column("entrypoint", String(100), primary_key=True),
        Column("fingerprint", String(64), nullable=False),
        Column("outcome", Text),
        Column("created_at", UTCDateTime, nullable=False),
        Column("finished_at", UTCDateTime),
        Index("ix_commands_created_at", "created_at"),
    )


class CommandRaced(Exception):
    """Another copy of the command committed first (its row is there): this one's
    transaction is rolled back; the wrapper answers the first copy's outcome."""


def fingerprint(entrypoint, arguments):
    """The call's arguments, without the actor's changing parts (a retry may come with a
    refreshed token): a command id is reused for the same call only."""
    document = {name: value for name, value in arguments.items() if name not in ("self", "actor")}
    actor = arguments.get("actor")
    if isinstance(actor, dict):
        document["actor"] = [actor.get("agency_id"), actor.get("account_id")]
    text = json.dumps([entrypoint, document], sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def run(uow, service, entrypoint, arguments, body):
    """`body()` (the entrypoint's), as the command the worker's context names, if any."""
    command_id = uow.context_data.pop(COMMAND_ID, None)
    table = uow.metadata.tables.get("commands") if uow.metadata is not None else None
    if command_id is None or table is None:
        return body()
    if not isinstance(command_id, str) or not 0 < len(command_id) <= MAX_ID_LENGTH:
        raise Invalid(f"a command id is 1-{MAX_ID_LENGTH} characters", "INVALID_COMMAND_ID")
    print_ = fingerprint(entrypoint, arguments)
    row = _lookup(uow, table, command_id, entrypoint)
    if row is not None:
        _require_same_call(row, print_, command_id)
        if row.outcome is not None:
            log.info("command %s (%s) was done: its first answer is given again", command_id, entrypoint)
            return replay(row.outcome)
        log.info("command %s (%s) was begun and not finished: it runs again", command_id, entrypoint)
    command = uow.command = Command(table, command_id, entrypoint, print_, recorded=row is not None)
    _RUNNING[getcurrent()] = uow
    try:
        try:
            result = body()
        except DomainError as exc:
            if exc.status < 500:
                command.finish(uow, error_outcome(exc))
            else:
                command.abandon(uow)
            raise
        except CommandRaced:
            raise
        except Exception:
            command.abandon(uow)
            raise
        if command.finish(uow, {"result": result}):
            failpoint(f"{service}.{entrypoint}.after_commit")  # committed, not answered (crash tests)
        return result
    except CommandRaced:
        log.info("command %s (%s) ran twice at once: the first answer stands", command_id, entrypoint)
        return _first_answer(uow, table, command_id, entrypoint, print_)
    finally:
        uow.command = None
        _RUNNING.pop(getcurrent(), None)


def _where(table, command_id, entrypoint):
    return (table.c.command_id == command_id) & (table.c.entrypoint == entrypoint)


def _lookup(uow, table, command_id, entrypoint):
    query = select(table.c.fingerprint, table.c.outcome).where(_where(table, command_id, entrypoint))
    if uow.has_session:  # inside the worker's transaction (SQLite: its lock)
        return uow.session.execute(query).first()
    with read_connection(uow.engine) as conn:
        return conn.execute(query).first()


def _require_same_call(row, print_, command_id):
    if row.fingerprint != print_:
        raise RuleViolated(f"command id {command_id} was used for a different call", "COMMAND_ID_REUSED")


def _first_answer(uow, table, command_id, entrypoint, print_):
    row = _lookup(uow, table, command_id, entrypoint)
    if row is not None:
        _require_same_call(row, print_, command_id)
    if row is None or row.outcome is None:
        raise Conflict(f"command {command_id} is running; retry shortly", "COMMAND_IN_PROGRESS")
    return replay(row.outcome)


def error_outcome(exc):
    return {"error": {"class": f"{type(exc).__module__}.{type(exc).__qualname__}",
                      "message": exc.message, "code": exc.code}}


def replay(outcome):
    """The stored answer: the result returned, or the domain error raised again."""
    outcome = loads(outcome)
    if "error" not in outcome:
        return outcome["result"]
    error = outcome["error"]
    module, _, name = error["class"].rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        cls = None
    if not (isinstance(cls, type) and issubclass(cls, DomainError)):
        cls = RuleViolated
    try:
        exc = cls(error["message"], error["code"])
    except TypeError:  # a domain error with a constructor of its own
        exc = RuleViolated(error["message"], error["code"])
    raise exc


class Command:
    """The command a worker runs, as its UnitOfWork sees it (`uow.command`): the savepoint
    opened by the body's last commit, and whether the row is already written."""

    def __init__(self, table, command_id, entrypoint, print_, recorded):
        self.table = table
        self.command_id = command_id
        self.entrypoint = entrypoint
        self.fingerprint = print_
        self.recorded = recorded  # the row exists (a marker of committed first steps)
        self.savepoint = None  # open after a deferred commit: the work since then
        self.callbacks = []  # on-commit callbacks of the deferred work

    # the unit of work's hooks ---------------------------------------------------------
    def commit(self, uow):
        """`uow.commit()`: flushed now, committed when the command answers (or settles)."""
        session = uow.session
        if self.savepoint is not None and self.savepoint.is_active:
            self.savepoint.commit()  # the work since the last commit joins it
        else:
            session.flush()
        self.callbacks += uow._after_commit
        uow._after_commit = []
        self.savepoint = session.begin_nested()

    def rollback(self, uow):
        """`uow.rollback()` after a deferred commit: back to that commit, not before it.
        False when there is none (the unit of work rolls back as usual)."""
        if self.savepoint is None:
            return False
        self.savepoint.rollback()
        uow._after_commit = []
        self.savepoint = uow.session.begin_nested()
        return True

    def settle(self, uow, keep_tail=True):
        """Make the deferred commit durable now, with the row as a marker. `keep_tail`: the
        work since then is committed with it (another service is called: the body may still
        commit it); otherwise it is dropped (a close, a crash)."""
        if self.savepoint is None:
            return
        if keep_tail:
            self.callbacks += uow._after_commit
        else:
            self.savepoint.rollback()
        uow._after_commit = []
        self.savepoint = None
        self._record(uow.session, None)
        self._commit(uow.session)
        uow.session.info["wrote"] = False  # the tail committed with it, or dropped

    # the wrapper's ---------------------------------------------------------------------
    def finish(self, uow, outcome):
        """The body answered (`outcome`): its deferred commit, the row and the outcome in one
        transaction. False if nothing was committed (a query, or refused before a commit)."""
        if self.savepoint is None and not self.recorded:
            return False
        try:
            text = dumps(outcome)
        except TypeError:  # not JSON: nameko's reply would fail too; keep the effect
            log.warning("command %s (%s): its answer cannot be stored", self.command_id, self.entrypoint)
            text = None
        session = uow.session
        if self.savepoint is not None:
            self.savepoint.rollback()  # after its last commit the body only read (loupan.entrypoints)
            self.savepoint = None
        uow._after_commit = []
        self._record(session, text)
        self._commit(session)
        return True

    def abandon(self, uow):
        """The body failed with a 5xx or an unexpected error: what it committed stays (as it
        would have without the deferral), with no outcome, so that it runs again."""
        if self.savepoint is None:
            return
        try:
            self.settle(uow, keep_tail=False)
        except CommandRaced:
            raise
        except Exception as exc:  # noqa: BLE001 - the body's error is the one to report
            log.warning("command %s (%s): its commit failed after the body did (%s)",
                        self.command_id, self.entrypoint, type(exc).__name__)

    # ----------------------------------------------------------------------------------
    def _record(self, session, outcome):
        now = utcnow()
        finished = now if outcome is not None else None
        if self.recorded:
            session.execute(update(self.table).where(_where(self.table, self.command_id, self.entrypoint))
                            .values(outcome=outcome, finished_at=finished))
            return
        session.flush()  # the body's own errors are its own, not a race
        try:
            session.execute(insert(self.table).values(
                command_id=self.command_id, entrypoint=self.entrypoint, fingerprint=self.fingerprint,
                outcome=outcome, created_at=now, finished_at=finished))
        except IntegrityError:
            session.rollback()
            self.callbacks = []
            raise CommandRaced() from None
        self.recorded = True

    def _commit(self, session):
        session.commit()
        callbacks, self.callbacks = self.callbacks, []
        for callback in callbacks:
            callback()


def settle_running():
    """Make the deferred commit of the command this greenlet runs durable, dropping what
    came after it (loupan.failpoints, before it kills the process)."""
    uow = _RUNNING.get(getcurrent())
    if uow is not None and uow.command is not None:
        uow.command.settle(uow, keep_tail=False)


def settle_worker(container, worker_ctx):
    """Make the worker's deferred commit durable (before another service or a background
    job can see its effect); nothing if it runs no command."""
    from loupan.db import worker_units

    for uow in worker_units(container, worker_ctx):
        uow.settle()


def sweep(engine, table, ttl_seconds=DEFAULT_TTL, now=None):
    """Delete the rows of commands older than `ttl_seconds`; returns how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=ttl_seconds)
    engine.guard.acquire()
    try:
        with engine.begin() as conn:
            return conn.execute(delete(table).where(table.c.created_at < cutoff)).rowcount
    finally:
        engine.guard.release()


class CommandSweeper:
    """Mixin of a service with a `commands` table: rows older than COMMAND_TTL_SECONDS go."""

    config = Config()

    @every("COMMAND_SWEEP_SECONDS", 3600)
    def sweep_commands(self):
        ttl = float(self.config.get("COMMAND_TTL_SECONDS") or DEFAULT_TTL)
        sweep(self.db.engine, self.db.metadata.tables["commands"], ttl)
