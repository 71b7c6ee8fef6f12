"""Overload is 503, never 500 (issue 30): with 2,000 clients the gateway answered 691 x 500,
its requests having waited 30 s on the database pool and met SQLAlchemy's TimeoutError. A
checkout now waits DB_POOL_TIMEOUT (the gateway: 2 s) and then is `Busy`: 503 SERVICE_BUSY
with Retry-After, in the gateway and across an RPC from a service."""
import json

import pytest
from nameko.exceptions import deserialize, serialize
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as PoolTimeout

from gateway.http import error_response
from loupan.config import load_config
from loupan.errors import Busy
from loupan.uow import BusyPool, is_database_outage
from sqlalchemy import create_engine


def busy_answer(response):
    assert response.status_code == 503, response.get_data(as_text=True)
    assert response.headers["Retry-After"] == "1"
    assert json.loads(response.get_data())["error"] == "SERVICE_BUSY"


def test_an_exhausted_pool_answers_503_service_busy_with_retry_after(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'pool.db'}", poolclass=BusyPool,
                           pool_size=1, max_overflow=0, pool_timeout=0.05)
    held = engine.connect()  # the pool's only connection, as a long request would hold it
    try:
        with pytest.raises(Busy) as raised:
            engine.connect()
        assert isinstance(raised.value.__cause__, PoolTimeout)
        busy_answer(error_response(raised.value))
        # a service's pool, across the RPC boundary: the same class comes back
        busy_answer(error_response(deserialize(serialize(raised.value))))
        assert is_database_outage(raised.value) or isinstance(raised.value, Busy)
    finally:
        held.close()
    with engine.connect() as conn:  # and the pool serves again once a connection is back
        assert conn.execute(text("select 1")).scalar() == 1
    engine.dispose()


def test_sqlalchemys_own_pool_timeout_is_busy_too():
    busy_answer(error_response(PoolTimeout("QueuePool limit of size 52 overflow 2 reached")))


def test_the_gateway_waits_briefly_for_its_pool():
    config = load_config("gateway/config.yaml", {})
    assert 0 < float(config["DB_POOL_TIMEOUT"]) <= 5
