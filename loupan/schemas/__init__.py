"""The marshmallow schemas of each service's RPC inputs and outputs and of the events.

The service validates its inputs with them; the gateway validates HTTP bodies and builds
the OpenAPI document from the same classes, so the two can never disagree.

One module per service and topic, `<service>_<topic>.py` (`inventory_pricing.py` is the
inventory service's price lists, `contracts_deals.py` the contracts service's 认购/签约);
`reports.py` (the report figures every service answers) and `reveals.py` (the reveal log
every service keeps) are shared by all services.
"""
from marshmallow import ValidationError

from loupan.errors import Invalid


_INSTANCES = {}  # schema class -> instance: building a schema costs more than using it


def schema_instance(schema):
    if not isinstance(schema, type):
        return schema
    if schema not in _INSTANCES:
        _INSTANCES[schema] = schema()
    return _INSTANCES[schema]


def dump(schema, obj, many=False):
    """Serialise with a cached instance of `schema` (class or instance)."""
    return schema_instance(schema).dump(obj, many=many)


def load(schema, data, **kwargs):
    """Validate `data` with `schema` (class or instance); a failure becomes
    Invalid(VALIDATION_ERROR) with the field messages, which the gateway answers as 400."""
    try:
        return schema_instance(schema).load(data if data is not None else {}, **kwargs)
    except ValidationError as exc:
        raise Invalid(flatten(exc.messages), "VALIDATION_ERROR") from None


def flatten(messages, prefix=""):
    if isinstance(messages, dict):
        parts = [flatten(v, f"{prefix}{k}.") for k, v in messages.items()]
        return "; ".join(p for p in parts if p)
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return f"{prefix.rstrip('.')}: {' '.join(messages)}"
    if isinstance(messages, list):
        return "; ".join(flatten(m, prefix) for m in messages)
    return f"{prefix.rstrip('.')}: {messages}"
