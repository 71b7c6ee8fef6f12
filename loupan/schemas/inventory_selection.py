"""选房 (selection) contracts between inventory and the gateway: a buyer's hold, 放弃 and
confirmation, their turn as the phone shows it, and the site's view of a launch's windows
(services/inventory/selection.py, docs/launch.md)."""
from marshmallow import Schema, fields, validate

from loupan.schemas.contracts_deals import PAYMENT_METHODS
from loupan.validators import ID, Money

TURN_STATUSES = ("waiting", "open", "passed", "done")


class SelectionWindow(Schema):
    number = fields.Integer(metadata={"description": "the current window, 1 first"})
    opened_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True, metadata={"description": "unless everyone in it finishes first"})
    over = fields.Boolean(metadata={"description": "every window has run: selection is over"})


class BuyerHoldOut(Schema):
    hold_id = fields.Integer()
    unit_id = fields.Integer()
    status = fields.String(metadata={"description": "active, converted (confirmed: a 认购), expired or cancelled"})
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime(metadata={"description": "confirm before: the window's end (lottery)"})
    deal_id = fields.Integer(allow_none=True, metadata={"description": "the 认购 once confirmed"})


class BuyerSelection(Schema):
    current_window = fields.Nested(SelectionWindow, allow_none=True,
                                   metadata={"description": "lottery, once selection started; null otherwise"})
    your_window = fields.Integer(allow_none=True, metadata={"description": "lottery: the buyer's window"})
    status = fields.String(validate=validate.OneOf(TURN_STATUSES),
                           metadata={"description": "waiting, open (may hold and confirm now), passed, done "
                                                    "(confirmed all they may, or gave up)"})
    gave_up = fields.Boolean()
    confirmed = fields.Integer(metadata={"description": "units confirmed (认购 made)"})
    holds = fields.List(fields.Nested(BuyerHoldOut))


class BuyerHoldIn(Schema):
    unit_id = fields.Integer(required=True, strict=True, validate=ID)


class BuyerConfirmIn(Schema):
    payment_method = fields.String(load_default="full", validate=validate.OneOf(PAYMENT_METHODS))
    loan_amount = Money(load_default=None, metadata={"description": "bank part, for a mortgage"})
    deposit = Money(load_default=None, metadata={
        "description": "定金; default the 诚意金 paid, which becomes part of it (never less: 422 DEPOSIT_BELOW_EARNEST)"})


class BuyerConfirmOut(Schema):
    deal_id = fields.Integer()
    deal_status = fields.String(metadata={"description": "submitted: the 认购 waits for the site's 审核"})
    hold_id = fields.Integer()
    unit_id = fields.Integer()
    price = Money()
    deposit = Money(metadata={"description": "定金 of the 认购"})
    earnest = Money(metadata={"description": "the 诚意金 paid, part of the 定金"})


class BuyerConfirmable(Schema):
    """inventory.buyer_confirmable: what the gateway needs to make the 认购 (not for the phone)."""

    hold_id = fields.Integer()
    unit_id = fields.Integer()
    list_price = Money()
    delivery_date = fields.Date(allow_none=True)
    agency_id = fields.Integer()
    project_id = fields.Integer()
    launch_id = fields.Integer()
    registration_id = fields.Integer()
    number = fields.String()
    advisor_id = fields.Integer()
    advisor_name = fields.String(allow_none=True)
    buyer_name = fields.String()
    mobile = fields.String()
    id_number = fields.String()
    earnest = Money()


class ChoosingBuyer(Schema):
    position = fields.Integer()
    number = fields.String(metadata={"description": "认筹号"})
    buyer_name = fields.String(metadata={"description": "masked: 张**"})
    status = fields.String(metadata={"description": "open or done"})
    confirmed = fields.Integer()


class WindowRun(Schema):
    number = fields.Integer()
    opened_at = fields.AwareDateTime()
    opened_reason = fields.String(metadata={"description": "start, time, early or resume"})
    closed_at = fields.AwareDateTime(allow_none=True)
    closed_reason = fields.String(allow_none=True, metadata={"description": "time, early or finish"})
    sold = fields.Integer(metadata={"description": "units confirmed by the window's buyers"})


class SelectionView(Schema):
    launch_id = fields.Integer()
    mode = fields.String()
    status = fields.String()
    units = fields.Integer()
    sold = fields.Integer()
    windows_total = fields.Integer()
    current_window = fields.Nested(SelectionWindow, allow_none=True)
    choosing = fields.List(fields.Nested(ChoosingBuyer))
    windows = fields.List(fields.Nested(WindowRun))
    attempts = fields.Integer(metadata={"description": "race: hold attempts recorded (lottery: 0)"})
