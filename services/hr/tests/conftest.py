from pathlib import Path

import pytest

from loupan.testing import entrypoint_caller

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
PASSWORD = "correct horse battery"


@pytest.fixture
def hr_config(database_url, service_config, migrated):
    """hr's settings on a fresh, migrated database (SQLite and PostgreSQL)."""
    return dict(service_config, DATABASE_URL=migrated(MIGRATIONS, database_url))


@pytest.fixture
def hr(hr_config, container_factory):
    """A running hr container."""
    from services.hr.service import HrService

    container = container_factory(HrService, hr_config)
    container.start()
    return container


@pytest.fixture
def call(hr):
    """call(method, *args): run an RPC entrypoint of the running container."""
    return entrypoint_caller(hr)


def make_director(config, agency="示例代理", username="boss", password=PASSWORD, full_name="张总"):
    """Run the first-director command; returns the director's actor dict."""
    from services.hr.create_director import create_director

    agency_id, account_id = create_director(config, agency, username, password, full_name)
    return {"account_id": account_id, "username": username, "role": "director", "agency_id": agency_id,
            "project_ids": None}


def actor_of(account):
    """The actor dict the gateway would build for `account` (as authenticate returns it)."""
    return {"account_id": account["id"], "username": account["username"], "role": account["role"],
            "agency_id": account["agency_id"], "project_ids": account["project_ids"]}


@pytest.fixture
def director(hr, hr_config):
    """The first director of agency 示例代理, created with the command while hr runs."""
    return make_director(hr_config)
