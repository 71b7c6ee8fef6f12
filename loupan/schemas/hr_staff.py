"""hr staff lifecycle: 入职 join, 调岗 transfer, 离职 leave, and the staff record with its moves."""
from marshmallow import Schema, fields, validate

from loupan.schemas.hr_accounts import AccountIn, AccountOut
from loupan.roles import AGENCY_WIDE, ROLES
from loupan.validators import not_blank

STATUSES = ("active", "left")
MOVE_KINDS = ("joined", "transferred", "left")
MOVE_STATUSES = ("done", "planned", "cancelled")



REASON = [validate.Length(min=1, max=200), not_blank]


class StaffJoinIn(AccountIn):
    """入职: the new person's account (as POST /api/accounts) and the day they start."""

    joined_on = fields.Date(required=True)


class StaffTransferIn(Schema):
    """调岗: the projects the person works on from `effective_on` (replacing the current ones),
    and the position if it changes too (顾问 promoted to 主管, say). Dated today or before, it
    takes effect at once; dated later, it is planned (the record's `planned_transfer`) and
    takes effect on that day (Asia/Shanghai): until then the person keeps their projects."""

    to_project_ids = fields.List(fields.Integer(strict=True, validate=validate.Range(min=1, max=2**63 - 1)),
                                 required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(load_default=None, validate=validate.OneOf([r for r in ROLES if r not in AGENCY_WIDE]),
                         metadata={"description": "the new role; omitted: the role stays"})
    effective_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=REASON)


class StaffLeaveIn(Schema):
    """离职: the account is disabled at once and its tokens stop working."""

    left_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=REASON)


class StaffQuery(Schema):
    project_id = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**63 - 1),
                                metadata={"description": "only staff assigned to this project"})
    status = fields.String(load_default=None, validate=validate.OneOf(STATUSES))


class PlannedTransferOut(Schema):
    move_id = fields.Integer()
    effective_on = fields.Date()
    to_project_ids = fields.List(fields.Integer())
    to_role = fields.String(allow_none=True, metadata={"description": "set when the transfer changes the role"})
    reason = fields.String(allow_none=True)
    by = fields.Integer(allow_none=True)


class StaffOut(AccountOut):
    employment_status = fields.String(validate=validate.OneOf(STATUSES), metadata={"description": "active or left"})
    joined_on = fields.Date(allow_none=True)
    left_on = fields.Date(allow_none=True)
    token_version = fields.Integer(metadata={"description": "bumped each time issued tokens go stale"})
    planned_transfer = fields.Nested(PlannedTransferOut, allow_none=True,
                                     metadata={"description": "a 调岗 dated after today, applied on its day"})


class StaffMoveOut(Schema):
    id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(MOVE_KINDS), metadata={"description": "joined (入职), transferred (调岗) or left (离职)"})
    status = fields.String(validate=validate.OneOf(MOVE_STATUSES),
                           metadata={"description": "done; planned (a 调岗 still to take effect); cancelled (left before it)"})
    effective_on = fields.Date()
    from_project_ids = fields.List(fields.Integer())
    to_project_ids = fields.List(fields.Integer())
    from_role = fields.String(allow_none=True, metadata={"description": "set when the move changed the role"})
    to_role = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    by = fields.Integer(allow_none=True, metadata={"description": "account that recorded the move"})
    at = fields.AwareDateTime()


class StaffDetailOut(StaffOut):
    moves = fields.List(fields.Nested(StaffMoveOut), metadata={"description": "oldest first"})
