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
import json
import re
import shutil
import subprocess
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
GRAFANA_DIR = ROOT / "deploy" / "grafana"
DEAD_LETTER_EXCHANGE = "loupan.dead-letters"

# The services whose HTTP ports the design fixes (each serves /metrics and /health/*).
EXPECTED_PORTS = {"gateway": 8000, "inventory": 8101, "hr": 8102, "crm": 8103, "contracts": 8104,
                  "finance": 8105}


# helpers ---------------------------------------------------------------------------------
def read_yaml(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


ENV_EXAMPLE = ROOT / ".env.example"
COMPOSE_VAR = re.compile(r"\$\{(\w+)(?::?([-?])([^}]*))?\}")


def env_example_names():
    """The variables .env.example lists (NAME= lines; it gives no values)."""
    return [line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


def sample_env():
    """A .env as an operator makes it: a distinct URL-safe value per variable."""
    return {name: f"{name.lower().replace('_', '-')}-0123456789abcdef0123456789" for name in env_example_names()}


def interpolate(text, env):
    """Compose's interpolation of ${VAR}, ${VAR:-default} and ${VAR:?error} (fails as compose
    does on a required variable that is missing)."""
    def value(match):
        name, kind, arg = match.groups()
        if env.get(name):
            return env[name]
        if kind == "?":
            raise KeyError(f"compose would refuse to start: {name} ({arg})")
        return arg or ""
    return COMPOSE_VAR.sub(value, text)


@pytest.fixture(scope="module")
def raw_compose():
    return read_yaml(COMPOSE_FILE)


@pytest.fixture(scope="module")
def compose():
    """docker-compose.yml as compose reads it with a .env made from .env.example."""
    return yaml.safe_load(interpolate(COMPOSE_FILE.read_text(encoding="utf-8"), sample_env()))


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


METRIC_CALL = re.compile(r'metric\(\s*(\w+)\s*,\s*"(loupan_\w+)"')
OWN_GAUGE = re.compile(r'ops\.gauge\(\s*"(\w+)"')


def series_names(kind, name):
    if kind == "Histogram":
        return {f"{name}_bucket", f"{name}_sum", f"{name}_count"}
    return {name}


def exported_metric_names(compose):
    """The series the running services can expose, derived from the code: the kernel's
    metrics (`metric(Counter, "loupan_...")` in loupan/, one name in every service), the
    metrics other modules make by name (gateway/http.py, services/inventory/metrics.py) and
    each service's own gauges (`self.ops.gauge("units")` is `loupan_inventory_units`)."""
    names = set()
    for package in ("loupan", "services", "gateway"):
        for source in (ROOT / package).rglob("*.py"):
            if "tests" in source.parts:
                continue
            for kind, name in METRIC_CALL.findall(source.read_text(encoding="utf-8")):
                names |= series_names(kind, name)
    assert {"loupan_entrypoint_calls_total", "loupan_outbox_pending", "loupan_dead_letters"} <= names, \
        "loupan/ops.py no longer looks as this test expects"
    for name, path in runners(compose).items():
        module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        package_dir = ROOT / Path(*module_name.split(".")[:-1])
        for source in package_dir.rglob("*.py"):
            if "tests" not in source.parts:
                text = source.read_text(encoding="utf-8")
                names.update(f"loupan_{cls.name}_{g}" for g in OWN_GAUGE.findall(text))
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
        if not any(m.startswith("loupan.") for m in modules) or modules == ["loupan.broker_users"]:
            continue  # broker_users takes the definitions, no config (test_rabbitmq_loads_...)
        paths = config_paths(service)
        assert paths, f"{name}: {text!r} names no config file"
        for path in paths:
            assert (ROOT / path).is_file(), f"{name}: config {path} does not exist"
            module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
            assert (ROOT / (module_name.replace(".", "/") + ".py")).is_file(), f"{path}: no {module_name}"
            checked += 1
    assert checked >= 12  # six runners and six migrations


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
            assert url.password == postgres_env["POSTGRES_PASSWORD"] == sample_env()["POSTGRES_PASSWORD"]
            assert url.path.lstrip("/") in databases, f"{path}: database not created by init.sql"
    seen_databases = set()
    for name, path in runners(compose).items():
        config = resolved_config(compose, name, path)
        seen_databases.add(urlsplit(config["DATABASE_URL"]).path.lstrip("/"))
        amqp = urlsplit(config["AMQP_URI"])
        assert amqp.hostname == "rabbitmq", f"{name} would look for the broker at {amqp.hostname}"
        assert amqp.username == name, f"{name} connects to the broker as {amqp.username}, not as its own user"
        assert amqp.password == sample_env()[f"RABBITMQ_{name.upper()}_PASSWORD"]
        host, port = http_port(compose, name, path)
        assert host == "0.0.0.0", f"{name} would listen on {host}, unreachable from other containers"
        assert port == EXPECTED_PORTS[name]
    assert seen_databases == databases == set(EXPECTED_PORTS)
    mounts = " ".join(compose["services"]["postgres"].get("volumes", []))
    assert "./deploy/postgres/init.sql:/docker-entrypoint-initdb.d/" in mounts


def test_ports_and_healthchecks_match_the_configs(compose):
    for name, path in runners(compose).items():
        service = compose["services"][name]
        _, port = http_port(compose, name, path)
        assert f"127.0.0.1:{port}:{port}" in [str(p) for p in service.get("ports", [])]
        check = service["healthcheck"]["test"]
        check = " ".join(check) if isinstance(check, list) else check
        # liveness, not readiness: a broker or database outage must not mark every service
        # unhealthy (they wait it out and answer 503; /health/ready says so)
        assert f":{port}/health/live" in check, f"{name}: healthcheck does not probe /health/live"


def test_nothing_is_published_beyond_localhost(compose):
    """The broker, the databases and every process's port are this machine's only (issue 30:
    a broker on every interface with guest/guest was every role of every agency); a reverse
    proxy on the host publishes the gateway."""
    published = [(name, str(p)) for name, service in compose["services"].items() for p in service.get("ports", [])]
    assert {"rabbitmq", "postgres", "gateway"} <= {name for name, _ in published}
    for name, port in published:
        assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_every_process_gets_the_bus_key_from_the_environment(raw_compose):
    for name, path in runners(raw_compose).items():
        env = environment(raw_compose["services"][name])
        assert env.get("LOUPAN_BUS_KEY", "").startswith("${LOUPAN_BUS_KEY:?"), name
        assert "LOUPAN_BUS_KEY" in config_vars(path), path


def test_every_long_running_container_restarts_and_only_migrate_is_one_shot(compose):
    for name, service in compose["services"].items():
        expected = "no" if name in ("migrate", "broker-users") else "unless-stopped"
        assert str(service.get("restart", "no")) == expected, f"{name}: restart is {service.get('restart')!r}"


def test_gateway_gets_a_jwt_secret(raw_compose):
    env = environment(raw_compose["services"]["gateway"])
    assert "LOUPAN_JWT_SECRET" in env and env["LOUPAN_JWT_SECRET"]
    # no default key: compose refuses to start without one (the gateway would refuse a weak one)
    assert env["LOUPAN_JWT_SECRET"].startswith("${LOUPAN_JWT_SECRET:?")
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
    assert "pip install --require-hashes -r requirements.txt" in dockerfile
    assert "requirements-dev" not in dockerfile  # the image carries no test tools
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


def promtool(*args):
    """Prometheus' own checker (Debian package `prometheus`; scripts/lib.sh installs it)."""
    tool = shutil.which("promtool")
    assert tool, "promtool not found: apt-get install prometheus (scripts/lib.sh does it in CI)"
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=60)


def test_promtool_accepts_the_config_and_the_rules():
    checked = promtool("check", "config", str(PROMETHEUS_DIR / "prometheus.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    checked = promtool("check", "rules", str(PROMETHEUS_DIR / "alerts.yml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_the_in_cluster_prometheus_config_is_valid_and_labels_jobs_by_service(tmp_path, manifests):
    """Debian's promtool is built without Kubernetes discovery: the discovery blocks are
    swapped for static targets, the rest (relabelling, rules) is checked by promtool."""
    config = read_yaml(PROMETHEUS_DIR / "prometheus-k8s.yml")
    config["rule_files"] = [str(PROMETHEUS_DIR / f) for f in config["rule_files"]]
    for job in config["scrape_configs"]:
        assert job.pop("kubernetes_sd_configs")[0]["namespaces"]["names"] == ["loupan"]
        job["static_configs"] = [{"targets": ["127.0.0.1:1"]}]
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    checked = promtool("check", "config", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    (pods,) = [j for j in config["scrape_configs"] if j["job_name"] == "loupan-pods"]
    keep = pods["relabel_configs"][0]
    wanted = dict(zip(keep["source_labels"], keep["regex"].split(";")))
    job = [r for r in pods["relabel_configs"] if r.get("target_label") == "job"][0]["source_labels"][0]
    for deployment in objects(manifests, "Deployment").values():
        pod = deployment["spec"]["template"]["metadata"]["labels"]
        as_meta = {f"__meta_kubernetes_pod_label_{k.replace('.', '_').replace('/', '_').replace('-', '_')}": v
                   for k, v in pod.items()}
        assert all(as_meta.get(k) == v for k, v in wanted.items()), deployment["metadata"]["name"]
        assert as_meta[job] == deployment["metadata"]["name"]  # job = service, as alerts.yml expects
        assert container(deployment)["ports"][0]["name"] == "http"


def test_the_alerts_cover_what_operations_needs(alerts, compose):
    rules = {rule["alert"]: rule for group in alerts["groups"] for rule in group["rules"]}
    needed = {
        "LoupanServiceDown": "up",
        "LoupanEntrypointErrors": "loupan_entrypoint_calls_total",
        "LoupanSlowEntrypoint": "loupan_entrypoint_duration_seconds_bucket",
        "LoupanOutboxStuck": "loupan_outbox_oldest_age_seconds",
        "LoupanDeadLetters": "loupan_dead_letters",
        "LoupanHoldsFailing": "loupan_inventory_holds_total",
    }
    for alert, name in needed.items():
        assert alert in rules, f"no {alert} rule"
        assert name in promql_metric_names(rules[alert]["expr"]), f"{alert} does not use {name}"
    assert "0.99" in rules["LoupanSlowEntrypoint"]["expr"]  # p99, as the issue asks
    down = re.search(r'job=~"([^"]*)"', rules["LoupanServiceDown"]["expr"]).group(1)
    assert set(down.split("|")) == set(runners(compose)), "LoupanServiceDown misses a service"


def test_prometheus_has_one_job_per_service(prometheus, compose):
    jobs = {job["job_name"] for job in prometheus["scrape_configs"]}
    assert set(runners(compose)) <= jobs
    assert set(runners(compose)) <= set(depends_on(compose["services"]["prometheus"]))
    assert "prometheus" in depends_on(compose["services"]["grafana"])


# Grafana ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def dashboard():
    with open(GRAFANA_DIR / "loupan.json", encoding="utf-8") as handle:
        return json.load(handle)


def panel_exprs(dashboard):
    found = []
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            found.append((panel["title"], target["expr"]))
    return found


def concrete(expr):
    """A Grafana expression with its variables replaced, as Prometheus would receive it."""
    return expr.replace("$__rate_interval", "1m").replace("$service", ".*")


def test_dashboard_queries_only_exported_metrics(dashboard, compose):
    exported = exported_metric_names(compose)
    exprs = panel_exprs(dashboard)
    assert len(exprs) >= 12
    for title, expr in exprs:
        names = promql_metric_names(concrete(expr))
        assert names, f"{title}: no metric in {expr}"
        for name in names:
            assert name == "up" or name in exported, f"{title}: nothing exports {name}"
    titles = {panel["title"] for panel in dashboard["panels"]}
    assert {"Holds per second", "Sell-out progress", "Hold latency", "Rate", "Errors", "Duration p99"} <= titles


def test_promtool_parses_every_dashboard_query(dashboard, tmp_path):
    rules = {"groups": [{"name": "dashboard", "rules": [
        {"record": f"dashboard:query_{i}", "expr": concrete(expr)}
        for i, (_, expr) in enumerate(panel_exprs(dashboard))]}]}
    path = tmp_path / "dashboard_rules.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    checked = promtool("check", "rules", str(path))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_grafana_is_provisioned_with_the_dashboard_and_the_datasource(dashboard, compose):
    grafana = compose["services"]["grafana"]
    mounts = grafana.get("volumes", [])
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in mounts
    provider = read_yaml(GRAFANA_DIR / "provisioning" / "dashboards" / "loupan.yml")["providers"][0]
    assert f"./deploy/grafana/loupan.json:{provider['options']['path']}/loupan.json:ro" in mounts
    source = read_yaml(GRAFANA_DIR / "provisioning" / "datasources" / "loupan.yml")["datasources"][0]
    assert urlsplit(source["url"]).hostname == "prometheus" and "prometheus" in compose["services"]
    used = {json.dumps(p.get("datasource"), sort_keys=True) for p in dashboard["panels"] if p["type"] != "row"}
    assert used == {json.dumps({"type": "prometheus", "uid": source["uid"]}, sort_keys=True)}


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
    assert set(exchanges) == expected | {DEAD_LETTER_EXCHANGE}
    for source, _schema in CATALOGUE.values():
        assert f"{source}.events" in exchanges, f"no exchange for {source}'s events"
    for exchange in exchanges.values():
        # as nameko and loupan/publisher.py declare them, else redeclaring fails
        assert exchange["vhost"] == "/"
        assert exchange["type"] == "topic"
        assert exchange["durable"] is True and exchange["auto_delete"] is False
        assert exchange["internal"] is False and exchange["arguments"] == {}


def handler_queues(compose):
    """The queue of every event handler in the code, named as nameko names them."""
    from loupan.inbox import RetryingEventHandler

    queues = set()
    for path in runners(compose).values():
        module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
        cls = getattr(importlib.import_module(module_name), class_name)
        for attr in dir(cls):
            for ep in getattr(getattr(cls, attr), "nameko_entrypoints", ()):
                if isinstance(ep, RetryingEventHandler):
                    queues.add(f"evt-{ep.source_service}-{ep.event_type}--{cls.name}.{attr}")
    return queues


def test_the_dead_letter_policy_covers_the_handler_queues_only(compose, definitions):
    queues = handler_queues(compose)
    assert "evt-contracts-subscription_approved--inventory.on_subscription_approved" in queues
    (policy,) = [p for p in definitions["policies"] if "dead-letter-exchange" in p["definition"]]
    assert policy["apply-to"] == "queues"
    target = policy["definition"]["dead-letter-exchange"]
    assert target == DEAD_LETTER_EXCHANGE and target in {e["name"] for e in definitions["exchanges"]}
    assert any(b["source"] == target and b["destination_type"] == "queue" for b in definitions["bindings"])
    pattern = re.compile(policy["pattern"])  # Erlang's PCRE and Python agree on this subset
    for queue in queues:
        assert pattern.search(queue), f"{queue} not covered by {policy['pattern']}"
        for own in (f"{queue}.retry", f"{queue}.dlq"):  # their x-arguments from loupan/inbox.py rule
            assert not pattern.search(own), f"{own} must not get the policy"
    assert not pattern.search("rpc-inventory")  # a stale RPC request expires, it is not a dead letter


def rendered_definitions(definitions, environ):
    from loupan.broker_users import render

    return render(definitions, environ)


def test_definitions_let_each_service_log_in_as_its_own_user(compose, definitions):
    """No user in the shipped definitions (no guest); broker-users adds one per service from
    the same URI the service connects with, with loupan/broker_users.py's permissions (proven
    on the real broker by tests/test_broker_permissions.py)."""
    from loupan.broker_users import permissions

    assert definitions["users"] == [] and definitions["permissions"] == []
    render_env = environment(compose["services"]["broker-users"])
    rendered = rendered_definitions(definitions, render_env)
    users = {u["name"]: u for u in rendered["users"]}
    assert set(users) == set(runners(compose)) | {"admin", "feed"}
    assert users["admin"]["tags"] == ["administrator"] and not any(u["tags"] for n, u in users.items() if n != "admin")
    for name, path in runners(compose).items():
        uri = resolved_config(compose, name, path)["AMQP_URI"]
        assert render_env[f"{name.upper()}_AMQP_URI"] == uri, f"broker-users renders {name} with another URI"
        amqp = urlsplit(uri)
        user = users[amqp.username]
        assert user["hashing_algorithm"] == "rabbit_password_hashing_sha256"
        assert rabbit_password_ok(user["password_hash"], amqp.password), f"{name}: wrong password"
        (perms,) = [p for p in rendered["permissions"] if p["user"] == name]
        assert perms == {"user": name, "vhost": amqp.path[1:] or "/", **permissions(name)}
    assert rabbit_password_ok(users["admin"]["password_hash"], sample_env()["RABBITMQ_ADMIN_PASSWORD"])


def test_broker_users_refuses_missing_or_placeholder_passwords(definitions):
    from loupan.broker_users import USERS, CredentialError

    good = {f"{s.upper()}_AMQP_URI": f"amqp://{s}:{s}-0123456789abcdef@rabbitmq:5672/" for s in USERS}
    assert len(rendered_definitions(definitions, good)["users"]) == len(USERS)
    for bad in ({**good, "HR_AMQP_URI": ""}, {**good, "HR_AMQP_URI": "amqp://guest:guest@rabbitmq:5672/"},
                {**good, "CRM_AMQP_URI": "amqp://crm:short@rabbitmq:5672/"},
                {**good, "CRM_AMQP_URI": "amqp://crm:CHANGE-ME-rabbitmq-crm@rabbitmq:5672/"},
                {**good, "RABBITMQ_ADMIN_PASSWORD": "admin"}, {**good, "FEED_AMQP_URI": ""}):
        with pytest.raises(CredentialError):
            rendered_definitions(definitions, bad)


def test_rabbitmq_loads_the_definitions_at_boot(compose):
    rabbit = compose["services"]["rabbitmq"]
    assert rabbit["image"].startswith("rabbitmq:3.13-management")
    users = compose["services"]["broker-users"]
    assert users["command"][:3] == ["python", "-m", "loupan.broker_users"]
    base, out = users["command"][3:]
    assert f"./deploy/rabbitmq/definitions.json:{base}:ro" in users["volumes"]
    (volume,) = [v.split(":")[0] for v in users["volumes"] if v.split(":")[1] == str(Path(out).parent)]
    assert volume in compose["volumes"]
    (target,) = [v.split(":")[1] for v in rabbit["volumes"] if v.split(":")[0] == volume]
    assert depends_on(rabbit)["broker-users"]["condition"] == "service_completed_successfully"
    # its conf.d file, a bind mount of deploy/rabbitmq/ (Compose v1 ignores `configs:`)
    confs = {v.split(":")[0]: v.split(":")[1] for v in rabbit["volumes"] if "/etc/rabbitmq/conf.d/" in v}
    assert confs and all(v.endswith(":ro") for v in rabbit["volumes"] if "/etc/rabbitmq/conf.d/" in v)
    contents = [(ROOT / source).read_text(encoding="utf-8") for source in confs]
    assert any(f"\nload_definitions = {target}/{Path(out).name}\n" in c for c in contents)
    assert "configs" not in compose and "configs" not in rabbit


# No default password ---------------------------------------------------------------------
SHIPPED = [COMPOSE_FILE, ENV_EXAMPLE, *sorted(p for p in (ROOT / "deploy").rglob("*")
                                          if p.is_file() and "schemas" not in p.parts)]
DEFAULT_PASSWORDS = [r"guest", r"CHANGE-ME", r"password:\s*loupan\b", r"PASSWORD:\s*(loupan|admin)\b",
                     r"loupan:loupan@", r"admin/admin", r"://[^:/\s]+:[^$@/\s{]+@"]


def test_no_shipped_file_has_a_default_password():
    """Issue 20/30: guest/guest, `loupan:loupan`, CHANGE-ME placeholders and any password
    written into a URL are nowhere in docker-compose.yml, .env.example or deploy/."""
    for path in SHIPPED:
        text = path.read_text(encoding="utf-8")
        for pattern in DEFAULT_PASSWORDS:
            found = re.search(pattern, text, re.IGNORECASE)
            assert not found, f"{path.relative_to(ROOT)}: {found.group()!r}"


BIND_ADDRESSES = ("LOUPAN_PUBLIC_ADDRESS", "LOUPAN_INTERNAL_ADDRESS")  # optional, in .env.example as comments


def test_compose_takes_every_password_from_env_and_documents_it(raw_compose):
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    found = {m.group(1): (m.group(2), m.group(3)) for m in COMPOSE_VAR.finditer(text)}
    # the published addresses are no secrets: unset, they are this machine's only
    for name in BIND_ADDRESSES:
        assert found.pop(name) == ("-", "127.0.0.1"), name
        assert f"#{name}=" in ENV_EXAMPLE.read_text(encoding="utf-8"), f".env.example does not show {name}"
    used = {name: kind for name, (kind, _) in found.items()}
    assert {"POSTGRES_PASSWORD", "RABBITMQ_ADMIN_PASSWORD", "GRAFANA_ADMIN_PASSWORD", "LOUPAN_JWT_SECRET",
            "LOUPAN_BUS_KEY"} | {f"RABBITMQ_{s.upper()}_PASSWORD" for s in EXPECTED_PORTS} <= set(used)
    for name, kind in used.items():
        assert kind == "?", f"${{{name}}} must be required (${{{name}:?...}}), never defaulted"
    names = env_example_names()
    assert sorted(names) == sorted(used), "the variables of .env.example and docker-compose.yml differ"
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert line.endswith("="), f".env.example gives a value: {line}"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    docker_section = readme[readme.index("## Run with Docker"):]
    assert "cp .env.example .env" in docker_section
    for name in (*names, *BIND_ADDRESSES):
        assert name in readme, f"the README does not mention {name}"
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    with pytest.raises(KeyError):  # compose refuses to start without .env
        interpolate(text, {})
    for name, service in raw_compose["services"].items():  # passwords only through ${...}
        for key, value in environment(service).items():
            if "PASSWORD" in key or key.endswith(("_URI", "_URL", "_SECRET", "_KEY")):
                assert "${" in value or "://" not in value and not value, f"{name}: {key}={value}"


# Kubernetes ------------------------------------------------------------------------------
K8S_DIR = ROOT / "deploy" / "k8s"
BASE_DIR = K8S_DIR / "base"  # the base kustomization; overlays/dev and overlays/prod build on it
MIGRATE_DIR = K8S_DIR / "migrate"  # the release's Job, its own kustomization
K8S_VERSION = "1.30.0"  # the oldest Kubernetes the manifests promise to run on
KEDA_SCHEMA = K8S_DIR / "schemas" / "keda-v1alpha1.json"


@pytest.fixture(scope="module")
def manifests():
    """{file name: [documents]} of every manifest of the base and of migrate/."""
    return {path.name: [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
            for path in [*sorted(BASE_DIR.glob("*.yaml")), MIGRATE_DIR / "migrate-job.yaml"]}


@pytest.fixture(scope="module")
def secret():
    """The Secret loupan-secrets as docs/operations.md tells the operator to create it
    (`kubectl create secret generic loupan-secrets --from-literal=KEY="VALUE" ...`), with
    its shell variables given sample values: the kustomization has no Secret."""
    docs = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    assert "kubectl -n loupan create secret generic loupan-secrets" in docs
    literals = re.findall(r'--from-literal=(\w+)="([^"]*)"', docs)
    counter = iter(range(1000))
    values = {}
    for key, value in literals:
        value = re.sub(r"\$\(new\)", lambda _: f"generated-{next(counter)}-0123456789abcdef", value)
        values[key] = re.sub(r"\$(\w+)", lambda m: f"{m.group(1).lower()}-0123456789abcdef", value)
    assert len(values) == len(literals), "a key is given twice"
    return values


def objects(manifests, kind, files=None):
    return {d["metadata"]["name"]: d for name, docs in manifests.items() if files is None or name in files
            for d in docs if d.get("kind") == kind}


def validate_k8s(document):
    """Kubernetes' own OpenAPI schemas (kubernetes-validate bundles them, offline) for the
    built-in kinds; the vendored schema for KEDA's."""
    import jsonschema
    import kubernetes_validate

    if document["apiVersion"].startswith("keda.sh/"):
        jsonschema.validate(document, json.loads(KEDA_SCHEMA.read_text(encoding="utf-8")))
    else:
        kubernetes_validate.validate(document, K8S_VERSION, strict=True)


def test_every_manifest_is_valid_for_kubernetes_and_keda(manifests):
    checked = 0
    for name, docs in manifests.items():
        for document in docs:
            if document.get("kind") == "Kustomization":
                continue
            try:
                validate_k8s(document)
            except Exception as exc:  # name the document, not only the schema path  # noqa: BLE001
                pytest.fail(f"{name}: {document['kind']} {document['metadata']['name']}: {exc}")
            checked += 1
    assert checked >= 25


def test_the_validators_refuse_a_broken_manifest(manifests):
    import jsonschema
    import kubernetes_validate

    deployment = json.loads(json.dumps(objects(manifests, "Deployment")["inventory"]))
    deployment["spec"]["template"]["spec"]["containers"][0]["livenessProbes"] = {}  # a typo
    with pytest.raises(kubernetes_validate.ValidationError):
        validate_k8s(deployment)
    scaled = json.loads(json.dumps(objects(manifests, "ScaledObject")["inventory"]))
    scaled["spec"]["triggers"][0]["metadata"]["mode"] = "QueueDepth"  # not a KEDA mode
    with pytest.raises(jsonschema.ValidationError):
        validate_k8s(scaled)


def test_kustomization_applies_everything_but_the_release_job_and_the_fallback(manifests):
    listed = set(read_yaml(BASE_DIR / "kustomization.yaml")["resources"])
    assert listed == set(manifests) - {"kustomization.yaml", "migrate-job.yaml", "hpa-without-keda.yaml"}
    assert read_yaml(MIGRATE_DIR / "kustomization.yaml")["resources"] == ["migrate-job.yaml"]


def container(deployment):
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def admits(rule, labels, namespace="loupan"):
    """True if one `from` entry of an ingress rule admits a pod with `labels` in `namespace`
    (the subset of NetworkPolicy selectors these manifests use)."""
    if "from" not in rule:
        return True
    for peer in rule["from"]:
        if "namespaceSelector" in peer:
            if peer["namespaceSelector"].get("matchLabels", {}).get("kubernetes.io/metadata.name") == namespace:
                return True
            continue
        selector = peer["podSelector"]
        if all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()) and \
                all(labels.get(e["key"]) in e["values"] for e in selector.get("matchExpressions", [])):
            return True
    return False


def test_only_loupan_reaches_the_broker_and_the_databases(manifests):
    """NetworkPolicies (issue 30): the services and the migrations reach RabbitMQ's AMQP port
    and PostgreSQL, KEDA the AMQP port, anyone the broker's metrics; nothing else."""
    policies = objects(manifests, "NetworkPolicy")
    service_pods = [d["spec"]["template"]["metadata"]["labels"] for d in objects(manifests, "Deployment").values()]
    job_pods = [d["spec"]["template"]["metadata"]["labels"] for d in objects(manifests, "Job").values()]
    assert service_pods and job_pods
    stranger = {"app.kubernetes.io/name": "debug", "app.kubernetes.io/part-of": "loupan"}
    for target, port in (("rabbitmq", 5672), ("postgres", 5432)):
        (policy,) = [p for p in policies.values() if p["spec"]["podSelector"]["matchLabels"] ==
                     {"app.kubernetes.io/name": target}]
        assert policy["spec"]["policyTypes"] == ["Ingress"]
        rules = [r for r in policy["spec"]["ingress"] if any(p["port"] == port for p in r["ports"])]
        for labels in service_pods + job_pods:
            assert any(admits(r, labels) for r in rules), (target, labels)
        assert not any(admits(r, stranger) for r in rules), target
        assert not any(admits(r, stranger, "default") for r in rules), target
        ports = {p["port"] for r in policy["spec"]["ingress"] for p in r["ports"]}
        assert ports <= {5672, 15692, 5432} and 15672 not in ports
    (amqp,) = [r for r in policies["rabbitmq-from-loupan-only"]["spec"]["ingress"] if r["ports"][0]["port"] == 5672]
    assert admits(amqp, {}, "keda")  # KEDA's rabbitmq trigger (autoscaling.yaml)


def test_a_deployment_and_a_service_per_loupan_service(manifests, compose, secret):
    deployments, services = objects(manifests, "Deployment"), objects(manifests, "Service")
    config_map = objects(manifests, "ConfigMap")["loupan-config"]["data"]
    images = set()
    for name, path in runners(compose).items():
        deployment = deployments[name]
        spec = deployment["spec"]["template"]["spec"]
        main = container(deployment)
        images.add(main["image"])
        assert main["command"] == ["python", "-m", "loupan.run", path], f"{name} runs {main['command']}"
        env = {e["name"]: e for e in main["env"]}
        unread = set(env) - config_vars(path)
        assert not unread, f"{name} sets {sorted(unread)}, which {path} never reads"
        for item in env.values():
            ref = item.get("valueFrom", {})
            if "configMapKeyRef" in ref:
                assert ref["configMapKeyRef"]["key"] in config_map, f"{name}: {item['name']} not in loupan-config"
            if "secretKeyRef" in ref:
                assert ref["secretKeyRef"]["key"] in secret, f"{name}: {item['name']} not in loupan-secrets"
        values = {k: (v.get("value") or config_map.get(v.get("valueFrom", {}).get("configMapKeyRef", {}).get("key"))
                      or secret.get(v.get("valueFrom", {}).get("secretKeyRef", {}).get("key")))
                  for k, v in env.items()}
        config = load_config(ROOT / path, environ=values)
        host, _, port = str(config["WEB_SERVER_ADDRESS"]).rpartition(":")
        assert host == "0.0.0.0" and int(port) == EXPECTED_PORTS[name]
        assert main["ports"] == [{"name": "http", "containerPort": int(port), "protocol": "TCP"}]
        assert urlsplit(config["DATABASE_URL"]).path == f"/{name}"  # its own database
        assert main["livenessProbe"]["httpGet"]["path"] == "/health/live"
        assert main["readinessProbe"]["httpGet"]["path"] == "/health/ready"
        assert main["startupProbe"]["httpGet"]["path"] == "/health/live"
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):  # the container's own port
            assert main[probe]["httpGet"]["port"] in ("http", int(port)), f"{name}: {probe} on another port"
        assert spec.get("restartPolicy", "Always") == "Always"  # a pod whose process exits is restarted
        assert set(main["resources"]) == {"requests", "limits"}
        assert all(set(main["resources"][k]) == {"cpu", "memory"} for k in ("requests", "limits"))
        pre_stop = main["lifecycle"]["preStop"]["exec"]["command"]
        assert pre_stop[0] == "sleep"
        slowest = float(config["RPC_TIMEOUT"]) + 20  # an RPC waiting out its timeout, a 5000-unit import
        assert spec["terminationGracePeriodSeconds"] > slowest + float(pre_stop[1])
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
        service = services[name]
        assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
        assert service["spec"]["ports"][0]["port"] == int(port)
    assert len(images) == 1, "one image for every service"
    assert set(deployments) == set(runners(compose)) | {"feed"}  # the live board feed: test_the_feed_...
    uid = re.search(r"--uid (\d+)", (ROOT / "Dockerfile").read_text(encoding="utf-8")).group(1)
    assert {str(d["spec"]["template"]["spec"]["securityContext"]["runAsUser"]) for d in deployments.values()} == {uid}


def test_migrations_run_once_per_release_as_a_job(manifests, compose):
    (job,) = objects(manifests, "Job").values()
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    commands = sorted(c["command"][-1] for c in spec["containers"])
    assert all(c["command"][:3] == ["python", "-m", "loupan.migrate"] for c in spec["containers"])
    assert commands == sorted(runners(compose).values())
    for deployment in objects(manifests, "Deployment").values():
        for item in deployment["spec"]["template"]["spec"].get("initContainers", []) + [container(deployment)]:
            assert "loupan.migrate" not in " ".join(item.get("command", [])), "replicas must not migrate"


def test_one_database_per_service_and_the_same_broker_definitions(manifests, compose, secret):
    init = objects(manifests, "ConfigMap")["postgres-init"]["data"]["init.sql"]
    assert init == INIT_SQL.read_text(encoding="utf-8")
    for name in runners(compose):
        url = urlsplit(secret[f"{name.upper()}_DATABASE_URL"])
        assert url.hostname == "postgres" and url.path == f"/{name}"
        assert f"CREATE DATABASE {name};" in init
    assert "rabbitmq" in objects(manifests, "Service")
    broker = objects(manifests, "ConfigMap")["rabbitmq-config"]["data"]
    assert json.loads(broker["definitions.json"]) == json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))


def test_kubernetes_broker_users_come_from_the_secret(manifests, compose, secret):
    """Each Deployment connects as its own broker user (<SVC>_AMQP_URI); the StatefulSet's
    init container renders those same URIs (and KEDA's) into the definitions RabbitMQ loads;
    no Secret is applied by the kustomization; the databases' password is the Secret's."""
    from loupan.broker_users import permissions

    assert not objects(manifests, "Secret"), "a Secret in deploy/k8s would overwrite the operator's"
    deployments = objects(manifests, "Deployment")
    for name in runners(compose):
        env = {e["name"]: e for e in container(deployments[name])["env"]}
        key = env["AMQP_URI"]["valueFrom"]["secretKeyRef"]["key"]
        assert key == f"{name.upper()}_AMQP_URI"
        amqp = urlsplit(secret[key])
        assert amqp.username == name and amqp.hostname == "rabbitmq"
        assert urlsplit(secret[f"{name.upper()}_DATABASE_URL"]).password == secret["POSTGRES_PASSWORD"]
    rabbit = objects(manifests, "StatefulSet")["rabbitmq"]
    spec = rabbit["spec"]["template"]["spec"]
    (init,) = spec["initContainers"]
    assert init["command"][:3] == ["python", "-m", "loupan.broker_users"]
    assert init["image"] == container(deployments["inventory"])["image"]
    env = {}
    for item in init["env"]:
        ref = item["valueFrom"]["secretKeyRef"]
        assert ref["name"] == "loupan-secrets" and (ref["key"] in secret or ref.get("optional"))
        env[item["name"]] = secret.get(ref["key"], "")
    config = objects(manifests, "ConfigMap")["rabbitmq-config"]["data"]
    rendered = rendered_definitions(json.loads(config["definitions.json"]), env)
    users = {u["name"]: u for u in rendered["users"]}
    for name in runners(compose):
        amqp = urlsplit(secret[f"{name.upper()}_AMQP_URI"])
        assert rabbit_password_ok(users[name]["password_hash"], amqp.password)
        assert {k: v for k, v in [p for p in rendered["permissions"] if p["user"] == name][0].items()
                if k in ("configure", "write", "read")} == permissions(name)
    keda = urlsplit(secret["RABBITMQ_HOST"])
    assert keda.username == "keda" and rabbit_password_ok(users["keda"]["password_hash"], keda.password)
    (out,) = [m for m in init["volumeMounts"] if m["name"] != "config"]
    (loaded,) = [m for m in container(rabbit)["volumeMounts"] if m["name"] == out["name"]]
    expected = f"load_definitions = {loaded['mountPath']}/{Path(init['command'][-1]).name}"
    assert init["command"][-1].startswith(out["mountPath"] + "/")
    assert expected in config["rabbitmq.conf"] and "guest" not in config["rabbitmq.conf"]
    postgres = {e["name"]: e for e in container(objects(manifests, "StatefulSet")["postgres"])["env"]}
    assert postgres["POSTGRES_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "POSTGRES_PASSWORD"


def test_inventory_and_gateway_scale_on_queue_depth_and_cpu(manifests, compose, secret):
    scaled = objects(manifests, "ScaledObject")
    assert set(scaled) == {"inventory", "gateway"}
    hpas = objects(manifests, "HorizontalPodAutoscaler", files={"autoscaling.yaml"})
    assert set(hpas) == set(runners(compose)) - set(scaled), "one autoscaler per Deployment"
    auth = objects(manifests, "TriggerAuthentication")
    for name, obj in scaled.items():
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] == name and name in objects(manifests, "Deployment")
        assert 1 <= spec["minReplicaCount"] < spec["maxReplicaCount"]
        kinds = {t["type"]: t for t in spec["triggers"]}
        assert set(kinds) == {"rabbitmq", "cpu"}
        queue = kinds["rabbitmq"]["metadata"]["queueName"]
        assert queue == "rpc-inventory"  # nameko's RPC queue of inventory: the holds waiting
        ref = kinds["rabbitmq"]["authenticationRef"]["name"]
        assert all(target["key"] in secret for target in auth[ref]["spec"]["secretTargetRef"])
    for hpa in objects(manifests, "HorizontalPodAutoscaler", files={"hpa-without-keda.yaml"}).values():
        assert hpa["metadata"]["name"] in scaled


def test_production_requirements_are_pinned_with_hashes_and_carry_no_test_tools():
    wanted = {re.split(r"[=<>\s]", line)[0].lower().replace("_", "-")
              for line in (ROOT / "requirements.in").read_text().splitlines() if line and not line.startswith("#")}
    pins = re.findall(r"^([A-Za-z0-9._-]+)==\S+ \\\n((?:\s+--hash=sha256:[0-9a-f]{64}.*\n)+)",
                      (ROOT / "requirements.txt").read_text(), re.MULTILINE)
    pinned = {name.lower().replace("_", "-") for name, _hashes in pins}
    assert wanted <= pinned
    assert not pinned & {"pytest", "selenium", "schemathesis", "hypothesis", "requests-mock"}
    for path in ("requirements.txt", "requirements-dev.txt"):  # every requirement has its hash
        text = (ROOT / path).read_text()
        assert text.count("==") == len(re.findall(r"==\S+ \\\n\s+--hash=sha256:", text)), path


def nginx_directives(text):
    """{directive: [arguments, ...]} of an nginx config, comments dropped (blocks flattened)."""
    found = {}
    for statement in re.split(r"[;{}]", re.sub(r"#[^\n]*", "", text)):
        words = statement.split()
        if words:
            found.setdefault(words[0], []).append(words[1:])
    return found


def seconds(value):
    return int(value.removesuffix("s"))


def test_the_reverse_proxy_cuts_slow_clients_before_the_gateway_does():
    """deploy/nginx/loupan.conf (issue 30): each of its client timeouts is no longer than the
    gateway's, its keep-alive to the gateway shorter than the gateway's idle timeout, the body
    limit the gateway's, bodies buffered at the edge, and connections limited per client."""
    from gateway.http import MAX_BODY_BYTES

    text = (ROOT / "deploy" / "nginx" / "loupan.conf").read_text(encoding="utf-8")
    assert text.count("{") == text.count("}")
    nginx = nginx_directives(text)
    gateway = load_config(ROOT / "gateway" / "config.yaml", {})
    assert seconds(nginx["client_header_timeout"][0][0]) <= int(gateway["GATEWAY_HEADER_TIMEOUT"])
    assert seconds(nginx["client_body_timeout"][0][0]) <= int(gateway["GATEWAY_BODY_TIMEOUT"])
    assert seconds(nginx["keepalive_timeout"][1][0]) <= int(gateway["GATEWAY_KEEPALIVE_TIMEOUT"])
    upstream_idle = seconds(nginx["keepalive_timeout"][0][0])  # the upstream block's, first
    assert upstream_idle < int(gateway["GATEWAY_KEEPALIVE_TIMEOUT"])
    assert nginx["client_max_body_size"] == [["10m"]] and MAX_BODY_BYTES == 10 * 2**20
    assert nginx["proxy_request_buffering"] == [["on"]]
    assert seconds(nginx["proxy_read_timeout"][0][0]) > int(gateway["RPC_TIMEOUT"])
    zones = {args[1].split("=")[1].split(":")[0] for args in nginx["limit_conn_zone"]}
    assert nginx["limit_conn"][0][0] in zones and int(nginx["limit_conn"][0][1]) > 0
    assert int(nginx["limit_conn"][0][1]) <= int(gateway["GATEWAY_MAX_CONNECTIONS_PER_ADDRESS"])
    assert nginx["reset_timedout_connection"] == [["on"]]


# The live board feed (gateway/feed) -------------------------------------------------------
FEED_COMMAND = ["python", "-m", "gateway.feed", "gateway/feed/config.yaml"]
FEED_PORT = 8106


def test_the_feed_runs_everywhere_the_services_run(compose, raw_compose, prometheus, manifests, secret):
    """Procfile, compose and Kubernetes run the feed with its config; it reads every variable
    it is given, listens on 0.0.0.0:8106 in containers, is probed on /health/live and
    /health/ready, scraped by Prometheus, connects to the broker as its own user `feed` with
    loupan/broker_users.py's permissions, and signs nothing: it gets the gateway's JWT key."""
    from loupan.broker_users import permissions

    path = FEED_COMMAND[-1]
    procfile = dict(line.split(":", 1) for line in (ROOT / "Procfile").read_text().splitlines() if line.strip())
    assert procfile["feed"].split() == FEED_COMMAND
    feed = compose["services"]["feed"]
    assert feed["command"] == FEED_COMMAND and feed.get("build") == "."
    env = environment(feed)
    assert set(env) <= config_vars(path), f"the feed sets {sorted(set(env) - config_vars(path))}, unread"
    config = load_config(ROOT / path, environ=env)
    assert config["WEB_SERVER_ADDRESS"] == f"0.0.0.0:{FEED_PORT}"
    assert urlsplit(config["GATEWAY_URL"]).hostname == "gateway" and "gateway" in compose["services"]
    amqp = urlsplit(config["AMQP_URI"])
    assert amqp.hostname == "rabbitmq" and amqp.username == "feed"
    assert environment(raw_compose["services"]["feed"])["LOUPAN_JWT_SECRET"].startswith("${LOUPAN_JWT_SECRET:?")
    assert f"127.0.0.1:{FEED_PORT}:{FEED_PORT}" in feed["ports"]
    assert f":{FEED_PORT}/health/live" in " ".join(feed["healthcheck"]["test"])
    rendered = rendered_definitions(read_json(DEFINITIONS_FILE), environment(compose["services"]["broker-users"]))
    (user,) = [u for u in rendered["users"] if u["name"] == "feed"]
    assert rabbit_password_ok(user["password_hash"], amqp.password)
    (perms,) = [p for p in rendered["permissions"] if p["user"] == "feed"]
    assert {k: perms[k] for k in ("configure", "write", "read")} == permissions("feed")
    targets = {t for job in prometheus["scrape_configs"] for c in job.get("static_configs", []) for t in c["targets"]}
    assert f"feed:{FEED_PORT}" in targets
    deployment = objects(manifests, "Deployment")["feed"]
    main = container(deployment)
    assert main["command"] == FEED_COMMAND
    k8s_env = {e["name"]: e for e in main["env"]}
    assert set(k8s_env) <= config_vars(path)
    assert k8s_env["AMQP_URI"]["valueFrom"]["secretKeyRef"]["key"] == "FEED_AMQP_URI"
    assert urlsplit(secret["FEED_AMQP_URI"]).username == "feed"
    assert k8s_env["LOUPAN_JWT_SECRET"]["valueFrom"]["secretKeyRef"]["key"] == "LOUPAN_JWT_SECRET"
    assert main["ports"] == [{"name": "http", "containerPort": FEED_PORT, "protocol": "TCP"}]
    assert main["readinessProbe"]["httpGet"]["path"] == "/health/ready"
    assert main["livenessProbe"]["httpGet"]["path"] == main["startupProbe"]["httpGet"]["path"] == "/health/live"
    service = objects(manifests, "Service")["feed"]
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["port"] == FEED_PORT
    init = objects(manifests, "StatefulSet")["rabbitmq"]["spec"]["template"]["spec"]["initContainers"][0]
    assert "FEED_AMQP_URI" in {e["name"] for e in init["env"]}


def read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


# Kustomize overlays (deploy/k8s/overlays/dev, prod; their migrate/) ------------------------
OVERLAYS = {name: K8S_DIR / "overlays" / name for name in ("dev", "prod")}
LOUPAN_IMAGE = "registry.example.com/loupan"  # the name the base gives the project's image


def pod_spec(document):
    spec = document.get("spec", {})
    if document["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec.get("template", {}).get("spec")


def json_pointer(path):
    return [part.replace("~1", "/").replace("~0", "~") for part in path.lstrip("/").split("/")]


def apply_json6902(document, operations):
    """RFC 6902's add, replace and remove (what the overlays use; anything else fails)."""
    for op in operations:
        *parents, last = json_pointer(op["path"])
        node = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key = int(last) if isinstance(node, list) and last != "-" else last
        if op["op"] == "replace":
            assert (key < len(node)) if isinstance(node, list) else key in node, f"nothing at {op['path']}"
            node[key] = op["value"]
        elif op["op"] == "add":
            if isinstance(node, list):
                node.insert(len(node) if key == "-" else key, op["value"])
            else:
                node[key] = op["value"]
        elif op["op"] == "remove":
            del node[key]
        else:
            raise AssertionError(f"the renderer knows no {op['op']!r}: keep the overlays' patches simple")


def selects(target, document):
    group, _, version = document["apiVersion"].rpartition("/")
    return all(target.get(key) in (None, value) for key, value in (
        ("kind", document["kind"]), ("name", document["metadata"]["name"]), ("group", group),
        ("version", version), ("namespace", document["metadata"].get("namespace"))))


def render_kustomization(directory):
    """What `kubectl kustomize <directory>` renders, for the subset the overlays use: resources
    (files and directories), namespace, images (newName, newTag) and patches: JSON 6902 lists
    with a target (kind, name), and strategic-merge deletions (`$patch: delete`, one object)."""
    directory = Path(directory)
    k = read_yaml(directory / "kustomization.yaml")
    assert set(k) <= {"apiVersion", "kind", "namespace", "resources", "images", "patches"}, sorted(k)
    documents = []
    for resource in k.get("resources", []):
        path = (directory / resource).resolve()
        if path.is_dir():
            documents += render_kustomization(path)
        else:
            documents += [d for d in yaml.safe_load_all(path.read_text(encoding="utf-8")) if d]
    for document in documents:
        if k.get("namespace") and document["kind"] != "Namespace":
            document["metadata"]["namespace"] = k["namespace"]
    for image in k.get("images", []):
        for document in documents:
            spec = pod_spec(document)
            for item in (spec or {}).get("containers", []) + (spec or {}).get("initContainers", []):
                name, _, tag = item["image"].partition(":")
                if name == image["name"]:
                    item["image"] = f"{image.get('newName', name)}:{image.get('newTag', tag)}"
    for patch in k.get("patches", []):
        body = yaml.safe_load((directory / patch["path"]).read_text(encoding="utf-8")) if "path" in patch \
            else yaml.safe_load(patch["patch"])
        if isinstance(body, list):  # JSON 6902
            chosen = [d for d in documents if selects(patch["target"], d)]
            assert chosen, f"{directory.name}: {patch} selects nothing"
            for document in chosen:
                apply_json6902(document, body)
        else:
            assert body.pop("$patch") == "delete" and "target" not in patch, patch
            target = {"kind": body["kind"], "name": body["metadata"]["name"],
                      "namespace": body["metadata"].get("namespace")}
            gone = [d for d in documents if selects(target, d)]
            assert len(gone) == 1, f"{directory.name}: {target} matches {len(gone)} objects"
            documents.remove(gone[0])
    return documents


def by_kind(documents, kind):
    return {d["metadata"]["name"]: d for d in documents if d["kind"] == kind}


def loupan_containers(documents):
    """(object, container) of every container running the project's image, init containers too."""
    found = []
    for document in documents:
        spec = pod_spec(document) or {}
        for item in spec.get("containers", []) + spec.get("initContainers", []):
            if item["image"].split(":")[0] in (LOUPAN_IMAGE, "loupan"):
                found.append((document["metadata"]["name"], item))
    return found


@pytest.fixture(scope="module")
def rendered():
    """{overlay: (its objects, its migrate/ objects)}, rendered offline by this file."""
    return {name: (render_kustomization(path), render_kustomization(path / "migrate")) for name, path in OVERLAYS.items()}


def test_the_overlays_render_as_kubectl_kustomize_renders_them(rendered):
    """This file's renderer is honest: where kubectl (its built-in kustomize) is installed, it
    renders each overlay to the same objects."""
    kubectl = shutil.which("kubectl")
    if not kubectl:
        pytest.skip("kubectl is not installed: the overlays are checked with this file's renderer only")
    for name, path in OVERLAYS.items():
        for directory, ours in ((path, rendered[name][0]), (path / "migrate", rendered[name][1])):
            done = subprocess.run([kubectl, "kustomize", str(directory)], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            theirs = [d for d in yaml.safe_load_all(done.stdout) if d]
            key = lambda d: (d["kind"], d["metadata"]["name"])  # noqa: E731
            assert sorted(theirs, key=key) == sorted(ours, key=key), directory


def test_every_rendered_object_is_valid_for_kubernetes_and_keda(rendered):
    for name, (objects_, jobs) in rendered.items():
        assert len(objects_) >= 20 and [j["kind"] for j in jobs] == ["Job"]
        for document in objects_ + jobs:
            try:
                validate_k8s(document)
            except Exception as exc:  # noqa: BLE001
                pytest.fail(f"overlay {name}: {document['kind']} {document['metadata']['name']}: {exc}")
            assert document["metadata"].get("namespace") == "loupan" or document["kind"] == "Namespace"
        assert not by_kind(objects_, "Secret"), f"{name}: a Secret would overwrite the operator's"


def test_each_overlay_runs_one_image_and_migrates_with_it(rendered):
    """No trap between the Job and the services: an overlay's migrate/ gives the Job the image
    its Deployments and the broker's init container run."""
    for name, (objects_, jobs) in rendered.items():
        images = {c["image"] for _, c in loupan_containers(objects_)}
        assert len(images) == 1, f"{name}: {images}"
        assert {c["image"] for _, c in loupan_containers(jobs)} == images, name
        users = {owner for owner, c in loupan_containers(objects_) if c["command"][:3] == ["python", "-m", "loupan.broker_users"]}
        assert users == {"rabbitmq"}, name  # the broker's users are made from the Secret, in every overlay
    assert {c["image"] for _, c in loupan_containers(rendered["dev"][0])} == {"loupan:dev"}
    (tag,) = {c["image"] for _, c in loupan_containers(rendered["prod"][0])}
    assert tag.startswith(f"{LOUPAN_IMAGE}:") and tag.split(":")[1][0].isdigit()  # pinned, never `latest`


def test_dev_is_one_replica_each_with_no_autoscaler(rendered):
    objects_, _ = rendered["dev"]
    for kind in ("ScaledObject", "TriggerAuthentication", "HorizontalPodAutoscaler", "PodDisruptionBudget"):
        assert not by_kind(objects_, kind), f"dev keeps a {kind}"
    assert {d["spec"]["replicas"] for d in by_kind(objects_, "Deployment").values()} == {1}
    assert by_kind(objects_, "ConfigMap")["loupan-config"]["data"]["LOG_LEVEL"] == "DEBUG"
    assert set(by_kind(objects_, "Deployment")) == {"hr", "inventory", "crm", "contracts", "finance", "gateway", "feed"}


def max_replicas(objects_, name):
    for scaled in by_kind(objects_, "ScaledObject").values():
        if scaled["spec"]["scaleTargetRef"]["name"] == name:
            return scaled["spec"]["maxReplicaCount"]
    for hpa in by_kind(objects_, "HorizontalPodAutoscaler").values():
        if hpa["spec"]["scaleTargetRef"]["name"] == name:
            return hpa["spec"]["maxReplicas"]
    return by_kind(objects_, "Deployment")[name]["spec"]["replicas"]


def test_prod_scales_inventory_and_the_gateway_with_keda_within_the_databases_connections(rendered):
    """KEDA is on in prod (inventory and the gateway, never under 3), every other Deployment
    has its CPU autoscaler, and PostgreSQL's max_connections holds every replica's pool at the
    autoscalers' maxima (loupan/db.py: pool of workers + 2, overflow 2) plus the Job's."""
    objects_, jobs = rendered["prod"]
    scaled = by_kind(objects_, "ScaledObject")
    assert set(scaled) == {"inventory", "gateway"} and by_kind(objects_, "TriggerAuthentication")
    assert all(s["spec"]["minReplicaCount"] == 3 for s in scaled.values())
    deployments = by_kind(objects_, "Deployment")
    assert deployments["inventory"]["spec"]["replicas"] == deployments["gateway"]["spec"]["replicas"] == 3
    hpas = {h["spec"]["scaleTargetRef"]["name"] for h in by_kind(objects_, "HorizontalPodAutoscaler").values()}
    assert hpas == set(deployments) - set(scaled) - {"feed"}
    needed = 0
    for name, deployment in deployments.items():
        env = {e["name"]: e.get("value") for e in container(deployment)["env"]}
        if f"{name.upper()}_DATABASE_URL" in env:
            needed += max_replicas(objects_, name) * (int(env[f"{name.upper()}_WORKERS"]) + 4)
    needed += sum(len(pod_spec(job)["containers"]) * 2 for job in jobs)
    args = container(by_kind(objects_, "StatefulSet")["postgres"])["args"]
    allowed = int(args[args.index("-c") + 1].split("=")[1])
    assert needed + 20 <= allowed, f"prod may open {needed} connections; max_connections is {allowed}"
