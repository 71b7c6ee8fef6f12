"""A dependency away for a full minute while holds and 认购 approvals stream in, then back:
no process exits, every one answers meanwhile (503 where it needs what is away), serves
again within RECOVERY_SECONDS of the return without a restart, and what was committed
reaches every consumer exactly once, with nothing dead-lettered.

1. The broker stopped for 60 s (holds expiring meanwhile: their events wait in the outbox).
2. Every service's database refusing connections for 60 s, their backends terminated
   mid-traffic (ALLOW_CONNECTIONS false + pg_terminate_backend), in two groups: inventory's
   and finance's (approvals go on, as contracts' database is fine, and their events wait
   for inventory and finance); then contracts', crm's, hr's and the gateway's (nothing is
   approved meanwhile; holds and approvals are answered once they are back).

Both servers are this directory's private ones (conftest.py). Each test prints what it
measured ("recovery: ..."); docs/operations.md quotes the figures."""
import json
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
import requests
from kombu import Connection, Exchange, Queue
from sqlalchemy import create_engine, func, select, update

from loupan.types import today, utcnow
from loupan.testing import pg_execute, wait_until
from services.contracts.models import outbox as contracts_outbox
from services.crm.models import Customer, CustomerStatusChange, DealCustomer
from services.crm.models import inbox as crm_inbox
from services.finance.models import DealAccount, ScheduleChange, ScheduleLine
from services.finance.models import inbox as finance_inbox
from services.inventory.models import Hold, Unit, UnitHistory
from services.inventory.models import inbox as inventory_inbox
from services.inventory.models import outbox as inventory_outbox
from gateway.models import Notification
from tests.api import make_project
from tests.conftest import staff

OUTAGE_SECONDS = 60
RECOVERY_SECONDS = 10  # the bound: serving again this long after the dependency is back
HOLD_UNITS, DEAL_UNITS = 16, 8
HANDLERS = {"inventory": (inventory_inbox, "on_subscription_approved"),
            "finance": (finance_inbox, "open_schedule_on_subscription"),
            "crm": (crm_inbox, "care_on_subscription_approved")}


class Traffic:
    """Two advisors holding `hold_units` (one unit after the other), a manager approving
    `deals`, both paced, as front-ends that retry a 503 or a missing answer until they are
    answered. Bounded: each unit and each deal is answered once, then the thread ends."""

    BEFORE_OUTAGE = 2  # holds each advisor makes before it waits for `outage_began()`

    def __init__(self, advisors, hold_units, manager, deal_ids, pace=0.4):
        self.advisors, self.hold_units, self.manager, self.deal_ids = advisors, hold_units, manager, deal_ids
        self.pace = pace
        # The rest of the holds wait for the outage: stopping a RabbitMQ node can take longer
        # than the whole bounded traffic on a busy machine, which then met no outage at all.
        self.outage = threading.Event()
        self.answers = Counter()
        self.held, self.approved = [], []  # told 201 (unit, hold id); told 200 (deal id)
        self.stopped = threading.Event()
        self.threads = [threading.Thread(target=self._holds, args=(i,), daemon=True) for i in range(len(advisors))]
        self.threads.append(threading.Thread(target=self._approvals, daemon=True))

    def _ask(self, api, path, body):
        """The answer's status, retrying what is not an answer about the request itself."""
        while not self.stopped.is_set():
            try:
                response = api.post(path, body)
                status = response.status_code
            except requests.RequestException:
                response, status = None, "no answer"
            self.answers[status] += 1
            if status != "no answer" and status < 500:
                return status, response.json()
            time.sleep(0.3)
        return None, None

    def _holds(self, i):
        for n, unit in enumerate(self.hold_units[i::len(self.advisors)]):
            if n == self.BEFORE_OUTAGE:
                self.outage.wait(OUTAGE_SECONDS * 2)
            status, body = self._ask(self.advisors[i], f"/api/units/{unit}/holds",
                                     {"customer_name": "长停", "customer_phone": f"1366{i:02d}{n:05d}"})
            if status == 201:
                self.held.append((unit, body["hold_id"]))
            time.sleep(self.pace)

    def _approvals(self):
        for deal_id in self.deal_ids:
            status, _ = self._ask(self.manager, f"/api/subscriptions/{deal_id}/approve", {})
            if status == 200:
                self.approved.append(deal_id)
            time.sleep(self.pace)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def outage_began(self):
        self.outage.set()

    def finished(self):
        return not any(thread.is_alive() for thread in self.threads)


def prepare(system, director, name):
    """A project; advisors and a manager; DEAL_UNITS deals submitted for approval (each its
    own buyer); returns (project, hold units, {deal id: (unit, price)}, advisors, manager)."""
    tag = uuid.uuid4().hex[:5]
    project, units = make_project(director, name, units=HOLD_UNITS + DEAL_UNITS + 1)
    pid = project["id"]
    advisors = [staff(system, director, f"adv_long{tag}{i}", "advisor", [pid]) for i in range(2)]
    manager = staff(system, director, f"mgr_long{tag}", "manager", [pid])
    delivery = (today() + timedelta(days=700)).isoformat()
    deals = {}
    for n, unit in enumerate(units[HOLD_UNITS:HOLD_UNITS + DEAL_UNITS]):
        hold = advisors[0].ok(advisors[0].post(f"/api/units/{unit}/holds", {
            "customer_name": "认购", "customer_phone": f"13770{n:06d}"}), 201)
        price = advisors[0].ok(advisors[0].get(f"/api/units/{unit}"))["list_price"]
        deal = advisors[0].ok(advisors[0].post("/api/subscriptions", {
            "hold_id": hold["hold_id"], "price": price, "deposit": "50000.00", "payment_method": "full",
            "delivery_date": delivery}), 201)
        deals[deal["id"]] = (unit, Decimal(price))
    return project, units[:HOLD_UNITS], units[-1], deals, advisors, manager


def engines(system):
    return {name: create_engine(system.urls[name], pool_pre_ping=True)
            for name in ("inventory", "contracts", "finance", "crm", "gateway")}


def scalar(engine, statement):
    with engine.connect() as conn:
        return conn.execute(statement).scalar_one()


def pending(engine, table):
    return scalar(engine, select(func.count()).where(table.c.state == "pending"))


def pids(system):
    return {key: proc.pid for key, proc in system.procs.items()}


def all_alive(system, before):
    dead = {key: proc.returncode for key, proc in system.procs.items() if proc.poll() is not None}
    assert not dead, f"processes exited: {dead}"
    assert pids(system) == before, "a process was restarted"


def all_ready(system):
    for name, instance in system.procs:
        try:
            if requests.get(f"{system.url(name, instance)}/health/ready", timeout=2).status_code != 200:
                return False
        except requests.RequestException:
            return False
    return True


def first(check, since, deadline):
    """Seconds from `since` until `check()` first held, polling until `deadline` (monotonic)."""
    while time.monotonic() < deadline:
        if check():
            return time.monotonic() - since
        time.sleep(0.2)
    return None


def dead_letters(system):
    """{queue: messages} of every dead-letter queue of the vhost (handlers' .dlq and the
    broker's safety net loupan.dead-letters)."""
    queues = system.rabbit._call("GET", f"queues/{system.vhost}").json()
    return {q["name"]: q.get("messages", 0) for q in queues
            if q["name"].endswith(".dlq") or q["name"] == "loupan.dead-letters"}


class HeldSink:
    """A durable queue bound to inventory's unit_held and unit_hold_expired: what inventory
    published, kept through the broker's restart (a test sink of the usual exclusive kind
    would go with the connection)."""

    def __init__(self, amqp_uri):
        self.amqp_uri = amqp_uri
        exchange = Exchange("inventory.events", type="topic", durable=True, auto_delete=False)
        name = f"test-long-outage-{uuid.uuid4().hex[:8]}"
        self.queues = [Queue(name, exchange=exchange, routing_key=key, durable=True, auto_delete=False)
                       for key in ("unit_held", "unit_hold_expired")]
        with Connection(amqp_uri) as conn:
            for queue in self.queues:
                queue(conn.default_channel).declare()

    def drain(self):
        events = []
        with Connection(self.amqp_uri) as conn:
            bound = self.queues[0](conn.default_channel)
            while (message := bound.get(no_ack=True)) is not None:
                events.append(message.payload if isinstance(message.payload, dict) else json.loads(message.body))
        return events

    def delete(self):
        with Connection(self.amqp_uri) as conn:
            self.queues[0](conn.default_channel).delete()


def deal_events(contracts):
    """{deal id: [event ids of its subscription_approved]} from contracts' outbox."""
    found = {}
    with contracts.connect() as conn:
        for body, in conn.execute(select(contracts_outbox.c.body)
                                  .where(contracts_outbox.c.routing_key == "subscription_approved")):
            envelope = json.loads(body)
            found.setdefault(envelope["payload"]["deal_id"], []).append(envelope["event_id"])
    return found


def inbox_counts(engine, table, handler, event_ids):
    with engine.connect() as conn:
        return Counter(conn.execute(select(table.c.event_id).where(
            table.c.handler == handler, table.c.event_id.in_(list(event_ids)))).scalars())


def assert_deals_applied_once(db, pid, deals):
    """Every approved deal's event in each consumer's inbox once, and its effects once."""
    events = deal_events(db["contracts"])
    mine = {deal_id: ids for deal_id, ids in events.items() if deal_id in deals}
    assert set(mine) == set(deals) and all(len(ids) == 1 for ids in mine.values()), mine
    event_ids = {ids[0] for ids in mine.values()}
    for name, (table, handler) in HANDLERS.items():
        wait_until(lambda: set(inbox_counts(db[name], table, handler, event_ids)) == event_ids, timeout=90,
                   what=f"{name} applied every deal")
        counts = inbox_counts(db[name], table, handler, event_ids)
        assert set(counts.values()) == {1}, f"{name}: {counts}"
    with db["finance"].connect() as conn:
        accounts = Counter(conn.execute(select(DealAccount.deal_id).where(DealAccount.project_id == pid)).scalars())
        lines = dict(conn.execute(select(ScheduleLine.deal_id, func.sum(ScheduleLine.amount))
                                  .where(ScheduleLine.deal_id.in_(list(deals))).group_by(ScheduleLine.deal_id)).all())
        changes = Counter(conn.execute(select(ScheduleChange.deal_id).where(
            ScheduleChange.deal_id.in_(list(deals)), ScheduleChange.reason == "subscription_approved")).scalars())
    assert accounts == Counter(set(deals)), f"finance accounts: {accounts}"
    assert {d: Decimal(t) for d, t in lines.items()} == {d: price for d, (_, price) in deals.items()}
    assert changes == Counter(set(deals)), f"schedules derived more than once: {changes}"
    with db["crm"].connect() as conn:
        buyers = set(conn.execute(select(DealCustomer.deal_id).where(DealCustomer.project_id == pid)).scalars())
        statuses = conn.execute(select(Customer.status).where(Customer.project_id == pid)).scalars().all()
        to_subscribed = Counter(conn.execute(select(CustomerStatusChange.customer_id).where(
            CustomerStatusChange.project_id == pid, CustomerStatusChange.to_status == "subscribed")).scalars())
    assert buyers == set(deals) and len(statuses) == len(deals) and set(statuses) == {"subscribed"}, statuses
    assert len(to_subscribed) == len(deals) and set(to_subscribed.values()) == {1}, to_subscribed
    with db["inventory"].connect() as conn:
        units = dict(conn.execute(select(Unit.id, Unit.status).where(Unit.project_id == pid)).all())
        subscribed = Counter(conn.execute(select(UnitHistory.unit_id).where(
            UnitHistory.project_id == pid, UnitHistory.to_status == "subscribed")).scalars())
    assert all(units[unit] == "subscribed" and subscribed[unit] == 1 for unit, _ in deals.values()), subscribed


def assert_holds_published_once(db, pid, sink):
    """Every committed hold of the project: one unit_held in inventory's outbox, sent, and on
    the broker under that one event id (a copy after a lost confirm would carry the same)."""
    wait_until(lambda: pending(db["inventory"], inventory_outbox) == 0, timeout=60, what="inventory's outbox drained")
    with db["inventory"].connect() as conn:
        holds = set(conn.execute(select(Hold.id).where(Hold.project_id == pid)).scalars())
        rows = [json.loads(b) for b in conn.execute(select(inventory_outbox.c.body)
                                                     .where(inventory_outbox.c.routing_key == "unit_held")).scalars()]
    outbox_ids = Counter(e["payload"]["hold_id"] for e in rows if e["payload"]["hold_id"] in holds)
    assert set(outbox_ids) == holds and set(outbox_ids.values()) == {1}, outbox_ids
    seen = {}
    for event in sink.drain():
        if event["type"] == "unit_held" and event["payload"]["hold_id"] in holds:
            seen.setdefault(event["payload"]["hold_id"], set()).add(event["event_id"])
    assert set(seen) == holds, f"unit_held lost for holds {holds - set(seen)}"
    assert all(len(ids) == 1 for ids in seen.values()), seen
    return holds


def test_broker_away_for_a_minute(system, director, rabbit):
    sink = HeldSink(system.amqp_uri)
    project, hold_units, probe_unit, deals, advisors, manager = prepare(system, director, "停broker一分钟")
    pid = project["id"]
    db = engines(system)
    letters = dead_letters(system)
    before = pids(system)
    figures = {}
    try:
        with Traffic(advisors, hold_units, manager, list(deals)) as traffic:
            wait_until(lambda: len(traffic.held) >= 4 and len(traffic.approved) >= 2, timeout=60,
                       what="holds and approvals before the outage")
            expiring = [hold_id for _, hold_id in traffic.held[:2]]
            rabbit.stop()
            stopped = time.monotonic()
            traffic.outage_began()
            try:
                with db["inventory"].begin() as conn:  # their time runs out while the broker is away
                    conn.execute(update(Hold).where(Hold.id.in_(expiring))
                                 .values(expires_at=utcnow() - timedelta(minutes=1)))
                wait_until(lambda: pending(db["inventory"], inventory_outbox) >= 2, timeout=30,
                           what="expiry events waiting in the outbox")
                during = Counter(traffic.answers)
                time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
                all_alive(system, before)
                assert requests.get(f"{system.url('inventory')}/health/live", timeout=5).status_code == 200
                ready = requests.get(f"{system.url('inventory')}/health/ready", timeout=10)
                assert ready.status_code == 503 and "broker" in ready.text
                assert traffic.answers[503] > during[503], \
                    f"no 503 answered during the outage: answers {dict(traffic.answers)}, at the mark {dict(during)}, " \
                    f"traffic finished: {traffic.finished()}"
            finally:
                restarting = time.monotonic()
                rabbit.start()
            back = time.monotonic()
            deadline = back + RECOVERY_SECONDS
            figures["ready"] = first(lambda: all_ready(system), back, deadline)
            figures["rpc"] = first(lambda: director.get(f"/api/projects/{pid}/board").status_code == 200, back, deadline)
            figures["outbox"] = first(lambda: pending(db["inventory"], inventory_outbox) == 0, back, deadline)
            figures["events"] = first(lambda: _notified(db["gateway"], pid) >= len(expiring), back, back + 90)
            wait_until(traffic.finished, timeout=180, what="every hold and approval answered")
        figures = {k: v if v is None else round(v, 1) for k, v in figures.items()}
        print(f"\nrecovery: broker stopped {restarting - stopped:.1f} s, booting {back - restarting:.1f} s; "
              f"after its return: all ready "
              f"{figures['ready']}, an RPC through the gateway {figures['rpc']}, inventory's outbox "
              f"drained {figures['outbox']}, expiry notifications delivered {figures['events']} s; "
              f"answers {dict(traffic.answers)}")
        all_alive(system, before)
        assert figures["ready"] is not None, f"not every service ready within {RECOVERY_SECONDS}s"
        assert figures["rpc"] is not None, f"the gateway did not serve an RPC within {RECOVERY_SECONDS}s"
        assert figures["outbox"] is not None, f"the outbox did not drain within {RECOVERY_SECONDS}s"
        assert_every_deal_approved(manager, deals)
        assert_deals_applied_once(db, pid, deals)
        holds = assert_holds_published_once(db, pid, sink)
        assert set(expiring) <= holds
        with db["gateway"].connect() as conn:
            notes = Counter(conn.execute(select(Notification.event_id).where(
                Notification.kind == "hold_expired", Notification.project_id == pid)).scalars())
        assert len(notes) == len(expiring) and set(notes.values()) == {1}, notes
        hold = advisors[0].post(f"/api/units/{probe_unit}/holds", {"customer_name": "回来", "customer_phone": "13600000001"})
        assert hold.status_code == 201, hold.text
        # nothing dead-lettered by this test (a count left by an earlier one is not its to judge)
        assert dead_letters(system) == letters, dead_letters(system)
    finally:
        if rabbit.proc is None:
            rabbit.start()
        sink.delete()
        for engine in db.values():
            engine.dispose()


def _notified(gateway, pid):
    return scalar(gateway, select(func.count()).select_from(Notification).where(
        Notification.kind == "hold_expired", Notification.project_id == pid))


def assert_every_deal_approved(manager, deals):
    """Each deal subscribed, whether its approval was answered 200 or its answer was lost
    (a reply dropped with the broker) and the retry was told 409."""
    statuses = {d: manager.ok(manager.get(f"/api/deals/{d}"))["status"] for d in deals}
    assert set(statuses.values()) == {"subscribed"}, statuses


@pytest.mark.parametrize("away", [("inventory", "finance"), ("contracts", "crm", "hr", "gateway")],
                         ids=["inventory+finance", "contracts+crm+hr+gateway"])
def test_databases_away_for_a_minute(system, director, postgres, away):
    sink = HeldSink(system.amqp_uri)
    project, hold_units, probe_unit, deals, advisors, manager = prepare(system, director, f"停库一分钟 {'+'.join(away)}")
    pid = project["id"]
    db = engines(system)
    names = {name: system.urls[name].rsplit("/", 1)[1] for name in away}
    letters = dead_letters(system)
    before = pids(system)
    figures = {}

    def admin(sql):
        pg_execute(postgres.admin_dsn, sql)

    def allow(flag):
        for name in names.values():
            admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(flag).lower()}')

    try:
        with Traffic(advisors, hold_units, manager, list(deals)) as traffic:
            wait_until(lambda: len(traffic.held) >= 4 and len(traffic.approved) >= 2, timeout=60,
                       what="holds and approvals before the outage")
            allow(False)
            stopped = time.monotonic()
            traffic.outage_began()
            quoted = ", ".join(f"'{n}'" for n in names.values())
            back_again = threading.Event()

            def terminate():  # again every second: a connection that was mid-handshake when
                while not back_again.is_set():  # connections were refused is cut too
                    admin(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname IN ({quoted})")
                    back_again.wait(1)

            terminator = threading.Thread(target=terminate, daemon=True)
            terminator.start()
            try:
                during = Counter(traffic.answers)
                approved = len(traffic.approved)
                if "contracts" not in away:
                    wait_until(lambda: len(traffic.approved) > approved, timeout=30,
                               what=f"an approval while {away} are away")
                time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - stopped)))
                all_alive(system, before)
                ready = requests.get(f"{system.url(away[0])}/health/ready", timeout=10)
                assert ready.status_code == 503 and "database" in ready.text
                for name in away:
                    assert requests.get(f"{system.url(name)}/health/live", timeout=5).status_code == 200, name
                assert traffic.answers[503] > during[503], "no 503 answered during the outage"
            finally:
                back_again.set()
                terminator.join(timeout=10)
                allow(True)
            back = time.monotonic()
            deadline = back + RECOVERY_SECONDS
            figures["ready"] = first(lambda: all_ready(system), back, deadline)
            figures["hold"] = first(lambda: _hold(advisors[1], probe_unit), back, deadline)
            figures["events"] = first(lambda: _all_applied(db, deals), back, back + 90)
            wait_until(traffic.finished, timeout=180, what="every hold and approval answered")
        figures["outage"] = back - stopped
        figures = {k: v if v is None else round(v, 1) for k, v in figures.items()}
        print(f"\nrecovery: the databases of {', '.join(away)} away {figures['outage']} s; after their "
              f"return: all ready {figures['ready']}, a hold {figures['hold']}, every deal applied in "
              f"every consumer {figures['events']} s; answers {dict(traffic.answers)}")
        all_alive(system, before)
        assert figures["ready"] is not None, f"not every service ready within {RECOVERY_SECONDS}s"
        assert figures["hold"] is not None, f"no hold served within {RECOVERY_SECONDS}s"
        assert_every_deal_approved(manager, deals)
        assert_deals_applied_once(db, pid, deals)
        assert_holds_published_once(db, pid, sink)
        # nothing dead-lettered by this test (a count left by an earlier one is not its to judge)
        assert dead_letters(system) == letters, dead_letters(system)
    finally:
        allow(True)
        sink.delete()
        for engine in db.values():
            engine.dispose()


def _hold(advisor, unit):
    try:
        return advisor.post(f"/api/units/{unit}/holds", {"customer_name": "回来", "customer_phone": "13600000002"}
                            ).status_code == 201
    except requests.RequestException:
        return False


def _all_applied(db, deals):
    event_ids = {ids[0] for d, ids in deal_events(db["contracts"]).items() if d in deals}
    if len(event_ids) < len(deals):
        return False
    return all(len(inbox_counts(db[name], table, handler, event_ids)) == len(deals)
               for name, (table, handler) in HANDLERS.items())
