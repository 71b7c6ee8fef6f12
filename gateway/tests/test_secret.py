"""No usable default JWT key: the gateway refuses to start on the development default of
gateway/config.yaml, a key under 32 bytes or one visibly not random (36 x "a", a repeated
part, few distinct bytes: issue 30), saying why, unless LOUPAN_INSECURE_DEV_SECRET=1."""
import os
import secrets
import subprocess
import sys
import uuid

import pytest
import requests

from gateway.auth import DEFAULT_SECRET, InsecureSecret, check_secret
from loupan.migrate import upgrade
from loupan.testing.system import AMQP_BASE, ROOT, Rabbit
from loupan.testing import free_port, wait_until

GOOD = "k3Vd9-Qx_7LmZp2RtW8yBn4HcJ6sFg1A"  # 32 bytes, 30 distinct


def test_the_default_and_short_keys_are_refused_with_the_reason():
    assert DEFAULT_SECRET and DEFAULT_SECRET.startswith("dev-only")
    with pytest.raises(InsecureSecret, match="development default"):
        check_secret({"JWT_SECRET": DEFAULT_SECRET})
    for short in ("", "s3cret", "k" * 31):
        with pytest.raises(InsecureSecret, match="shorter than 32 bytes"):
            check_secret({"JWT_SECRET": short, "INSECURE_DEV_SECRET": 0})
    assert check_secret({"JWT_SECRET": GOOD}) is None
    assert check_secret({"JWT_SECRET": "密钥随机性检查通过了吗？是的" + "Ab3"}) is None  # 45 bytes in UTF-8


@pytest.mark.parametrize("weak, why", [
    ("a" * 36, "1-byte part repeated 36 times"),
    ("k" * 32, "1-byte part repeated 32 times"),
    ("密" * 11, "3-byte part repeated 11 times"),
    ("ab" * 18, "2-byte part repeated 18 times"),
    ("0123456789abcdef" * 2, "16-byte part repeated 2 times"),
    ("abcabcabcabcabcabcabcabcabcabcabcx", "has 4 distinct bytes"),
    ("a" * 30 + "bcdefghij", "bits of entropy"),
])
def test_keys_that_are_long_but_not_random_are_refused_with_the_reason(weak, why):
    with pytest.raises(InsecureSecret, match=why) as refused:
        check_secret({"JWT_SECRET": weak})
    assert "a random key of at least 32 bytes" in str(refused.value)
    assert "starting anyway" in check_secret({"JWT_SECRET": weak, "INSECURE_DEV_SECRET": 1})


def test_generated_keys_are_accepted():
    """What scripts/run.sh and the test system make (token_urlsafe(48)), the documented
    token_urlsafe(32), and hex keys (16 symbols only) of 16 and 32 random bytes."""
    for make in (lambda: secrets.token_urlsafe(48), lambda: secrets.token_urlsafe(32),
                 lambda: secrets.token_hex(16), lambda: secrets.token_hex(32)):
        for _ in range(2000):
            key = make()
            assert check_secret({"JWT_SECRET": key}) is None, key


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


def test_the_gateway_process_refuses_a_key_of_one_repeated_letter(tmp_path):
    started = subprocess.run([sys.executable, "-m", "loupan.run", "gateway/config.yaml"], cwd=ROOT,
                             env=gateway_env(tmp_path, LOUPAN_JWT_SECRET="a" * 36),
                             capture_output=True, text=True, timeout=120)
    assert started.returncode == 2
    assert "gateway refuses to start" in started.stderr and "repeated 36 times" in started.stderr


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
