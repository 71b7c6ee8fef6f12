from pathlib import Path

import pytest

from loupan.testing import entrypoint_caller

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture
def crm_config(database_url, service_config, migrated):
    """crm's settings on a fresh, migrated database (SQLite and PostgreSQL)."""
    return dict(service_config, DATABASE_URL=migrated(MIGRATIONS, database_url))


@pytest.fixture
def crm(crm_config, container_factory):
    """A running crm container."""
    from services.crm.service import CrmService

    container = container_factory(CrmService, crm_config)
    container.start()
    return container


@pytest.fixture
def call(crm):
    """call(method, *args): run an RPC entrypoint of the running container."""
    return entrypoint_caller(crm)


def actor(account_id=1, role="director", project_ids=None, agency_id=1, username=None):
    """The actor dict the gateway passes on every RPC."""
    return {"account_id": account_id, "username": username or f"{role}{account_id}", "role": role,
            "agency_id": agency_id, "project_ids": project_ids}
