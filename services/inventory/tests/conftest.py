from pathlib import Path

import pytest

from loupan.testing import entrypoint_caller

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
DIRECTOR = {"account_id": 1, "username": "director", "role": "director", "agency_id": 1, "project_ids": None}


@pytest.fixture
def inventory(container_factory, service_config, database_url, migrated):
    """A running inventory container on a fresh database (SQLite and PostgreSQL)."""
    from services.inventory.service import InventoryService

    config = dict(service_config, DATABASE_URL=migrated(MIGRATIONS, database_url))
    container = container_factory(InventoryService, config)
    container.start()
    return container


@pytest.fixture
def call(inventory):
    """call(method, *args): run an RPC entrypoint of the running container."""
    return entrypoint_caller(inventory)


@pytest.fixture
def project(call):
    """A project with one permitted building of 10 units on floors 1..10 and one
    building without a presale permit."""
    project = call("create_project", DIRECTOR, {"name": "滨江壹号", "city": "杭州", "developer_name": "某地产",
                                                "hold_minutes": 30, "max_holds_per_buyer": 3})
    permitted = call("create_building", DIRECTOR, project["id"], {"name": "1号楼", "permit_no": "杭售许字001"})
    unpermitted = call("create_building", DIRECTOR, project["id"], {"name": "2号楼"})
    units = [unit(permitted["id"], f"{f}01", f) for f in range(1, 11)]
    units.append(unit(unpermitted["id"], "101", 1))
    created = call("create_units", DIRECTOR, project["id"], {"units": units})
    return {"project": project, "building": permitted, "unpermitted": unpermitted, "units": created}


def unit(building_id, number, floor, list_price="3000000.00", base_price="2800000.00"):
    return {"building_id": building_id, "number": number, "floor": floor, "layout": "3室2厅2卫",
            "orientation": "南", "property_type": "residential", "gross_area": "100.00",
            "net_area": "80.00", "list_price": list_price, "base_price": base_price}
