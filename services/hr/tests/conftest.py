from pathlib import Path

import pytest

from loupan.testing import entrypoint_caller

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def quick_password_hashes(request, monkeypatch):
    """scrypt at the production cost is ~44 ms a hash: a test's site of ten accounts spent
    half its time hashing. Hashes made here use n=2**4 (each hash keeps its parameters, so
    verifying follows them); test_passwords.py, marked `production_hash_cost`, proves the
    production cost and hashing off the hub."""
    from services.hr import passwords

    if not request.node.get_closest_marker("production_hash_cost"):
        monkeypatch.setattr(passwords, "N", 2**4)
    passwords.dummy_hash.cache_clear()  # made with the cost of the test that asks first
    yield
    passwords.dummy_hash.cache_clear()


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


def make_director(config, agency="示例代理", username="boss", password=PASSWORD, full_name="张总", code=None):
    """Run the first-director command; returns the director's actor dict. The agency's code
    (its staff's login names are <code>.<name>) is a<id> unless given: a1 for the first."""
    from services.hr.create_director import create_director

    agency_id, account_id = create_director(config, agency, username, password, full_name, code)
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
