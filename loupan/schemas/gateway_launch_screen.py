"""gateway: the 选房大屏 (selection big screen) of a launch, for the sales office's wall: the
current window and its buyers (masked: 认筹号 and 张**), who chose or gave up, the next window,
the countdown, and the launch's units with their status (gateway/routes/launch_screen.py).
No ID number, no mobile, no full name is ever in it."""
from marshmallow import Schema, fields, validate

from loupan.schemas.inventory_launches import MODES, STATUSES
from loupan.schemas.inventory_selection import SelectionWindow
from loupan.validators import Money

BUYER_STATES = ("choosing", "chosen", "gave_up")


class ScreenLaunch(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    name = fields.String()
    mode = fields.String(validate=validate.OneOf(MODES))
    status = fields.String(validate=validate.OneOf(STATUSES))
    opens_at = fields.AwareDateTime()
    window_size = fields.Integer()
    window_minutes = fields.Integer()
    units_per_buyer = fields.Integer()


class ScreenBuyer(Schema):
    position = fields.Integer(metadata={"description": "place in the drawn order"})
    number = fields.String(metadata={"description": "认筹号, e.g. RC-0012"})
    buyer_name = fields.String(metadata={"description": "masked: 张**"})
    state = fields.String(validate=validate.OneOf(BUYER_STATES), metadata={
        "description": "choosing (their turn runs), chosen (confirmed all they may), gave_up (放弃)"})
    confirmed = fields.Integer(metadata={"description": "units confirmed (认购 made)"})


class ScreenNextBuyer(Schema):
    position = fields.Integer()
    number = fields.String(metadata={"description": "认筹号"})
    buyer_name = fields.String(metadata={"description": "masked: 张**"})


class ScreenNextWindow(Schema):
    number = fields.Integer()
    opens_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "at the latest (the current window's end): earlier once everyone in it finished"})
    members = fields.List(fields.Nested(ScreenNextBuyer))


class ScreenUnit(Schema):
    id = fields.Integer()
    building = fields.String()
    number = fields.String()
    floor = fields.Integer()
    layout = fields.String(allow_none=True)
    gross_area = fields.Decimal(as_string=True, allow_none=True)
    list_price = Money(allow_none=True)
    status = fields.String(metadata={"description": "the unit's status on the board (available, held, subscribed, ...)"})


class LaunchScreen(Schema):
    label = fields.String(allow_none=True, metadata={"description": "the display token's label (null signed in)"})
    project_name = fields.String()
    now = fields.AwareDateTime(metadata={"description": "the server's time, for the screen's countdowns"})
    launch = fields.Nested(ScreenLaunch)
    windows_total = fields.Integer(metadata={"description": "lottery: windows of the drawn order (race: 0)"})
    current_window = fields.Nested(SelectionWindow, allow_none=True,
                                   metadata={"description": "lottery, once selection started; null otherwise"})
    choosing = fields.List(fields.Nested(ScreenBuyer), metadata={"description": "the current window's buyers"})
    next_window = fields.Nested(ScreenNextWindow, allow_none=True)
    sold = fields.Integer(metadata={"description": "units confirmed through 选房"})
    units = fields.List(fields.Nested(ScreenUnit), metadata={"description": "the launch's units, by building, floor"})
