"""System tests: every service as its own process on PostgreSQL, driven over HTTP."""
import pytest

from loupan.testing.client import Api
from tests.api import DIRECTOR, running_system


def pytest_collection_modifyitems(items):
    """A test that uses a running system (this package's or tests/reliability's `system`) is
    marked `system`, so the inner loop can leave them out: pytest -m "not system"."""
    for item in items:
        if "system" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.system)


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("system")) as system:
        yield system


@pytest.fixture(scope="module")
def director(system):
    return Api(system.url()).login(*DIRECTOR)


def staff(system, director, username, role, project_ids):
    director.ok(director.post("/api/accounts", {"username": username, "password": "password-123",
                                                "full_name": username, "role": role,
                                                "project_ids": project_ids}), 201)
    return Api(system.url()).login(username, "password-123")
