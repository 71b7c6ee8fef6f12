"""Reports (日报/周报/月报, funnel, channel effectiveness): the services' "figures" RPCs the
gateway composes them from, and the reports' HTTP shapes. Money is decimal text."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

MAX_PERIOD_DAYS = 366
REPORT_PARTS = ("crm", "inventory", "contracts", "finance", "hr")
MONTH = validate.Regexp(r"^(19[7-9]\d|20\d\d)-(0[1-9]|1[0-2])$", error="must be YYYY-MM (1970-2099)")
DAYS = validate.Range(date(1970, 1, 1), date(2099, 12, 31))  # business dates; keeps period maths in range
# The 认知途径 (customer.channel) crm gives a customer a distribution channel brought (its verified
# 带看 or a ruling: services/crm/channels.py, _bring_customer): the lead-source row of 渠道效果
# whose spend includes the channels' commission and whose 认购 include theirs.
DISTRIBUTION_SOURCE = "channel_partner"


# figures RPCs (services → gateway) ------------------------------------------------------
class FiguresQuery(Schema):
    """A period of Asia/Shanghai days, both ends included."""

    start = fields.Date(data_key="from", required=True, validate=DAYS)
    end = fields.Date(data_key="to", required=True, validate=DAYS)

    @validates_schema
    def check_period(self, data, **kwargs):
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None:
            if end < start:
                raise ValidationError("must not be before from", "to")
            if (end - start).days >= MAX_PERIOD_DAYS:
                raise ValidationError(f"at most {MAX_PERIOD_DAYS} days", "to")


class AdvisorCount(Schema):
    advisor_id = fields.Integer(allow_none=True)
    count = fields.Integer()


class AdvisorMoney(AdvisorCount):
    amount = fields.Decimal(places=2, as_string=True)


class AdvisorDeals(AdvisorMoney):
    area = fields.Decimal(places=2, as_string=True, metadata={"description": "建筑面积, m²"})


class StatusCount(Schema):
    status = fields.String()
    count = fields.Integer()


class InventoryFigures(Schema):
    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    holds = fields.List(fields.Nested(AdvisorCount), metadata={"description": "预留 made in the period"})
    units_by_status = fields.List(fields.Nested(StatusCount), metadata={"description": "now"})
    released = fields.Integer(metadata={"description": "units ever put on sale (not unreleased)"})
    sold = fields.Integer(metadata={"description": "units subscribed, signed, filed or delivered"})


class ContractsFigures(Schema):
    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    subscriptions = fields.List(fields.Nested(AdvisorDeals), metadata={"description": "认购 approved in the period"})
    contracts = fields.List(fields.Nested(AdvisorDeals), metadata={"description": "签约 (contract approved)"})


class FinanceFigures(Schema):
    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    receipts = fields.List(fields.Nested(AdvisorMoney), metadata={"description": "valid receipts, every method"})
    mortgage_disbursements = fields.List(fields.Nested(AdvisorMoney),
                                         metadata={"description": "放款: the receipts of method mortgage"})


class ChannelFacts(Schema):
    channel_id = fields.Integer(allow_none=True, metadata={
        "description": "the channel company, or the agency's 全民经纪人 channel (null: it is not made yet)"})
    channel_name = fields.String()
    individual = fields.Boolean(metadata={"description": "the 全民经纪人 row: every broker of no channel"})
    reports = fields.Integer(metadata={"description": "报备 filed in the period, whatever their verdict"})
    visits = fields.Integer(metadata={"description": "带看 verified at reception in the period (result visited)"})
    deals = fields.Integer(metadata={
        "description": "认购: customers who first subscribed in the period while the channel held them (once each)"})


class ChannelFigures(Schema):
    """crm's distribution facts of one project: each channel company active on it or with a
    fact in the period, and the 全民经纪人 as one row when they have one."""

    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    channels = fields.List(fields.Nested(ChannelFacts))


class ChannelBilled(Schema):
    channel_id = fields.Integer()
    channel_name = fields.String(allow_none=True)
    statements = fields.Integer(metadata={"description": "结佣对账单 issued in the period"})
    billed = fields.Decimal(places=2, as_string=True, metadata={
        "description": "their totals: commission, adjustments and reversals billed to the channel"})


class ChannelCommissionFigures(Schema):
    """finance's 分销佣金 of one project billed in a period: statements issued in it (not drafts)."""

    project_id = fields.Integer()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    channels = fields.List(fields.Nested(ChannelBilled))


class HrFiguresQuery(Schema):
    month = fields.String(load_default=None, allow_none=True, validate=MONTH)


class AccountName(Schema):
    account_id = fields.Integer()
    full_name = fields.String()


class SalesTarget(Schema):
    month = fields.String()
    target_units = fields.Integer(allow_none=True, metadata={"description": "null: no target set"})
    target_amount = fields.Decimal(places=2, as_string=True, allow_none=True)
    actual_units = fields.Integer(metadata={"description": "signed in the month (hr's contract facts)"})
    actual_amount = fields.Decimal(places=2, as_string=True)


class HrFigures(Schema):
    project_id = fields.Integer()
    names = fields.List(fields.Nested(AccountName), metadata={"description": "the agency's staff, names only"})
    sales_target = fields.Nested(SalesTarget, allow_none=True, metadata={"description": "null: no month asked"})


# HTTP (gateway → front-ends) ------------------------------------------------------------
class DailyQuery(Schema):
    day = fields.Date(load_default=None, allow_none=True, validate=DAYS,
                      metadata={"description": "default today (Asia/Shanghai)"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


class WeeklyQuery(Schema):
    week_start = fields.Date(load_default=None, allow_none=True, validate=DAYS,
                             metadata={"description": "a Monday; default this week's"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))

    @validates_schema
    def check_monday(self, data, **kwargs):
        if data.get("week_start") is not None and data["week_start"].weekday() != 0:
            raise ValidationError("must be a Monday", "week_start")


class MonthlyQuery(Schema):
    month = fields.String(load_default=None, allow_none=True, validate=MONTH,
                          metadata={"description": "YYYY-MM; default this month"})
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


class FunnelQuery(FiguresQuery):
    by = fields.String(load_default="day", validate=validate.OneOf(("day", "advisor", "channel")))
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "xlsx")))


class ChannelsQuery(MonthlyQuery):
    pass


class Money(Schema):
    count = fields.Integer()
    amount = fields.Decimal(places=2, as_string=True)


class Deals(Money):
    area = fields.Decimal(places=2, as_string=True)


class ReportFigures(Schema):
    calls = fields.Integer(metadata={"description": "来电"})
    visits = fields.Integer(metadata={"description": "上客量: customers' visits"})
    new_leads = fields.Integer(metadata={"description": "customers registered"})
    holds = fields.Integer(metadata={"description": "预留 made"})
    subscriptions = fields.Nested(Deals, metadata={"description": "认购 approved"})
    contracts = fields.Nested(Deals, metadata={"description": "签约"})
    receipts = fields.Nested(Money, metadata={"description": "收款 (valid receipts, mortgage included)"})
    mortgage_disbursements = fields.Nested(Money, metadata={"description": "按揭放款"})


class AdvisorFigures(ReportFigures):
    advisor_id = fields.Integer(allow_none=True, metadata={"description": "null: nobody recorded"})
    name = fields.String(allow_none=True)


class RankingRow(Schema):
    rank = fields.Integer()
    advisor_id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)
    count = fields.Integer()
    area = fields.Decimal(places=2, as_string=True)
    amount = fields.Decimal(places=2, as_string=True)


class VsTarget(Schema):
    month = fields.String()
    target = fields.Decimal(places=2, as_string=True, allow_none=True)
    actual = fields.Decimal(places=2, as_string=True)
    achieved_percent = fields.Decimal(places=2, as_string=True, allow_none=True)


class Missing(Schema):
    part = fields.String(metadata={"description": "crm, inventory, contracts, finance or hr; in 渠道效果 also "
                                                  "distribution (crm's 报备, 带看 and 认购 of the channels) or "
                                                  "commission (finance's 分销佣金 billed)"})
    project_id = fields.Integer(allow_none=True)
    error = fields.String(metadata={"description": "e.g. SERVICE_UNAVAILABLE"})


class Scope(Schema):
    project_id = fields.Integer(allow_none=True, metadata={"description": "null: agency-wide"})
    project_ids = fields.List(fields.Integer())
    kind = fields.String(metadata={"description": "daily, weekly or monthly"})
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")


class Report(Schema):
    scope = fields.Nested(Scope)
    totals = fields.Nested(ReportFigures)
    by_advisor = fields.List(fields.Nested(AdvisorFigures))
    missing = fields.List(fields.Nested(Missing))
    average_price = fields.Decimal(places=2, as_string=True, allow_none=True,
                                   metadata={"description": "weekly/monthly: 成交均价 per m² of the contracts"})
    sell_through = fields.Decimal(places=2, as_string=True, allow_none=True,
                                  metadata={"description": "weekly/monthly: 去化率 %, sold ÷ released, now"})
    sales_vs_target = fields.Nested(VsTarget, allow_none=True,
                                    metadata={"description": "weekly/monthly: the month's signed amount vs target"})
    collection_vs_target = fields.Nested(VsTarget, allow_none=True,
                                         metadata={"description": "weekly/monthly: the month's 回款 vs target"})
    ranking = fields.List(fields.Nested(RankingRow), metadata={"description": "weekly/monthly: by contract amount"})


class ChannelRow(Schema):
    channel = fields.String(metadata={"description": "the lead source (认知途径) code; none: unknown"})
    spend = fields.Decimal(places=2, as_string=True, metadata={
        "description": "advertising spend, and in the channel_partner row also the distribution channels' "
                       "commission billed in the month"})
    commission = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={
        "description": "of spend, the distribution channels' commission billed in the month: the "
                       "distribution rows' sum in the channel_partner row, 0.00 in the others; null where "
                       "finance's commission part is missing"})
    visits = fields.Integer()
    new_leads = fields.Integer()
    deals = fields.Integer(metadata={"description": "认购: customers of the channel who subscribed"})
    cost_per_visit = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={"description": "null: none"})
    cost_per_lead = fields.Decimal(places=2, as_string=True, allow_none=True)
    cost_per_deal = fields.Decimal(places=2, as_string=True, allow_none=True)


class DistributionRow(ChannelFacts):
    """ChannelFacts of the report's month, with what the channel cost."""

    commission = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={
        "description": "分销佣金 billed in the month: the totals of its 结佣对账单 issued then (reversals "
                       "after 退房 net); null where finance's commission part is missing"})
    cost_per_deal = fields.Decimal(places=2, as_string=True, allow_none=True, metadata={
        "description": "commission ÷ deals; null without deals or commission"})


class ChannelsReport(Schema):
    project_id = fields.Integer()
    month = fields.String()
    channels = fields.List(fields.Nested(ChannelRow), metadata={"description": "by lead source (认知途径)"})
    distribution_source = fields.String(metadata={
        "description": "the lead source whose row counts the distribution channels: their customers' 认知途径 "
                       "(channel_partner), its spend including their commission"})
    distribution = fields.List(fields.Nested(DistributionRow), metadata={
        "description": "分销渠道: each channel company active on the project or with a figure in the month, "
                       "and 全民经纪人 as one row"})
    missing = fields.List(fields.Nested(Missing))
