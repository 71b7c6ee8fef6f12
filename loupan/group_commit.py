"""Group commit: several callers' commands decided one after the other in one transaction,
made durable by one commit (inventory's batched buyer holds on launch day: one RPC and one
commit for every hold that arrived while the previous batch was being decided).

Each command runs against an `Item` of the unit of work: to the command's code it is the
unit of work (session, publish, …), but its `commit()` only keeps the command's work so far
(a savepoint released, the next one opened) and its `rollback()` drops what the command did
since its last commit, not the other commands' work. A refusal therefore costs its own
statements only, and the batch's one real commit makes every kept item durable together.

Two batches taking the same rows in different orders would deadlock: `prepare` locks a
group's rows in one global order first. Should a deadlock happen all the same (rows locked
outside `prepare`), it aborts the whole transaction and `run` decides the batch again from the
start, in the same order, up to RETRIES times, since no answer was given yet."""
import logging
import random

import eventlet
from nameko.exceptions import serialize
from sqlalchemy.exc import DBAPIError

from loupan.errors import DomainError

log = logging.getLogger(__name__)
RETRIES = 3


class Item:
    """One command of a group: commit and rollback end at its own savepoints."""

    keeps_locks = True  # its commit releases no row lock: what it read under one still holds

    def __init__(self, uow):
        self._uow = uow
        self._mark = len(uow._after_commit)
        self._savepoint = uow.session.begin_nested()

    def __getattr__(self, name):  # session, publish, on_commit, engine … are the unit of work's
        return getattr(self._uow, name)

    def commit(self):
        self._savepoint.commit()
        self._mark = len(self._uow._after_commit)
        self._savepoint = self._uow.session.begin_nested()

    def rollback(self):
        self._savepoint.rollback()  # also after a failed flush, which deactivated it
        del self._uow._after_commit[self._mark:]  # the wake-ups of rolled-back events
        self._savepoint = self._uow.session.begin_nested()

    def add_unique(self, obj, conflict):  # the unit of work's own would roll the group back
        self.session.add(obj)
        try:
            self.session.flush()
        except DBAPIError:
            self.rollback()
            raise conflict from None
        return obj

    def end(self):
        if self._savepoint.is_active:
            self._savepoint.commit()


def _deadlocked(exc):
    code = getattr(getattr(exc, "orig", None), "pgcode", None)
    return code in ("40P01", "40001")  # deadlock detected, serialization failure


def _begin(session):
    """Start the transaction for real before the first savepoint. pysqlite opens one only
    before a write, so a SAVEPOINT first would be the outermost transaction and its RELEASE a
    commit (psycopg2 opens one before any statement)."""
    dbapi = session.connection().connection.dbapi_connection
    if getattr(dbapi, "in_transaction", True) is False:
        session.connection().exec_driver_sql("BEGIN")


def run(uow, requests, decide, prepare=None):
    """`decide(item, request)` for each request in order, in one transaction committed once.
    Answers one outcome per request: {"result": …} or {"error": nameko's serialized domain
    error (4xx)}; a 5xx or unexpected error of any request fails the whole group (raised).
    `prepare(session, requests)` runs first in the transaction: lock the rows the group will
    take in one global order (ids ascending), so that two groups wait for each other instead
    of deadlocking."""
    for attempt in range(1, RETRIES + 1):
        try:
            outcomes = []
            _begin(uow.session)
            if prepare is not None:
                prepare(uow.session, requests)
            for request in requests:
                item = Item(uow)
                try:
                    outcomes.append({"result": decide(item, request)})
                except DomainError as exc:
                    if exc.status >= 500:
                        raise
                    item.rollback()
                    outcomes.append({"error": serialize(exc)})
                item.end()
            uow.commit()
            return outcomes
        except DBAPIError as exc:
            uow.rollback()
            if not _deadlocked(exc) or attempt == RETRIES:
                raise
            log.warning("a group of %d commands deadlocked with another (try %d): decided again",
                        len(requests), attempt)
            eventlet.sleep(random.uniform(0.01, 0.05) * attempt)  # not in step with the other again
        except BaseException:  # a 5xx or a bug in one: nothing of the group stays
            uow.rollback()
            raise
