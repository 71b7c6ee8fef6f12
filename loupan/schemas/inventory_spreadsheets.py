"""inventory spreadsheets: unit import jobs from the developer's .xlsx, exports of the unit
list and the 销控表, and the audit history of a unit."""
from marshmallow import Schema, fields, validate

from loupan.schemas.inventory_catalog import STATUSES as UNIT_STATUSES

MAX_SPREADSHEET_BYTES = 10 * 1024 * 1024
MAX_SPREADSHEET_ROWS = 20_000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORT_STATUSES = ("queued", "running", "done", "failed")


class ImportQuery(Schema):
    dry_run = fields.Boolean(load_default=False,
                             metadata={"description": "check every row and import nothing"})


class ImportIn(Schema):
    # bytes do not travel over RPC as JSON: base64 text does (4/3 of the file size)
    content = fields.String(required=True, validate=validate.Length(min=1),
                            metadata={"description": "the .xlsx file, base64"})
    dry_run = fields.Boolean(load_default=False)


class RowError(Schema):
    row = fields.Integer(allow_none=True, metadata={"description": "spreadsheet row number (header = 1); "
                                                                   "null for a problem of the whole file"})
    number = fields.String(allow_none=True, metadata={"description": "房号 of the row, if given"})
    reasons = fields.List(fields.String())


class ImportOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(IMPORT_STATUSES), metadata={"description": "queued, running, done or failed"})
    dry_run = fields.Boolean()
    total_rows = fields.Integer(metadata={"description": "unit rows in the file (an estimate until the end)"})
    processed_rows = fields.Integer(metadata={"description": "rows checked so far"})
    imported_rows = fields.Integer()
    errors = fields.List(fields.Nested(RowError))
    error_code = fields.String(allow_none=True, metadata={
        "description": "why the whole file failed, e.g. MISSING_COLUMNS, TOO_MANY_ROWS, TOO_MANY_CELLS, "
                       "INVALID_SPREADSHEET, SPREADSHEET_TOO_LARGE (also: took longer than the parse budget), "
                       "IMPORT_INTERRUPTED; null when it did not fail or only rows are bad"})
    attempts = fields.Integer(metadata={"description": "times a process took the job (more than 1: "
                                                       "one stopped while running it)"})
    created_by = fields.Integer()
    created_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class SpreadsheetOut(Schema):
    filename = fields.String()
    content = fields.String(metadata={"description": "the .xlsx file, base64"})


class UnitHistoryOut(Schema):
    id = fields.Integer()
    unit_id = fields.Integer()
    from_status = fields.String(allow_none=True, validate=validate.OneOf(UNIT_STATUSES))
    to_status = fields.String(validate=validate.OneOf(UNIT_STATUSES))
    actor_id = fields.Integer(allow_none=True)
    actor_name = fields.String(allow_none=True)
    advisor_id = fields.Integer(allow_none=True)
    reason = fields.String(allow_none=True)
    at = fields.AwareDateTime()
