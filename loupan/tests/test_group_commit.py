"""Group commit (loupan/group_commit.py) on SQLite and PostgreSQL: each command of a group
keeps what it committed and loses only what it did after, a refused one costs nothing of the
others', a unique constraint refuses one item and not the group, a 5xx fails the whole group
and nothing is written, and a deadlocked group is decided again from the start."""
import pytest
from nameko.exceptions import deserialize
from psycopg2.extensions import TransactionRollbackError
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.exc import OperationalError

from loupan import group_commit
from loupan.errors import Conflict, Unavailable
from loupan.uow import UnitOfWork, make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

metadata = MetaData()
things = Table("things", metadata, Column("id", Integer, primary_key=True),
               Column("name", String(40), nullable=False, unique=True))


@pytest.fixture
def uow(database_url):
    engine = make_engine(database_url)
    metadata.create_all(engine)
    unit = UnitOfWork(engine)
    yield unit
    unit.close()
    engine.dispose()


def names(uow):
    with uow.engine.connect() as conn:  # another connection: what is durable
        return sorted(conn.execute(select(things.c.name)).scalars())


def add(item, name):
    item.session.execute(insert(things).values(name=name))


def decide(item, request):
    kind, name = request
    if kind == "duplicate":  # the database refuses it: the item, not the group
        return item.add_unique(_Thing(name), Conflict(f"{name} is taken", "TAKEN")).name
    add(item, name)
    if kind == "refuse":  # refused after writing: its write goes
        raise Conflict(f"{name} refused", "REFUSED")
    if kind == "keep-then-refuse":  # what it committed stays, what came after goes
        item.commit()
        add(item, f"{name}-after")
        item.rollback()
        raise Conflict(f"{name} refused after its commit", "REFUSED_LATE")
    return name


class _Thing:  # add_unique takes an ORM object: a mapped class for the same table
    def __init__(self, name):
        self.name = name


from sqlalchemy.orm import registry  # noqa: E402

registry().map_imperatively(_Thing, things)


def test_each_command_keeps_its_own_work_and_the_group_commits_once(uow):
    outcomes = group_commit.run(uow, [("ok", "a"), ("refuse", "b"), ("keep-then-refuse", "c"), ("ok", "d"),
                                      ("duplicate", "a"), ("ok", "e")], decide)
    assert [o.get("result") for o in outcomes] == ["a", None, None, "d", None, "e"]
    errors = [deserialize(o["error"]) for o in outcomes if "error" in o]
    assert [(type(e), e.code) for e in errors] == [(Conflict, "REFUSED"), (Conflict, "REFUSED_LATE"), (Conflict, "TAKEN")]
    assert names(uow) == ["a", "c", "d", "e"]


def test_a_5xx_fails_the_whole_group_and_writes_nothing(uow):
    def failing(item, request):
        add(item, request)
        if request == "z":
            raise Unavailable("contracts did not answer")
        return request

    with pytest.raises(Unavailable):
        group_commit.run(uow, ["x", "y", "z"], failing)
    assert names(uow) == []


def test_a_deadlocked_group_is_decided_again_from_the_start(uow, caplog):
    tries = []

    def deadlocking(item, request):
        add(item, request)
        if request == "q" and len(tries) < 1:
            tries.append(1)
            error = TransactionRollbackError("deadlock detected")
            raise OperationalError("UPDATE units …", {}, _Coded(error, "40P01"))
        return request

    assert [o["result"] for o in group_commit.run(uow, ["p", "q"], deadlocking)] == ["p", "q"]
    assert names(uow) == ["p", "q"]
    assert "deadlocked with another (try 1)" in caplog.text  # said, for whoever reads the logs


class _Coded(Exception):
    """psycopg2's error with its SQLSTATE, as a deadlock arrives (pgcode is read-only on psycopg2's own)."""

    def __init__(self, error, pgcode):
        super().__init__(str(error))
        self.pgcode = pgcode
