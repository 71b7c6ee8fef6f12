"""crm customer imports: an agency's existing customers from its old .xlsx, a dry run listing
each row's problems and judgement, then the office's confirmation of that dry run."""
from marshmallow import Schema, fields, validate

from loupan.schemas.crm_customers import CHANNELS, GRADES

MAX_IMPORT_ROWS = 5000  # customer rows of one file: parsed in about a second, answered within the RPC's 10 s
IMPORT_PARSE_SECONDS = 6  # the parser's budget: a dry run is answered within one RPC
JUDGEMENTS = ("new", "same", "claim", "conflict")
STATUSES = ("previewed", "confirmed")


class CustomerImportQuery(Schema):
    file_name = fields.String(load_default="customers.xlsx", validate=validate.Length(min=1, max=200),
                              metadata={"description": "the uploaded file's name, for the log"})


class StaffIn(Schema):
    account_id = fields.Integer(required=True, strict=True)
    full_name = fields.String(allow_none=True, load_default=None)
    username = fields.String(required=True)
    project_ids = fields.List(fields.Integer(strict=True), load_default=list)


class CustomerImportRpcIn(Schema):
    """What the gateway sends crm: the file (base64), its name, and the agency's active advisors
    and supervisors (crm keeps no staff), among whom the 置业顾问 column is resolved."""

    content = fields.String(required=True)
    file_name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    staff = fields.List(fields.Nested(StaffIn), required=True)


class CustomerImportConfirmRpcIn(Schema):
    staff = fields.List(fields.Nested(StaffIn), required=True)


class ImportValuesOut(Schema):
    name = fields.String(allow_none=True)
    mobile = fields.String(allow_none=True, metadata={"description": "as normalised, or as written if not a number"})
    channel = fields.String(allow_none=True, validate=validate.OneOf(CHANNELS))
    partner_name = fields.String(allow_none=True)
    grade = fields.String(allow_none=True, validate=validate.OneOf(GRADES))
    owner = fields.String(allow_none=True, metadata={"description": "the 置业顾问 as written"})
    owner_id = fields.Integer(allow_none=True, metadata={"description": "the account it names"})
    owner_name = fields.String(allow_none=True)
    last_follow_up = fields.String(allow_none=True, metadata={"description": "the date, 2026-11-30"})
    notes = fields.String(allow_none=True)


class ImportRowErrorOut(Schema):
    field = fields.String(required=True)
    code = fields.String(required=True, metadata={"description": "INVALID_MOBILE, UNKNOWN_OWNER, AMBIGUOUS_OWNER, "
                                                                 "DUPLICATE_IN_FILE, UNKNOWN_CHANNEL, UNKNOWN_GRADE, "
                                                                 "INVALID_DATE, MISSING_*, *_TOO_LONG"})
    message = fields.String(required=True)


class ImportRowOut(Schema):
    row = fields.Integer(required=True, metadata={"description": "the spreadsheet's row number"})
    values = fields.Nested(ImportValuesOut, required=True)
    errors = fields.List(fields.Nested(ImportRowErrorOut), required=True,
                         metadata={"description": "empty for a row that imports"})
    judgement = fields.String(allow_none=True, validate=validate.OneOf(JUDGEMENTS), metadata={
        "description": "a good row against the project's customers: new; same (the owner's already: updated); "
                       "claim (pool or 保护期 lapsed: the owner takes it); conflict (protected by someone "
                       "else: a 撞单 for the manager on confirm)"})
    customer_id = fields.Integer(allow_none=True, metadata={"description": "the existing customer (or the one made)"})
    current_owner_name = fields.String(allow_none=True, metadata={"description": "whose the existing customer is"})
    conflict_id = fields.Integer(allow_none=True, metadata={"description": "the 撞单 the confirmation raised"})


class ImportCountsOut(Schema):
    rows = fields.Integer(required=True)
    valid = fields.Integer(required=True)
    invalid = fields.Integer(required=True)
    new = fields.Integer(required=True)
    same = fields.Integer(required=True)
    claim = fields.Integer(required=True)
    conflict = fields.Integer(required=True)


class CustomerImportOut(Schema):
    id = fields.Integer(required=True)
    project_id = fields.Integer(required=True)
    file_name = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(STATUSES),
                           metadata={"description": "previewed (the dry run: nothing written) or confirmed"})
    counts = fields.Nested(ImportCountsOut, required=True,
                           metadata={"description": "of the dry run, or once confirmed of what was imported"})
    rows = fields.List(fields.Nested(ImportRowOut), required=True)
    by_id = fields.Integer(required=True)
    by_name = fields.String(allow_none=True)
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True, metadata={"description": "confirm before this (409 IMPORT_EXPIRED)"})
    confirmed_by = fields.Integer(allow_none=True)
    confirmed_at = fields.AwareDateTime(allow_none=True)
