"""The message bus is not a back door (loupan.bus, issue 30): an RPC's actor is sealed with the
bus key, and the kernel refuses an unsigned, expired or altered one before the body runs, and
counts it. Through a real container and `rpc` wrapper here; through the broker with a whole
system, tests/test_bus_api.py."""
import secrets
import time

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import MetaData, create_engine

from loupan import bus
from loupan.db import Database
from loupan.entrypoints import rpc
from loupan.errors import Forbidden, Unauthenticated
from loupan.keys import InsecureSecret
from loupan.scope import load_actor
from loupan.testing import BUS_KEY, entrypoint_hook, sealed_context

ACTOR = {"account_id": 7, "username": "advisor7", "role": "advisor", "agency_id": 1, "project_ids": [1, 2]}

CONFIG = {"BUS_KEY": "k" * 40}
BODIES = []  # the bodies that ran


class Vault:
    name = "vault"
    db = Database(MetaData())

    @rpc
    def read(self, actor):
        actor = load_actor(actor)
        BODIES.append(("read", actor["role"]))
        return actor["role"]

    @rpc
    def login(self, username):
        BODIES.append(("login", username))
        return username


# the seal ------------------------------------------------------------------------------------
def test_a_seal_holds_for_its_actor_and_for_no_other():
    token = bus.seal(CONFIG, ACTOR, "gateway")
    assert bus.verify(CONFIG, token, dict(ACTOR)) == "gateway"
    assert bus.verify(CONFIG, token, dict(ACTOR, extra="ignored")) == "gateway"  # five fields count
    for altered in (dict(ACTOR, role="director"), dict(ACTOR, agency_id=2), dict(ACTOR, project_ids=None),
                    dict(ACTOR, project_ids=[1, 2, 3]), dict(ACTOR, account_id=8), None, "actor"):
        with pytest.raises(bus.Refused, match="forged"):
            bus.verify(CONFIG, token, altered)
    with pytest.raises(bus.Refused, match="forged"):  # another key
        bus.verify({"BUS_KEY": "x" * 40}, token, ACTOR)
    with pytest.raises(bus.Refused, match="forged"):  # the issuer or the expiry rewritten
        bus.verify(CONFIG, token.replace("gateway", "crm"), ACTOR)
    version, issuer, expires, mac = token.split(":")
    with pytest.raises(bus.Refused, match="forged"):
        bus.verify(CONFIG, f"{version}:{issuer}:{int(expires) + 3600}:{mac}", ACTOR)
    for nothing in (None, ""):
        with pytest.raises(bus.Refused, match="unsigned"):
            bus.verify(CONFIG, nothing, ACTOR)


def test_a_seal_expires():
    token = bus.seal(CONFIG, ACTOR, "gateway", seconds=60, now=time.time() - 61)
    with pytest.raises(bus.Refused, match="expired"):
        bus.verify(CONFIG, token, ACTOR)


def test_the_previous_key_is_accepted_during_a_rotation_and_the_new_one_seals():
    old = bus.seal(CONFIG, ACTOR, "gateway")
    rotating = {"BUS_KEY": "n" * 40, "BUS_KEY_PREVIOUS": CONFIG["BUS_KEY"]}
    assert bus.verify(rotating, old, ACTOR) == "gateway"
    new = bus.seal(rotating, ACTOR, "gateway")
    assert bus.verify({"BUS_KEY": "n" * 40}, new, ACTOR) == "gateway"
    with pytest.raises(bus.Refused):
        bus.verify(CONFIG, new, ACTOR)


def test_a_call_on_behalf_of_the_same_actor_passes_the_seal_on_else_the_service_seals():
    incoming = bus.seal(CONFIG, ACTOR, "gateway")
    assert bus.seal_for_call(CONFIG, "contracts", incoming, (ACTOR, 5), {}) == incoming
    assert bus.seal_for_call(CONFIG, "contracts", incoming, (), {"actor": ACTOR}) == incoming
    other = dict(ACTOR, role="director")
    resealed = bus.seal_for_call(CONFIG, "contracts", incoming, (other, 5), {})
    assert bus.verify(CONFIG, resealed, other) == "contracts"
    none = bus.seal_for_call(CONFIG, "crm", None, (7,), {})  # a timer's call with no actor
    assert bus.verify(CONFIG, none, None) == "crm"


def test_no_process_starts_on_the_default_or_a_short_bus_key():
    with pytest.raises(InsecureSecret, match="LOUPAN_BUS_KEY is not set"):
        bus.check_config({"BUS_KEY": bus.DEFAULT_KEY})
    for short in ("", None, secrets.token_urlsafe(16)):
        with pytest.raises(InsecureSecret, match="LOUPAN_BUS_KEY is .* bytes"):
            bus.check_config({"BUS_KEY": short})
    assert bus.check_config({"BUS_KEY": secrets.token_urlsafe(32)}) is None
    assert "LOUPAN_INSECURE_DEV_SECRET" in bus.check_config({"BUS_KEY": bus.DEFAULT_KEY, "INSECURE_DEV_SECRET": "1"})


def test_every_config_file_reads_the_bus_key_from_the_environment():
    from loupan.testing.system import ROOT, procfile

    for config in procfile().values():
        text = (ROOT / config).read_text()
        assert f"${{LOUPAN_BUS_KEY:{bus.DEFAULT_KEY}}}" in text, config
        assert "${LOUPAN_BUS_KEY_PREVIOUS:" in text and "${LOUPAN_INSECURE_DEV_SECRET:" in text, config


# the kernel: refused before the body, and counted --------------------------------------------
@pytest.fixture
def vault(container_factory, service_config, tmp_path):
    url = f"sqlite:///{tmp_path}/vault.db"
    create_engine(url).dispose()
    BODIES.clear()
    container = container_factory(Vault, dict(service_config, DATABASE_URL=url))
    container.start()
    return container


def refused(entrypoint, reason):
    return REGISTRY.get_sample_value("loupan_bus_refused_total", {"entrypoint": entrypoint, "reason": reason}) or 0


def call(container, method, context, *args):
    with entrypoint_hook(container, method, context_data=context) as hook:
        return hook(*args)


def test_a_sealed_actor_is_served(vault):
    assert call(vault, "read", sealed_context(vault.config, ACTOR), ACTOR) == "advisor"
    assert call(vault, "login", sealed_context(vault.config, None), "someone") == "someone"
    assert BODIES == [("read", "advisor"), ("login", "someone")]


@pytest.mark.parametrize("how", ["unsigned", "altered", "expired", "other key", "actor for no actor"])
def test_an_unsigned_altered_or_expired_actor_is_refused_before_the_body_and_counted(vault, how):
    config = vault.config
    director = dict(ACTOR, role="director")  # the role changed after sealing
    method, args, context, error, code, reason = {
        "unsigned": ("read", (ACTOR,), {}, Unauthenticated, "ACTOR_UNSIGNED", "unsigned"),
        "altered": ("read", (director,), sealed_context(config, ACTOR), Forbidden, "ACTOR_FORGED", "forged"),
        "expired": ("read", (ACTOR,), {bus.SEAL: bus.seal(config, ACTOR, "gateway", now=time.time() - 3600)},
                    Unauthenticated, "ACTOR_EXPIRED", "expired"),
        "other key": ("read", (ACTOR,), sealed_context({"BUS_KEY": "z" * 40}, ACTOR), Forbidden,
                      "ACTOR_FORGED", "forged"),
        "actor for no actor": ("login", ("director1",), sealed_context(config, ACTOR), Forbidden,
                               "ACTOR_FORGED", "forged"),
    }[how]
    before = refused(method, reason)
    with pytest.raises(error) as caught:
        call(vault, method, context, *args)
    assert caught.value.code == code
    assert BODIES == []
    assert refused(method, reason) == before + 1


def test_the_test_key_is_a_real_one():
    assert bus.check_config({"BUS_KEY": BUS_KEY}) is None
