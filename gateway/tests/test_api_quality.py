"""The gateway's uniform rules, without a system: pagination and filters of lists, input
sanity, request ids, the client address, and what the OpenAPI document says of them."""
import importlib

import pytest
from marshmallow import Schema, fields
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from gateway.http import ROUTES, client_ip, request_id_of, sane
from gateway.paging import Paging
from loupan.errors import Invalid


class ItemOut(Schema):
    id = fields.Integer()
    status = fields.String()
    vip = fields.Boolean()
    price = fields.Decimal(as_string=True)
    sold_at = fields.AwareDateTime()
    tags = fields.List(fields.String())


class OwnQuery(Schema):
    status = fields.String()
    limit = fields.Integer()
    offset = fields.Integer()


ITEMS = [{"id": i, "status": "available" if i % 3 else "sold", "vip": i % 2 == 0,
          "price": f"{i}00.00", "tags": []} for i in range(1, 11)]


def page(paging, **args):
    mine, rest = paging.split({k: str(v) for k, v in args.items()})
    return paging.apply(ITEMS, paging.parse(mine)), rest


def test_limit_offset_and_total():
    paging = Paging(ItemOut, None)
    (items, total), _ = page(paging, limit=3, offset=2)
    assert [i["id"] for i in items] == [3, 4, 5] and total == 10
    (items, total), _ = page(paging)
    assert len(items) == 10 and total == 10


def test_equality_filters_on_scalar_fields_only():
    paging = Paging(ItemOut, None)
    assert set(paging.filters) == {"id", "status", "vip", "price"}
    (items, total), _ = page(paging, status="sold")
    assert [i["id"] for i in items] == [3, 6, 9] and total == 3
    (items, total), _ = page(paging, status="available", vip="true", limit=2)
    assert [i["id"] for i in items] == [2, 4] and total == 4
    (items, _), _ = page(paging, price="500.00")
    assert [i["id"] for i in items] == [5]


@pytest.mark.parametrize("args", [{"limit": 0}, {"limit": 501}, {"offset": -1}, {"limit": "x"},
                                  {"vip": "maybe"}, {"id": "one"}])
def test_bad_values_are_400(args):
    paging = Paging(ItemOut, None)
    with pytest.raises(Invalid):
        page(paging, **args)


def test_a_route_that_pages_itself_is_left_alone():
    paging = Paging(ItemOut, OwnQuery)
    assert not paging.slices and "status" not in paging.filters
    (items, total), rest = page(paging, limit=2, offset=1, status="sold", vip="false")
    assert total is None and rest == {"limit": "2", "offset": "1", "status": "sold"}
    assert all(not i["vip"] for i in items)


def test_sane_refuses_what_databases_cannot_take():
    sane({"name": "一号楼\t2\r\n", "n": 2**63 - 1, "day": "2026-05-01", "nested": [{"at": "2026-05-01T08:00:00Z"}]})
    for bad in ({"name": "a\x00b"}, {"name": "a\x10b"}, {"n": 2**63}, {"day": "0000-01-01"},
                {"month": "9999-12"}, {"quarter": "0000-Q1"}, {"list": [{"n": -2**63 - 1}]}):
        with pytest.raises(Invalid):
            sane(bad)
    sane({"phone": "99999999999999999999"})  # body text is text
    with pytest.raises(Invalid):
        sane({"id": "99999999999999999999"}, "query")


def http_request(headers=None, remote="10.1.1.1"):
    return Request(EnvironBuilder(path="/api/x", headers=headers or {},
                                  environ_base={"REMOTE_ADDR": remote}).get_environ())


def test_request_ids_are_kept_sanitised_or_made():
    assert request_id_of(http_request({"X-Request-Id": "abc-123"})) == "abc-123"
    assert request_id_of(http_request({"X-Request-Id": "a b\"<c>" + "x" * 100})) == "abc" + "x" * 61
    made = request_id_of(http_request())
    assert len(made) == 32 and made != request_id_of(http_request())


def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies():
    forwarded = http_request({"X-Forwarded-For": "1.2.3.4, 5.6.7.8"})
    assert client_ip(forwarded, 0) == "10.1.1.1"
    assert client_ip(forwarded, 1) == "5.6.7.8"
    assert client_ip(forwarded, 2) == "1.2.3.4"
    assert client_ip(http_request(), 1) == "10.1.1.1"


def test_openapi_documents_keys_pages_limits_and_errors():
    from gateway.openapi import document

    importlib.import_module("gateway.service")  # registers the routes

    doc = document()
    assert len(ROUTES) >= 100
    for method, url, opts in ROUTES:
        path = url
        while "<" in path:
            start, end = path.index("<"), path.index(">")
            path = path[:start] + "{" + path[start + 1:end].split(":")[-1] + "}" + path[end + 1:]
        op = doc["paths"][path][method.lower()]
        names = {p["name"] for p in op.get("parameters", [])}
        if method == "POST" and opts["roles"] != ():
            assert "Idempotency-Key" in names, url
        if method == "GET" and opts["many"]:
            assert "limit" in names, url
        # each route lists the statuses it can answer (gateway/error_codes.py): these it always can
        expected = {"400", "503"} | ({"401", "403"} if opts["roles"] != () else set()) \
            | ({"404"} if "<int:" in url else set())
        assert expected <= set(op["responses"]), (url, expected - set(op["responses"]))
    assert "429" in doc["paths"]["/api/auth/login"]["post"]["responses"]
    assert "429" in doc["paths"]["/api/units/{unit_id}/holds"]["post"]["responses"]
