"""A list filter with a value no item could have is refused (400 VALIDATION_ERROR), never
answered `200 []`: the gateway's equality filters check the value against the response
field's choices (gateway/paging.py), and every list route declares the choices of its
enumerated fields, so `?status=zzz` is a 400 on all of them."""
import inspect

import pytest
from marshmallow import Schema, fields, validate

from gateway.http import JsonRoute
from gateway.paging import Paging
from loupan.errors import Invalid

ENUM_NAMES = {"status", "kind", "role", "stage", "method", "grade", "rule", "format", "from_status", "to_status",
              "channel", "assignment", "step", "employment_status", "visitor_kind", "severity", "category"}


class ItemOut(Schema):
    id = fields.Integer()
    status = fields.String(validate=validate.OneOf(("available", "sold")))
    day = fields.Date()


ITEMS = [{"id": 1, "status": "available", "day": "2026-12-01"}, {"id": 2, "status": "sold", "day": "2026-12-02"}]


def filtered(**args):
    paging = Paging(ItemOut, None)
    mine, _ = paging.split(args)
    return paging.apply(ITEMS, paging.parse(mine))[0]


def test_a_known_value_filters_and_an_unknown_one_is_400():
    assert [i["id"] for i in filtered(status="sold")] == [2]
    assert [i["id"] for i in filtered(day="2026-12-01")] == [1]
    for bad in ({"status": "zzz"}, {"status": "SOLD"}, {"day": "yesterday"}):
        with pytest.raises(Invalid) as err:
            filtered(**bad)
        assert err.value.code == "VALIDATION_ERROR" and next(iter(bad)) in str(err.value)


def list_routes():
    import gateway.service as service

    for _, method in inspect.getmembers(service.GatewayService):
        for entrypoint in getattr(method, "nameko_entrypoints", ()):
            if isinstance(entrypoint, JsonRoute) and entrypoint.paging is not None:
                yield entrypoint


def test_every_list_routes_enumerated_filters_have_their_choices():
    """A list route whose response has a status, kind, role ... without its choices would
    answer `200 []` to a misspelt value: each must declare them (validate.OneOf)."""
    routes = list(list_routes())
    assert len(routes) > 30
    unchecked = sorted(
        (route.url, name) for route in routes for name, field in route.paging.filters.items()
        if name in ENUM_NAMES and isinstance(field, fields.String)
        and not any(isinstance(v, validate.OneOf) for v in field.validators))
    assert unchecked == [], unchecked
