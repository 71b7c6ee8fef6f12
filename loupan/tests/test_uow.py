"""UnitOfWork.release: the session ends before a slow wait, and writes nobody committed are
refused rather than dropped (on SQLite, the process's lock is free once released)."""
import pytest
from sqlalchemy import Column, Integer, String, insert, select
from sqlalchemy.orm import declarative_base

from loupan.uow import UncommittedWrites, UnitOfWork, make_engine

Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    text = Column(String(20))


NOTES = Note.__table__


@pytest.fixture
def uow(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/uow.db")
    Base.metadata.create_all(engine)
    unit = UnitOfWork(engine)
    yield unit
    unit.close()
    engine.dispose()


def test_a_released_unit_holds_no_session_nor_the_sqlite_lock(uow):
    uow.session.execute(insert(NOTES).values(text="kept"))
    uow.commit()
    uow.release()
    assert not uow.has_session
    assert uow.engine.guard.acquire(blocking=False)  # another worker may write meanwhile
    uow.engine.guard.release()
    assert uow.session.execute(select(NOTES.c.text)).scalars().all() == ["kept"]  # a new session


@pytest.mark.parametrize("write", [
    lambda uow: uow.session.execute(insert(NOTES).values(text="core")),
    lambda uow: uow.session.add(Note(text="pending")),
    lambda uow: (uow.session.add(Note(text="flushed")), uow.session.flush()),
])
def test_uncommitted_writes_are_refused_not_lost(uow, write):
    write(uow)
    with pytest.raises(RuntimeError, match="uncommitted writes"):
        uow.release()
    uow.commit()
    uow.release()
    assert len(uow.session.execute(select(NOTES.c.id)).all()) == 1


def test_reads_and_rolled_back_writes_release(uow):
    uow.session.execute(select(NOTES.c.id)).all()
    uow.release()
    uow.session.execute(insert(NOTES).values(text="undone"))
    uow.rollback()
    uow.release()
    assert uow.session.execute(select(NOTES.c.id)).all() == []


def test_release_without_a_session_does_nothing(uow):
    uow.release()
    assert not uow.has_session


def _modify_loaded(uow):
    uow.session.execute(select(Note)).scalar_one().text = "changed"


@pytest.mark.parametrize("write", [
    lambda uow: uow.session.execute(insert(NOTES).values(text="core")),
    lambda uow: uow.session.add(Note(text="pending")),
    _modify_loaded,
])
def test_a_write_after_the_last_commit_is_refused_at_the_end(uow, write):
    """What an RPC's end checks (loupan.entrypoints.rpc): DML executed, an ORM object added
    or changed since the last commit."""
    uow.session.add(Note(text="first"))
    uow.commit()
    write(uow)
    with pytest.raises(UncommittedWrites, match="test.body wrote after its last commit"):
        uow.require_committed("test.body")


def test_reads_or_an_unchanged_value_after_the_last_commit_are_no_writes(uow):
    uow.session.add(Note(text="first"))
    uow.commit()
    note = uow.session.execute(select(Note)).scalar_one()
    note.text = "first"  # set to what it was: dirty for the ORM, no change
    uow.session.execute(select(NOTES.c.id)).all()
    uow.require_committed("test.body")
    uow.session.execute(insert(NOTES).values(text="undone"))
    uow.rollback()
    uow.require_committed("test.body")
