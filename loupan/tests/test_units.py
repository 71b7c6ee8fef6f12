"""Kernel pieces that need no broker: configuration, formats, column types, event
envelopes, RPC contracts, domain errors across nameko's serialisation, outbox backoff."""
import json
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from marshmallow import Schema, ValidationError
from nameko.exceptions import deserialize, serialize
from sqlalchemy import Column, Integer, MetaData, Table, create_engine, insert, select, text
from sqlalchemy.exc import StatementError

from loupan.config import load_config, substitute
from loupan.schemas import load
from loupan.schemas.hr_accounts import AccountIn
from loupan.schemas.inventory_catalog import UnitsIn
from loupan.errors import (Conflict, DomainError, Forbidden, Invalid, NotFound, RuleViolated,
                           Unauthenticated, Unavailable)
from loupan.events import InvalidEvent, make_envelope, parse_envelope
from loupan.outbox import backoff
from loupan.types import MAX_HUNDREDTHS, MAX_MONEY, Decimal2, UTCDateTime
from loupan.validators import Amount, Area, Exact, Money, Percent, mask_mobile, normalise_mobile

SHANGHAI = timezone(timedelta(hours=8))


# configuration -----------------------------------------------------------------------------
def test_substitute_takes_the_environment_then_the_default():
    text_ = "a: ${A}\nb: ${B:fallback}\nc: ${C:}\n"
    assert substitute(text_, {"A": "1", "B": "set"}) == "a: 1\nb: set\nc: \n"
    assert substitute(text_, {"A": "1"}) == "a: 1\nb: fallback\nc: \n"


def test_substitute_refuses_a_missing_variable_without_default():
    with pytest.raises(KeyError, match="NEEDED"):
        substitute("url: ${NEEDED}", {})


def test_load_config_gives_substituted_values_their_yaml_types(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(
        "AMQP_URI: ${AMQP_URI:amqp://guest:guest@127.0.0.1:5672/}\n"
        "max_workers: ${WORKERS:20}\n"
        "DEBUG: ${DEBUG:false}\n"
        "RPC_TIMEOUT: ${RPC_TIMEOUT:10}\n"
        "NAME: 滨江\n",
        encoding="utf-8",
    )
    config = load_config(path, {"WORKERS": "8", "RPC_TIMEOUT": "2.5"})
    assert config == {"AMQP_URI": "amqp://guest:guest@127.0.0.1:5672/", "max_workers": 8,
                      "DEBUG": False, "RPC_TIMEOUT": 2.5, "NAME": "滨江"}
    path.write_text("DATABASE_URL: ${DATABASE_URL}\n")
    with pytest.raises(KeyError, match="DATABASE_URL"):
        load_config(path, {})


def test_load_config_of_an_empty_file_is_an_empty_dict(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    assert load_config(path, {}) == {}


# mobile numbers and amounts ------------------------------------------------------------
@pytest.mark.parametrize("given", ["13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
                                   "8613812345678", "(138) 1234 5678"])
def test_normalise_mobile_keeps_eleven_digits(given):
    assert normalise_mobile(given) == "13812345678"


@pytest.mark.parametrize("given", ["12345", "23812345678", "138123456789", "1381234567a", "", "+1 138 1234 5678"])
def test_normalise_mobile_rejects_what_is_not_a_mainland_mobile(given):
    with pytest.raises(ValidationError):
        normalise_mobile(given)


def test_mask_mobile_hides_the_middle_four_digits():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("12345") == "12345"
    assert mask_mobile(None) is None


class AmountSchema(Schema):
    amount = Amount(required=True)


@pytest.mark.parametrize("given", [1.5, 1.0, True, False, float("nan"), "NaN", "Infinity", "-Infinity",
                                   "abc", "", None, [1]])
def test_amount_refuses_floats_bools_and_non_numbers(given):
    with pytest.raises(ValidationError) as err:
        AmountSchema().load({"amount": given})
    assert "amount" in err.value.messages


@pytest.mark.parametrize("given,expected", [("1.005", "1.01"), ("1.004", "1.00"), ("-1.005", "-1.01"),
                                            ("2.675", "2.68"), (1234567, "1234567.00"), ("0", "0.00")])
def test_amount_quantizes_half_up_to_cents(given, expected):
    loaded = AmountSchema().load({"amount": given})["amount"]
    assert loaded == Decimal(expected) and str(loaded) == expected
    assert AmountSchema().dump({"amount": loaded}) == {"amount": expected}



# money at the edge (docs/kernel.md, "Money at the edge") ----------------------------------
class EdgeSchema(Schema):
    money = Money()
    area = Area()
    percent = Percent()
    rate = Percent(places=4, pad=False)
    signed = Exact(-10, 10)


@pytest.mark.parametrize("field,given,expected", [
    ("money", "0", "0.00"), ("money", "1234.5", "1234.50"), ("money", 12, "12.00"), ("money", "-0", "0.00"),
    ("money", "100000000000", "100000000000.00"), ("area", "0.01", "0.01"), ("area", "1000000", "1000000.00"),
    ("percent", "100", "100.00"), ("rate", "1.2345", "1.2345"), ("rate", "1.2", "1.2"),
    ("signed", "-10", "-10.00")])
def test_edge_decimals_take_ascii_decimal_strings_and_integers(field, given, expected):
    loaded = EdgeSchema().load({field: given})[field]
    assert EdgeSchema().dump({field: loaded}) == {field: expected}


@pytest.mark.parametrize("field,given,message", [
    ("money", "1.005", "at most 2 decimal places"), ("money", "1.000", "at most 2 decimal places"),
    ("rate", "1.23456", "at most 4 decimal places"),
    ("money", "１２３", "ASCII digits"), ("money", "1e3", "ASCII digits"), ("money", " 1", "ASCII digits"),
    ("money", "1_000", "ASCII digits"), ("money", "+1", "ASCII digits"), ("money", ".5", "ASCII digits"),
    ("money", "NaN", "ASCII digits"), ("money", 1.5, "decimal string"), ("money", True, "decimal string"),
    ("money", "-0.01", "between 0 and 100000000000"), ("money", "100000000000.01", "between 0 and"),
    ("money", "1" + "0" * 24, "between 0 and"), ("money", 10**24, "between 0 and"),
    ("area", "0", "more than 0 and at most 1000000"), ("area", "1000000.01", "at most 1000000"),
    ("percent", "100.01", "between 0 and 100"), ("percent", "-1", "between 0 and 100"),
    ("signed", "-10.01", "between -10 and 10")])
def test_edge_decimals_refuse_rather_than_round(field, given, message):
    with pytest.raises(ValidationError) as err:
        EdgeSchema().load({field: given})
    assert message in " ".join(err.value.messages[field]), err.value.messages


def test_a_decimal2_column_holds_the_edge_range_and_refuses_beyond_its_own():
    column = Decimal2()
    assert MAX_MONEY * 100 * 10**5 < MAX_HUNDREDTHS  # 100,000 units at the largest price still sum
    assert column.process_bind_param(str(MAX_MONEY), "sqlite") == 10**13
    assert column.process_bind_param("92233720368547758.07", "postgresql") == MAX_HUNDREDTHS
    for beyond in ("92233720368547758.08", "1" + "0" * 24, "1" * 40):
        with pytest.raises(ValueError, match="beyond the range"):
            column.process_bind_param(beyond, "sqlite")


# column types through a real database ---------------------------------------------------
@pytest.fixture
def sqlite_table(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path}/types.db")
    metadata = MetaData()
    table = Table("t", metadata, Column("id", Integer, primary_key=True),
                  Column("amount", Decimal2), Column("at", UTCDateTime))
    metadata.create_all(engine)
    yield engine, table
    engine.dispose()


def test_decimal2_round_trips_exactly_and_is_stored_as_hundredths(sqlite_table):
    engine, table = sqlite_table
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, amount=Decimal("12345678901.23")))
        conn.execute(insert(table).values(id=2, amount="0.105"))
        conn.execute(insert(table).values(id=3, amount=None))
    with engine.connect() as conn:
        assert conn.execute(select(table.c.amount).order_by(table.c.id)).scalars().all() == [
            Decimal("12345678901.23"), Decimal("0.11"), None]
        raw = conn.execute(text("SELECT amount FROM t ORDER BY id")).scalars().all()
    assert raw == [1234567890123, 11, None]


def test_decimal2_refuses_floats(sqlite_table):
    engine, table = sqlite_table
    with pytest.raises(StatementError), engine.begin() as conn:
        conn.execute(insert(table).values(id=1, amount=0.1))


def test_utcdatetime_round_trips_as_aware_utc(sqlite_table):
    engine, table = sqlite_table
    local = datetime(2026, 11, 22, 18, 30, 15, 123456, tzinfo=SHANGHAI)
    with engine.begin() as conn:
        conn.execute(insert(table).values(id=1, at=local))
    with engine.connect() as conn:
        stored = conn.execute(select(table.c.at)).scalar_one()
    assert stored == local
    assert stored.utcoffset() == timedelta(0) and stored.hour == 10


def test_utcdatetime_refuses_naive_times(sqlite_table):
    engine, table = sqlite_table
    with pytest.raises(StatementError, match="naive"), engine.begin() as conn:
        conn.execute(insert(table).values(id=1, at=datetime(2026, 11, 22, 10, 0)))
    with engine.connect() as conn:
        assert conn.execute(select(table.c.id)).all() == []


# event envelopes -----------------------------------------------------------------------
def test_envelope_round_trips_through_json():
    actor = {"account_id": 3, "username": "adv3", "role": "advisor"}
    envelope = make_envelope("units_released", {"unit_ids": [1, 2]}, agency_id=1, project_id=5, actor=actor)
    assert set(envelope) == {"event_id", "type", "version", "occurred_at", "agency_id", "project_id",
                             "actor", "payload"}
    parsed = parse_envelope(json.loads(json.dumps(envelope)))
    assert parsed["event_id"] == envelope["event_id"] and isinstance(parsed["event_id"], str)
    assert parsed["type"] == "units_released" and parsed["version"] == 1
    assert parsed["payload"] == {"unit_ids": [1, 2]}
    assert (parsed["agency_id"], parsed["project_id"], parsed["actor"]) == (1, 5, actor)
    assert parsed["occurred_at"].utcoffset() == timedelta(0)


def test_each_envelope_gets_its_own_event_id():
    first = make_envelope("units_released", {"unit_ids": [1]}, agency_id=1)
    second = make_envelope("units_released", {"unit_ids": [1]}, agency_id=1)
    assert first["event_id"] != second["event_id"]


def test_unknown_event_type_is_invalid():
    with pytest.raises(InvalidEvent, match="unknown event"):
        make_envelope("unit_teleported", {}, agency_id=1)
    with pytest.raises(InvalidEvent, match="unknown event"):
        make_envelope("units_released", {"unit_ids": [1]}, agency_id=1, version=99)


@pytest.mark.parametrize("payload", [{}, {"unit_ids": None}, {"unit_ids": ["a"]}, {"unit_ids": "x"}])
def test_bad_payload_is_invalid_when_publishing(payload):
    """Every contract breach is an InvalidEvent, whatever shape the bad value has."""
    with pytest.raises(InvalidEvent):
        make_envelope("units_released", payload, agency_id=1)


def valid_body(**changes):
    body = json.loads(json.dumps(make_envelope("units_released", {"unit_ids": [1]}, agency_id=1)))
    body.update(changes)
    return body


@pytest.mark.parametrize("body", [
    "not a dict",
    None,
    {"type": "units_released"},
    valid_body(type="unit_teleported"),
    valid_body(version=2),
    valid_body(payload={"unit_ids": ["a"]}),
    valid_body(payload={}),
    valid_body(event_id="not-a-uuid"),
    valid_body(occurred_at="2026-11-22T10:00:00"),  # naive time
    valid_body(agency_id=None),
])
def test_malformed_received_envelope_is_invalid(body):
    with pytest.raises(InvalidEvent):
        parse_envelope(body)


# RPC contracts --------------------------------------------------------------------------
def test_contract_load_names_every_bad_field():
    with pytest.raises(Invalid) as err:
        load(AccountIn(), {"username": "a b", "password": "short", "full_name": "x", "role": "king"})
    assert err.value.code == "VALIDATION_ERROR"
    for field in ("username", "password", "role"):
        assert field in err.value.message
    assert "full_name" not in err.value.message


def test_contract_load_names_nested_fields_with_their_path():
    with pytest.raises(Invalid) as err:
        load(UnitsIn(), {"units": [{"building_id": 1}]})
    assert "units.0.gross_area" in err.value.message


def test_contract_load_of_nothing_reports_the_required_fields():
    with pytest.raises(Invalid) as err:
        load(AccountIn(), None)
    assert "username" in err.value.message


def test_contract_load_returns_loaded_data():
    data = load(AccountIn(), {"username": "adv_1", "password": "long enough", "full_name": "张三",
                              "role": "advisor"})
    assert data["project_ids"] == [] and data["role"] == "advisor"


# domain errors --------------------------------------------------------------------------
@pytest.mark.parametrize("cls,status,default", [
    (Invalid, 400, "INVALID"), (Unauthenticated, 401, "UNAUTHENTICATED"), (Forbidden, 403, "FORBIDDEN"),
    (NotFound, 404, "NOT_FOUND"), (Conflict, 409, "CONFLICT"), (RuleViolated, 422, "RULE_VIOLATED"),
    (Unavailable, 503, "SERVICE_UNAVAILABLE"), (DomainError, 400, "BAD_REQUEST"),
])
def test_domain_errors_survive_nameko_serialisation_as_the_same_class(cls, status, default):
    for error, code in ((cls("无法办理", "SOME_CODE"), "SOME_CODE"), (cls("plain"), default)):
        back = deserialize(serialize(error))
        assert type(back) is cls
        assert back.code == code and back.message == error.message and back.status == status


# outbox retry pace ----------------------------------------------------------------------
def test_backoff_doubles_and_is_capped():
    assert [backoff(n) for n in range(0, 6)] == [1, 1, 2, 4, 8, 16]
    assert backoff(9) == 256 and backoff(10) == 300 and backoff(1000) == 300
    assert backoff(5, cap=10) == 10
