"""Commands survive redelivery (loupan.commands), through the real `rpc` wrapper and a real
container, on SQLite and PostgreSQL: a second delivery of a command id answers the first
outcome and changes nothing; another call under the same id is refused; a query leaves no
row; a command's last commit is durable with its answer, and only what the body committed.

A small service ("ledger") exercises the unit of work's corners; inventory's
create_building is the real entrypoint. The crash itself (SIGKILL between commit and reply,
then the broker's redelivery) is tests/own_system/test_commands_redelivery.py."""
import json
from datetime import timedelta
from pathlib import Path

import pytest
from nameko.testing.services import entrypoint_hook
from sqlalchemy import Column, MetaData, String, Table, create_engine, func, insert, select

from loupan.commands import commands_table, fingerprint, sweep
from loupan.db import Database
from loupan.entrypoints import rpc
from loupan.errors import Conflict, NotFound, RuleViolated, Unavailable
from loupan.tables import ID
from loupan.bus import actor_of_call
from loupan.testing import db_rows, db_write, sealed_context
from loupan.types import utcnow
from loupan.uow import UncommittedWrites, make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

metadata = MetaData()
commands = commands_table(metadata)
things = Table("things", metadata,
               Column("id", ID, primary_key=True, autoincrement=True),
               Column("name", String(40), nullable=False))
CALLS = []  # the bodies that ran


class LedgerService:
    name = "ledger"
    db = Database(metadata)

    def _add(self, name):
        return self.db.session.execute(insert(things).values(name=name)).inserted_primary_key[0]

    @rpc
    def add(self, name, then=None):
        """Adds `name`, commits, then does `then`."""
        CALLS.append(name)
        thing_id = self._add(name)
        self.db.commit()
        if then == "tail":  # written after the commit, never committed: a coding error
            self._add(f"{name}-tail")
        elif then == "read":  # read after the commit: fine
            self.db.session.execute(select(things.c.name)).all()
        elif then == "conflict":
            raise Conflict("refused after the commit", "AFTER_COMMIT")
        elif then == "unavailable":
            raise Unavailable("another service is down", "SOMETHING_PENDING")
        elif then == "rollback":
            self._add(f"{name}-rolled-back")
            self.db.rollback()
            self._add(f"{name}-2")
            self.db.commit()
        elif then == "close":  # a saga: durable before another service hears of it
            self.db.close()
            self._add(f"{name}-2")
            self.db.commit()
        elif then == "race":  # another copy of the command commits first
            engine = create_engine(self.db.engine.url)
            with engine.begin() as conn:
                conn.execute(insert(commands).values(
                    command_id="c-race", entrypoint="add", created_at=utcnow(),
                    fingerprint=fingerprint("add", {"name": name, "then": "race"}),
                    outcome=json.dumps({"result": {"id": -1, "name": "the first copy"}})))
            engine.dispose()
        return {"id": thing_id, "name": name}

    @rpc
    def refuse(self, name):
        self._add(name)
        raise RuleViolated("refused before any commit", "REFUSED")

    @rpc
    def names(self):
        CALLS.append("names")
        return sorted(r.name for r in self.db.session.execute(select(things.c.name)))


@pytest.fixture
def ledger(container_factory, service_config, database_url):
    engine = create_engine(database_url)
    metadata.create_all(engine)
    engine.dispose()
    CALLS.clear()
    container = container_factory(LedgerService, dict(service_config, DATABASE_URL=database_url))
    container.start()
    return container


def caller(container):
    def call(command_id, method, *args):
        ids = {"command_id": command_id} if command_id else {}
        sealed = sealed_context(container.config, actor_of_call(args, {}), **ids)  # as the gateway calls (loupan.bus)
        with entrypoint_hook(container, method, context_data=sealed) as hook:
            return hook(*args)
    return call


def rows(container, table=things):
    return db_rows(container.config, select(table))


def names(container):
    return sorted(r.name for r in rows(container))


def test_a_second_delivery_answers_the_first_result_and_changes_nothing(ledger):
    call = caller(ledger)
    first = call("c-1", "add", "a")
    assert call("c-1", "add", "a") == first
    assert CALLS == ["a"] and names(ledger) == ["a"]
    (row,) = rows(ledger, commands)
    assert (row.command_id, row.entrypoint, row.finished_at is not None) == ("c-1", "add", True)
    assert json.loads(row.outcome) == {"result": first}
    assert call("c-2", "add", "a") != first  # another command runs
    assert call(None, "add", "a")["name"] == "a"  # no command id: as before, no row
    assert names(ledger) == ["a", "a", "a"] and len(rows(ledger, commands)) == 2


def test_a_command_id_reused_for_another_call_is_refused(ledger):
    call = caller(ledger)
    call("c-1", "add", "a")
    with pytest.raises(RuleViolated) as refused:
        call("c-1", "add", "b")
    assert refused.value.code == "COMMAND_ID_REUSED"
    assert names(ledger) == ["a"]


def test_a_query_or_a_refusal_before_any_commit_leaves_no_row(ledger):
    call = caller(ledger)
    assert call("c-q", "names") == [] and call("c-q", "names") == []
    assert CALLS == ["names", "names"]
    with pytest.raises(RuleViolated):
        call("c-r", "refuse", "x")
    assert rows(ledger, commands) == [] and names(ledger) == []


@pytest.mark.parametrize("command_id", ["c-1", None])
def test_a_write_after_the_last_commit_raises_instead_of_being_dropped_silently(ledger, command_id, caplog):
    """Nothing would commit the tail (the worker's end rolls it back): the call fails loudly
    (an unexpected error, a 500), logged; what the body committed stays, as for any
    unexpected error after a commit, and no outcome is stored (a redelivery runs it again)."""
    with pytest.raises(UncommittedWrites, match="ledger.add wrote after its last commit"):
        caller(ledger)(command_id, "add", "a", "tail")
    assert names(ledger) == ["a"]
    assert [r.outcome for r in rows(ledger, commands)] == ([None] if command_id else [])
    assert "ledger.add wrote after its last commit" in caplog.text


def test_a_read_after_the_last_commit_is_fine(ledger):
    call = caller(ledger)
    first = call("c-1", "add", "a", "read")
    assert call("c-1", "add", "a", "read") == first and CALLS == ["a"]
    assert call(None, "add", "b", "read")["name"] == "b"
    assert names(ledger) == ["a", "b"]


def test_a_rollback_after_a_commit_goes_back_to_that_commit(ledger):
    caller(ledger)("c-1", "add", "a", "rollback")
    assert names(ledger) == ["a", "a-2"]


def test_a_domain_error_after_the_commit_is_the_stored_answer(ledger):
    call = caller(ledger)
    for _ in range(2):
        with pytest.raises(Conflict) as refused:
            call("c-1", "add", "a", "conflict")
        assert (refused.value.code, refused.value.message) == ("AFTER_COMMIT", "refused after the commit")
    assert CALLS == ["a"] and names(ledger) == ["a"]


def test_a_5xx_after_the_commit_keeps_the_effect_and_runs_again(ledger):
    """A saga told "retrying is safe": its committed steps stay, the row is a marker with no
    outcome, and the next delivery runs the body again."""
    call = caller(ledger)
    with pytest.raises(Unavailable):
        call("c-1", "add", "a", "unavailable")
    (row,) = rows(ledger, commands)
    assert row.outcome is None and names(ledger) == ["a"]
    with pytest.raises(Unavailable):
        call("c-1", "add", "a", "unavailable")
    assert CALLS == ["a", "a"]


def test_a_saga_commits_its_steps_before_others_hear_of_them_and_its_answer_last(ledger):
    call = caller(ledger)
    first = call("c-1", "add", "a", "close")
    assert names(ledger) == ["a", "a-2"]
    assert call("c-1", "add", "a", "close") == first and CALLS == ["a"]
    (row,) = rows(ledger, commands)
    assert json.loads(row.outcome) == {"result": first}


def test_a_marker_left_by_a_crash_runs_the_body_again_and_stores_its_answer(ledger):
    db_write(ledger.config, insert(commands).values(
        command_id="c-1", entrypoint="add", fingerprint=fingerprint("add", {"name": "a", "then": None}),
        outcome=None, created_at=utcnow()))
    call = caller(ledger)
    answer = call("c-1", "add", "a")
    assert call("c-1", "add", "a") == answer and CALLS == ["a"]
    (row,) = rows(ledger, commands)
    assert json.loads(row.outcome) == {"result": answer}


def test_a_copy_running_at_the_same_time_answers_the_first_and_writes_nothing(ledger):
    if ledger.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: the two copies cannot overlap")
    assert caller(ledger)("c-race", "add", "b", "race") == {"id": -1, "name": "the first copy"}
    assert names(ledger) == []


def test_rows_older_than_the_ttl_are_swept(ledger):
    old = utcnow() - timedelta(days=2)
    db_write(ledger.config, insert(commands).values(command_id="old", entrypoint="add", fingerprint="x",
                                                        outcome="{}", created_at=old))
    caller(ledger)("new", "add", "a")
    engine = make_engine(ledger.config["DATABASE_URL"])
    try:
        assert sweep(engine, commands, ttl_seconds=24 * 3600) == 1
    finally:
        engine.dispose()
    assert [r.command_id for r in rows(ledger, commands)] == ["new"]


# the real entrypoints: inventory ------------------------------------------------------------
INVENTORY_MIGRATIONS = Path(__file__).resolve().parents[2] / "services/inventory/migrations"
DIRECTOR = {"account_id": 1, "username": "director", "role": "director", "agency_id": 1, "project_ids": None}


@pytest.fixture
def inventory(container_factory, service_config, database_url, migrated):
    from services.inventory.service import InventoryService

    config = dict(service_config, DATABASE_URL=migrated(INVENTORY_MIGRATIONS, database_url))
    container = container_factory(InventoryService, config)
    container.start()
    return container


def test_inventory_create_building_delivered_twice_is_one_building_and_the_first_answer(inventory):
    from services.inventory.models import Building

    call = caller(inventory)
    project = call("p-1", "create_project", DIRECTOR, {"name": "重投", "city": "杭州", "developer_name": "某地产"})
    assert call("p-1", "create_project", DIRECTOR, {"name": "重投", "city": "杭州", "developer_name": "某地产"}) == project
    body = {"name": "1号楼", "permit_no": "杭售许字001"}
    first = call("b-1", "create_building", DIRECTOR, project["id"], body)
    assert call("b-1", "create_building", DIRECTOR, project["id"], body) == first  # not 409 BUILDING_EXISTS
    assert [r.id for r in db_rows(inventory.config, select(Building))] == [first["id"]]
    with pytest.raises(Conflict) as exists:  # another command: the body runs
        call("b-2", "create_building", DIRECTOR, project["id"], body)
    assert exists.value.code == "BUILDING_EXISTS"
    with pytest.raises(RuleViolated) as reused:
        call("b-1", "create_building", DIRECTOR, project["id"], dict(body, name="2号楼"))
    assert reused.value.code == "COMMAND_ID_REUSED"
    # a query under a command id leaves nothing; the scope check still comes first
    call("q-1", "list_projects", DIRECTOR)
    ids = {r.command_id for r in db_rows(inventory.config, select(commands_table(MetaData()).c.command_id))}
    assert ids == {"p-1", "b-1"}
    with pytest.raises(NotFound) as other_agency:
        call("b-3", "create_building", dict(DIRECTOR, agency_id=2), project["id"], body)
    assert other_agency.value.code == "PROJECT_NOT_FOUND"
    assert db_rows(inventory.config, select(func.count()).select_from(Building)) == [(1,)]


def test_the_services_sweep_drops_rows_older_than_a_day(inventory):
    table = commands_table(MetaData())
    db_write(inventory.config, insert(table).values(command_id="old", entrypoint="x", fingerprint="x",
                                                    outcome="{}", created_at=utcnow() - timedelta(days=2)))
    db_write(inventory.config, insert(table).values(command_id="new", entrypoint="x", fingerprint="x",
                                                    outcome="{}", created_at=utcnow()))
    with entrypoint_hook(inventory, "sweep_commands") as sweep_now:
        sweep_now()
    assert [r.command_id for r in db_rows(inventory.config, select(table.c.command_id))] == ["new"]
