"""Pagination and equality filters for every list route, applied by the gateway to the list
a service returned: `limit` (default 100, max 500), `offset`, `X-Total-Count`, and
`?field=value` on the top-level scalar fields of the response schema. A route whose query
schema declares its own limit/offset (the service pages in SQL) is left alone, and a field
the query schema declares is the service's filter, not the gateway's.

A filter value no item could have is refused, not answered with an empty list: a value
outside the field's choices (its validate.OneOf: `?status=zzz`), a day that is no date,
a number that is no integer, a boolean that is neither: 400 VALIDATION_ERROR, as the
services' own filters answer (their query schemas' OneOf)."""
from datetime import date

from marshmallow import fields, validate

from loupan.schemas import schema_instance
from loupan.errors import Invalid

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
SCALARS = (fields.String, fields.Integer, fields.Boolean, fields.Date, fields.Decimal, fields.UUID)
TRUE, FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})


def declared(schema):
    return set() if schema is None else {f.data_key or n for n, f in schema_instance(schema).fields.items()}


def filter_fields(response_schema):
    """{name: field} of the scalar fields a list may be filtered on."""
    if response_schema is None:
        return {}
    out = {}
    for name, field in schema_instance(response_schema).fields.items():
        instant = isinstance(field, fields.DateTime) and not isinstance(field, fields.Date)
        if isinstance(field, SCALARS) and not instant and not field.load_only:
            out[field.data_key or name] = field
    return out


class Paging:
    """What the gateway does to one list route."""

    def __init__(self, response_schema, query_schema):
        own = declared(query_schema)
        self.slices = not ({"limit", "offset"} & own)
        self.filters = {k: f for k, f in filter_fields(response_schema).items()
                        if k not in own and k not in ("limit", "offset")}
        self.params = ({"limit", "offset"} if self.slices else set()) | set(self.filters)

    def split(self, args):
        """(the gateway's params, the rest for the route's own query schema)."""
        mine = {k: v for k, v in args.items() if k in self.params}
        return mine, {k: v for k, v in args.items() if k not in self.params}

    def parse(self, params):
        limit, offset = DEFAULT_LIMIT, 0
        if self.slices:
            limit = _integer(params.get("limit", DEFAULT_LIMIT), "limit", 1, MAX_LIMIT)
            offset = _integer(params.get("offset", 0), "offset", 0, 10**9)
        wanted = {k: _value(self.filters[k], v, k) for k, v in params.items() if k in self.filters}
        return limit, offset, wanted

    def apply(self, items, params):
        """(the page, the total before slicing); filters compare the JSON values."""
        limit, offset, wanted = params
        if wanted:
            items = [i for i in items if isinstance(i, dict) and all(_matches(i.get(k), v) for k, v in wanted.items())]
        if not self.slices:
            return items, None
        return items[offset:offset + limit], len(items)


def _integer(raw, name, low, high):
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise Invalid(f"{name} must be an integer", "VALIDATION_ERROR") from None
    if not low <= value <= high:
        raise Invalid(f"{name} must be between {low} and {high}", "VALIDATION_ERROR")
    return value


def _value(field, raw, name):
    if isinstance(field, fields.Boolean):
        low = raw.lower()
        if low not in TRUE | FALSE:
            raise Invalid(f"{name} must be true or false", "VALIDATION_ERROR")
        return low in TRUE
    if isinstance(field, fields.Integer):
        return _integer(raw, name, -(2**63), 2**63 - 1)
    if isinstance(field, fields.Date):
        try:
            date.fromisoformat(raw)
        except ValueError:
            raise Invalid(f"{name} must be a date YYYY-MM-DD", "VALIDATION_ERROR") from None
    for check in field.validators:
        if isinstance(check, validate.OneOf) and raw not in check.choices:
            raise Invalid(f"{name} must be one of {', '.join(map(str, check.choices))}", "VALIDATION_ERROR")
    return raw


def _matches(actual, wanted):
    if isinstance(wanted, bool) or isinstance(wanted, int):
        return actual == wanted and type(actual) is type(wanted)
    return actual is not None and str(actual) == wanted
