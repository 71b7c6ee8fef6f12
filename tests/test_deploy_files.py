"""The deployment files agree with the code: docker-compose.yml, the Dockerfile, the
PostgreSQL init script, Prometheus' scrape config and alert rules, RabbitMQ's definitions.

Nothing here starts a container or a service: the files are parsed and checked against
the config.yaml files, the metrics the code registers and the event catalogue. Each check
fails when the thing it names is wrong (a config path, an env var no config reads, a port
Prometheus would not find, an alert on a metric nobody exports, ...).
"""
import base64
import hashlib
import importlib
import inspect
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from loupan.config import _VAR, load_config
from loupan.events import CATALOGUE

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
DEFINITIONS_FILE = ROOT / "deploy" / "rabbitmq" / "definitions.json"
INIT_SQL = ROOT / "deploy" / "postgres" / "init.sql"

# The services whose HTTP ports the design fixes (each serves /metrics and /health/*).
EXPECTED_PORTS = {"gateway": 8000, "inventory": 8101, "hr": 8102}


# helpers ---------------------------------------------------------------------------------
def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@pytest.fixture(scope="module")
def compose():
    return read_yaml(COMPOSE_FILE)


@pytest.fixture(scope="module")
def prometheus():
    return read_yaml(PROMETHEUS_DIR / "prometheus.yml")


@pytest.fixture(scope="module")
def alerts():
    return read_yaml(PROMETHEUS_DIR / "alerts.yml")


@pytest.fixture(scope="module")
def definitions():
    with open(DEFINITIONS_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def command_text(service):
    command = service.get("command") or ""
    return " ".join(command) if isinstance(command, list) else str(command)


def config_paths(service):
    """The config files a compose service's command names (relative to the repo root)."""
    return re.findall(r"[\w./-]+\.ya?ml", command_text(service))


def environment(service):
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", ...]
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def config_vars(path):
    """Every VAR a config file reads as ${VAR} or ${VAR:default} (loupan.config's syntax)."""
    return {match.group(1) for match in _VAR.finditer((ROOT / path).read_text(encoding="utf-8"))}


def runners(compose):
    """Compose services that run one Loupan service: {name: config path}."""
    found = {}
    for name, service in compose["services"].items():
        if "loupan.run" in command_text(service):
            paths = config_paths(service)
            assert len(paths) == 1, f"{name}: `python -m loupan.run` takes one config, got {paths}"
            found[name] = paths[0]
    return found


def resolved_config(compose, name, path):
    """The config as the container would load it: compose's environment, nothing else."""
    return load_config(ROOT / path, environ=environment(compose["services"][name]))


def http_port(compose, name, path):
    address = resolved_config(compose, name, path)["WEB_SERVER_ADDRESS"]
    host, _, port = str(address).rpartition(":")
    return host, int(port)


def depends_on(service):
    deps = service.get("depends_on") or {}
    return {dep: {} for dep in deps} if isinstance(deps, list) else deps


KEYWORDS = {"by", "without", "on", "ignoring", "group_left", "group_right", "and", "or",
            "unless", "bool", "offset", "inf", "nan"}


def promql_metric_names(expr):
    """Metric names used in a PromQL expression (good enough for our rules: strings, label
    matchers, ranges, grouping clauses and numbers removed; names before `(` are functions)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"(?<![\w.])\d+(?:\.\d+)?(?:[eE][+-]?\d+)?", " ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        if text[match.end():].lstrip().startswith("("):
            continue  # function or aggregation operator
        if match.group().lower() not in KEYWORDS:
            names.add(match.group())
    return names


def exported_metric_names(compose):
    """The series the running services can expose, derived from the code: the kernel's
    per-service metrics (loupan/ops.py), each service's own gauges, and the metrics made by
    name elsewhere (`metric(Counter, "loupan_gateway_...")`)."""
    from loupan.inbox import RetryingEventHandler

    ops_source = (ROOT / "loupan" / "ops.py").read_text(encoding="utf-8")
    per_service = re.findall(r'metric\(\s*(\w+)\s*,\s*f"loupan_\{svc\}_(\w+)"', ops_source)
    kernel_gauges = re.findall(r'self\.gauge\(\s*"(\w+)"', ops_source)
    assert per_service and kernel_gauges, "loupan/ops.py no longer looks as this test expects"

    names = set()
    for name, path in runners(compose).items():
        module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        svc = cls.name
        for kind, base in per_service:
            suffixes = ("_bucket", "_sum", "_count") if kind == "Histogram" else ("",)
            names.update(f"loupan_{svc}_{base}{suffix}" for suffix in suffixes)
        has_outbox = "outbox" in cls.db.metadata.tables
        has_handlers = any(
            isinstance(ep, RetryingEventHandler)
            for attr in vars(cls).values()
            for ep in getattr(attr, "nameko_entrypoints", ())
        )
        for gauge in kernel_gauges:  # as refresh_kernel_gauges sets them
            if gauge.startswith("outbox_") and not has_outbox:
                continue
            if gauge == "dead_letters" and not has_handlers:
                continue
            names.add(f"loupan_{svc}_{gauge}")
        own = inspect.getsource(cls)
        names.update(f"loupan_{svc}_{g}" for g in re.findall(r'self\.ops\.gauge\(\s*"(\w+)"', own))
    for package in ("loupan", "services", "gateway"):
        for source in (ROOT / package).rglob("*.py"):
            text = source.read_text(encoding="utf-8")
            names.update(re.findall(r'metric\(\s*\w+\s*,\s*"(loupan_\w+)"', text))
    return names


# docker-compose.yml ----------------------------------------------------------------------
def test_compose_has_the_whole_system(compose):
    expected = {"rabbitmq", "postgres", "migrate", "hr", "inventory", "gateway", "prometheus", "grafana"}
    assert expected <= set(compose["services"])
    assert set(runners(compose)) == set(EXPECTED_PORTS)


def test_commands_point_at_existing_configs_and_modules(compose):
    checked = 0
    for name, service in compose["services"].items():
        text = command_text(service)
        modules = re.findall(r"python -m ([\w.]+)", text)
        for module in modules:
            if module.startswith("loupan."):
                assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), f"{name}: no module {module}"
        if not any(m.startswith("loupan.") for m in modules):
            continue
        paths = config_paths(service)
        assert paths, f"{name}: {text!r} names no config file"
        for path in paths:
            assert (ROOT / path).is_file(), f"{name}: config {path} does not exist"
            module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
            assert (ROOT / (module_name.replace(".", "/") + ".py")).is_file(), f"{path}: no {module_name}"
            checked += 1
    assert checked >= 6  # three runners and three migrations


def test_migrate_runs_every_service_config(compose):
    migrate = compose["services"]["migrate"]
    assert "loupan.migrate" in command_text(migrate)
    assert sorted(config_paths(migrate)) == sorted(runners(compose).values())
    for path in config_paths(migrate):
        assert (ROOT / path).parent.joinpath("migrations", "env.py").is_file()
    assert migrate.get("restart", "no") == "no"


def test_every_env_var_is_read_by_the_config(compose):
    for name, service in compose["services"].items():
        paths = config_paths(service)
        if not paths or "loupan." not in command_text(service):
            continue
        read = set().union(*(config_vars(p) for p in paths))
        unread = set(environment(service)) - read
        assert not unread, f"{name} sets {sorted(unread)}, which {paths} never read"


def test_services_use_postgres_the_broker_and_listen_on_all_interfaces(compose):
    init_sql = INIT_SQL.read_text(encoding="utf-8")
    databases = set(re.findall(r"CREATE DATABASE\s+(\w+)", init_sql, re.IGNORECASE))
    postgres_env = environment(compose["services"]["postgres"])
    for name, service in compose["services"].items():
        paths = config_paths(service)
        if not paths or "loupan." not in command_text(service):
            continue
        for path in paths:
            config = load_config(ROOT / path, environ=environment(service))
            url = urlsplit(config["DATABASE_URL"])
            assert url.scheme == "postgresql+psycopg2", f"{name} would use {url.scheme} for {path}"
            assert url.hostname == "postgres" and url.hostname in compose["services"]
            assert url.username == postgres_env["POSTGRES_USER"]
            assert url.password == postgres_env["POSTGRES_PASSWORD"]
            assert url.path.lstrip("/") in databases, f"{path}: database not created by init.sql"
    seen_databases = set()
    for name, path in runners(compose).items():
        config = resolved_config(compose, name, path)
        seen_databases.add(urlsplit(config["DATABASE_URL"]).path.lstrip("/"))
        amqp = urlsplit(config["AMQP_URI"])
        assert amqp.hostname == "rabbitmq", f"{name} would look for the broker at {amqp.hostname}"
        host, port = http_port(compose, name, path)
        assert host == "0.0.0.0", f"{name} would listen on {host}, unreachable from other containers"
        assert port == EXPECTED_PORTS[name]
    assert seen_databases == databases == {"hr", "inventory", "gateway"}
    mounts = " ".join(compose["services"]["postgres"].get("volumes", []))
    assert "./deploy/postgres/init.sql:/docker-entrypoint-initdb.d/" in mounts


def test_ports_and_healthchecks_match_the_configs(compose):
    for name, path in runners(compose).items():
        service = compose["services"][name]
        _, port = http_port(compose, name, path)
        assert f"{port}:{port}" in [str(p) for p in service.get("ports", [])]
        check = service["healthcheck"]["test"]
        check = " ".join(check) if isinstance(check, list) else check
        assert f":{port}/health/ready" in check, f"{name}: healthcheck does not probe /health/ready"


def test_gateway_gets_a_jwt_secret(compose):
    env = environment(compose["services"]["gateway"])
    assert "LOUPAN_JWT_SECRET" in env and env["LOUPAN_JWT_SECRET"]
    assert "LOUPAN_JWT_SECRET" in config_vars("gateway/config.yaml")


def test_depends_on_targets_exist(compose):
    services = compose["services"]
    for name, service in services.items():
        for target, options in depends_on(service).items():
            assert target in services, f"{name} depends on unknown service {target}"
            condition = (options or {}).get("condition")
            if condition == "service_healthy":
                assert "healthcheck" in services[target], f"{target} has no healthcheck to wait for"
            if condition == "service_completed_successfully":
                assert services[target].get("restart", "no") == "no", f"{target} is not one-shot"
    for name in runners(compose):
        deps = depends_on(services[name])
        assert deps.get("migrate", {}).get("condition") == "service_completed_successfully"


def test_procfile_and_compose_run_the_same_commands(compose):
    for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, _, command = line.partition(":")
        assert command_text(compose["services"][name.strip()]) == command.strip()


def test_dockerfile_builds_what_compose_runs(compose):
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)
    assert "pip install -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    for name, path in runners(compose).items():
        assert compose["services"][name].get("build") in (".", {"context": "."})
        top = Path(path).parts[0]  # the directory holding the config, migrations and code
        assert re.search(rf"^COPY\s+(\.|{top}/?)\s", dockerfile, re.MULTILINE), f"{top}/ not copied"


# Prometheus ------------------------------------------------------------------------------
def test_prometheus_scrapes_every_service_on_its_http_port(compose, prometheus):
    targets = {}
    for job in prometheus["scrape_configs"]:
        for static in job.get("static_configs", []):
            for target in static["targets"]:
                host, _, port = target.rpartition(":")
                targets[host] = (int(port), job.get("metrics_path", "/metrics"))
    for host in targets:
        assert host in compose["services"], f"Prometheus scrapes {host}, not a compose service"
    for name, path in runners(compose).items():
        assert name in targets, f"Prometheus does not scrape {name}"
        _, port = http_port(compose, name, path)
        assert targets[name] == (port, "/metrics"), f"{name}: scraped at {targets[name]}, serves :{port}"
    for rule_file in prometheus.get("rule_files", []):
        assert (PROMETHEUS_DIR / rule_file).is_file()
    mounts = " ".join(compose["services"]["prometheus"].get("volumes", []))
    assert "./deploy/prometheus:/etc/prometheus" in mounts


def test_promql_metric_name_extraction():
    expr = 'sum by (job) (rate(a_total{x="y(z)"}[5m])) / ignoring(x) b > 1e3 and on (job) up == 0'
    assert promql_metric_names(expr) == {"a_total", "b", "up"}
    assert promql_metric_names("histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) > 2.5") == {"h_bucket"}


def test_alerts_use_only_metrics_the_services_export(compose, prometheus, alerts):
    exported = exported_metric_names(compose)
    jobs = {job["job_name"] for job in prometheus["scrape_configs"]}
    rules = [rule for group in alerts["groups"] for rule in group["rules"]]
    assert rules
    for rule in rules:
        assert rule.get("alert") and rule.get("expr"), rule
        assert rule["labels"]["severity"] in ("info", "warning", "critical")
        assert rule["annotations"]["summary"]
        names = promql_metric_names(rule["expr"])
        assert names, f"{rule['alert']}: no metric found in its expression"
        for name in names:
            assert name == "up" or name.startswith("loupan_"), f"{rule['alert']}: {name}"
            if name != "up":
                assert name in exported, f"{rule['alert']}: nothing exports {name}"
        for value in re.findall(r'job=~?"([^"]*)"', rule["expr"]):
            assert set(value.split("|")) <= jobs, f"{rule['alert']}: unknown job in {value}"


# RabbitMQ --------------------------------------------------------------------------------
def rabbit_password_ok(password_hash, password):
    raw = base64.b64decode(password_hash)
    salt, digest = raw[:4], raw[4:]
    return hashlib.sha256(salt + password.encode()).digest() == digest


def test_definitions_declare_the_event_exchanges_as_the_code_does(compose, definitions):
    assert {"name": "/"} in [{"name": v["name"]} for v in definitions["vhosts"]]
    exchanges = {e["name"]: e for e in definitions["exchanges"]}
    # every running service's exchange, and those of event sources that are planned
    expected = {f"{svc}.events" for svc in EXPECTED_PORTS} | {f"{src}.events" for src, _ in CATALOGUE.values()}
    assert set(exchanges) == expected
    for source, _schema in CATALOGUE.values():
        assert f"{source}.events" in exchanges, f"no exchange for {source}'s events"
    for exchange in exchanges.values():
        # as nameko and loupan/publisher.py declare them, else redeclaring fails
        assert exchange["vhost"] == "/"
        assert exchange["type"] == "topic"
        assert exchange["durable"] is True and exchange["auto_delete"] is False
        assert exchange["internal"] is False and exchange["arguments"] == {}


def test_definitions_let_the_services_log_in(compose, definitions):
    users = {u["name"]: u for u in definitions["users"]}
    for name, path in runners(compose).items():
        amqp = urlsplit(resolved_config(compose, name, path)["AMQP_URI"])
        user = users.get(amqp.username)
        assert user is not None, f"{name} logs in as {amqp.username}, not defined"
        assert user["hashing_algorithm"] == "rabbit_password_hashing_sha256"
        assert rabbit_password_ok(user["password_hash"], amqp.password), f"{name}: wrong password"
        vhost = amqp.path[1:] or "/"
        assert any(p["user"] == amqp.username and p["vhost"] == vhost and p["configure"] == ".*"
                   and p["write"] == ".*" and p["read"] == ".*" for p in definitions["permissions"])


def test_rabbitmq_loads_the_definitions_at_boot(compose):
    rabbit = compose["services"]["rabbitmq"]
    assert rabbit["image"].startswith("rabbitmq:3.13-management")
    mounts = " ".join(rabbit.get("volumes", []))
    assert "./deploy/rabbitmq/definitions.json:/etc/rabbitmq/definitions.json" in mounts
    config_sources = {c["source"]: c["target"] for c in rabbit.get("configs", [])}
    contents = [compose["configs"][source]["content"] for source in config_sources]
    assert any("load_definitions = /etc/rabbitmq/definitions.json" in c for c in contents)
    assert all(target.startswith("/etc/rabbitmq/conf.d/") for target in config_sources.values())
