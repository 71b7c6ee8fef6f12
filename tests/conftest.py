"""System tests: every service as its own process on PostgreSQL, driven over HTTP.

One system serves the whole session (starting one costs 13 s): each module works in an
agency of its own (its `director`), so modules see none of each other's projects, staff or
figures, as two agencies on one system never do; staff usernames are prefixed by module,
since usernames are unique across agencies. A module that restarts services with other
settings takes a system of its own (`own_system` in tests/api.py)."""
import jwt
import pytest

from loupan.testing.client import Api
from tests.api import DIRECTOR, SHARED, running_system


def pytest_collection_modifyitems(items):
    """A test that uses a running system (this package's or tests/reliability's `system`) is
    marked `system`, so the inner loop can leave them out: pytest -m "not system"."""
    for item in items:
        if "system" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.system)


@pytest.fixture(scope="session")
def system(tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("system")) as system:
        SHARED.append(system)
        yield system
        SHARED.remove(system)


@pytest.fixture(scope="module")
def director(system, request):
    """The director of this module's own agency, made as an operator makes one; its
    `username` and `agency_id` are on the client. The password is DIRECTOR's."""
    topic = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    username = f"director_{topic}"
    system.run_module("hr", "services.hr.create_director", "--agency", f"代理 {topic}",
                      "--username", username, "--password", DIRECTOR[1])
    api = Api(system.url()).login(username, DIRECTOR[1])
    api.username = username
    api.agency_id = int(jwt.decode(api.token, options={"verify_signature": False})["agency_id"])
    return api


def staff(system, director, username, role, project_ids):
    director.ok(director.post("/api/accounts", {"username": username, "password": "password-123",
                                                "full_name": username, "role": role,
                                                "project_ids": project_ids}), 201)
    return Api(system.url()).login(username, "password-123")
