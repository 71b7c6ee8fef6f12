"""The reliability tests share one system, on a PRIVATE RabbitMQ node and a PRIVATE
PostgreSQL cluster (loupan/testing/servers.py), because they stop and restart both."""
from pathlib import Path

import pytest

from loupan.testing.client import Api
from loupan.testing.system import System
from tests.api import DIRECTOR
from loupan.testing.servers import PrivateRabbit, private_postgres

DEFINITIONS = Path(__file__).resolve().parents[2] / "deploy" / "rabbitmq" / "definitions.json"
RPC_TIMEOUT = 3
ENV = {
    "OUTBOX_SWEEP_SECONDS": "0.5",
    "RPC_TIMEOUT": str(RPC_TIMEOUT),
    "HOLD_SWEEP_SECONDS": "1",
    "EVENT_RETRY_ATTEMPTS": "3",
    "EVENT_RETRY_DELAY_MS": "300",
}


@pytest.fixture(scope="package")
def rabbit():
    server = PrivateRabbit()
    try:
        yield server.start()
    finally:
        server.destroy()


postgres = pytest.fixture(scope="package", name="postgres")(private_postgres)


@pytest.fixture(scope="package")
def system(rabbit, postgres, tmp_path_factory):
    system = System(tmp_path_factory.mktemp("reliability"), database="postgresql", env=ENV,
                    rabbit_api=rabbit.api, amqp_base=rabbit.amqp_base,
                    pg=(postgres.admin_dsn, postgres.url_template))
    try:
        system.prepare()
        rabbit.load_definitions(DEFINITIONS, system.vhost)
        system.run_module("hr", "services.hr.create_director", "--agency", "可靠性代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        yield system
    finally:
        try:
            system.destroy()
        except Exception:  # the private servers go next anyway  # noqa: BLE001
            system.stop()


@pytest.fixture(scope="package")
def director(system):
    return Api(system.url()).login(*DIRECTOR)
