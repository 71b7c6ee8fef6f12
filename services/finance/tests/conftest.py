from pathlib import Path

import pytest

from loupan.testing import entrypoint_caller

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture
def finance_config(database_url, service_config, migrated):
    """finance's settings on a fresh, migrated database (SQLite and PostgreSQL)."""
    return dict(service_config, DATABASE_URL=migrated(MIGRATIONS, database_url))


@pytest.fixture
def finance(finance_config, container_factory):
    """A running finance container."""
    from services.finance.service import FinanceService

    container = container_factory(FinanceService, finance_config)
    container.start()
    return container


@pytest.fixture
def call(finance):
    """call(method, *args): run an RPC entrypoint of the running container."""
    return entrypoint_caller(finance)


def actor(account_id=1, role="director", project_ids=None, agency_id=1, username=None):
    """The actor dict the gateway passes on every RPC."""
    return {"account_id": account_id, "username": username or f"{role}{account_id}", "role": role,
            "agency_id": agency_id, "project_ids": project_ids}
