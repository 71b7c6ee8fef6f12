"""Who is acting and what they may see: the actor dict the gateway passes on every RPC.

{account_id, username, role, agency_id, project_ids}; project_ids is None for roles that
see every project of their agency. Services check each row they touch against it, so a
forged id from a front-end finds nothing outside the caller's agency and projects.
"""
from marshmallow import EXCLUDE, Schema, fields

from loupan.schemas import load
from loupan.errors import Forbidden, NotFound


class ActorSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    account_id = fields.Integer(required=True)
    username = fields.String(required=True)
    role = fields.String(required=True)
    agency_id = fields.Integer(required=True)
    project_ids = fields.List(fields.Integer(), allow_none=True, load_default=None)


def load_actor(actor):
    """The actor dict of an RPC call, validated (every RPC taking an actor starts here)."""
    return load(ActorSchema, actor)


def not_found(what, record_id):
    """The one 404 of a record kind: the same words whether the record is another agency's
    or nobody's (the id asked for, never whether it exists elsewhere; issue 30)."""
    named = what if record_id is None else f"{what} {record_id}"
    return NotFound(f"{named} not found", f"{what.upper().replace(' ', '_')}_NOT_FOUND")


def check_scope(actor, agency_id, project_id, what="record", record_id=None):
    """Another agency's record does not exist for the actor (404, worded as for a missing
    `record_id`; a project's id is `project_id`); a project of its own agency it is not
    assigned to is forbidden (403)."""
    if actor["agency_id"] != agency_id:
        raise not_found(what, project_id if record_id is None and what == "project" else record_id)
    if actor.get("project_ids") is not None and project_id not in actor["project_ids"]:
        raise Forbidden(f"no access to project {project_id}", "PROJECT_FORBIDDEN")


def get_in_scope(session, actor, model, record_id, what):
    """The `model` row `record_id` if the actor may act on it; otherwise NotFound
    (`<WHAT>_NOT_FOUND`, also for another agency's rows) or Forbidden (another project)."""
    row = session.get(model, record_id)
    if row is None:
        raise not_found(what, record_id)
    # a project is its own project; every other business row carries project_id
    check_scope(actor, row.agency_id, getattr(row, "project_id", row.id), what, record_id)
    return row


def event_actor(actor):
    """The part of the actor that goes into an event envelope."""
    if actor is None:
        return None
    return {k: actor.get(k) for k in ("account_id", "username", "role")}
