"""SIGTERM during a broker outage (issue 30): a service lived 45 s past it, the gateway over
10 minutes, waiting on consumers and proxies that could not reach the broker. Every process
now stops within STOP_GRACE_SECONDS (loupan/stopping.py). A system of its own (this test
ends every process), on the package's private broker, which it stops and starts again."""
import signal
import time

import pytest
import requests

from loupan.testing import wait_until
from loupan.testing.system import System
from tests.reliability.conftest import DEFINITIONS, ENV

GRACE = 10


@pytest.fixture
def own(rabbit, postgres, tmp_path_factory):
    system = System(tmp_path_factory.mktemp("stopping"), database="postgresql",
                    env=dict(ENV, STOP_GRACE_SECONDS=str(GRACE)),
                    rabbit_api=rabbit.api, amqp_base=rabbit.amqp_base,
                    pg=(postgres.admin_dsn, postgres.url_template))
    try:
        system.prepare()
        rabbit.load_definitions(DEFINITIONS, system.vhost)
        system.start()
        yield system
    finally:
        if rabbit.proc is None:
            rabbit.start()
        try:
            system.destroy()
        except Exception:  # noqa: BLE001
            system.stop()


def ready(system, key):
    try:
        return requests.get(system.url(*key) + "/health/ready", timeout=5).status_code
    except requests.RequestException:
        return None


def test_every_process_stops_on_sigterm_with_the_broker_down(own, rabbit):
    procs = dict(own.procs)
    rabbit.stop()
    # every process has seen the broker go (its readiness says so): they are reconnecting
    wait_until(lambda: all(ready(own, key) == 503 for key in procs), timeout=60,
               what="every process reporting the broker away")
    sent = time.monotonic()
    for proc in procs.values():
        proc.send_signal(signal.SIGTERM)
    stopped = {}
    deadline = time.monotonic() + 60
    while len(stopped) < len(procs) and time.monotonic() < deadline:
        for key, proc in procs.items():
            if key not in stopped and proc.poll() is not None:
                stopped[key] = (time.monotonic() - sent, proc.returncode)
        time.sleep(0.1)
    print("\ntime to stop on SIGTERM with the broker down (grace %d s): %s" % (GRACE, ", ".join(
        f"{name}: {seconds:.1f} s (exit {code})" for (name, _), (seconds, code) in sorted(stopped.items()))))
    missing = [name for (name, _), proc in procs.items() if (name, _) not in stopped]
    assert not missing, f"still running 60 s after SIGTERM: {missing}"
    for key in procs:
        own.procs.pop(key, None)
