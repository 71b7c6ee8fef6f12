"""No usable default JWT key: the gateway refuses to start on the development default of
gateway/config.yaml or a key under 32 bytes, saying why, unless LOUPAN_INSECURE_DEV_SECRET=1."""
import os
import subprocess
import sys
import uuid

import pytest
import requests

from gateway.auth import DEFAULT_SECRET, InsecureSecret, check_secret
from loupan.migrate import upgrade
from loupan.testing.system import AMQP_BASE, ROOT, Rabbit
from loupan.testing import free_port, wait_until

GOOD = "k" * 32


def test_the_default_and_short_keys_are_refused_with_the_reason():
    assert DEFAULT_SECRET and DEFAULT_SECRET.startswith("dev-only")
    with pytest.raises(InsecureSecret, match="development default"):
        check_secret({"JWT_SECRET": DEFAULT_SECRET})
    for short in ("", "s3cret", "k" * 31):
        with pytest.raises(InsecureSecret, match="shorter than 32 bytes"):
            check_secret({"JWT_SECRET": short, "INSECURE_DEV_SECRET": 0})
    assert check_secret({"JWT_SECRET": GOOD}) is None
    assert check_secret({"JWT_SECRET": "密" * 11}) is None  # 33 bytes in UTF-8


@pytest.mark.parametrize("flag", [1, "1", True, "true"])
def test_the_development_flag_lets_it_start_with_a_warning(flag):
    warning = check_secret({"JWT_SECRET": DEFAULT_SECRET, "INSECURE_DEV_SECRET": flag})
    assert "development default" in warning and "LOUPAN_INSECURE_DEV_SECRET" in warning


def gateway_env(tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k not in ("LOUPAN_JWT_SECRET", "LOUPAN_INSECURE_DEV_SECRET")}
    env.update(PYTHONPATH=str(ROOT), PYTHONWARNINGS="ignore::DeprecationWarning",
               GATEWAY_DATABASE_URL=f"sqlite:///{tmp_path}/gateway.db", **extra)
    return env


def test_the_gateway_process_refuses_the_default_key(tmp_path):
    started = subprocess.run([sys.executable, "-m", "loupan.run", "gateway/config.yaml"], cwd=ROOT,
                             env=gateway_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert started.returncode == 2
    assert "gateway refuses to start" in started.stderr and "LOUPAN_JWT_SECRET" in started.stderr
    assert "development default" in started.stderr


def test_the_gateway_process_starts_on_the_default_key_with_the_flag(tmp_path):
    upgrade(ROOT / "gateway" / "migrations", f"sqlite:///{tmp_path}/gateway.db")
    vhost, rabbit, port = f"loupan_secret_{uuid.uuid4().hex[:8]}", Rabbit(), free_port()
    rabbit.create_vhost(vhost)
    env = gateway_env(tmp_path, LOUPAN_INSECURE_DEV_SECRET="1", GATEWAY_HTTP=f"127.0.0.1:{port}",
                      AMQP_URI=AMQP_BASE.format(user="guest", password="guest", vhost=vhost))
    log = tmp_path / "gateway.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "loupan.run", "gateway/config.yaml"], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)

    def live():
        assert proc.poll() is None, log.read_text()
        try:
            return requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    try:
        wait_until(live, timeout=60, what="the gateway answering")
        assert "starting anyway because LOUPAN_INSECURE_DEV_SECRET is set" in log.read_text()
    finally:
        proc.kill()  # started is all this test asks
        proc.wait(30)
        rabbit.delete_vhost(vhost)
