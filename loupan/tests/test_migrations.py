"""Every service's models equal its migrations (Alembic's autogenerate finds nothing to do),
on SQLite and PostgreSQL: a table or column added to a model without its migration fails here."""
import importlib
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from loupan.migrate import upgrade
from loupan.uow import make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

ROOT = Path(__file__).resolve().parents[2]
SERVICES = {"hr": "services/hr", "inventory": "services/inventory", "crm": "services/crm",
            "contracts": "services/contracts", "finance": "services/finance", "gateway": "gateway"}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_the_models_equal_the_migrations(service, database_url):
    folder = SERVICES[service]
    upgrade(ROOT / folder / "migrations", database_url)
    metadata = importlib.import_module(f"{folder.replace('/', '.')}.models").metadata
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata) == []
    finally:
        engine.dispose()
