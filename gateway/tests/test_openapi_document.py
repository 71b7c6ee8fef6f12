"""The OpenAPI document is one a client generator can use (issue 17), built in-process from the
route registry, no system running: it validates, every operation has a unique operationId and
a declared tag, no schema property is untyped, every error answers the Error schema, and the
examples of the main inputs load with their contracts."""
import warnings

import pytest
from openapi_spec_validator import validate

import gateway.service  # noqa: F401 - importing the service declares every route
from gateway import openapi
from gateway.http import ROUTES
from loupan.schemas import schema_instance

ERROR_REF = "#/components/schemas/Error"
TYPED = ("type", "$ref", "oneOf", "anyOf", "allOf")


@pytest.fixture(scope="module")
def doc():
    return openapi.document()


def operations(doc):
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            yield method, path, operation


def untyped(schema, where, out):
    """Every property (and array item, map value) under `schema` without a type or a $ref."""
    if not isinstance(schema, dict) or "$ref" in schema:
        return out
    for name, prop in (schema.get("properties") or {}).items():
        if not any(key in prop for key in TYPED):
            out.append(f"{where}.{name}")
        untyped(prop, f"{where}.{name}", out)
    if "items" in schema:
        if not any(key in schema["items"] for key in TYPED):
            out.append(f"{where}[]")
        untyped(schema["items"], f"{where}[]", out)
    extra = schema.get("additionalProperties")
    if isinstance(extra, dict):
        if not any(key in extra for key in TYPED):  # `{}`: any value, say `true` with a description
            out.append(f"{where}{{}}")
        untyped(extra, f"{where}{{}}", out)
    for key in ("allOf", "oneOf", "anyOf"):
        for i, part in enumerate(schema.get(key, ())):
            untyped(part, f"{where}.{key}[{i}]", out)
    return out


def test_the_document_validates(doc):
    assert doc["openapi"].startswith("3.")
    validate(doc)  # raises with the first violation of the OpenAPI schema


def test_no_two_schemas_share_a_name():
    """Two marshmallow classes of one name become Name and Name1 in the document (apispec warns
    and renames): a generated client's Name1 says nothing of what it is, and which class gets
    the plain name depends on import order."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Multiple schemas resolved")
        openapi.document.__wrapped__()


def test_every_operation_has_a_unique_operation_id_and_a_declared_tag(doc):
    declared = {tag["name"]: tag.get("description", "") for tag in doc["tags"]}
    seen = {}
    ops = list(operations(doc))
    assert len(ops) == len(ROUTES)
    for method, path, operation in ops:
        op_id = operation.get("operationId")
        assert op_id and op_id[0].islower() and op_id.isalnum(), (method, path, op_id)
        assert op_id not in seen, f"{method} {path} and {seen.get(op_id)} share {op_id}"
        seen[op_id] = f"{method} {path}"
        assert operation.get("tags"), (method, path)
        for tag in operation["tags"]:
            assert tag in declared, (method, path, tag)
    for name, description in declared.items():
        assert description.strip(), f"tag {name} has no description"
    assert seen["holdUnit"] == "post /api/units/{unit_id}/holds"
    assert seen["listProjects"] == "get /api/projects"
    assert seen["login"] == "post /api/auth/login"


def test_operation_ids_and_tags_come_from_the_handler_and_its_module():
    assert openapi.operation_id("hold_unit") == "holdUnit"
    assert openapi.operation_id("board") == "board"
    assert openapi.topic_of("gateway.routes.crm_care") == "crm_care"
    assert openapi.topic_of("gateway.service") == openapi.CORE
    for method, url, opts in ROUTES:
        assert opts["handler"] and opts["module"], (method, url)


def test_no_schema_property_is_untyped(doc):
    missing = []
    for name, schema in doc["components"]["schemas"].items():
        untyped(schema, name, missing)
    for method, path, operation in operations(doc):
        for media in (operation.get("requestBody") or {}).get("content", {}).values():
            untyped(media["schema"], f"{method} {path} body", missing)
        for status, response in operation["responses"].items():
            for media in response.get("content", {}).values():
                untyped(media["schema"], f"{method} {path} {status}", missing)
        for param in operation.get("parameters", []):
            assert any(key in param.get("schema", {}) for key in TYPED), (method, path, param)
    assert missing == [], f"{len(missing)} untyped: {missing[:20]}"


def test_path_parameters_are_typed_by_their_converter(doc):
    """<int:project_id> is an integer, <month> a string (a generated client must send 2026-09)."""
    params = {p["name"]: p["schema"] for p in
              doc["paths"]["/api/projects/{project_id}/commission-statements/{month}"]["post"]["parameters"]
              if p.get("in") == "path"}
    assert params == {"project_id": {"type": "integer", "minimum": 1}, "month": {"type": "string"}}


def test_money_is_a_decimal_string_and_closed_sets_are_enums(doc):
    schemas = doc["components"]["schemas"]
    price = schemas["DealOut"]["properties"]["price"]
    assert price["type"] == "string" and price["format"] == "decimal" and price["pattern"]
    hold_in = schemas["SubscriptionIn"]["properties"]["price"]
    assert hold_in["type"] == "string" and hold_in["format"] == "decimal"
    assert schemas["UnitOut"]["properties"]["status"]["enum"][:2] == ["unreleased", "available"]
    assert "available" in schemas["BoardUnit"]["properties"]["status"]["enum"]
    assert schemas["HoldOut"]["properties"]["expires_at"]["format"] == "date-time"
    assert schemas["Board"]["properties"]["totals"]["additionalProperties"] == {"$ref": "#/components/schemas/StatusTotal"}
    free = schemas["ChangeOut"]["properties"]["payload"]
    assert free["type"] == "object" and free["additionalProperties"] is True and free["description"]


def test_every_error_response_answers_the_error_schema(doc):
    assert doc["components"]["schemas"]["Error"]["required"] == ["error", "message"]
    for method, path, operation in operations(doc):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert errors, (method, path)
        for status, response in errors.items():
            assert response["description"], (method, path, status)
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": ERROR_REF}, (method, path, status)


def test_the_main_inputs_have_examples_their_contracts_accept(doc):
    bodies = {}
    for method, path, operation in operations(doc):
        media = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
        if media is not None:
            bodies[operation["operationId"]] = media
    for op_id in ("login", "holdUnit", "registerCustomer", "createSubscription"):
        assert "example" in bodies[op_id], op_id
    for schema, example in openapi.EXAMPLES.items():
        assert schema_instance(schema).validate(example) == {}, schema.__name__


def test_what_the_api_always_sends_is_required_in_its_answers(doc):
    """Generated types are not all-optional: an output schema's properties are required, but
    those in SOMETIMES_ABSENT; inputs keep their own (every system test checks the answers
    against this: tests/conftest.py)."""
    schemas = doc["components"]["schemas"]
    outputs = openapi.output_schemas(doc)
    assert {"DealOut", "HoldOut", "CustomerDetailOut", "Board", "BoardUnit"} <= outputs
    assert "SubscriptionIn" not in outputs and "AdjustmentIn" not in outputs  # a body, even if answered too
    for name in outputs:
        props = set(schemas[name].get("properties", {}))
        absent = openapi.SOMETIMES_ABSENT.get(name, set())
        assert props - absent <= set(schemas[name].get("required", [])), name
        assert not absent & set(schemas[name].get("required", [])), name
    assert "price" in schemas["DealOut"]["required"] and "unit_label" in schemas["DealOut"]["required"]
    assert "average_price" not in schemas["Report"]["required"]
    assert set(schemas["SubscriptionIn"].get("required", [])) < set(schemas["SubscriptionIn"]["properties"])
