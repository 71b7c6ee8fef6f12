"""Start the whole system as processes: every Procfile entry, each on its own database.

Used by the system tests, the benchmarks and the demo runner, so that all three run the
system the same way production does (one process per service, real broker, real database),
only wired with free ports, fresh databases and, for tests, a throw-away vhost.
"""
import os
import secrets
import shlex
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

from loupan.config import load_config
from loupan.migrate import upgrade
from loupan.testing import DATABASES, create_pg_database, drop_pg_database, free_port, pg_execute

ROOT = Path(__file__).resolve().parents[2]
RABBIT_API = os.environ.get("LOUPAN_RABBIT_API", "http://guest:guest@127.0.0.1:15672/api")
AMQP_BASE = os.environ.get("LOUPAN_AMQP_BASE", "amqp://{user}:{password}@127.0.0.1:5672/{vhost}")


def _procfile_lines(path):
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            yield name.strip(), shlex.split(command)


def procfile(path=ROOT / "Procfile"):
    """{name: config path} from `name: python -m loupan.run <config>` lines: the services."""
    return {name: argv[-1] for name, argv in _procfile_lines(path) if argv[:3] == ["python", "-m", "loupan.run"]}


def other_processes(path=ROOT / "Procfile"):
    """{name: argv} of the Procfile's other processes (the live board feed, gateway/feed)."""
    return {name: argv for name, argv in _procfile_lines(path) if argv[:3] != ["python", "-m", "loupan.run"]}


class Rabbit:
    """The broker's management API: vhosts and users for isolated runs."""

    def __init__(self, api=RABBIT_API):
        self.api = api

    def _call(self, method, path, **kwargs):
        response = requests.request(method, f"{self.api}/{path}", timeout=30, **kwargs)
        response.raise_for_status()
        return response

    def create_vhost(self, vhost):
        self._call("PUT", f"vhosts/{vhost}")
        self.grant(vhost, "guest")

    def delete_vhost(self, vhost):
        requests.delete(f"{self.api}/vhosts/{vhost}", timeout=30)

    def create_user(self, user, password):
        self._call("PUT", f"users/{user}", json={"password": password, "tags": ""})

    def delete_user(self, user):
        requests.delete(f"{self.api}/users/{user}", timeout=30)

    def grant(self, vhost, user, configure=".*", write=".*", read=".*"):
        self._call("PUT", f"permissions/{vhost}/{user}",
                   json={"configure": configure, "write": write, "read": read})


class System:
    """The running system. `database` is "sqlite" (files under `workdir`) or "postgresql"
    (a fresh database per service). `instances` runs several processes of one service.
    `rabbit_api` and `amqp_base` point at another broker, `pg` = (admin DSN, URL template with
    `{name}`) at another PostgreSQL server (the reliability tests stop and restart their own).
    `processes` names the Procfile's other processes to run after the services (e.g. "feed",
    the live board feed: no database, the gateway's JWT key and address)."""

    def __init__(self, workdir, database="postgresql", vhost=None, instances=None, env=None,
                 log_dir=None, rabbit_api=None, amqp_base=None, pg=None, processes=()):
        self.workdir = Path(workdir)
        self.database = database
        self.vhost = vhost or f"loupan_{uuid.uuid4().hex[:8]}"
        self.instances = instances or {}
        self.extra_env = env or {}
        self.log_dir = Path(log_dir or self.workdir)
        self.services = procfile()
        self.others = {name: argv for name, argv in other_processes().items() if name in processes}
        self.urls, self.ports, self.procs, self.pg_names, self.env_of = {}, {}, {}, [], {}
        self.reserved = {}  # name -> port chosen before the process starts
        self.lent_names = []  # databases lent by loupan.testing.DATABASES, given back at the end
        self.rabbit = Rabbit(rabbit_api or RABBIT_API)
        self.amqp_base = amqp_base or AMQP_BASE
        self.amqp_uri = self.amqp_base.format(user="guest", password="guest", vhost=self.vhost)
        self.pg = pg
        # one random signing key per run, the same for every gateway replica: the gateway
        # refuses to start on its public development default (gateway/auth.py check_secret)
        self.jwt_secret = secrets.token_urlsafe(48)
        # and one bus key (loupan/bus.py), the same in every process: it seals each RPC's actor
        self.bus_key = secrets.token_urlsafe(48)

    # set-up -------------------------------------------------------------------------------
    def prepare(self):
        """Vhost, databases and migrations; nothing runs yet."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.rabbit.create_vhost(self.vhost)
        for name, config_path in self.services.items():
            migrations = (ROOT / config_path).parent / "migrations"
            if self.database == "sqlite":
                url = f"sqlite:///{self.workdir / name}.db"
                upgrade(migrations, url)
            elif self.pg is None:  # the machine's server: a database migrated once per process, lent
                db_name, url = DATABASES.lend(migrations, seed=False)
                self.lent_names.append(db_name)
            else:
                db_name, url = self.create_database(f"loupan_{name}")
                self.pg_names.append(db_name)
                upgrade(migrations, url)
            self.urls[name] = url
        return self

    def create_database(self, prefix):
        if self.pg is None:
            return create_pg_database(prefix)
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        self._pg_admin(f'CREATE DATABASE "{name}"')
        return name, self.pg[1].format(name=name)

    def drop_database(self, name):
        if self.pg is None:
            drop_pg_database(name)
        else:
            self._pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _pg_admin(self, sql):
        pg_execute(self.pg[0], sql)

    def env(self, name, instance=0, amqp_uri=None):
        port = free_port()
        self.ports[(name, instance)] = port
        # every request of a test or benchmark comes from 127.0.0.1: the gateway's rate limits
        # would trip (tests/own_system/test_gateway_rules_api.py runs with low ones set in `env=`)
        no_limits = {k: "0" for k in ("RATE_LOGIN_PER_MINUTE", "RATE_LOGIN_PER_IP_PER_MINUTE",
                                      "RATE_HOLDS_PER_MINUTE", "RATE_HOLDS_PER_IP_PER_MINUTE")}
        env = dict(os.environ, **{"LOUPAN_JWT_SECRET": self.jwt_secret, "LOUPAN_BUS_KEY": self.bus_key,
                                  **no_limits, **self.extra_env})
        env.update({
            "AMQP_URI": amqp_uri or self.amqp_uri,
            f"{name.upper()}_DATABASE_URL": self.urls[name],
            f"{name.upper()}_HTTP": f"127.0.0.1:{port}",
            "PYTHONPATH": str(ROOT),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "SMS_LOG_FILE": str(self.sms_log),  # the buyers' sign-in codes (gateway/sms.py's log adapter)
        })
        if name == "gateway" and "feed" in self.others:  # the console's pages follow the feed on its port
            env["LOUPAN_FEED_PORT"] = str(self._reserved("feed"))
        return env

    def _reserved(self, name):
        """The port `name` will listen on, chosen before it starts (the gateway tells pages where the feed is)."""
        if name not in self.reserved:
            self.reserved[name] = free_port()
        return self.reserved[name]

    @property
    def sms_log(self):
        return self.workdir / "sms.log"

    def process_env(self, name, instance=0, amqp_uri=None):
        """The environment of one of the Procfile's other processes (no database)."""
        port = self._reserved(name)
        env = dict(os.environ, **{"LOUPAN_JWT_SECRET": self.jwt_secret, "LOUPAN_BUS_KEY": self.bus_key,
                                  "FEED_CORS_ORIGINS": self.url("gateway"), **self.extra_env})
        env.update({"AMQP_URI": amqp_uri or self.amqp_uri, f"{name.upper()}_HTTP": f"127.0.0.1:{port}",
                    f"{name.upper()}_GATEWAY": self.url("gateway"), "PYTHONPATH": str(ROOT),
                    "PYTHONWARNINGS": "ignore::DeprecationWarning"})
        return env

    def start_service(self, name, instance=0, amqp_uri=None, wait=True):
        other = name in self.others
        env = self.env_of.get((name, instance, amqp_uri)) or (
            self.process_env if other else self.env)(name, instance, amqp_uri)
        self.env_of[(name, instance, amqp_uri)] = env
        self.ports[(name, instance)] = int(env[f"{name.upper()}_HTTP"].rsplit(":", 1)[1])
        log = open(self.log_dir / f"{name}.{instance}.log", "ab")
        argv = self.others[name][1:] if other else ["-m", "loupan.run", self.services[name]]
        self.procs[(name, instance)] = subprocess.Popen(
            [sys.executable, *argv], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        log.close()
        if wait:
            self.wait_ready(name, instance)

    def start(self):
        for name in self.services:
            for instance in range(self.instances.get(name, 1)):
                self.start_service(name, instance, wait=False)
        for key in list(self.procs):
            self.wait_ready(*key)
        for name in self.others:  # after the gateway, whose address they are given
            self.start_service(name)
        return self

    def wait_ready(self, name, instance=0, timeout=120):  # a busy 2-core machine: 15 s just to import the gateway
        url = f"http://127.0.0.1:{self.ports[(name, instance)]}/health/ready"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[(name, instance)]
            if proc.poll() is not None:
                raise RuntimeError(f"{name} exited with {proc.returncode}; see {self.log_dir}/{name}.{instance}.log")
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{name} not ready after {timeout}s")

    def url(self, name="gateway", instance=0):
        return f"http://127.0.0.1:{self.ports[(name, instance)]}"

    def config(self, name):
        return load_config(ROOT / self.services[name], self.env_of.get((name, 0, None)) or {})

    # faults --------------------------------------------------------------------------------
    def kill(self, name, instance=0, sig=signal.SIGKILL):
        proc = self.procs.pop((name, instance))
        proc.send_signal(sig)
        proc.wait(timeout=30)

    def stop(self):
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.procs.clear()

    def destroy(self):
        self.stop()
        self.rabbit.delete_vhost(self.vhost)
        for db_name in self.pg_names:
            self.drop_database(db_name)
        for db_name in self.lent_names:
            DATABASES.give_back(db_name)

    def run_module(self, name, module, *args):
        """Run `python -m module config args…` with service `name`'s settings (e.g. a
        service's admin command against its database)."""
        env = dict(os.environ, **{f"{name.upper()}_DATABASE_URL": self.urls[name],
                                  "AMQP_URI": self.amqp_uri, "LOUPAN_BUS_KEY": self.bus_key, "PYTHONPATH": str(ROOT),
                                  "PYTHONWARNINGS": "ignore::DeprecationWarning"})
        return subprocess.run([sys.executable, "-m", module, self.services[name], *args], cwd=ROOT,
                              env=env, check=True, capture_output=True, text=True).stdout
