"""finance: mortgage quote (算价), agency commission (代理费/结佣), staff commission (提成)
and sales expenses. Money is a decimal string with two places; rates are percentages
("1.2" = 1.2 %) and ratios fractions ("0.8" = 80 %), decimal strings with up to 4 places."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan import validators
from loupan.roles import ADVISOR, MANAGER, SUPERVISOR
from loupan.validators import Amount, Exact, Money

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="must be a month such as 2026-05")
ID = validate.Range(min=1, max=2**63 - 1)
POSITIVE = validate.Range(min=0, min_inclusive=False)
MORTGAGE_METHODS = ("equal_instalment", "equal_principal")
BILLABLE_CONDITIONS = ("signed", "signed_and_down_payment", "fully_paid")
COMMISSION_KINDS = ("per_unit", "percent", "tiered")
COMMISSION_ROLES = (ADVISOR, SUPERVISOR, MANAGER)
EXPENSE_CATEGORIES = ("advertising", "events", "site", "staff", "other")


def Percent(high=100, **kwargs):
    """A rate: the kernel's percent with 4 places, kept as given ("1.2" stays "1.2")."""
    return validators.Percent(high, places=4, pad=False, **kwargs)


def Ratio(high, **kwargs):
    return Exact(0, high, 4, pad=False, **kwargs)


def _distinct(rows, key, field, what):
    values = [key(row) for row in rows]
    if len(values) != len(set(values)):
        raise ValidationError(f"each {what} may appear once", field)


# mortgage quote ----------------------------------------------------------------------------
class MortgageQuery(Schema):
    principal = Money(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1_000_000_000),
                      metadata={"description": "loan amount, CNY, > 0"})
    years = fields.Integer(required=True, validate=validate.Range(1, 30))
    annual_rate = Percent(20, required=True, metadata={"description": "annual rate, percent 0–20 (\"4.9\")"})
    method = fields.String(required=True, validate=validate.OneOf(MORTGAGE_METHODS),
                           metadata={"description": "equal_instalment 等额本息 or equal_principal 等额本金"})


class MortgageLine(Schema):
    period = fields.Integer()
    payment = Amount()
    principal = Amount()
    interest = Amount()
    remaining = Amount()


class MortgageQuote(Schema):
    principal = Amount()
    years = fields.Integer()
    months = fields.Integer()
    annual_rate = fields.Decimal(as_string=True)
    method = fields.String(validate=validate.OneOf(MORTGAGE_METHODS))
    # the headline: the bank calculators' figures (docs/money.md)
    monthly_payment = Amount(metadata={"description": "headline: the first month's payment (exact, rounded half-up)"})
    monthly_decrease = Amount(allow_none=True, metadata={
        "description": "headline, 等额本金: how much less each month pays (exact, rounded half-up); null for 等额本息"})
    last_payment = Amount(metadata={"description": "headline: the last month's payment (exact, rounded half-up)"})
    total_interest = Amount(metadata={"description": "headline: from the exact schedule, rounded half-up once"})
    total_paid = Amount(metadata={"description": "headline: principal + total_interest"})
    headline_rounding = fields.String(metadata={
        "description": "half_up_from_exact: each headline figure is the exact closed form rounded half-up (四舍五入)"})
    # the ledger: what is paid in cents, month by month
    schedule_rounding = fields.String(metadata={
        "description": "cent_ledger_remainder_to_last: each line in cents, the last line takes the remainder"})
    schedule_total_interest = Amount(metadata={"description": "the sum of the schedule's interest lines"})
    schedule_total_paid = Amount(metadata={"description": "the sum of the schedule's payments"})
    schedule = fields.List(fields.Nested(MortgageLine))


# agency commission -------------------------------------------------------------------------
class AgencyTier(Schema):
    from_ratio = Ratio(1, required=True, metadata={"description": "sell-through from which the rate applies"})
    rate = Percent(required=True)


class AgencyTermsIn(Schema):
    """代理费 terms: the base rate on the signed amount, replaced by the highest sell-through
    tier reached (去化率 = signed units ÷ total_units)."""

    base_rate = Percent(required=True)
    tiers = fields.List(fields.Nested(AgencyTier), load_default=list, validate=validate.Length(max=20))
    total_units = fields.Integer(strict=True, required=True, validate=validate.Range(1, 100000),
                                 metadata={"description": "units of the project, for the sell-through"})
    billable_when = fields.String(load_default="signed_and_down_payment",
                                  validate=validate.OneOf(BILLABLE_CONDITIONS),
                                  metadata={"description": "signed, signed_and_down_payment or fully_paid"})

    @validates_schema
    def check_tiers(self, data, **kwargs):
        _distinct(data.get("tiers") or [], lambda t: t["from_ratio"], "tiers", "from_ratio")


class AgencyTermsOut(AgencyTermsIn):
    project_id = fields.Integer()
    set_by = fields.Integer()
    set_at = fields.AwareDateTime()


class AgencyStatementIn(Schema):
    period_from = fields.Date(required=True)
    period_to = fields.Date(required=True, metadata={"description": "deals billable by this day are settled"})

    @validates_schema
    def check_period(self, data, **kwargs):
        if data.get("period_from") and data.get("period_to") and data["period_from"] > data["period_to"]:
            raise ValidationError({"period_to": ["must not be before period_from"]})


class AgencyLineOut(Schema):
    deal_id = fields.Integer()
    kind = fields.String(metadata={"description": "fee, or reversal of a settled deal since cancelled"})
    unit_label = fields.String(allow_none=True)
    price = Amount()
    rate = fields.String(metadata={"description": "percent"})
    amount = Amount()


class StatementPayIn(Schema):
    """A statement paid out (结佣 received, 提成 paid); both optional (no load_default: optional
    in the generated types)."""

    paid_on = fields.Date(allow_none=True, metadata={
        "description": "the day paid; default today, not in the future nor before the statement"})
    payment_ref = fields.String(allow_none=True, validate=validate.Length(max=60),
                                metadata={"description": "bank slip or voucher number"})


class _Paid(Schema):
    provisional = fields.Boolean(metadata={"description": "true: a preview, computed now and written nowhere"})
    paid = fields.Boolean(metadata={"description": "paid out; a paid statement is never changed"})
    paid_by = fields.Integer(allow_none=True)
    paid_by_name = fields.String(allow_none=True, metadata={"description": "who marked it paid (gateway, from hr)"})
    paid_at = fields.AwareDateTime(allow_none=True, metadata={"description": "when it was marked paid"})
    paid_on = fields.Date(allow_none=True, metadata={"description": "the day it was paid"})
    payment_ref = fields.String(allow_none=True)


class AgencyStatementOut(_Paid):
    id = fields.Integer(allow_none=True, metadata={"description": "null in a preview"})
    project_id = fields.Integer()
    number = fields.Integer(allow_none=True, metadata={"description": "null in a preview"})
    period_from = fields.Date()
    period_to = fields.Date()
    as_of = fields.Date(metadata={"description": "the state counted: period_to, or today in a preview of a "
                                                 "running period"})
    signed_units = fields.Integer()
    total_units = fields.Integer()
    sell_through = fields.Decimal(as_string=True, metadata={"description": "去化率, four decimals"})
    rate = fields.String(metadata={"description": "percent applied to the new fees"})
    total = Amount()
    issued_by = fields.Integer(allow_none=True)
    issued_by_name = fields.String(allow_none=True, metadata={"description": "who issued it (gateway, from hr)"})
    issued_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(AgencyLineOut))


# staff commission --------------------------------------------------------------------------
class CommissionTier(Schema):
    from_ratio = Ratio(100, required=True, metadata={"description": "the month's signed amount ÷ target"})
    rate = Percent(required=True)


class CommissionRuleIn(Schema):
    """One entry: a role's commission on its own deals (kind), and for a supervisor or
    manager an override on every other deal of the project. account_ids: who the entry is
    for; an advisor entry without them is the default for every seller."""

    role = fields.String(required=True, validate=validate.OneOf(COMMISSION_ROLES))
    account_ids = fields.List(fields.Integer(strict=True, validate=ID), load_default=list,
                              validate=validate.Length(max=500))
    kind = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(COMMISSION_KINDS),
                         metadata={"description": "per_unit, percent or tiered; null: no own commission"})
    amount = Money(allow_none=True, load_default=None,
                   metadata={"description": "per_unit: CNY per signed unit"})
    rate = Percent(allow_none=True, load_default=None, metadata={"description": "percent: of the deal price"})
    monthly_target = Money(allow_none=True, load_default=None, validate=POSITIVE,
                           metadata={"description": "tiered: the seller's monthly signed-amount target"})
    tiers = fields.List(fields.Nested(CommissionTier), load_default=list, validate=validate.Length(max=20),
                        metadata={"description": "tiered: rate by the month's signed amount ÷ target"})
    override_rate = Percent(allow_none=True, load_default=None,
                            metadata={"description": "supervisor/manager: percent of every other deal's price"})

    @validates_schema
    def check_entry(self, data, **kwargs):
        kind, role = data.get("kind"), data.get("role")
        needs = {"per_unit": ("amount",), "percent": ("rate",), "tiered": ("monthly_target", "tiers")}
        for name in needs.get(kind, ()):
            if not data.get(name):
                raise ValidationError({name: [f"required for kind {kind}"]})
        if kind is None and not data.get("override_rate"):
            raise ValidationError({"kind": ["give a kind, an override_rate, or both"]})
        if data.get("override_rate") and role == ADVISOR:
            raise ValidationError({"override_rate": ["only a supervisor or manager entry has an override"]})
        if role != ADVISOR and not data.get("account_ids"):
            raise ValidationError({"account_ids": [f"name the {role}s this entry is for"]})
        _distinct(data.get("tiers") or [], lambda t: t["from_ratio"], "tiers", "from_ratio")


class CommissionRulesIn(Schema):
    rules = fields.List(fields.Nested(CommissionRuleIn), required=True, validate=validate.Length(min=1, max=50))

    @validates_schema
    def check_rules(self, data, **kwargs):
        rules = data.get("rules") or []
        if sum(1 for r in rules if r["role"] == ADVISOR and not r["account_ids"]) > 1:
            raise ValidationError("one default advisor entry at most", "rules")
        named = [a for r in rules for a in r["account_ids"]]
        if len(named) != len(set(named)):
            raise ValidationError("an account may be named in one entry only", "rules")


class CommissionRulesOut(CommissionRulesIn):
    project_id = fields.Integer()
    set_by = fields.Integer()
    set_at = fields.AwareDateTime()


class MonthIn(Schema):
    month = fields.String(required=True, validate=MONTH, metadata={"description": "YYYY-MM"})


class CommissionQuery(Schema):
    month = fields.String(validate=MONTH, metadata={"description": "YYYY-MM"})
    account_id = fields.Integer(validate=ID, metadata={"description": "advisors and supervisors: their own only"})
    project_id = fields.Integer(validate=ID)


class CommissionLineOut(Schema):
    deal_id = fields.Integer()
    kind = fields.String(metadata={"description": "accrual, adjustment, or clawback of a cancelled deal"})
    price = Amount()
    collected = Amount(metadata={"description": "collected on the deal by the month end"})
    due = Amount(metadata={"description": "the person's commission on the deal by the rules at the month end"})
    amount = Amount(metadata={"description": "this statement's part: due − earlier statements"})


class CommissionStatementOut(_Paid):
    id = fields.Integer(allow_none=True, metadata={"description": "null in a preview"})
    project_id = fields.Integer()
    month = fields.String()
    account_id = fields.Integer()
    account_name = fields.String(allow_none=True, metadata={"description": "whose statement (gateway, from hr)"})
    total = Amount()
    issued_at = fields.AwareDateTime(allow_none=True)
    lines = fields.List(fields.Nested(CommissionLineOut))


class CommissionRunOut(Schema):
    project_id = fields.Integer()
    month = fields.String()
    as_of = fields.Date(metadata={"description": "the state counted: the month end, or today in a preview"})
    provisional = fields.Boolean(metadata={"description": "true: a preview, computed now and written nowhere"})
    issued_by = fields.Integer(allow_none=True)
    issued_at = fields.AwareDateTime(allow_none=True)
    total = Amount()
    statements = fields.List(fields.Nested(CommissionStatementOut))


# expenses ----------------------------------------------------------------------------------
class _Category(Schema):
    category = fields.String(required=True, validate=validate.OneOf(EXPENSE_CATEGORIES))
    channel = fields.String(load_default="", validate=validate.Length(max=40),
                            metadata={"description": "advertising: the channel (e.g. online, outdoor)"})
    medium = fields.String(load_default="", validate=validate.Length(max=40),
                           metadata={"description": "advertising: the medium (e.g. 抖音, 地铁灯箱)"})

    @validates_schema
    def check_channel(self, data, **kwargs):
        if data.get("category") != "advertising" and (data.get("channel") or data.get("medium")):
            raise ValidationError({"channel": ["only advertising has a channel and medium"]})


class BudgetLine(_Category):
    amount = Money(required=True)


class BudgetIn(Schema):
    """The month's budget, replacing what was set for it."""

    lines = fields.List(fields.Nested(BudgetLine), required=True, validate=validate.Length(max=200))

    @validates_schema
    def check_distinct(self, data, **kwargs):
        _distinct(data.get("lines") or [], lambda r: (r["category"], r["channel"], r["medium"]), "lines",
                  "category, channel and medium")


class BudgetOut(BudgetIn):
    project_id = fields.Integer()
    month = fields.String()
    total = Amount()
    set_by = fields.Integer(allow_none=True)
    set_at = fields.AwareDateTime(allow_none=True)


class ExpenseIn(_Category):
    month = fields.String(required=True, validate=MONTH)
    amount = Money(required=True, validate=validate.Range(min=0, min_inclusive=False, max=1_000_000_000))
    note = fields.String(load_default="", validate=validate.Length(max=300))


class ExpenseOut(ExpenseIn):
    id = fields.Integer()
    project_id = fields.Integer()
    recorded_by = fields.Integer()
    recorded_at = fields.AwareDateTime()


class BudgetVsActual(Schema):
    category = fields.String(validate=validate.OneOf(EXPENSE_CATEGORIES))
    channel = fields.String()
    budget = Amount()
    actual = Amount()
    remaining = Amount(metadata={"description": "budget − actual (negative: overspent)"})


class ExpenseReport(Schema):
    project_id = fields.Integer()
    month = fields.String()
    categories = fields.List(fields.Nested(BudgetVsActual), metadata={"description": "per category"})
    channels = fields.List(fields.Nested(BudgetVsActual), metadata={"description": "advertising per channel"})
    total_budget = Amount()
    total_actual = Amount()
    signed_amount = Amount(metadata={"description": "deals signed in the month and not cancelled"})
    ratio_to_sales = fields.Decimal(as_string=True, allow_none=True,
                                    metadata={"description": "actual ÷ signed amount, 4 decimals; null: no sales"})
    expenses = fields.List(fields.Nested(ExpenseOut))


class ChannelSpend(Schema):
    channel = fields.String()
    amount = Amount()
