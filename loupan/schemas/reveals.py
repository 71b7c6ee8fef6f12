"""The log of full mobile numbers shown to managers and directors (PIPL, issue 13), and of
applicants' numbers shown to hr and directors (issue 30): what
the director asks of it and what each row says (loupan/reveals.py writes it)."""
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from loupan.reveals import KINDS, MAX_ROWS
from loupan.roles import ROLES

SERVICES = ("crm", "inventory", "contracts", "hr")  # hr: applicants' numbers
MAX_LIMIT, MAX_OFFSET = 500, MAX_ROWS - 500


class DataRevealQuery(Schema):
    """GET /api/data-reveals: newest first, merged over the services that log reveals."""
    project_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**63 - 1))
    account_id = fields.Integer(load_default=None, validate=validate.Range(1, 2**63 - 1),
                                metadata={"description": "the manager or director who saw the numbers"})
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS))
    service = fields.String(load_default=None, validate=validate.OneOf(SERVICES),
                            metadata={"description": "only the reveals logged by this service"})
    start = fields.Date(data_key="from", load_default=None, allow_none=True,
                        metadata={"description": "first day (Asia/Shanghai)"})
    end = fields.Date(data_key="to", load_default=None, allow_none=True,
                      metadata={"description": "last day, inclusive (Asia/Shanghai)"})
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_LIMIT))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, MAX_OFFSET))

    @validates_schema
    def check_period(self, data, **kwargs):
        if data.get("start") is not None and data.get("end") is not None and data["end"] < data["start"]:
            raise ValidationError("must not be before from", "to")


class DataRevealRpcQuery(DataRevealQuery):
    """What the gateway asks each service: the first offset + limit rows of the merged page."""
    limit = fields.Integer(load_default=100, validate=validate.Range(1, MAX_ROWS))


class DataRevealOut(Schema):
    service = fields.String(metadata={"description": "crm, inventory, contracts or hr (applicants' numbers): whose log (ids are per service)"})
    id = fields.Integer()
    project_id = fields.Integer()
    account_id = fields.Integer(metadata={"description": "who saw the full number"})
    username = fields.String(allow_none=True)
    role = fields.String(validate=validate.OneOf(ROLES),
                         metadata={"description": "manager or director (hr's log: hr or director)"})
    customer_id = fields.Integer(allow_none=True, metadata={"description": "the crm customer, when known"})
    hold_id = fields.Integer(allow_none=True)
    deal_id = fields.Integer(allow_none=True)
    candidate_id = fields.Integer(allow_none=True, metadata={"description": "hr's applicant, in hr's log"})
    masked_mobile = fields.String(metadata={"description": "the number revealed, masked (138****5678): the "
                                                           "log never holds a full number"})
    kind = fields.String(metadata={"description": "list, detail or export"})
    entrypoint = fields.String(metadata={"description": "where: the service entrypoint that answered"})
    revealed_at = fields.AwareDateTime()
