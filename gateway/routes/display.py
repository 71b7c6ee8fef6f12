"""销控大屏 display tokens: a director issues a read-only token for one project's wall screen,
lists and revokes them; the wall reads that project's board with it and nothing else. A mixin
of GatewayService.

The token is no JWT: every other route reads the Authorization header as a signed account token
and answers 401 TOKEN_INVALID to it, so the token reaches one route, GET /api/display/board,
which checks it itself (no account, no role). Only its SHA-256 is stored (the secret is 256
random bits: no dictionary to try, so no slow hash is needed); every request reads its row, so
a revocation or an expiry holds from the next request on, on every replica."""
import hashlib
import json
import secrets

from sqlalchemy import bindparam, select, update
from werkzeug.wrappers import Response

from gateway.http import route
from gateway.models import DisplayToken
from loupan.errors import Invalid, NotFound, Unauthenticated
from loupan.roles import DEVELOPER_VIEWER
from loupan.schemas import dump
from loupan.schemas import gateway_display as g
from loupan.types import utcnow
from loupan.uow import read_connection

PREFIX = "lpd_"  # tells a display token from an account's JWT at a glance (logs, support)
UNAUTHORIZED = {"401": "no display token (TOKEN_MISSING), or one that is unknown (DISPLAY_TOKEN_INVALID), "
                       "revoked (DISPLAY_TOKEN_REVOKED) or past its expiry (DISPLAY_TOKEN_EXPIRED)"}
_TOKENS = DisplayToken.__table__
BY_HASH = select(_TOKENS).where(_TOKENS.c.token_hash == bindparam("token_hash"))


def hash_of(secret):
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def display_viewer(engine, request):
    """The request's display token (401 unknown, revoked or expired) and the actor it reads
    as: a read-only viewer of its one project (no customer data is on what it reaches)."""
    secret = secret_of(request)
    with read_connection(engine) as conn:
        row = conn.execute(BY_HASH, {"token_hash": hash_of(secret)}).first()
    if row is None:
        raise Unauthenticated("the display token is not valid", "DISPLAY_TOKEN_INVALID")
    status = status_of(row, utcnow())
    if status == "revoked":
        raise Unauthenticated("the display token has been revoked", "DISPLAY_TOKEN_REVOKED")
    if status == "expired":
        raise Unauthenticated("the display token has expired", "DISPLAY_TOKEN_EXPIRED")
    return row, {"account_id": row.created_by, "username": f"display-{row.id}", "role": DEVELOPER_VIEWER,
                 "agency_id": row.agency_id, "project_ids": [row.project_id]}


def status_of(row, now):
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at is not None and row.expires_at <= now:
        return "expired"
    return "active"


def as_dict(row, now):
    return {"id": row.id, "project_id": row.project_id, "label": row.label, "created_by": row.created_by,
            "created_at": row.created_at, "expires_at": row.expires_at, "revoked_at": row.revoked_at,
            "revoked_by": row.revoked_by, "status": status_of(row, now)}


def secret_of(request):
    """The row of the request's display token (`Authorization: Bearer lpd_...`), if in force."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        raise Unauthenticated("a display token is required", "TOKEN_MISSING")
    return secret


class DisplayRoutes:
    @route("POST", "/api/projects/<int:project_id>/display-tokens", body=g.DisplayTokenIn,
           response=g.DisplayTokenIssued, status=201,
           summary="Issue a 销控大屏 display token for the project: it reads this project's board and nothing "
                   "else; the secret is in this answer only (400 EXPIRY_IN_PAST)")
    def issue_display_token(self, request, actor, project_id, body):
        project = self.inventory.get_project(actor, project_id)  # another agency's: 404 first
        expires_at = g.DisplayTokenIn().load(body)["expires_at"]
        now = utcnow()
        if expires_at is not None and expires_at <= now:
            raise Invalid("expires_at must be in the future", "EXPIRY_IN_PAST")
        secret = PREFIX + secrets.token_urlsafe(32)
        row = DisplayToken(agency_id=actor["agency_id"], project_id=project["id"], label=body["label"].strip() or "大屏",
                           token_hash=hash_of(secret), created_by=actor["account_id"], created_at=now,
                           expires_at=expires_at)
        self.db.session.add(row)
        self.db.session.flush()
        answer = dict(as_dict(row, now), token=secret)
        self.db.commit()
        return dump(g.DisplayTokenIssued, answer)

    @route("GET", "/api/projects/<int:project_id>/display-tokens", response=g.DisplayTokenOut, many=True,
           summary="The project's display tokens, newest first, revoked and expired ones too (never the secret)")
    def list_display_tokens(self, request, actor, project_id):
        self.inventory.get_project(actor, project_id)
        rows = self.db.session.execute(
            select(DisplayToken).where(DisplayToken.project_id == project_id,
                                       DisplayToken.agency_id == actor["agency_id"])
            .order_by(DisplayToken.id.desc())).scalars().all()
        now = utcnow()
        return dump(g.DisplayTokenOut, [as_dict(r, now) for r in rows], many=True)

    @route("DELETE", "/api/projects/<int:project_id>/display-tokens/<int:display_id>", response=g.DisplayTokenOut,
           summary="Revoke a display token: the wall showing it is refused from its next request on "
                   "(404 DISPLAY_TOKEN_NOT_FOUND; revoking twice keeps the first revocation)")
    def revoke_display_token(self, request, actor, project_id, display_id):
        self.inventory.get_project(actor, project_id)
        now = utcnow()
        self.db.session.execute(
            update(DisplayToken).where(DisplayToken.id == display_id, DisplayToken.project_id == project_id,
                                       DisplayToken.agency_id == actor["agency_id"],
                                       DisplayToken.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by=actor["account_id"]))
        row = self.db.session.execute(
            select(DisplayToken).where(DisplayToken.id == display_id, DisplayToken.project_id == project_id,
                                       DisplayToken.agency_id == actor["agency_id"])).scalar_one_or_none()
        if row is None:
            raise NotFound(f"display token {display_id} not found", "DISPLAY_TOKEN_NOT_FOUND")
        answer = as_dict(row, now)
        self.db.commit()
        return dump(g.DisplayTokenOut, answer)

    @route("GET", "/api/display/board", response=g.DisplayBoard, errors=UNAUTHORIZED,
           summary="The 销控表 of the display token's project (Authorization: Bearer <display token>): the one "
                   "route such a token reaches; every other route answers it 401")
    def display_board(self, request):
        row, viewer = display_viewer(self.db.engine, request)
        board = self.inventory.get_board(viewer, row.project_id)  # the board's JSON text, passed through
        text = '{"label": ' + json.dumps(row.label, ensure_ascii=False) + ', "board": ' + board + "}"
        return Response(text, mimetype="application/json")
