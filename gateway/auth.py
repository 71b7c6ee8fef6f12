"""Bearer tokens: JWT (HS256) signed with the configured key, carrying the actor the
services need (account, role, agency, projects), so a request costs no call to hr.

The claims are what the account was when it signed in; `current_actor` corrects them from
the gateway's `account_states` (调岗, 离职) on every request, and refuses a token signed
out since (logout, a change of password: `token_generations`). The signing key must be a real
secret: `check_secret` keeps the gateway from starting on the development default."""
import re
import time
from pathlib import Path

import jwt
from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from gateway.models import AccountState, TokenGeneration
from loupan.errors import Unauthenticated, Unavailable
from loupan.keys import GENERATE, MIN_SECRET_BYTES, InsecureSecret, check_key  # noqa: F401 - gateway.auth's names
from loupan.types import utcnow
from loupan.uow import read_connection

ALGORITHM = "HS256"


def issue_token(account, config, generation=0):
    """A token for `account` (hr's account dict) of the account's sign-out `generation`
    (generation_of: a token older than the account's last logout or password change is
    refused by current_actor)."""
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
        "gen": int(generation),
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
            "token_generation": int(claims.get("gen", 0)),  # for current_actor, which drops it
        }
    except jwt.ExpiredSignatureError:
        raise Unauthenticated("the token has expired", "TOKEN_EXPIRED") from None
    except (jwt.InvalidTokenError, KeyError, ValueError, TypeError):
        raise Unauthenticated("the token is not valid", "TOKEN_INVALID") from None


_STATES = AccountState.__table__
# built once (its compiled form is reused): this runs on every authenticated request
STATE_OF = select(_STATES.c.active, _STATES.c.role, _STATES.c.project_ids).where(
    _STATES.c.account_id == bindparam("account_id"))


_GENERATIONS = TokenGeneration.__table__
GENERATION_OF = select(_GENERATIONS.c.generation).where(_GENERATIONS.c.account_id == bindparam("account_id"))


def generation_of(engine, account_id):
    """The account's sign-out generation now (0: never signed out), for a new token."""
    with read_connection(engine) as conn:
        return conn.execute(GENERATION_OF, {"account_id": account_id}).scalar() or 0


def sign_out(session, account_id):
    """Revoke every token the account holds now (logout, a change of password): its
    generation goes up by one in the gateway's database, which every replica reads on every
    request; returns the new generation (a token issued with it stays valid). The caller
    commits."""
    table = _GENERATIONS
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(table).values(account_id=account_id, generation=1, updated_at=utcnow())
    session.execute(stmt.on_conflict_do_update(
        index_elements=[table.c.account_id],
        set_={"generation": table.c.generation + 1, "updated_at": stmt.excluded.updated_at}))
    return session.execute(GENERATION_OF, {"account_id": account_id}).scalar()


# Through a database blip (issue 30): the last read of each account's state, kept in this
# process, answers a read-only request (GET, HEAD) for at most STALE_SECONDS after it was
# read; a write, an account not read lately, or a blip longer than that is 503. What was read
# is what is enforced: a revocation seen before the blip stays in force.
STALE_SECONDS = 10  # ACCOUNT_STATE_STALE_SECONDS
MAX_STALE_SECONDS = 30  # never longer, whatever the config says
MAX_REMEMBERED = 100_000  # accounts kept; past it the memory starts over
READ_ONLY = ("GET", "HEAD")
_LAST_READ = {}  # account_id -> (monotonic time of the read, state row or None, generation)
_clock = time.monotonic


def _blip(exc):
    """True if `exc` says the database could not be reached (not a statement it refused)."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _read_state(engine, account_id, method, stale_seconds):
    try:
        with read_connection(engine) as conn:
            state = conn.execute(STATE_OF, {"account_id": account_id}).first()
            current = conn.execute(GENERATION_OF, {"account_id": account_id}).scalar() or 0
    except DBAPIError as exc:
        if not _blip(exc):
            raise
        bound = min(float(MAX_STALE_SECONDS if stale_seconds is None else stale_seconds), MAX_STALE_SECONDS)
        last = _LAST_READ.get(account_id)
        if method in READ_ONLY and last is not None and _clock() - last[0] <= bound:
            return last[1], last[2]
        raise Unavailable("the gateway's database is unreachable; retry shortly", "DATABASE_UNAVAILABLE") from None
    if len(_LAST_READ) >= MAX_REMEMBERED and account_id not in _LAST_READ:
        _LAST_READ.clear()
    _LAST_READ[account_id] = (_clock(), state, current)
    return state, current


def current_actor(engine, actor, method="GET", stale_seconds=STALE_SECONDS):
    """The actor as the account is now: a valid signature is not enough. Two primary-key
    lookups (its state, its sign-out generation) in the gateway's database, which all replicas
    share, on one bare connection (no ORM session) that still respects SQLite's green lock.
    No row: the token's claims stand; an inactive account (离职): 401 TOKEN_REVOKED; else the role and projects of the row
    (a 调岗 takes the old projects away from the very next request). A token of a generation
    older than the account's (signed out since: logout, a change of password) is 401
    TOKEN_REVOKED too; the returned actor carries no generation. The database unreachable:
    a read-only `method` is answered from this process's last read of the account if it is at
    most `stale_seconds` old (capped at MAX_STALE_SECONDS), else 503 DATABASE_UNAVAILABLE."""
    actor = dict(actor)
    generation = actor.pop("token_generation", 0)
    state, current = _read_state(engine, actor["account_id"], str(method).upper(), stale_seconds)
    if generation < current:
        raise Unauthenticated("the token has been signed out", "TOKEN_REVOKED")
    if state is None:
        return actor
    if not state.active:
        raise Unauthenticated("the account has been disabled", "TOKEN_REVOKED")
    return dict(actor, role=state.role or actor["role"], project_ids=state.project_ids)


# the development default of gateway/config.yaml: public, so never a key to sign with
_DEFAULT = re.search(r"\$\{LOUPAN_JWT_SECRET:([^}]*)\}",
                     Path(__file__).with_name("config.yaml").read_text(encoding="utf-8"))
DEFAULT_SECRET = _DEFAULT.group(1) if _DEFAULT else None


def check_secret(config):
    """Refuse (InsecureSecret) a JWT key that is the public development default, shorter
    than 32 bytes or visibly not random (loupan/key_strength.py), unless INSECURE_DEV_SECRET (LOUPAN_INSECURE_DEV_SECRET=1) says this is a
    developer's machine; returns a warning to log in that case, else None. The rule is
    loupan.keys', which holds the bus key (loupan.bus) to it too."""
    return check_key(config, "JWT_SECRET", "LOUPAN_JWT_SECRET", DEFAULT_SECRET,
                     "sign a token for any account and role", "gateway/config.yaml",
                     ", the same on every gateway replica")
