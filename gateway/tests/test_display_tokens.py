"""Display tokens' pure parts (gateway/routes/display.py): the header they come in, the status
a row has at a time, and the stored digest."""
import hashlib
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.routes.display import hash_of, secret_of, status_of
from loupan.errors import Unauthenticated

NOW = datetime(2026, 12, 6, 10, 0, tzinfo=timezone.utc)


def row(revoked_at=None, expires_at=None):
    return SimpleNamespace(revoked_at=revoked_at, expires_at=expires_at)


def request_with(header):
    headers = {} if header is None else {"Authorization": header}
    return Request(EnvironBuilder(path="/api/display/board", headers=headers).get_environ())


def test_a_token_is_active_until_revoked_or_past_its_expiry():
    assert status_of(row(), NOW) == "active"
    assert status_of(row(expires_at=NOW + timedelta(seconds=1)), NOW) == "active"
    assert status_of(row(expires_at=NOW), NOW) == "expired"
    assert status_of(row(revoked_at=NOW - timedelta(days=1), expires_at=NOW - timedelta(days=2)), NOW) == "revoked"


def test_the_stored_digest_is_the_sha256_of_the_secret():
    assert hash_of("lpd_abc") == hashlib.sha256(b"lpd_abc").hexdigest()
    assert hash_of("lpd_abc") != hash_of("lpd_abd")


def test_the_secret_comes_as_a_bearer_token():
    assert secret_of(request_with("Bearer lpd_abc ")) == "lpd_abc"
    assert secret_of(request_with("bearer lpd_abc")) == "lpd_abc"
    for header in (None, "", "Basic lpd_abc", "Bearer ", "lpd_abc"):
        with pytest.raises(Unauthenticated) as refused:
            secret_of(request_with(header))
        assert refused.value.code == "TOKEN_MISSING"
