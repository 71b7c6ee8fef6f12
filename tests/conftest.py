"""System tests: every service as its own process on PostgreSQL, driven over HTTP."""
import pytest

from loupan.system import System
from gateway.client import Api
from tests.api import DIRECTOR


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    system = System(tmp_path_factory.mktemp("system"), database="postgresql",
                    env={"OUTBOX_SWEEP_SECONDS": "0.5", "RPC_TIMEOUT": "5"})
    try:
        system.prepare()
        system.run_module("hr", "services.hr.create_director", "--agency", "测试代理",
                          "--username", DIRECTOR[0], "--password", DIRECTOR[1])
        system.start()
        yield system
    finally:
        system.destroy()


@pytest.fixture(scope="module")
def director(system):
    return Api(system.url()).login(*DIRECTOR)


def staff(system, director, username, role, project_ids):
    director.ok(director.post("/api/accounts", {"username": username, "password": "password-123",
                                                "full_name": username, "role": role,
                                                "project_ids": project_ids}), 201)
    return Api(system.url()).login(username, "password-123")
