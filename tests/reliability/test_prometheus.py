"""A real Prometheus (Debian package `prometheus`) scrapes the running system with the jobs
and alert rules of deploy/prometheus/: every target is up, the key series exist, and
`promtool check metrics` accepts every service's exposition."""
import shutil
import subprocess

import pytest
import requests
import yaml

from loupan.testing import free_port, wait_until
from tests.api import make_project
from tests.conftest import staff
from tests.test_deploy_files import (COMPOSE_FILE, PROMETHEUS_DIR, exported_metric_names, handler_queues,
                                     read_yaml, runners)

# Series every deployment must have, by job (kernel names carry no service: the job does).
KEY_SERIES = {
    "loupan_entrypoint_calls_total": {"hr", "inventory", "crm", "contracts", "finance", "gateway"},
    "loupan_entrypoint_duration_seconds_bucket": {"hr", "inventory", "crm", "contracts", "finance", "gateway"},
    "loupan_inventory_units": {"inventory"},
    "loupan_inventory_holds_active": {"inventory"},
    "loupan_inventory_holds_total": {"inventory"},
    "loupan_gateway_http_responses_total": {"gateway"},
    "loupan_rpc_queue_messages": {"inventory"},  # LoupanRpcQueueDeep, the 开盘 queue
}
# Business gauges of the other services: required as soon as their code sets them.
OPTIONAL_SERIES = {
    "loupan_finance_receipts_amount_yuan": "finance", "loupan_finance_overdue_amount_yuan": "finance",
    "loupan_crm_rotation_eligible_advisors": "crm", "loupan_crm_complaints_open": "crm",
}


def prometheus_config(system, scrape_interval="1s"):
    """deploy/prometheus/prometheus.yml with its targets on this system's loopback ports."""
    config = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text(encoding="utf-8"))
    config["global"] = {"scrape_interval": scrape_interval, "evaluation_interval": scrape_interval}
    config["rule_files"] = [str(PROMETHEUS_DIR / f) for f in config["rule_files"]]
    jobs = []
    for job in config["scrape_configs"]:
        name = job["job_name"]
        ports = [port for (svc, _), port in system.ports.items() if svc == name and (svc, _) in system.procs]
        if not ports:
            continue  # rabbitmq's exporter: the test broker has no prometheus plugin
        job["static_configs"] = [{"targets": [f"127.0.0.1:{p}" for p in sorted(ports)],
                                  "labels": job["static_configs"][0].get("labels", {})}]
        jobs.append(job)
    config["scrape_configs"] = jobs
    return config


@pytest.fixture(scope="module")
def prometheus(system, tmp_path_factory):
    binary = shutil.which("prometheus")
    assert binary, "prometheus not installed: apt-get install prometheus (scripts/lib.sh does it)"
    workdir = tmp_path_factory.mktemp("prometheus")
    (workdir / "prometheus.yml").write_text(yaml.safe_dump(prometheus_config(system)), encoding="utf-8")
    port = free_port()
    log = open(workdir / "prometheus.log", "wb")
    proc = subprocess.Popen([binary, f"--config.file={workdir / 'prometheus.yml'}",
                             f"--storage.tsdb.path={workdir / 'data'}",
                             f"--web.listen-address=127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    log.close()
    api = f"http://127.0.0.1:{port}/api/v1"
    try:
        wait_until(lambda: _get(f"{api}/status/runtimeinfo") is not None, timeout=30, what="Prometheus up")
        yield api
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def kernel_series_by_code():
    """The outbox series for every service with an outbox table, the dead-letter series for
    every service with an event handler: whatever the services' code has today."""
    import importlib

    from loupan.config import load_config
    from tests.test_deploy_files import ROOT

    compose = read_yaml(COMPOSE_FILE)
    with_outbox = set()
    for name, path in runners(compose).items():
        module_name, _, class_name = load_config(ROOT / path, environ={})["SERVICE"].partition(":")
        if "outbox" in getattr(importlib.import_module(module_name), class_name).db.metadata.tables:
            with_outbox.add(name)
    with_handlers = {queue.split("--", 1)[1].split(".", 1)[0] for queue in handler_queues(compose)}
    assert {"inventory", "hr"} <= with_outbox and {"inventory", "gateway"} <= with_handlers
    return {"loupan_outbox_pending": with_outbox, "loupan_outbox_oldest_age_seconds": with_outbox,
            "loupan_dead_letters": with_handlers}


def _get(url, **params):
    try:
        response = requests.get(url, params=params, timeout=5)
    except requests.RequestException:
        return None
    return response.json()["data"] if response.ok else None


def series_jobs(api, name):
    result = _get(f"{api}/query", query=f"count by (job) ({name})") or {"result": []}
    return {r["metric"].get("job") for r in result["result"]}


def test_prometheus_scrapes_every_service_and_finds_the_key_series(system, director, prometheus):
    project, units = make_project(director, "指标项目", units=3)
    advisor = staff(system, director, "adv_metrics", "advisor", [project["id"]])
    advisor.ok(advisor.post(f"/api/units/{units[0]}/holds",
                            {"customer_name": "王五", "customer_phone": "13812345678"}), 201)
    taken = advisor.post(f"/api/units/{units[0]}/holds", {"customer_name": "赵六", "customer_phone": "13812345679"})
    assert taken.status_code == 409

    def all_up():
        targets = (_get(f"{prometheus}/targets") or {}).get("activeTargets", [])
        jobs = {t["labels"]["job"] for t in targets if t["health"] == "up"}
        return jobs if jobs >= set(system.services) else None

    wait_until(all_up, timeout=60, what="every service's target up in Prometheus")
    expected = dict(KEY_SERIES)
    expected.update(kernel_series_by_code())
    in_code = exported_metric_names(read_yaml(COMPOSE_FILE))
    expected.update({name: {job} for name, job in OPTIONAL_SERIES.items() if name in in_code})
    missing = {}

    def everything_there():
        missing.clear()
        for name, jobs in expected.items():
            lacking = jobs - series_jobs(prometheus, name)
            if lacking:
                missing[name] = lacking
        return not missing

    wait_until(everything_there, timeout=120, what=lambda: f"key series in Prometheus (missing: {missing})")
    outcomes = _get(f"{prometheus}/query", query='sum by (outcome) (loupan_inventory_holds_total)')["result"]
    assert {r["metric"]["outcome"] for r in outcomes} >= {"held", "unit_not_available"}
    groups = _get(f"{prometheus}/rules")["groups"]
    assert {g["name"] for g in groups} >= {"loupan-availability", "loupan-events", "loupan-inventory"}
    assert all(r["health"] != "err" for g in groups for r in g["rules"]), groups


def test_promtool_accepts_every_exposition(system, director):
    promtool = shutil.which("promtool")
    assert promtool, "promtool not installed: apt-get install prometheus"
    for (name, instance) in list(system.procs):
        body = requests.get(f"{system.url(name, instance)}/metrics", timeout=10).text
        assert "loupan_entrypoint_calls_total" in body
        checked = subprocess.run([promtool, "check", "metrics"], input=body, capture_output=True,
                                 text=True, timeout=30)
        assert checked.returncode == 0, f"{name}: {checked.stdout}{checked.stderr}"
        for line in body.splitlines():  # no unit, customer or user ids as labels
            assert not any(f'{label}="' in line for label in ("unit_id", "customer", "user", "account", "hold_id")), line
