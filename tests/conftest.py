"""System tests: every service as its own process on PostgreSQL, driven over HTTP."""
import pytest

from loupan.testing.client import Api
from tests.api import DIRECTOR, running_system


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
