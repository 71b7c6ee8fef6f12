"""gateway: 销控大屏 display tokens (a director's read-only token of one project's board) and
the header's bell (what waits for the signed-in account on a project)."""
from marshmallow import Schema, fields, validate

from loupan.schemas.inventory_catalog import Board


class DisplayTokenIn(Schema):
    label = fields.String(required=True, validate=validate.Length(1, 60),
                          metadata={"description": "where the screen is, e.g. 售楼处大厅", "example": "售楼处大厅"})
    expires_at = fields.AwareDateTime(load_default=None, allow_none=True, metadata={
        "description": "when the token stops working (null: until revoked); in the future"})


class DisplayTokenOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    label = fields.String()
    created_by = fields.Integer(metadata={"description": "the director who issued it"})
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
    revoked_by = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(("active", "expired", "revoked")),
                           metadata={"description": "active | expired | revoked"})


class DisplayTokenIssued(DisplayTokenOut):
    token = fields.String(metadata={"description": "the secret, shown this once (only its hash is kept): "
                                                   "the wall opens with /console/#/wall?display=<token>"})


class DisplayBoard(Schema):
    """What the wall reads with a display token: the board (with its project) and the token's label."""

    label = fields.String(metadata={"description": "the display token's label"})
    board = fields.Nested(Board)


BELL_KINDS = ("hold_expired", "approval_waiting", "sla_breached")


class BellItem(Schema):
    kind = fields.String(validate=validate.OneOf(BELL_KINDS), metadata={"description": " | ".join(BELL_KINDS)})
    text = fields.String(metadata={"description": "what to tell the person, in Chinese"})
    link = fields.String(metadata={"description": "the console page that deals with it, e.g. /approvals"})
    at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it happened or fell due"})


class BellOut(Schema):
    count = fields.Integer(metadata={"description": "items in all (the list stops at 50)"})
    items = fields.List(fields.Nested(BellItem))
