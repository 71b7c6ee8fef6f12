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


def test_reads_ride_out_a_database_blip_on_the_last_state_writes_do_not(engine, monkeypatch):
    """Issue 30: the gateway's database unreachable (a server that refuses connections): a GET
    with a valid token is answered from the account's last read for at most the bound; a
    revocation read before the blip stays in force; a write, an account never read, and a
    blip past the bound are 503."""
    from gateway import auth
    from loupan.errors import Unavailable

    now = [1000.0]
    monkeypatch.setattr(auth, "_clock", lambda: now[0])
    monkeypatch.setattr(auth, "_LAST_READ", {})
    dead = make_engine("postgresql://nobody:nothing@127.0.0.1:1/gateway")  # nothing listens on port 1
    try:
        write(engine, 7, 1, "advisor", [2, 3], True, 1)
        write(engine, 9, 1, "advisor", [2], False, 1)  # 离职 before the blip
        assert current_actor(engine, ACTOR) == dict(ACTOR, project_ids=[2, 3])
        with pytest.raises(Unauthenticated):
            current_actor(engine, dict(ACTOR, account_id=9))
        now[0] += 5
        assert current_actor(dead, ACTOR, "GET", 10) == dict(ACTOR, project_ids=[2, 3])  # the blip
        with pytest.raises(Unauthenticated) as refused:
            current_actor(dead, dict(ACTOR, account_id=9), "GET", 10)
        assert refused.value.code == "TOKEN_REVOKED"
        for method, account_id in (("POST", 7), ("GET", 8)):  # a write; an account not read lately
            with pytest.raises(Unavailable) as down:
                current_actor(dead, dict(ACTOR, account_id=account_id), method, 10)
            assert (down.value.status, down.value.code) == (503, "DATABASE_UNAVAILABLE")
        now[0] += 6  # 11 s after the last read: past the bound
        with pytest.raises(Unavailable):
            current_actor(dead, ACTOR, "GET", 10)
        now[0] -= 11
        with pytest.raises(Unavailable):  # never past MAX_STALE_SECONDS, whatever is asked
            now[0] += auth.MAX_STALE_SECONDS + 1
            current_actor(dead, ACTOR, "GET", 3600)
    finally:
        dead.dispose()
