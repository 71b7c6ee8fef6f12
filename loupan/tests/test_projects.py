"""The project registry (loupan.projects) with a real inventory and a real crm on the broker:
crm learns who owns a project from inventory's event, or by asking inventory when it missed
the event; another agency's project and a project that does not exist are 404
PROJECT_NOT_FOUND; a project crm knows stays reachable while inventory is down."""
from pathlib import Path

import pytest
from sqlalchemy import text

from loupan.errors import Forbidden, NotFound, Unavailable
from loupan.testing import create_pg_database, db_rows, drop_pg_database, entrypoint_caller, wait_until

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

ROOT = Path(__file__).resolve().parents[2]
AGENCY_A = {"account_id": 1, "username": "a", "role": "director", "agency_id": 11, "project_ids": None}
AGENCY_B = {"account_id": 2, "username": "b", "role": "director", "agency_id": 12, "project_ids": None}
NOBODY = 987654  # an id no project has


@pytest.fixture
def urls(database_url, tmp_path):
    """Two databases of the same kind: inventory's and crm's (not seeded: see below)."""
    if database_url.startswith("sqlite"):
        yield database_url, f"sqlite:///{tmp_path}/crm.db"
        return
    name, crm_url = create_pg_database()
    try:
        yield database_url, crm_url
    finally:
        drop_pg_database(name)


@pytest.fixture
def start(container_factory, service_config, urls):
    from loupan.migrate import upgrade
    from services.crm.service import CrmService
    from services.inventory.service import InventoryService

    inventory_url, crm_url = urls
    upgrade(ROOT / "services/inventory/migrations", inventory_url)
    upgrade(ROOT / "services/crm/migrations", crm_url)  # no seeded projects: the real registry path
    configs = {"inventory": dict(service_config, DATABASE_URL=inventory_url),
               "crm": dict(service_config, DATABASE_URL=crm_url)}
    classes = {"inventory": InventoryService, "crm": CrmService}

    def run(name):
        container = container_factory(classes[name], configs[name])
        container.start()
        return container, entrypoint_caller(container)

    run.configs = configs
    return run


def known(config):
    return {row.id: row.agency_id for row in db_rows(config, text("SELECT id, agency_id FROM known_projects"))}


def new_project(inventory_call, name):
    return inventory_call("create_project", AGENCY_A, {"name": name, "city": "杭州", "developer_name": "某地产"})["id"]


def test_crm_learns_a_new_project_from_the_event_and_refuses_other_agencies(start):
    _, crm = start("crm")  # crm's queue exists before the project is created
    _, inventory = start("inventory")
    project_id = new_project(inventory, "滨江壹号")
    wait_until(lambda: known(start.configs["crm"]).get(project_id) == 11, what="project_created consumed")
    assert crm("list_customers", AGENCY_A, project_id, {}) == []
    with pytest.raises(NotFound) as refused:
        crm("list_customers", AGENCY_B, project_id, {})
    assert refused.value.code == "PROJECT_NOT_FOUND"
    with pytest.raises(NotFound) as refused:  # a write is refused before any row is written
        crm("register_customer", AGENCY_B, project_id, {"mobile": "13812345678", "name": "乙", "channel": "walk_in"})
    assert refused.value.code == "PROJECT_NOT_FOUND"
    assert db_rows(start.configs["crm"], text("SELECT count(*) FROM customers"))[0][0] == 0


@pytest.mark.fresh_broker  # in a used vhost crm's queue would keep the event it is to miss
def test_a_crm_that_missed_the_event_asks_inventory_once(start):
    inventory_container, inventory = start("inventory")
    project_id = new_project(inventory, "之江壹号")  # crm has no queue yet: the event never reaches it
    _, crm = start("crm")
    assert known(start.configs["crm"]) == {}
    assert crm("list_customers", AGENCY_A, project_id, {}) == []
    assert known(start.configs["crm"]) == {project_id: 11}  # stored: asked once
    inventory_container.stop()
    assert crm("list_customers", AGENCY_A, project_id, {}) == []  # known: inventory not needed
    with pytest.raises(Unavailable):  # unknown and nobody to ask: 503, not a wrong 404
        crm("list_customers", AGENCY_A, NOBODY, {})


def test_a_project_that_does_not_exist_is_not_found_and_not_remembered(start):
    start("inventory")
    _, crm = start("crm")
    for actor in (AGENCY_A, AGENCY_B):
        with pytest.raises(NotFound) as refused:
            crm("list_customers", actor, NOBODY, {})
        assert refused.value.code == "PROJECT_NOT_FOUND"
    assert known(start.configs["crm"]) == {}


def test_an_unassigned_project_of_the_own_agency_is_forbidden(start):
    _, inventory = start("inventory")
    _, crm = start("crm")
    mine, other = new_project(inventory, "一期"), new_project(inventory, "二期")
    advisor = dict(AGENCY_A, account_id=3, role="advisor", project_ids=[mine])
    assert crm("list_customers", advisor, mine, {}) == []
    with pytest.raises(Forbidden):
        crm("list_customers", advisor, other, {})
