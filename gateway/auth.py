"""Bearer tokens: JWT (HS256) signed with the configured key, carrying the actor the
services need (account, role, agency, projects), so a request costs no call to hr."""
import time

import jwt
from sqlalchemy import bindparam, select

from gateway.models import RevokedAccount
from loupan.errors import Unauthenticated
from loupan.uow import read_connection

ALGORITHM = "HS256"


def issue_token(account, config):
    seconds = int(config.get("TOKEN_SECONDS", 8 * 3600))
    now = int(time.time())
    claims = {
        "sub": str(account["id"]),
        "username": account["username"],
        "role": account["role"],
        "agency_id": account["agency_id"],
        "projects": account["project_ids"],
        "iat": now,
        "exp": now + seconds,
    }
    token = jwt.encode(claims, config["JWT_SECRET"], algorithm=ALGORITHM)
    return {"access_token": token, "token_type": "bearer", "expires_in": seconds}


def actor_from_request(request, config):
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise Unauthenticated("a bearer token is required", "TOKEN_MISSING")
    try:
        claims = jwt.decode(token.strip(), config["JWT_SECRET"], algorithms=[ALGORITHM],
                            options={"require": ["exp", "sub"]})
        return {
            "account_id": int(claims["sub"]),
            "username": claims["username"],
            "role": claims["role"],
            "agency_id": int(claims["agency_id"]),
            "project_ids": claims.get("projects"),
        }
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired", "TOKEN_EXPIRED") from None
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        raise Unauthenticated("the token is not valid", "TOKEN_INVALID") from None


_REVOKED = RevokedAccount.__table__
# built once (its compiled form is reused): this runs on every authenticated request
IS_REVOKED = select(_REVOKED.c.account_id).where(_REVOKED.c.account_id == bindparam("account_id"))


def refuse_revoked(engine, actor):
    """401 TOKEN_REVOKED if the token's account left (离职): a valid signature is not enough.
    One primary-key lookup in the gateway's database, which all replicas share, on a bare
    connection (no ORM session) that still respects SQLite's green lock."""
    with read_connection(engine) as conn:
        revoked = conn.execute(IS_REVOKED, {"account_id": actor["account_id"]}).first()
    if revoked is not None:
        raise Unauthenticated("the account has been disabled", "TOKEN_REVOKED")
