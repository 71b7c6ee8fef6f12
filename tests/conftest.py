"""System tests: every service as its own process on PostgreSQL, driven over HTTP.

One system serves the whole session (starting one costs 13 s): each module works in an
agency of its own (its `director`), so modules see none of each other's projects, staff or
figures, as two agencies on one system never do; staff usernames are prefixed by module,
since usernames are unique across agencies. A module that restarts services with other
settings takes a system of its own (`own_system` in tests/api.py; those modules are in
tests/own_system)."""
import re

import jwt
import pytest

from loupan.testing.client import ANSWERS, RECORDING, SEEN, Api
from loupan.testing.servers import private_postgres
from tests.api import DIRECTOR, running_system


def pytest_collection_modifyitems(items):
    """A test that uses a running system (this package's or tests/reliability's `system`) is
    marked `system`, so the inner loop can leave them out: pytest -m "not system"."""
    for item in items:
        if "system" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.system)


@pytest.fixture(autouse=True)
def answers_are_documented():
    """After each test: every error answer it got is one the OpenAPI lists for its route, and
    every success has the properties the document says are always there."""
    start, answered = len(SEEN), len(ANSWERS)
    RECORDING[0] = True
    yield
    RECORDING[0] = False
    if len(SEEN) > start or len(ANSWERS) > answered:
        from tests.documented_errors import undocumented, unlike_document

        missing = undocumented(SEEN[start:])
        unlike = unlike_document(ANSWERS[answered:])
        del SEEN[start:], ANSWERS[answered:]
        assert missing == [], f"error answers the OpenAPI does not list for their route: {missing}"
        assert unlike == [], ("answers without a property the OpenAPI says is always there (send it, null for "
                              f"nothing, or list it in gateway/openapi.py SOMETIMES_ABSENT): {unlike}")


# The systems' databases are on a PostgreSQL cluster of the session's own: a system's pools
# keep what a burst opened (the gateway's 50 workers, 52 connections), and beside the
# service tests on the machine's server (100 connections) they ran out.
postgres = pytest.fixture(scope="session", name="postgres")(private_postgres)


@pytest.fixture(scope="session")
def system(postgres, tmp_path_factory):
    with running_system(tmp_path_factory.mktemp("system"), pg=(postgres.admin_dsn, postgres.url_template)) as system:
        yield system


@pytest.fixture(scope="module")
def director(system, request):
    """The director of this module's own agency, made with the operator's command's function
    in this process (the command itself runs once per system, in running_system: a process
    of its own per module cost a second of imports each); its `username` and `agency_id`
    are on the client, and its agency's `code` (the accounts it makes are named
    `<code>.<name>`). The password is DIRECTOR's."""
    from services.hr.create_director import create_director

    topic = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    username = f"director_{topic}"
    code = re.sub(r"[^a-z0-9]+", "-", topic.lower()).strip("-")[:20].rstrip("-")  # its staff: <code>.<name>
    create_director({"DATABASE_URL": system.urls["hr"], "AMQP_URI": system.amqp_uri},
                    f"代理 {topic}", username, DIRECTOR[1], "总监", code)
    api = Api(system.url()).login(username, DIRECTOR[1])
    api.username, api.password, api.code = username, DIRECTOR[1], code
    api.agency_id = int(jwt.decode(api.token, options={"verify_signature": False})["agency_id"])
    return api


STAFF_PASSWORD = "sales-office-42"


def staff(system, director, username, role, project_ids):
    """A staff account made by the director, signed in; its `username` (as hr made it) and
    `password` are on the client."""
    created = director.ok(director.post("/api/accounts", {"username": username, "password": STAFF_PASSWORD,
                                                          "full_name": username, "role": role,
                                                          "project_ids": project_ids}), 201)
    api = Api(system.url()).login(created["username"], STAFF_PASSWORD)
    api.username, api.password = created["username"], STAFF_PASSWORD
    return api
