"""Transactional outbox: events are rows written with the state change, then relayed.

`Outbox.write` adds the row inside the caller's transaction. The relay loop publishes
pending rows right after a commit wakes it, and every `sweep_seconds` anyway: the sweep is
what gets out the rows a crashed process committed but never published. With several
replicas, `FOR UPDATE SKIP LOCKED` (PostgreSQL) gives each row to one relay at a time;
SQLite has one process per database and needs no locking.

The relay outlives the broker and the database: a pass that fails for either leaves the
rows pending and the loop retries with backoff (1, 2, 4 s, capped at `retry_cap_seconds`,
default 4), so it relays again within seconds of the dependency's return. A broker that
cannot be reached at all does not count as an attempt of the rows (their own backoff is for
a broker that refuses them); a broker that answers but refuses does.

Only the relay's thread touches the publisher: `stop` asks it to finish its pass and waits
for it (a bounded time), `kill` only asks, and the thread closes the connection on its way
out, without the closing handshake if it was killed. A stop that closed the connection itself
while the relay was publishing on it waited forever for a Close-Ok the relay had read.
"""
import json
import logging
from datetime import timedelta

import eventlet
from eventlet.event import Event
from sqlalchemy import delete, func, insert, select, update

from loupan.uow import unit_of_work
from loupan.events import make_envelope, source_of
from loupan.publisher import ConfirmingPublisher, is_broker_outage
from loupan.types import utcnow

log = logging.getLogger(__name__)


class BrokerUnavailable(Exception):
    """The relay could not reach the broker: the batch was not published, rows untouched."""


def backoff(attempts, cap=300):
    """Seconds before the next try: 1, 2, 4, … capped, so a dead broker is not hammered."""
    return min(cap, 2 ** max(0, attempts - 1))


class Outbox:
    def __init__(self, table, service_name, engine, amqp_uri, config=None):
        config = config or {}
        self.table = table
        self.service_name = service_name
        self.engine = engine
        self.sweep_seconds = float(config.get("sweep_seconds", 2))
        # after a wake-up, wait this long for more commits so they share one batch (one
        # SELECT, one confirm round, one UPDATE) when commits come fast, as on launch day
        self.gather_seconds = float(config.get("gather_seconds", 0.005))
        self.batch_size = int(config.get("batch_size", 200))
        # The broker's return is definitive for this moment: no queue is bound. Retrying only
        # helps a subscriber that is being deployed right now; 1 means do not retry.
        self.unrouted_attempts = int(config.get("unrouted_attempts", 1))
        self.keep_sent_days = float(config.get("keep_sent_days", 7))
        # the relay's own backoff after a failed pass (broker or database away)
        self.retry_cap_seconds = float(config.get("retry_cap_seconds", 4))
        self.publisher = ConfirmingPublisher(amqp_uri)
        self.insert = insert(table)  # built once: its compiled form is reused
        self._wake = Event()
        self._stopped = Event()
        self._running = False
        self._exited = None  # an Event while the relay's thread runs, sent when it ends

    # writing -----------------------------------------------------------------------------
    def write(self, session, event_type, payload, agency_id, project_id=None, actor=None, traceparent=None):
        """Add the event to the outbox in `session`'s transaction; returns the envelope.
        `traceparent`: the trace context of the worker that caused it (loupan.tracing), kept in
        the envelope, so that the event carries it whenever it is relayed."""
        if source_of(event_type) != self.service_name:
            raise ValueError(f"{self.service_name} may not publish {event_type}")
        envelope = make_envelope(event_type, payload, agency_id, project_id, actor, traceparent=traceparent)
        now = utcnow()
        session.connection().execute(self.insert, {
            "event_id": envelope["event_id"],
            "exchange": f"{self.service_name}.events",
            "routing_key": event_type,
            "body": json.dumps(envelope, ensure_ascii=False),
            "created_at": now,
            "next_attempt_at": now,
        })
        return envelope

    # relaying ----------------------------------------------------------------------------
    def wake(self):
        if not self._wake.ready():
            self._wake.send(True)

    def run(self):
        """The relay loop; spawned as a managed thread of the service container. It alone
        uses the publisher, and closes it when it ends (killed: without the handshake)."""
        self._running = True
        self._exited = Event()
        try:
            self._relay()
        except BaseException:  # killed (GreenletExit) mid-pass: the socket's state is unknown
            self.publisher.close(broken=True)
            raise
        else:
            self.publisher.close()
        finally:
            self._exited.send(True)

    def _relay(self):
        sweeps = failures = 0
        while self._running:
            if failures:  # a dependency is away: wait it out, whatever commits meanwhile
                with eventlet.Timeout(backoff(failures, cap=self.retry_cap_seconds), False):
                    self._stopped.wait()
            else:
                with eventlet.Timeout(self.sweep_seconds, False):
                    self._wake.wait()
                eventlet.sleep(self.gather_seconds)
            self._wake = Event()
            if not self._running:
                break
            try:
                while self._running and self.relay_once() == self.batch_size:
                    pass
                sweeps += 1
                if sweeps % 1000 == 0:
                    self.purge_sent()
            except BrokerUnavailable as exc:  # keep relaying: the rows stay pending
                failures += 1
                log.warning("outbox relay: the broker is unavailable (%s); retrying in %gs", exc,
                            backoff(failures, cap=self.retry_cap_seconds))
            except Exception as exc:  # the database, most likely; the rows stay pending
                failures += 1
                if failures == 1:
                    log.exception("outbox relay pass failed; retrying with backoff")
                else:
                    log.warning("outbox relay pass failed again (%s: %s); retrying in %gs", type(exc).__name__,
                                str(exc).splitlines()[0] if str(exc) else "",
                                backoff(failures, cap=self.retry_cap_seconds))
            else:
                if failures:
                    log.info("outbox relay: relaying again after %d failed passes", failures)
                failures = 0

    def stop(self, timeout=None):
        """End the relay after its current pass, waiting for it at most `timeout` seconds
        (default: the publisher's confirm timeout and a little more); past it the container's
        kill of its managed threads ends it."""
        self._ask_to_stop()
        if self._relay_running():
            wait = self.publisher.confirm_timeout + 2 if timeout is None else timeout
            with eventlet.Timeout(wait, False):
                self._exited.wait()
        else:
            self.publisher.close()

    def kill(self):
        """End the relay without waiting: the container kills its thread next, which then
        drops the connection; with no relay running, the connection is dropped here."""
        self._ask_to_stop()
        if not self._relay_running():
            self.publisher.close(broken=True)

    def _ask_to_stop(self):
        self._running = False
        self.wake()
        if not self._stopped.ready():
            self._stopped.send(True)

    def _relay_running(self):
        return self._exited is not None and not self._exited.ready()

    def relay_once(self):
        """Publish one batch of due rows; returns how many rows it took.

        PostgreSQL: rows stay locked (SKIP LOCKED) while they are published, so another
        replica's relay passes them by. SQLite: one process owns the file and this loop is
        its only relay, so the rows are read, the green lock released while the broker
        confirms (other workers keep using the database), and the outcome written after."""
        if self.engine.dialect.name == "sqlite":
            with unit_of_work(self.engine) as uow:
                rows = self._due(uow.session)
            if rows:
                outcomes, error = self._publish(rows)
                with unit_of_work(self.engine) as uow:
                    self._record(uow.session, rows, outcomes, error)
                    uow.commit()
            return len(rows)
        with unit_of_work(self.engine) as uow:
            rows = self._due(uow.session)
            if rows:
                outcomes, error = self._publish(rows)
                self._record(uow.session, rows, outcomes, error)
                uow.commit()
            return len(rows)

    def _due(self, session):
        t = self.table
        return session.execute(
            select(t.c.id, t.c.event_id, t.c.exchange, t.c.routing_key, t.c.body, t.c.attempts)
            .where(t.c.state == "pending", t.c.next_attempt_at <= utcnow())
            .order_by(t.c.id)
            .limit(self.batch_size)
            .with_for_update(skip_locked=True)
        ).all()

    def _publish(self, rows):
        try:
            outcomes = self.publisher.publish_batch(
                (r.event_id, r.exchange, r.routing_key, r.body) for r in rows
            )
            return outcomes, None
        except Exception as exc:  # broker down or refused: the batch is retried later
            error = f"{type(exc).__name__}: {exc}"
            if is_broker_outage(exc):  # nothing to record per row: the loop backs off
                raise BrokerUnavailable(error) from exc
            log.warning("outbox publish failed: %s", error)
            return {}, error

    def _record(self, session, rows, outcomes, error):
        t, now = self.table, utcnow()
        sent = [r.id for r in rows if outcomes.get(r.event_id) == "sent"]
        if sent:
            session.execute(update(t).where(t.c.id.in_(sent)).values(state="sent", sent_at=now))
        for r in rows:
            outcome = outcomes.get(r.event_id)
            if outcome == "sent":
                continue
            attempts = r.attempts + 1
            values = {"attempts": attempts, "last_error": error or outcome or "unconfirmed"}
            if outcome == "unrouted" and attempts >= self.unrouted_attempts:
                # No queue is bound for this event: nobody subscribes. Kept, counted, not retried.
                values["state"] = "unrouted"
            values["next_attempt_at"] = now + timedelta(seconds=backoff(attempts))
            session.execute(update(t).where(t.c.id == r.id).values(**values))

    def purge_sent(self):
        t = self.table
        cutoff = utcnow() - timedelta(days=self.keep_sent_days)
        with unit_of_work(self.engine) as uow:
            uow.session.execute(delete(t).where(t.c.state == "sent", t.c.sent_at < cutoff))
            uow.commit()

    def backlog(self):
        """(pending rows, age in seconds of the oldest pending, unrouted rows) for metrics."""
        t = self.table
        with unit_of_work(self.engine) as uow:
            pending, oldest = uow.session.execute(
                select(func.count(), func.min(t.c.created_at)).where(t.c.state == "pending")
            ).one()
            unrouted = uow.session.execute(
                select(func.count()).where(t.c.state == "unrouted")
            ).scalar_one()
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=utcnow().tzinfo)
        age = (utcnow() - oldest).total_seconds() if oldest else 0.0
        return pending, age, unrouted
