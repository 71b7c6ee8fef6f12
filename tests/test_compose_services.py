"""docker-compose.yml's own services, run here as compose would run them (issue 20). This machine
has no Docker engine and cannot pull images, so the containers' commands are started as
processes, each with the environment compose gives it from a `.env` made as the README says (a
distinct value for every name of .env.example): broker-users renders the broker's users into
the definitions RabbitMQ loads at boot (a RabbitMQ of the test's own, with compose's
load_definitions and no guest), PostgreSQL (a cluster of the test's own, passwords checked)
runs deploy/postgres/init.sql as POSTGRES_USER, migrate migrates, and hr, inventory, crm,
contracts, finance, the gateway and the feed start and are ready; the first director is made
with the command docs/operations.md gives, signs in and makes a project whose units reach the
board through the broker. What differs from compose is only what its network gives: the hosts
`postgres`, `rabbitmq` and `gateway` and the published ports are this machine's addresses;
the paths of mounted volumes are the test's folders. Compose itself reads the file too:
`docker compose config` (or Debian's docker-compose, v1.29, which scripts/test.sh installs
where neither is) must resolve it to what the processes were given."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import pytest
import requests
import yaml

from loupan.testing import free_port
from loupan.testing.client import Api
from loupan.testing.servers import PrivatePostgres, PrivateRabbit
from tests.api import make_project
from tests.test_deploy_files import COMPOSE_FILE, environment, interpolate, runners, sample_env

ROOT = Path(__file__).resolve().parents[1]
LONG_RUNNING = ["hr", "inventory", "crm", "contracts", "finance", "gateway", "feed"]


def dockerfile_env():
    """The image's ENV lines (the containers' environment before compose's)."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        if line.startswith("ENV "):
            found.update(dict(re.findall(r"(\w+)=(\S+)", line)))
    return {k: v.replace("/app", str(ROOT)) for k, v in found.items()}


class Stack:
    """compose's services as processes; `mounts` maps container paths to this machine's."""

    def __init__(self, base):
        self.base = base
        self.env = sample_env()
        self.compose = yaml.safe_load(interpolate(COMPOSE_FILE.read_text(encoding="utf-8"), self.env))
        self.procs, self.ports = {}, {}
        self.pg = self.rabbit = None

    def volume(self, name):
        path = self.base / "volumes" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def host_path(self, service, container_path):
        """A container's path on this machine: through its volumes (longest first), else /app."""
        mounts = {}
        for spec in self.compose["services"][service].get("volumes", []):
            source, target = spec.split(":")[:2]
            mounts[target] = (ROOT / source) if source.startswith(".") else self.volume(source)
        for target in sorted(mounts, key=len, reverse=True):
            if container_path == target or container_path.startswith(target + "/"):
                return Path(str(mounts[target]) + container_path[len(target):])
        assert container_path.startswith("/app/"), container_path
        return ROOT / container_path[len("/app/"):]

    def addresses(self, value):
        """compose's network on this machine: the services' hosts and published ports."""
        value = value.replace("@postgres:5432/", f"@127.0.0.1:{self.pg.port}/")
        value = value.replace("@rabbitmq:5672/", f"@127.0.0.1:{self.rabbit.port}/")
        value = re.sub(r"^0\.0\.0\.0:(\d+)$", lambda m: f"127.0.0.1:{self.port_of(int(m.group(1)))}", value)
        value = re.sub(r"^http://gateway:(\d+)$", lambda m: f"http://127.0.0.1:{self.port_of(int(m.group(1)))}", value)
        assert not re.search(r"[@/](postgres|rabbitmq|gateway):\d", value), f"a compose host left in {value}"
        return value

    def port_of(self, port):
        return self.ports.setdefault(port, free_port())

    def env_of(self, service):
        env = {"PATH": os.environ["PATH"], "HOME": str(self.base), "LANG": "C.UTF-8", **dockerfile_env()}
        env.update({k: self.addresses(v) for k, v in environment(self.compose["services"][service]).items()})
        return env

    def argv(self, service, command=None):
        command = list(command or self.compose["services"][service]["command"])
        if command[:2] == ["sh", "-c"]:
            return ["sh", "-c", command[2].replace("python ", f"{sys.executable} ")]
        assert command[0] == "python", command
        return [sys.executable, *command[1:]]

    def run(self, service, command=None, timeout=600):
        done = subprocess.run(self.argv(service, command), cwd=ROOT, env=self.env_of(service), capture_output=True,
                              text=True, timeout=timeout)
        assert done.returncode == 0, f"{service}: {done.stdout}\n{done.stderr}"
        return done

    def start(self, service):
        log = open(self.base / f"{service}.log", "ab")
        self.procs[service] = subprocess.Popen(self.argv(service), cwd=ROOT, env=self.env_of(service), stdout=log,
                                               stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def health_url(self, service, path):
        """The port of compose's healthcheck of the service, at its place on this machine."""
        check = " ".join(self.compose["services"][service]["healthcheck"]["test"])
        port = int(re.search(r":(\d+)/health/live", check).group(1))
        return f"http://127.0.0.1:{self.ports[port]}{path}"

    def wait_ready(self, service, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.procs[service].poll() is not None:
                raise AssertionError(f"{service} exited {self.procs[service].returncode}:\n"
                                     + (self.base / f"{service}.log").read_text(errors="replace")[-3000:])
            try:
                if requests.get(self.health_url(service, "/health/ready"), timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise AssertionError(f"{service} not ready after {timeout} s")

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


class AdminRabbit(PrivateRabbit):
    """A private RabbitMQ that loads the definitions at boot as compose's rabbitmq does: no
    guest, so the test's own readiness check signs in as compose's admin."""

    def __init__(self, admin_password, conf):
        super().__init__()
        self.admin_password = admin_password
        with open(self.base / "rabbitmq.conf", "a", encoding="utf-8") as handle:
            handle.write(conf)

    @property
    def api(self):
        return f"http://admin:{self.admin_password}@127.0.0.1:{self.api_port}/api"


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = Stack(tmp_path_factory.mktemp("compose"))
    services = stack.compose["services"]
    try:
        # PostgreSQL: POSTGRES_USER with POSTGRES_PASSWORD (checked: scram), init.sql run as it
        pg_env = environment(services["postgres"])
        stack.pg = PrivatePostgres().init()  # its own folder: initdb runs as postgres
        hba = stack.pg.data / "pg_hba.conf"
        hba.write_text("local all all trust\nhost all postgres 127.0.0.1/32 trust\n"
                       "host all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8")
        stack.pg.start()
        admin = psycopg2.connect(stack.pg.admin_dsn)
        admin.autocommit = True
        with admin.cursor() as cur:
            cur.execute(f"CREATE ROLE {pg_env['POSTGRES_USER']} LOGIN SUPERUSER PASSWORD %s",
                        (pg_env["POSTGRES_PASSWORD"],))
        admin.close()
        owner = psycopg2.connect(host="127.0.0.1", port=stack.pg.port, user=pg_env["POSTGRES_USER"],
                                 password=pg_env["POSTGRES_PASSWORD"], dbname="postgres")
        owner.autocommit = True
        init = [v for v in services["postgres"]["volumes"] if "init.sql" in v][0].split(":")[0]
        with owner.cursor() as cur:
            for statement in re.sub(r"--[^\n]*", "", (ROOT / init).read_text(encoding="utf-8")).split(";"):
                if statement.strip():
                    cur.execute(statement)
        owner.close()

        # broker-users renders the users; RabbitMQ loads them at boot (compose's config)
        (conf,) = [v.split(":")[1] for v in services["rabbitmq"]["volumes"] if "/etc/rabbitmq/conf.d/" in v]
        content = stack.host_path("rabbitmq", conf).read_text(encoding="utf-8")
        loaded = re.search(r"^load_definitions = (\S+)$", content, re.M).group(1)
        stack.rabbit = AdminRabbit(environment(services["broker-users"])["RABBITMQ_ADMIN_PASSWORD"],
                                   f"load_definitions = {stack.host_path('rabbitmq', loaded)}\n")
        stack.run("broker-users", [*services["broker-users"]["command"][:3],
                                   *[str(stack.host_path("broker-users", p)) for p in
                                     services["broker-users"]["command"][3:]]])
        stack.rabbit.start()

        stack.run("migrate")
        for name in LONG_RUNNING:
            stack.start(name)
        for name in LONG_RUNNING:
            stack.wait_ready(name)
        yield stack
    finally:
        stack.stop()
        if stack.rabbit:
            stack.rabbit.destroy()
        if stack.pg:
            stack.pg.destroy()


def test_the_compose_services_run_with_their_commands_and_environment(stack):
    assert set(runners(stack.compose)) | {"feed"} == set(LONG_RUNNING)
    for name in LONG_RUNNING:  # compose's healthcheck: liveness; and ready (database, broker)
        assert requests.get(stack.health_url(name, "/health/live"), timeout=5).status_code == 200, name
        assert requests.get(stack.health_url(name, "/health/ready"), timeout=5).status_code == 200, name
    users = {u["name"] for u in requests.get(f"{stack.rabbit.api}/users", timeout=10).json()}
    assert users == {"admin", "hr", "inventory", "crm", "contracts", "finance", "gateway", "feed"}  # no guest
    refused = requests.get(f"http://guest:guest@127.0.0.1:{stack.rabbit.api_port}/api/overview", timeout=10)
    assert refused.status_code == 401

    # the first director, with the command docs/operations.md gives for compose
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    line = re.search(r"docker compose run --rm hr (python -m services\.hr\.create_director [^\n]*\\\n[^\n]*)", docs)
    words = line.group(1).replace("\\\n", " ").split()
    password = "Lou-7f3k-9Qx2-pan8"
    command = [w.replace("'…'", password) for w in words]
    stack.run("hr", command)
    username = command[command.index("--username") + 1]
    gateway = stack.health_url("gateway", "")
    director = Api(gateway).login(username, password)
    project, units = make_project(director, "编排楼盘", units=4)
    board = director.ok(director.get(f"/api/projects/{project['id']}/board"))
    cells = [u for b in board["buildings"] for f in b["floors"] for u in f["units"]]
    assert sorted(u["id"] for u in cells) == sorted(units) and {u["status"] for u in cells} == {"available"}


def compose_command():
    """`docker compose` (the v2 plugin) where the Docker client has it, else Debian's
    `docker-compose` (v1.29; scripts/lib.sh ensure_docker_compose installs it): `config`
    reads and resolves the file without an engine."""
    docker = shutil.which("docker")
    if docker and subprocess.run([docker, "compose", "version"], capture_output=True, timeout=30).returncode == 0:
        return [docker, "compose"]
    if shutil.which("docker-compose"):
        return [shutil.which("docker-compose")]
    if os.environ.get("CI") == "true":
        pytest.fail("neither `docker compose` nor `docker-compose` here: scripts/test.sh installs docker-compose")
    pytest.skip("neither `docker compose` nor `docker-compose` here (scripts/test.sh installs docker-compose)")


def compose_config(tmp_path, env):
    """compose's own reading of docker-compose.yml with `env` as .env; nothing of this
    process's environment may stand in for a variable of the file."""
    env_file = tmp_path / ".env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()), encoding="utf-8")
    clean = {k: v for k, v in os.environ.items()
             if k not in sample_env() and not k.startswith(("COMPOSE_", "LOUPAN_"))}
    return subprocess.run([*compose_command(), "-f", str(COMPOSE_FILE), "--env-file", str(env_file), "config"],
                          capture_output=True, text=True, timeout=120, env=clean, cwd=tmp_path)


def published(port):
    """(host address, host port, container port) of compose's short (v1) or long (v2) form."""
    if isinstance(port, dict):
        return port.get("host_ip", ""), int(port["published"]), int(port["target"])
    parts = str(port).split("/")[0].split(":")
    return (parts[0] if len(parts) == 3 else ""), int(parts[-2]), int(parts[-1])


def bind_mounts(service):
    """(source, target, read-only) of each bind mount, in compose's short (v1) or long (v2) form."""
    for volume in service.get("volumes", []):
        if isinstance(volume, dict):
            if volume["type"] == "bind":
                yield volume["source"], volume["target"], bool(volume.get("read_only"))
        elif volume.startswith("/"):
            source, target, *mode = volume.split(":")
            yield source, target, mode == ["ro"]


def test_docker_compose_config_resolves_the_file_with_a_dot_env(tmp_path):
    """`docker compose config` (or docker-compose's, v1) with a .env made from .env.example, as
    the README says: compose accepts the file, every service is there with the environment the
    test above started its command with (every password from .env, nothing else), every port
    on 127.0.0.1 only (the gateway and the feed elsewhere when LOUPAN_PUBLIC_ADDRESS says so), every bind mount a file of the repository; a .env without one of the
    names is refused with the file's own message."""
    env = sample_env()
    done = compose_config(tmp_path, env)
    assert done.returncode == 0, done.stderr
    resolved = yaml.safe_load(done.stdout)
    ours = yaml.safe_load(interpolate(COMPOSE_FILE.read_text(encoding="utf-8"), env))
    assert set(resolved["services"]) == set(ours["services"])
    used = set()
    for name, service in resolved["services"].items():
        assert environment(service) == environment(ours["services"][name]), name
        used |= {v for v in env.values() if any(v in value for value in environment(service).values())}
        mine = [published(p) for p in ours["services"][name].get("ports", [])]
        assert sorted(published(p) for p in service.get("ports", [])) == sorted(mine), name
        assert all(host == "127.0.0.1" for host, _, _ in mine), name
        for source, target, read_only in bind_mounts(service):
            assert Path(source).is_file() or Path(source).is_dir(), f"{name}: {source} missing"
            assert Path(source).resolve().is_relative_to(ROOT) and read_only, f"{name}: {source}:{target}"
    assert used == set(env.values()), "a .env value no service receives"
    assert {name for name, s in resolved["services"].items() if s.get("ports")} >= {"rabbitmq", "postgres", "gateway"}

    # told otherwise: the gateway and the feed on every interface, the rest still private
    opened = compose_config(tmp_path, dict(env, LOUPAN_PUBLIC_ADDRESS="0.0.0.0"))
    assert opened.returncode == 0, opened.stderr
    hosts = {name: {published(p)[0] for p in service.get("ports", [])}
             for name, service in yaml.safe_load(opened.stdout)["services"].items() if service.get("ports")}
    assert hosts.pop("gateway") == hosts.pop("feed") == {"0.0.0.0"}
    assert set().union(*hosts.values()) == {"127.0.0.1"} and {"postgres", "rabbitmq"} <= set(hosts)

    text = COMPOSE_FILE.read_text(encoding="utf-8")
    for missing in ("LOUPAN_BUS_KEY", "POSTGRES_PASSWORD"):
        refused = compose_config(tmp_path, {k: v for k, v in env.items() if k != missing})
        message = re.search(r"\$\{" + missing + r":\?([^}]*)\}", text).group(1)
        assert refused.returncode != 0 and missing in refused.stderr and message in refused.stderr, refused.stderr
