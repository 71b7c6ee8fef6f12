"""Private RabbitMQ and PostgreSQL servers for tests and benchmarks.

The machine's broker (5672) and database (5432) are shared with every other test, so the
tests that stop and restart a broker or a database start their own, on free loopback ports
and in a temporary directory, and leave the shared ones alone. The system tests keep their
systems' databases on a cluster of their own too: a system's pools keep what a burst
opened, more than the machine's server has to spare beside the service tests.
"""
import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2
import requests

from loupan.testing import free_port

RABBIT_BIN = Path("/usr/lib/rabbitmq/bin")


def _wait(check, what, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except Exception:  # not up yet  # noqa: BLE001
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} not up after {timeout}s")


class PrivateRabbit:
    """A RabbitMQ node of its own (name rabbit-test-<port>@localhost) with management."""

    def __init__(self, base=None):
        self.base = Path(base or tempfile.mkdtemp(prefix="loupan-rabbit-"))
        self.port, self.api_port, self.dist_port = free_port(), free_port(), free_port()
        self.node = f"rabbit-test-{self.port}@localhost"
        self.proc = None
        (self.base / "rabbitmq.conf").write_text(
            f"listeners.tcp.default = 127.0.0.1:{self.port}\n"
            f"management.tcp.port = {self.api_port}\n"
            f"management.tcp.ip = 127.0.0.1\n"
            "log.console = false\n", encoding="utf-8")
        (self.base / "enabled_plugins").write_text("[rabbitmq_management].\n", encoding="utf-8")
        self.env = dict(
            os.environ,
            RABBITMQ_NODENAME=self.node,
            RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(self.dist_port),
            RABBITMQ_MNESIA_BASE=str(self.base / "mnesia"),
            RABBITMQ_LOG_BASE=str(self.base / "log"),
            RABBITMQ_PID_FILE=str(self.base / "rabbit.pid"),
            RABBITMQ_CONFIG_FILE=str(self.base / "rabbitmq.conf"),
            RABBITMQ_ENABLED_PLUGINS_FILE=str(self.base / "enabled_plugins"),
            RABBITMQ_PLUGINS_EXPAND_DIR=str(self.base / "plugins-expand"),
        )

    @property
    def api(self):
        return f"http://guest:guest@127.0.0.1:{self.api_port}/api"

    @property
    def amqp_base(self):
        return f"amqp://{{user}}:{{password}}@127.0.0.1:{self.port}/{{vhost}}"

    def load_definitions(self, path, vhost):
        """Import a definitions file (deploy/rabbitmq/definitions.json), its "/" objects into
        `vhost`: the system under test then runs under the production policies."""
        definitions = json.loads(Path(path).read_text(encoding="utf-8"))
        definitions.pop("_note", None)
        definitions["vhosts"] = [{"name": vhost}]
        for key in ("permissions", "exchanges", "queues", "bindings", "policies", "parameters"):
            for item in definitions.get(key, []):
                item["vhost"] = vhost
        requests.post(f"{self.api}/definitions", json=definitions, timeout=30).raise_for_status()

    def start(self, timeout=90):
        log = open(self.base / "server.out", "ab")
        self.proc = subprocess.Popen([str(RABBIT_BIN / "rabbitmq-server")], env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        try:
            _wait(lambda: requests.get(f"{self.api}/overview", timeout=2).ok, f"RabbitMQ {self.node}", timeout)
        except RuntimeError as e:  # say why: the node's own words, not just "not up"
            raise RuntimeError(f"{e} (process {'exited ' + str(self.proc.poll()) if self.proc.poll() is not None else 'running'}); "
                               f"the end of its output and logs:\n{self._tails()}") from None
        return self

    def _tails(self, lines=25):
        files = [self.base / "server.out", *sorted((self.base / "log").glob("*.log"))]
        return "\n".join(f"== {f.name}\n" + "\n".join(f.read_text(errors="replace").splitlines()[-lines:])
                         for f in files if f.exists())

    def stop(self):
        if self.proc is None:
            return
        try:
            subprocess.run([str(RABBIT_BIN / "rabbitmqctl"), "-n", self.node, "stop"], env=self.env,
                           capture_output=True, timeout=60)
        except subprocess.TimeoutExpired:  # a node too busy to answer its control tool: killed below
            pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, 9)
            self.proc.wait()
        self.proc = None

    def destroy(self):
        self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


class PrivatePostgres:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) on a free port, trust auth."""

    def __init__(self, base=None, durable=False):
        self.durable = durable  # fsync on, as a real server (benchmarks); off for tests
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        assert bins, "PostgreSQL server binaries not found under /usr/lib/postgresql"
        self.bin = Path(bins[-1]).parent
        self.base = Path(base or tempfile.mkdtemp(prefix="loupan-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.as_user = None
        if os.geteuid() == 0:  # initdb refuses root
            self.as_user = "postgres"
            user = pwd.getpwnam("postgres")
            os.chmod(self.base, 0o755)
            os.chown(self.base, user.pw_uid, user.pw_gid)

    def _run(self, *args, check=True):
        command = [str(a) for a in args]
        if self.as_user:
            command = ["runuser", "-u", self.as_user, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, timeout=120, check=check)

    @property
    def admin_dsn(self):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    @property
    def url_template(self):
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{{name}}"

    def init(self):
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--no-sync")
        return self

    def start(self, timeout=60):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.base / "server.log", "-w", "-t", timeout,
                  "-o", f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 "
                        f"-c fsync={'on' if self.durable else 'off'} -c max_connections=300", "start")
        _wait(lambda: psycopg2.connect(self.admin_dsn).close() or True, "PostgreSQL", timeout)
        return self

    def stop(self, mode="fast"):
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop", check=False)

    def destroy(self):
        self.stop("immediate")
        shutil.rmtree(self.base, ignore_errors=True)


def private_postgres():
    """A started PrivatePostgres, destroyed after: the body of a package-scoped fixture."""
    server = PrivatePostgres()
    try:
        yield server.init().start()
    finally:
        server.destroy()
