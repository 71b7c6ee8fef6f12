"""The alert rules of deploy/prometheus/alerts.yml fire on the series that reproduce their
cause and stay quiet on healthy ones: `promtool test rules` on deploy/prometheus/tests/.

Each alert must be proven both ways: with its expression made never true, a case of the
tests must fail (one where it fires), and with it made always true, a case must fail (one
where it stays quiet). So a new rule without its cases fails here, as does a case that
would pass whatever the rule says."""
import re
import shutil
import subprocess

import yaml

from tests.test_deploy_files import PROMETHEUS_DIR

TESTS_DIR = PROMETHEUS_DIR / "tests"
RULE_TESTS = sorted(TESTS_DIR.glob("*.yml"))


def promtool(*args, cwd=None):
    tool = shutil.which("promtool")
    assert tool, ("promtool not found: it comes with Prometheus (Debian: apt-get install prometheus; "
                  "scripts/test.sh installs it through ensure_prometheus in scripts/lib.sh)")
    return subprocess.run([tool, *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def alert_names():
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    return [rule["alert"] for group in rules["groups"] for rule in group["rules"] if "alert" in rule]


def test_the_rule_tests_exist_and_use_the_shipped_rules():
    assert RULE_TESTS, f"no promtool rule tests in {TESTS_DIR}"
    for path in RULE_TESTS:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert [(path.parent / f).resolve() for f in spec["rule_files"]] == [PROMETHEUS_DIR / "alerts.yml"], path


def test_every_alert_fires_on_its_cause_and_stays_quiet_on_healthy_series():
    checked = promtool("test", "rules", *map(str, RULE_TESTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr


def mutated(tmp_path, expr):
    """A copy of the rules and their tests in which every alert's expression is `expr`."""
    rules = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text(encoding="utf-8"))
    for group in rules["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                rule["expr"] = expr
    (tmp_path / "alerts.yml").write_text(yaml.safe_dump(rules, allow_unicode=True), encoding="utf-8")
    (tmp_path / "tests").mkdir()
    for path in RULE_TESTS:
        shutil.copy(path, tmp_path / "tests" / path.name)
    return [str(tmp_path / "tests" / path.name) for path in RULE_TESTS]


def failed_cases(output):
    """(test group name, alert) of every failed case in promtool's report."""
    return set(re.findall(r"name: (.*?),\s*alertname: (\w+), time:", output))


def firing_groups():
    """(test group name, alert) of every group that expects the alert to fire at some time."""
    found = set()
    for path in RULE_TESTS:
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]:
            assert "," not in group["name"], f"{group['name']}: promtool's report is read by name, no commas"
            found |= {(group["name"], case["alertname"]) for case in group.get("alert_rule_test", [])
                      if case.get("exp_alerts")}
    return found


def test_the_tests_catch_every_alert_that_never_fires(tmp_path):
    checked = promtool("test", "rules", *mutated(tmp_path, "vector(0) > 1"))
    caught = {alert for _, alert in failed_cases(checked.stdout + checked.stderr)}
    missing = [alert for alert in alert_names() if alert not in caught]
    assert checked.returncode != 0 and not missing, \
        f"no rule test shows {missing} firing (deploy/prometheus/tests/): add series that reproduce the cause"


def test_the_tests_catch_every_alert_that_always_fires(tmp_path):
    """Caught by a group of healthy series: one where the alert is never expected to fire
    (the pending minutes before a firing case do not count)."""
    checked = promtool("test", "rules", *mutated(tmp_path, "vector(1) > 0"))
    caught = {alert for case in failed_cases(checked.stdout + checked.stderr) - firing_groups()
              for alert in [case[1]]}
    missing = [alert for alert in alert_names() if alert not in caught]
    assert checked.returncode != 0 and not missing, \
        f"no rule test shows {missing} quiet on healthy series (deploy/prometheus/tests/): add one"
