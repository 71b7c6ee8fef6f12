"""hr evaluation: sales targets (销售目标/定额), teams, scorecard weights, the monthly
scorecard with its ranking, and the quarter's 销售之星."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.validators import Amount, Money

MONTH = validate.Regexp(r"^\d{4}-(0[1-9]|1[0-2])$", error="must be a month such as 2026-05")
QUARTER = validate.Regexp(r"^\d{4}-Q[1-4]$", error="must be a quarter such as 2026-Q2")
UNITS = validate.Range(0, 100_000)  # units sold in a period: a project has fewer
WEIGHT = validate.Range(0, 100)
ID = validate.Range(min=1, max=2**63 - 1)


def _distinct(rows, key, field):
    ids = [row[key] for row in rows]
    if len(ids) != len(set(ids)):
        raise ValidationError(f"each {key} may appear once", field)


class MonthQuery(Schema):
    month = fields.String(required=True, validate=MONTH, metadata={"description": "YYYY-MM"})


class QuarterQuery(Schema):
    quarter = fields.String(required=True, validate=QUARTER, metadata={"description": "YYYY-Qn"})


class Figures(Schema):
    units = fields.Integer(strict=True, required=True, validate=UNITS)
    amount = Money(required=True, metadata={"description": "signed amount, CNY"})
    collections = Money(required=True, metadata={"description": "回款, CNY"})


class TeamTargetIn(Figures):
    supervisor_id = fields.Integer(strict=True, required=True, validate=ID)


class AdvisorTargetIn(Figures):
    advisor_id = fields.Integer(strict=True, required=True, validate=ID)


class TargetsIn(Schema):
    """The month's target of the project and its split. The advisors' shares must add up
    exactly to the project's; a team's share must equal the sum of its advisors' shares."""

    project = fields.Nested(Figures, required=True)
    teams = fields.List(fields.Nested(TeamTargetIn), load_default=list, validate=validate.Length(max=200))
    advisors = fields.List(fields.Nested(AdvisorTargetIn), required=True,
                           validate=validate.Length(min=1, max=1000))

    @validates_schema
    def check_distinct(self, data, **kwargs):
        _distinct(data.get("teams") or [], "supervisor_id", "teams")
        _distinct(data.get("advisors") or [], "advisor_id", "advisors")


class FiguresOut(Schema):
    units = fields.Integer()
    amount = Amount()
    collections = Amount()
    actual_units = fields.Integer(metadata={"description": "units signed this month"})
    actual_amount = Amount(metadata={"description": "amount signed this month"})


class TeamTargetOut(FiguresOut):
    supervisor_id = fields.Integer()
    full_name = fields.String()
    advisor_ids = fields.List(fields.Integer())


class AdvisorTargetOut(FiguresOut):
    advisor_id = fields.Integer()
    full_name = fields.String()


class TargetsOut(Schema):
    project_id = fields.Integer()
    month = fields.String()
    project = fields.Nested(FiguresOut, allow_none=True, metadata={"description": "null: no target set"})
    teams = fields.List(fields.Nested(TeamTargetOut))
    advisors = fields.List(fields.Nested(AdvisorTargetOut))
    set_by = fields.Integer(allow_none=True)
    set_at = fields.AwareDateTime(allow_none=True)


class TeamIn(Schema):
    supervisor_id = fields.Integer(strict=True, required=True, validate=ID)
    advisor_ids = fields.List(fields.Integer(strict=True, validate=ID), required=True,
                              validate=validate.Length(max=200))


class TeamsIn(Schema):
    """The site's teams: each supervisor with the advisors listed for them (replaces all)."""

    teams = fields.List(fields.Nested(TeamIn), required=True, validate=validate.Length(max=200))

    @validates_schema
    def check_distinct(self, data, **kwargs):
        teams = data.get("teams") or []
        _distinct(teams, "supervisor_id", "teams")
        advisors = [a for t in teams for a in t["advisor_ids"]]
        if len(advisors) != len(set(advisors)):
            raise ValidationError("an advisor may be in one team only", "teams")


class TeamOut(Schema):
    supervisor_id = fields.Integer()
    full_name = fields.String()
    advisor_ids = fields.List(fields.Integer())


class TeamsOut(Schema):
    project_id = fields.Integer()
    teams = fields.List(fields.Nested(TeamOut))


class WeightsIn(Schema):
    """考核权重: whole percentages per component, adding up to exactly 100 (422 otherwise)."""

    units = fields.Integer(strict=True, required=True, validate=WEIGHT)
    amount = fields.Integer(strict=True, required=True, validate=WEIGHT)
    leads = fields.Integer(strict=True, required=True, validate=WEIGHT)
    complaints = fields.Integer(strict=True, required=True, validate=WEIGHT)
    satisfaction = fields.Integer(strict=True, required=True, validate=WEIGHT)
    attendance = fields.Integer(strict=True, required=True, validate=WEIGHT)


class WeightsOut(WeightsIn):
    project_id = fields.Integer()
    is_default = fields.Boolean(metadata={"description": "true: no weights set, the defaults apply"})
    set_by = fields.Integer(allow_none=True)
    set_at = fields.AwareDateTime(allow_none=True)


class Component(Schema):
    name = fields.String(metadata={"description": "units, amount, leads, complaints, satisfaction or attendance"})
    label = fields.String()
    raw = fields.Decimal(as_string=True, allow_none=True, metadata={"description": "the advisor's figure"})
    reference = fields.Decimal(as_string=True, allow_none=True,
                               metadata={"description": "target, site median or scale it is measured against"})
    score = Amount(metadata={"description": "normalised 0–100"})
    weight = fields.Integer()
    contribution = Amount(metadata={"description": "score × weight ÷ 100, half-up to 2 decimals"})
    basis = fields.String(metadata={"description": "how the score was worked out"})


class Card(Schema):
    account_id = fields.Integer()
    full_name = fields.String()
    month = fields.String()
    rank = fields.Integer()
    total = Amount(metadata={"description": "the sum of the contributions"})
    units_signed = fields.Integer()
    amount_signed = Amount()
    components = fields.List(fields.Nested(Component))


class Ranking(Schema):
    project_id = fields.Integer()
    month = fields.String()
    weights = fields.Nested(WeightsIn)
    cards = fields.List(fields.Nested(Card), metadata={"description": "best first"})


class MonthTotal(Schema):
    month = fields.String()
    total = Amount()


class Standing(Schema):
    account_id = fields.Integer()
    full_name = fields.String()
    rank = fields.Integer()
    average_total = Amount()
    units_signed = fields.Integer()
    amount_signed = Amount()
    month_totals = fields.List(fields.Nested(MonthTotal))


class SalesStar(Schema):
    project_id = fields.Integer()
    quarter = fields.String()
    star = fields.Nested(Standing, allow_none=True, metadata={"description": "销售之星; null if no advisor"})
    standings = fields.List(fields.Nested(Standing))
