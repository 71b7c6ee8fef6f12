"""Idempotency keys in the gateway's database (SQLite and PostgreSQL): one claim wins, a
final answer is replayed, another body is refused, a 5xx frees the key, expired keys go."""
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from gateway import idempotency
from gateway.models import IdempotencyKey
from loupan.errors import Conflict, Invalid, RuleViolated
from loupan.types import utcnow
from loupan.uow import make_engine

pytestmark = pytest.mark.sqlite  # on SQLite too: the embedded default

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"
TTL = 3600


@pytest.fixture
def engine(database_url, migrated):
    engine = make_engine(migrated(MIGRATIONS, database_url))
    yield engine
    engine.dispose()


def request(body=b'{"a": 1}', key="k-1", path="/api/projects"):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return Request(EnvironBuilder(method="POST", path=path, data=body, headers=headers).get_environ())


def rows(engine):
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(IdempotencyKey.__table__)).scalar_one()


def test_first_claim_runs_and_its_final_answer_is_replayed(engine):
    req = request()
    print_ = idempotency.fingerprint(req)
    assert idempotency.claim(engine, 7, "k-1", print_, TTL) is None
    with pytest.raises(Conflict) as running:
        idempotency.claim(engine, 7, "k-1", print_, TTL)
    assert running.value.code == "IDEMPOTENCY_IN_PROGRESS"
    idempotency.finish(engine, 7, "k-1", Response(b'{"id": 5}', status=201))
    assert idempotency.claim(engine, 7, "k-1", print_, TTL) == (201, b'{"id": 5}')


def test_the_key_is_per_account(engine):
    print_ = idempotency.fingerprint(request())
    assert idempotency.claim(engine, 7, "k-1", print_, TTL) is None
    assert idempotency.claim(engine, 8, "k-1", print_, TTL) is None


def test_another_body_or_path_with_the_same_key_is_refused(engine):
    idempotency.claim(engine, 7, "k-1", idempotency.fingerprint(request()), TTL)
    idempotency.finish(engine, 7, "k-1", Response(b"{}", status=201))
    for other in (request(body=b'{"a": 2}'), request(path="/api/accounts")):
        with pytest.raises(RuleViolated) as reused:
            idempotency.claim(engine, 7, "k-1", idempotency.fingerprint(other), TTL)
        assert reused.value.code == "IDEMPOTENCY_KEY_REUSED"


def test_a_domain_refusal_is_kept_but_a_server_error_frees_the_key(engine):
    print_ = idempotency.fingerprint(request())
    idempotency.claim(engine, 7, "k-409", print_, TTL)
    idempotency.finish(engine, 7, "k-409", Response(b'{"error": "UNIT_NOT_AVAILABLE"}', status=409))
    assert idempotency.claim(engine, 7, "k-409", print_, TTL)[0] == 409
    idempotency.claim(engine, 7, "k-503", print_, TTL)
    idempotency.finish(engine, 7, "k-503", Response(b'{"error": "SERVICE_UNAVAILABLE"}', status=503))
    assert idempotency.claim(engine, 7, "k-503", print_, TTL) is None  # the retry runs


def test_expired_keys_are_swept_and_may_be_used_again(engine):
    print_ = idempotency.fingerprint(request())
    idempotency.claim(engine, 7, "old", print_, TTL)
    idempotency.finish(engine, 7, "old", Response(b"{}", status=201))
    idempotency.claim(engine, 7, "new", print_, TTL)
    assert idempotency.sweep(engine, now=utcnow() + timedelta(seconds=TTL - 60)) == 0
    assert idempotency.sweep(engine, now=utcnow() + timedelta(seconds=TTL + 1)) == 2
    assert rows(engine) == 0
    idempotency.claim(engine, 7, "gone", print_, -1)  # already expired: claimed afresh
    assert idempotency.claim(engine, 7, "gone", print_, TTL) is None


def test_malformed_keys_are_refused():
    assert idempotency.key_of(request(key=None)) is None
    assert idempotency.key_of(request(key="abc-123_X")) == "abc-123_X"
    for bad in ("x" * 129, "with space", "é"):
        with pytest.raises(Invalid):
            idempotency.key_of(request(key=bad))
