"""pytest fixtures shared by every service's tests: a fresh database per test, copied from one
migrated once per session, the broker from nameko's plugin (one vhost per test module: see broker.py),
and a service config joining the two.

Service tests run on PostgreSQL, the production database. Those marked `sqlite` (the subset
that proves the embedded default: each service's main flows and its SQLite-only paths) run
on SQLite too. LOUPAN_TEST_DATABASES=sqlite,postgresql runs every one on both."""
import atexit
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import eventlet
import psycopg2
from psycopg2.extensions import make_dsn
import pytest
from sqlalchemy import create_engine, text

from loupan.migrate import upgrade

PG_ADMIN_DSN = os.environ.get("LOUPAN_TEST_PG", "host=127.0.0.1 port=5432 user=postgres dbname=postgres")
PG_URL = os.environ.get("LOUPAN_TEST_PG_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/{name}")


# Listening ports come from below the kernel's ephemeral range (32768-60999 here), never
# from bind(0): a broker or a service stopped for a test is started again on the SAME port,
# and while it is down any outgoing connection on the machine may take that port as its own
# local end, so the restart cannot bind (a CI run's private RabbitMQ "not up after 90s").
# Ports below the range are never handed to outgoing connections.
def _listen_ports():
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    return range(10000, max(low, 12000))


LISTEN_PORTS = _listen_ports()
_handed_out = set()


def free_port():
    for _ in range(200):
        port = secrets.choice(LISTEN_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:  # someone listens there already
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError(f"no free listening port in {LISTEN_PORTS}")


def pg_execute(dsn, sql):
    """Run one statement outside a transaction (CREATE/DROP/ALTER DATABASE, pg_terminate_backend)."""
    conn = psycopg2.connect(dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
    finally:
        conn.close()


def _admin(sql):
    pg_execute(PG_ADMIN_DSN, sql)


def create_pg_database(prefix="loupan_t"):
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    return name, PG_URL.format(name=name)


class Dropper:
    """A DROP DATABASE costs ~0.3 s on this machine's PostgreSQL: a psql process of its own
    drops the databases tests are done with, beside the tests instead of between them. `flush()` waits until every drop asked for is done (end of session, exit)."""

    def __init__(self):
        self.psql = None

    def drop(self, name):
        statement = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE);\n'
        if self.psql is None and shutil.which("psql"):
            self.psql = subprocess.Popen(["psql", PG_ADMIN_DSN, "-q", "-X"], stdin=subprocess.PIPE,
                                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True)
            atexit.register(self.flush)
        if self.psql is None:  # no psql on this machine: drop it now
            _admin(statement)
            return
        self.psql.stdin.write(statement)
        self.psql.stdin.flush()

    def flush(self):
        if self.psql is not None:
            self.psql.stdin.close()
            self.psql.wait()
            self.psql = None


DROPPER = Dropper()


def drop_pg_database(name):
    DROPPER.drop(name)


EVERY_TEST_ON = [k for k in os.environ.get("LOUPAN_TEST_DATABASES", "").split(",") if k]


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite: also run this service test on SQLite, the embedded default")
    config.addinivalue_line("markers", "unit: needs no broker, no database and no process of its own "
                                       "(marked at collection: bash scripts/test.sh -m unit)")


# What reaches outside the test's process: a test using none of these (directly or through
# its fixtures) is a unit test. tests/ drives whole systems and scripts: never units.
OUTSIDE = {"database_url", "rabbit_config", "rabbit_manager", "vhost_pipeline", "container_factory",
           "runner_factory", "system", "postgres", "rabbit"}


def pytest_collection_modifyitems(config, items):
    tests_dir = Path(str(config.rootpath)) / "tests"
    for item in items:
        if not OUTSIDE.intersection(getattr(item, "fixturenames", ())) and tests_dir not in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.unit)


def pytest_generate_tests(metafunc):
    """The database kinds of a test using `database_url`: PostgreSQL; SQLite as well when
    marked `sqlite`. A test that names its kinds itself (parametrize) keeps them."""
    if "database_url" not in metafunc.fixturenames:
        return
    for marker in metafunc.definition.iter_markers("parametrize"):
        if "database_url" in str(marker.args[0]):
            return
    kinds = EVERY_TEST_ON or (["sqlite", "postgresql"] if metafunc.definition.get_closest_marker("sqlite")
                              else ["postgresql"])
    metafunc.parametrize("database_url", kinds, indirect=True)


@pytest.fixture
def database_url(request, tmp_path):
    """An empty database of the kind asked for; the test migrates it (see `migrated`). A
    test that migrates with `migrated` is lent its PostgreSQL database there instead, and
    uses the url `migrated` returns."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/test.db"
        return
    if "migrated" in request.fixturenames:
        yield PG_URL.format(name="loupan_t_lent_by_migrated")  # never created: see `migrated`
        return
    name, url = create_pg_database()
    try:
        yield url
    finally:
        drop_pg_database(name)


class Databases:
    """Migrated databases for service tests, made once per session and reused.

    PostgreSQL: one database per migrations folder is migrated and seeded once; a test is
    lent a copy of it (CREATE DATABASE … TEMPLATE), and when the test is done the copy goes
    back to a pool, to be lent again after a reset: every row deleted, every sequence back
    at its start, the seed written again. A reset is one short transaction (tens of ms);
    a copy costs 0.1-0.8 s and a drop 0.3 s, since the server writes and syncs 8 MB each.
    SQLite: each test gets a file copy of a migrated file."""

    def __init__(self):
        self.templates = {}  # (folder, kind, seed) -> template database name or file
        self.free = {}  # (folder, seed) -> PostgreSQL databases to lend again
        self.lent = set()
        self.folder = None

    def copy_into(self, migrations_dir, url, seed=True):
        """A SQLite file at `url`, at head: a copy of the migrated template file."""
        shutil.copyfile(self._template(migrations_dir, "sqlite", seed), url[len("sqlite:///"):])

    def lend(self, migrations_dir, seed=True):
        """(name, url) of a PostgreSQL database at head, with nothing in it but the seed;
        `seed`: the service tests' registry of projects (seed_known_projects) or none (a
        running system learns its projects from inventory)."""
        key = (str(Path(migrations_dir).resolve()), seed)
        free = self.free.setdefault(key, [])
        while free:
            name = free.pop()
            if self._reset(name, seed):
                break
            drop_pg_database(name)
        else:
            name = f"loupan_t_{uuid.uuid4().hex[:10]}"
            _admin(f'CREATE DATABASE "{name}" TEMPLATE "{self._template(migrations_dir, "postgresql", seed)}"')
        self.lent.add((key, name))
        return name, PG_URL.format(name=name)

    def give_back(self, name):
        """The test is done with `name`: it is reset and lent again later."""
        for key, lent in list(self.lent):
            if lent == name:
                self.lent.discard((key, lent))
                self.free[key].append(name)

    def _template(self, migrations_dir, kind, seed):
        key = (str(Path(migrations_dir).resolve()), kind, seed)
        if key not in self.templates:
            if not self.templates:
                atexit.register(self.drop)  # a benchmark's or demo's process has no session end
            if kind == "sqlite":
                self.folder = self.folder or tempfile.mkdtemp(prefix="loupan-templates-")
                name = f"{self.folder}/{uuid.uuid4().hex[:10]}.db"
                url = f"sqlite:///{name}"
            else:
                name, url = create_pg_database("loupan_tpl")
            upgrade(migrations_dir, url)
            if seed:
                seed_known_projects(url)
            self.templates[key] = name
        return self.templates[key]

    @staticmethod
    def _reset(name, seed):
        """Empty every table but alembic's, restart every sequence, seed again; False if the
        database cannot be reset (it is then dropped and a fresh copy lent)."""
        try:
            conn = psycopg2.connect(make_dsn(PG_ADMIN_DSN, dbname=name))
        except psycopg2.Error:
            return False
        try:
            with conn, conn.cursor() as cur:
                # a connection the last test left (a container's pool) could hold locks
                cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()")
                cur.execute("SET LOCAL lock_timeout = '10s'")
                cur.execute("SET LOCAL session_replication_role = replica")  # no FK order needed
                cur.execute("SELECT quote_ident(tablename) FROM pg_tables "
                            "WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
                for (table,) in cur.fetchall():
                    cur.execute(f"DELETE FROM {table}")
                cur.execute("SELECT setval(format('%I.%I', schemaname, sequencename), start_value, false) "
                            "FROM pg_sequences WHERE schemaname = 'public'")
                if seed:
                    cur.execute("SELECT to_regclass('known_projects') IS NOT NULL")
                    if cur.fetchone()[0]:
                        cur.execute(SEED_SQL, {"last": SEEDED_PROJECTS, "agency": SEEDED_AGENCY})
            return True
        except psycopg2.Error:
            return False
        finally:
            conn.close()

    def drop(self):
        for key in list(self.lent) + [(k, n) for k, names in self.free.items() for n in names]:
            drop_pg_database(key[1])
        for (_, kind, _), template in self.templates.items():
            if kind == "postgresql":
                drop_pg_database(template)
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.templates, self.free, self.lent, self.folder = {}, {}, set(), None
        DROPPER.flush()


DATABASES = Databases()


def pytest_sessionfinish(session):
    DATABASES.drop()


@pytest.fixture
def migrated():
    """migrated(migrations_dir, url) -> url: a database of `url`'s kind at head, with the
    test registry of projects (see seed_known_projects). On PostgreSQL a database is lent
    for the test (its url is returned; `url` only says the kind), on SQLite `url`'s file is
    made."""
    lent = []

    def run(migrations_dir, url):
        if url.startswith("sqlite"):
            DATABASES.copy_into(migrations_dir, url)
            return url
        name, lent_url = DATABASES.lend(migrations_dir)
        lent.append(name)
        return lent_url

    yield run
    for name in lent:
        DATABASES.give_back(name)


SEEDED_AGENCY, SEEDED_PROJECTS = 1, 1000
SEED_SQL = ("WITH RECURSIVE ids(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM ids WHERE n < %(last)s) "
            "INSERT INTO known_projects (id, agency_id, known_at) "
            "SELECT n, %(agency)s, CURRENT_TIMESTAMP FROM ids")


def seed_known_projects(url):
    """A service test runs one service alone, with no inventory to ask who owns a project:
    its copy of the project registry (loupan.projects) is told that agency 1 owns projects
    1-1000, the ids these tests use. Other ids and agencies are another agency's or nobody's.
    The registry's own path (events, asking inventory) is tested in loupan/tests/test_projects.py
    and tests/test_isolation_matrix.py."""
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            if not engine.dialect.has_table(conn, "known_projects"):
                return
            conn.execute(text(SEED_SQL.replace("%(last)s", ":last").replace("%(agency)s", ":agency")),
                         {"last": SEEDED_PROJECTS, "agency": SEEDED_AGENCY})
    finally:
        engine.dispose()


BUS_KEY = secrets.token_urlsafe(48)  # the bus key of every service a test starts (loupan.bus)


def sealed_context(config, actor=None, issuer="test", **data):
    """Context data for calling a service as the gateway would: `actor` (None: a call that
    takes no actor) sealed with `config`'s bus key (loupan.bus), and any other `data`."""
    from loupan import bus

    return dict(data, **{bus.SEAL: bus.seal(config, actor, issuer)})


def entrypoint_caller(container):
    """call(method, *args): run one entrypoint of a running container, return its result. The
    call carries its actor sealed, as the gateway sends it (loupan.bus).
    (One call at a time: for concurrent calls use a real RPC proxy, `cluster_rpc`.)"""
    from loupan import bus

    def call(method, *args):
        with entrypoint_hook(container, method, context_data=sealed_context(
                container.config, bus.actor_of_call(args, {}))) as hook:
            return hook(*args)

    return call


def entrypoint_hook(container, method, context_data=None):
    """nameko's entrypoint_hook (loupan.testing's one import of it)."""
    from nameko.testing.services import entrypoint_hook as hook

    return hook(container, method, context_data=context_data)


class _SealedMethod:
    def __init__(self, method, config):
        self._method, self._config = method, config

    def _seal(self, args, kwargs):
        from loupan import bus

        # the standalone proxy's headers are read from its context as the call is published
        self._method.worker_ctx.data[bus.SEAL] = bus.seal(self._config, bus.actor_of_call(args, kwargs), "test")

    def __call__(self, *args, **kwargs):
        self._seal(args, kwargs)
        return self._method(*args, **kwargs)

    def call_async(self, *args, **kwargs):
        self._seal(args, kwargs)
        return self._method.call_async(*args, **kwargs)


class _SealedService:
    def __init__(self, service, config):
        self._service, self._config = service, config

    def __getattr__(self, method):
        return _SealedMethod(getattr(self._service, method), self._config)


class _SealedCluster:
    def __init__(self, cluster, config):
        self._cluster, self._config = cluster, config

    def __getattr__(self, service):
        return _SealedService(getattr(self._cluster, service), self._config)

    def __getitem__(self, service):
        return _SealedService(self._cluster[service], self._config)


@contextmanager
def cluster_rpc(config, **kwargs):
    """nameko's ClusterRpcProxy whose every call carries its actor sealed with `config`'s
    bus key, as the gateway's calls do (loupan.bus). Without the key, see tests/test_bus.py."""
    from nameko.standalone.rpc import ClusterRpcProxy

    with ClusterRpcProxy(config, **kwargs) as cluster:
        yield _SealedCluster(cluster, config)


@pytest.fixture
def service_config(rabbit_config):
    """Settings every service test needs; tests add DATABASE_URL."""
    return {
        "AMQP_URI": rabbit_config["AMQP_URI"],
        "WEB_SERVER_ADDRESS": f"127.0.0.1:{free_port()}",
        "max_workers": 10,
        "RPC_TIMEOUT": 5,
        "OUTBOX": {"sweep_seconds": 0.2},
        "EVENT_RETRY": {"max_attempts": 3, "delay_ms": 100},
        "BUS_KEY": BUS_KEY,
    }


def wait_until(check, timeout=15.0, what="condition"):
    """Poll `check()` until it returns something truthy; AssertionError after `timeout`.
    `what` may be a callable, asked at the failure for what was still missing."""
    with eventlet.Timeout(timeout, False):
        while True:
            value = check()
            if value:
                return value
            eventlet.sleep(0.05)
    raise AssertionError(f"{what() if callable(what) else what} not reached within {timeout}s")


def db_rows(config, statement):
    """Rows of `statement`, read straight from a service's database (`config["DATABASE_URL"]`)
    on a connection of its own: what the service really committed."""
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(statement).all()
    finally:
        engine.dispose()


def db_write(config, statement, rows=None):
    """Run `statement` (with `rows` for an executemany) against a service's database and
    commit (e.g. to move time)."""
    engine = create_engine(config["DATABASE_URL"])
    try:
        with engine.begin() as conn:
            conn.execute(statement, rows)
    finally:
        engine.dispose()


class EventSink:
    """A throw-away queue bound to `<service>.events` for every routing key: what a service
    really published, read back from the broker."""

    def __init__(self, amqp_uri, service):
        from kombu import Connection, Exchange, Queue

        self.conn = Connection(amqp_uri)
        exchange = Exchange(f"{service}.events", type="topic", durable=True, auto_delete=False)
        self.queue = Queue(f"test-sink-{uuid.uuid4().hex[:8]}", exchange=exchange, routing_key="#",
                           exclusive=True, auto_delete=True)
        self.channel = self.conn.channel()
        self.queue(self.channel).declare()
        self.received = []

    def drain(self):
        """Everything received so far (reads what is waiting in the queue first)."""
        bound = self.queue(self.channel)
        while True:
            message = bound.get(no_ack=True)
            if message is None:
                return self.received
            self.received.append(message.payload)

    def wait_for(self, event_type, count=1, timeout=10.0):
        """Envelopes of `event_type`, once at least `count` arrived (or AssertionError)."""
        import eventlet

        with eventlet.Timeout(timeout, False):
            while True:
                self.drain()
                found = [e for e in self.received if e["type"] == event_type]
                if len(found) >= count:
                    return found
                eventlet.sleep(0.05)
        raise AssertionError(f"{count} x {event_type} not received; got {[e['type'] for e in self.received]}")

    def close(self):
        self.conn.release()


@pytest.fixture
def event_sink(rabbit_config):
    """event_sink(service) -> EventSink bound before the test publishes anything."""
    sinks = []

    def make(service):
        sink = EventSink(rabbit_config["AMQP_URI"], service)
        sinks.append(sink)
        return sink

    yield make
    for sink in sinks:
        sink.close()


def publish_event(amqp_uri, event_type, payload, agency_id=1, project_id=None, actor=None,
                  copies=1, occurred_at=None):
    """Publish a validated envelope on `<source>.events` as its source service would (the
    source is looked up in the catalogue); `copies` > 1 redelivers the same event id.
    Returns the envelope."""
    import json

    from kombu import Connection, Exchange, Producer

    from loupan.events import make_envelope, source_of

    envelope = make_envelope(event_type, payload, agency_id=agency_id, project_id=project_id, actor=actor)
    if occurred_at is not None:
        envelope["occurred_at"] = occurred_at.isoformat()
    exchange = Exchange(f"{source_of(event_type)}.events", type="topic", durable=True)
    with Connection(amqp_uri) as conn:
        producer = Producer(conn.channel())
        for _ in range(copies):
            producer.publish(json.dumps(envelope), exchange=exchange, routing_key=event_type,
                             content_type="application/json", content_encoding="utf-8", declare=[exchange])
    return envelope
