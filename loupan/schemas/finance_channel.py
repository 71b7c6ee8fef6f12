"""finance: 分销佣金, what the agency owes its channels (分销商, 全民经纪人) for the deals they
brought (issue 19): each project's billable condition, channels' terms (versions), channel
deals, statements (draft -> issued -> confirmed by the channel / disputed) and the cost per
deal of each channel. Money is a decimal string with two places; rates are percentages
("1.5" = 1.5 %), decimal strings with up to 4 places."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan import validators
from loupan.validators import ID, Amount, Money

TERMS_KINDS = ("per_unit", "percent", "tiered")
TIER_PERIODS = ("month", "quarter")
BILLABLE_CONDITIONS = ("signed", "signed_and_down_payment")
DEAL_STATES = ("pending", "billable", "billed", "reversed")
STATEMENT_STATUSES = ("draft", "issued", "confirmed", "disputed")
LINE_KINDS = ("commission", "adjustment", "reversal")
POSITIVE = validate.Range(min=0, min_inclusive=False)


def Percent(**kwargs):
    return validators.Percent(100, places=4, pad=False, **kwargs)


# the project's billable condition -------------------------------------------------------------
class ChannelBillingIn(Schema):
    billable_when = fields.String(required=True, validate=validate.OneOf(BILLABLE_CONDITIONS), metadata={
        "description": "signed, or signed_and_down_payment (the 定金 and 首付 received in full)"})


class ChannelBillingOut(ChannelBillingIn):
    project_id = fields.Integer()
    set_by = fields.Integer(allow_none=True, metadata={"description": "null: the default, never set"})
    set_at = fields.AwareDateTime(allow_none=True)


# terms ---------------------------------------------------------------------------------------
class ChannelTier(Schema):
    from_units = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100000), metadata={
        "description": "the tier applies from this many units of the channel in the period"})
    rate = Percent(required=True)


class LaunchBonus(Schema):
    amount = Money(required=True, validate=POSITIVE, metadata={"description": "¥ per deal signed within the dates"})
    from_on = fields.Date(required=True)
    to_on = fields.Date(required=True)

    @validates_schema
    def check_dates(self, data, **kwargs):
        if data.get("from_on") and data.get("to_on") and data["from_on"] > data["to_on"]:
            raise ValidationError({"to_on": ["must not be before from_on"]})


class ChannelTermsIn(Schema):
    """A new version of a channel's terms at the project, in force from `effective_from` for
    deals signed from that day (the latest version of the latest date wins)."""

    channel_id = fields.Integer(strict=True, required=True, validate=ID, metadata={
        "description": "the channel (crm's 分销商 or 全民经纪人)"})
    channel_name = fields.String(allow_none=True, validate=validate.Length(max=100))
    effective_from = fields.Date(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(TERMS_KINDS), metadata={
        "description": "per_unit (amount ¥ per deal), percent (rate % of the signed amount), tiered (跳点: "
                       "the rate of the tier the channel's units in the period reached, for the whole period)"})
    amount = Money(allow_none=True, validate=POSITIVE, metadata={"description": "per_unit: ¥ per deal"})
    rate = Percent(allow_none=True, metadata={"description": "percent: % of the signed amount"})
    tiers = fields.List(fields.Nested(ChannelTier), validate=validate.Length(max=20))
    tier_period = fields.String(load_default="month", validate=validate.OneOf(TIER_PERIODS), metadata={
        "description": "tiered: units counted per calendar month or quarter of signing"})
    launch_bonus = fields.Nested(LaunchBonus, allow_none=True, metadata={
        "description": "开盘奖励: ¥ per deal signed within the dates, on top of any kind"})

    @validates_schema
    def check_kind(self, data, **kwargs):
        kind = data.get("kind")
        if kind == "per_unit" and data.get("amount") is None:
            raise ValidationError({"amount": ["required for per_unit terms"]})
        if kind == "percent" and data.get("rate") is None:
            raise ValidationError({"rate": ["required for percent terms"]})
        if kind == "tiered":
            tiers = data.get("tiers") or []
            if not tiers:
                raise ValidationError({"tiers": ["required for tiered terms"]})
            if len({t["from_units"] for t in tiers}) != len(tiers):
                raise ValidationError({"tiers": ["each from_units may appear once"]})


class ChannelTermsOut(ChannelTermsIn):
    id = fields.Integer()
    project_id = fields.Integer()
    version = fields.Integer()
    set_by = fields.Integer()
    set_at = fields.AwareDateTime()
    in_use = fields.Boolean(metadata={"description": "an issued statement was drawn with it: it stays"})


class ChannelTermsQuery(Schema):
    channel_id = fields.Integer(validate=ID, metadata={"description": "one channel's versions only"})


# channel deals -------------------------------------------------------------------------------
class ChannelDealOut(Schema):
    deal_id = fields.Integer()
    project_id = fields.Integer()
    channel_id = fields.Integer()
    channel_name = fields.String(allow_none=True)
    broker_name = fields.String(allow_none=True)
    customer_id = fields.Integer(allow_none=True)
    unit_label = fields.String(allow_none=True)
    amount = Amount(metadata={"description": "the signed amount (after 换房, the new unit's)"})
    signed_on = fields.Date()
    billable_on = fields.Date(allow_none=True)
    ended_on = fields.Date(allow_none=True)
    end_reason = fields.String(allow_none=True, metadata={"description": "cancelled (退房) or attribution_ended"})
    state = fields.String(validate=validate.OneOf(DEAL_STATES))
    stated = Amount(metadata={"description": "stated on issued statements so far, all lines together"})


# statements ----------------------------------------------------------------------------------
class ChannelStatementIn(Schema):
    channel_id = fields.Integer(strict=True, required=True, validate=ID)
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True, metadata={
        "description": "what the rules give by this day (not in the future), minus what was stated before"})

    @validates_schema
    def check_period(self, data, **kwargs):
        if data.get("period_from") and data.get("period_to") and data["period_from"] > data["period_to"]:
            raise ValidationError({"period_to": ["must not be before period_from"]})


class ChannelStatementQuery(Schema):
    channel_id = fields.Integer(validate=ID, metadata={"description": "one channel's statements only"})


class ConfirmIn(Schema):
    """The channel's confirmation, recorded by finance (the channel's own sign-in is to come)."""

    confirmed_on = fields.Date(required=True, metadata={"description": "the day the channel confirmed it"})
    confirmed_by_name = fields.String(required=True, validate=[validate.Length(min=1, max=50),
                                                               validators.not_blank],
                                      metadata={"description": "who confirmed it at the channel"})


class DisputeIn(Schema):
    reason = fields.String(required=True, validate=[validate.Length(min=1, max=300), validators.not_blank])


class ChannelLineOut(Schema):
    deal_id = fields.Integer()
    kind = fields.String(validate=validate.OneOf(LINE_KINDS))
    unit_label = fields.String(allow_none=True)
    signed_on = fields.Date()
    basis = Amount(metadata={"description": "the signed amount priced"})
    rate = fields.String(allow_none=True, metadata={"description": "percent applied (percent, tiered)"})
    units_in_period = fields.Integer(allow_none=True, metadata={"description": "tiered: the units of the period"})
    bonus = Amount()
    due = Amount(metadata={"description": "due by the rules when drawn, all statements together"})
    amount = Amount(metadata={"description": "this line: due minus what earlier statements stated"})
    terms_id = fields.Integer(allow_none=True)


class ChannelStatementOut(Schema):
    id = fields.Integer()
    project_id = fields.Integer()
    channel_id = fields.Integer()
    channel_name = fields.String(allow_none=True)
    number = fields.Integer(allow_none=True, metadata={"description": "null while a draft"})
    period_from = fields.Date()
    period_to = fields.Date()
    status = fields.String(validate=validate.OneOf(STATEMENT_STATUSES))
    total = Amount()
    drawn_by = fields.Integer()
    drawn_by_name = fields.String(allow_none=True)
    drawn_at = fields.AwareDateTime()
    issued_by = fields.Integer(allow_none=True)
    issued_by_name = fields.String(allow_none=True)
    issued_at = fields.AwareDateTime(allow_none=True)
    confirmed_on = fields.Date(allow_none=True)
    confirmed_by_name = fields.String(allow_none=True, metadata={"description": "who confirmed it at the channel"})
    confirmation_recorded_by = fields.Integer(allow_none=True)
    confirmation_recorded_by_name = fields.String(allow_none=True)
    disputed_reason = fields.String(allow_none=True)
    disputed_recorded_by = fields.Integer(allow_none=True)
    disputed_recorded_by_name = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the channel's confirmation or dispute was recorded"})
    lines = fields.List(fields.Nested(ChannelLineOut))


# what a channel's broker sees of it (gateway/routes/brokers.py) ----------------------------------
class BrokerStatementOut(Schema):
    """An issued statement as the channel reads it: no staff ids."""
    id = fields.Integer()
    project_id = fields.Integer()
    channel_id = fields.Integer()
    channel_name = fields.String(allow_none=True)
    number = fields.Integer()
    period_from = fields.Date()
    period_to = fields.Date()
    status = fields.String(validate=validate.OneOf(STATEMENT_STATUSES), metadata={
        "description": "issued (to confirm), confirmed, disputed"})
    total = Amount()
    issued_at = fields.AwareDateTime()
    confirmed_on = fields.Date(allow_none=True)
    confirmed_by_name = fields.String(allow_none=True, metadata={"description": "who confirmed it at the channel"})
    disputed_reason = fields.String(allow_none=True)
    lines = fields.List(fields.Nested(ChannelLineOut))


class BrokerCommissionOut(Schema):
    deals = fields.List(fields.Nested(ChannelDealOut), metadata={
        "description": "the channel's deals (a 全民经纪人: the deals they brought), every project"})
    statements = fields.List(fields.Nested(BrokerStatementOut), metadata={
        "description": "the channel's issued statements, oldest first (none for a 全民经纪人: the 全民经纪人 "
                       "channel's statements are paid by the office)"})


class BrokerConfirmIn(Schema):
    confirmed_by_name = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=1, max=50),
                                      metadata={"description": "who confirms at the channel; the broker's name "
                                                               "when left out"})


# the cost per deal of each channel ---------------------------------------------------------------
class ChannelCostsQuery(Schema):
    start = fields.Date(required=True, data_key="from")
    end = fields.Date(required=True, data_key="to")

    @validates_schema
    def check_period(self, data, **kwargs):
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError({"to": ["must not be before from"]})


class ChannelCostOut(Schema):
    channel_id = fields.Integer()
    channel_name = fields.String(allow_none=True)
    deals = fields.Integer(metadata={"description": "the channel's deals signed in the period, not cancelled"})
    commission = Amount(metadata={"description": "what they earn by the terms, billable or not yet"})
    stated = Amount(metadata={"description": "of which stated on issued statements"})
    cost_per_deal = Amount(allow_none=True, metadata={"description": "commission ÷ deals; null without deals"})


class ChannelCostsOut(Schema):
    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    channels = fields.List(fields.Nested(ChannelCostOut))
