"""开盘报告 contracts: a launch's figures after (or during) its 选房, from inventory
(services/inventory/launch_report.py; docs/launch.md "开盘报告"). Figures only: no names,
mobiles or ID numbers."""
from marshmallow import Schema, fields, validate

FORMATS = ("json", "xlsx")


class LaunchReportQuery(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(FORMATS),
                           metadata={"description": "json, or xlsx for the spreadsheet"})


class RegistrationFigures(Schema):
    total = fields.Integer(metadata={"description": "认筹 taken, cancelled ones included"})
    cancelled = fields.Integer()
    eligible = fields.Integer(metadata={"description": "not cancelled and reviewed eligible (购房资格)"})
    sincerity_paid = fields.Integer(allow_none=True, metadata={
        "description": "not cancelled, 诚意金 paid; null when the launch asks none"})


class WindowFigures(Schema):
    number = fields.Integer()
    opened_at = fields.AwareDateTime(allow_none=True, metadata={"description": "null: it never opened (yet)"})
    opened_reason = fields.String(allow_none=True, metadata={"description": "start, time, early or resume"})
    closed_at = fields.AwareDateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True, metadata={"description": "time, early or finish"})
    members = fields.Integer(metadata={"description": "buyers of the drawn order in this window"})
    chose = fields.Integer(metadata={"description": "confirmed at least one unit (认购)"})
    gave_up = fields.Integer(metadata={"description": "gave up (放弃) without confirming any"})
    no_shows = fields.Integer(metadata={"description": "let the window pass without choosing or giving up"})
    pending = fields.Integer(metadata={"description": "neither, the window not closed (open, to come, never opened)"})
    sold = fields.Integer(metadata={"description": "units its buyers confirmed"})


class UnitFigures(Schema):
    total = fields.Integer(metadata={"description": "units in the launch"})
    sold = fields.Integer(metadata={"description": "confirmed through 选房 (认购 made)"})
    left = fields.Integer()


class RefusalCount(Schema):
    code = fields.String(metadata={"description": "the refusal's error code, e.g. HOLD_ATTEMPTS_EXCEEDED"})
    count = fields.Integer()


class LaunchReport(Schema):
    launch_id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    mode = fields.String(metadata={"description": "lottery or race"})
    status = fields.String()
    opens_at = fields.AwareDateTime()
    window_size = fields.Integer()
    window_minutes = fields.Integer()
    units_per_buyer = fields.Integer()
    registrations = fields.Nested(RegistrationFigures)
    drawn = fields.Integer(allow_none=True, metadata={"description": "lottery: places in the drawn order"})
    windows = fields.List(fields.Nested(WindowFigures), metadata={"description": "lottery: every window, 1 first"})
    no_shows = fields.Integer(allow_none=True, metadata={"description": "lottery: the windows' no-shows in all"})
    units = fields.Nested(UnitFigures)
    selecting_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when selection started"})
    last_sold_at = fields.AwareDateTime(allow_none=True, metadata={"description": "the last 认购 through 选房"})
    sell_out_seconds = fields.Integer(allow_none=True, metadata={
        "description": "selection's start to the last unit sold; null while units are left"})
    attempts = fields.Integer(metadata={"description": "race: hold attempts counted against the limit"})
    refusals = fields.List(fields.Nested(RefusalCount), metadata={
        "description": "buyers' holds refused, by code (race: HOLD_ATTEMPTS_EXCEEDED, UNIT_NOT_AVAILABLE, ...)"})
    generated_at = fields.AwareDateTime()
