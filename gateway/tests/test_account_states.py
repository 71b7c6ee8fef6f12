"""The gateway's account states on SQLite and PostgreSQL: what a token reaches follows the
account (no row: the claims; inactive: 401; else the row's role and projects), writes in any
order never put an older state over a newer one, the migration keeps every revoked account
refused (the models equal the migrations: loupan/tests/test_migrations.py)."""
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from gateway.auth import current_actor
from gateway.models import AccountState
from gateway.routes.staff import record_account_state
from loupan.errors import Unauthenticated
from loupan.migrate import upgrade
from loupan.uow import make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
ACTOR = {"account_id": 7, "username": "adv", "role": "advisor", "agency_id": 1, "project_ids": [1]}


@pytest.fixture
def engine(database_url):
    upgrade(MIGRATIONS, database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def write(engine, *args):
    with Session(engine) as session:
        record_account_state(session, *args)
        session.commit()


def state(engine, account_id=7):
    with engine.connect() as conn:
        row = conn.execute(select(AccountState.__table__).where(AccountState.account_id == account_id)).first()
    return row and (row.role, row.project_ids, row.active, row.version)


def test_the_token_claims_stand_until_a_move_then_the_state_decides(engine):
    assert current_actor(engine, ACTOR) == ACTOR
    write(engine, 7, 1, "advisor", [2, 3], True, 1)
    assert current_actor(engine, ACTOR) == dict(ACTOR, project_ids=[2, 3])
    write(engine, 7, 1, "advisor", [3], False, 2)
    with pytest.raises(Unauthenticated) as refused:
        current_actor(engine, ACTOR)
    assert refused.value.code == "TOKEN_REVOKED"
    assert current_actor(engine, dict(ACTOR, account_id=8)) == dict(ACTOR, account_id=8)


def test_an_older_write_never_overwrites_a_newer_state(engine):
    write(engine, 7, 1, "advisor", [3], True, 2)      # the route of the second transfer
    write(engine, 7, 1, "advisor", [2], True, 1)      # the first transfer's event, late
    write(engine, 7, 1, "advisor", [3], True, 2)      # the second transfer's event (a duplicate)
    assert state(engine) == ("advisor", [3], True, 2)
    write(engine, 7, 1, "advisor", [2], True, -1)     # an event from before versions were sent
    assert state(engine) == ("advisor", [3], True, 2)


def test_a_leave_lands_whatever_its_version_and_stays(engine):
    write(engine, 7, 1, "advisor", [3], True, 2)
    write(engine, 7, 1, "advisor", [3], False, -1)    # a leave event without a version
    assert state(engine)[2] is False
    write(engine, 7, 1, "advisor", [4], True, 5)      # nothing re-activates a leaver
    assert state(engine)[2] is False
    with pytest.raises(Unauthenticated):
        current_actor(engine, ACTOR)


def test_a_state_arriving_first_by_event_then_by_route_is_the_same(engine):
    write(engine, 7, 1, "advisor", [2], True, 1)
    write(engine, 7, 1, "advisor", [2], True, 1)
    assert state(engine) == ("advisor", [2], True, 1)


def test_the_migration_keeps_revoked_accounts_refused(database_url):
    upgrade(MIGRATIONS, database_url, "g2quality")
    engine = make_engine(database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO revoked_accounts (account_id, agency_id, revoked_at) "
                              "VALUES (7, 1, CURRENT_TIMESTAMP)"))
        upgrade(MIGRATIONS, database_url)
        with pytest.raises(Unauthenticated) as refused:
            current_actor(engine, ACTOR)
        assert refused.value.code == "TOKEN_REVOKED"
        assert current_actor(engine, dict(ACTOR, account_id=8))["project_ids"] == [1]
        assert state(engine) == (None, None, False, 0)
    finally:
        engine.dispose()
