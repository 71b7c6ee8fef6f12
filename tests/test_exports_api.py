"""Exports a spreadsheet cannot turn into programs (issue 30): a customer or a building named
like a formula reaches the downloaded .xlsx as text, never as a formula (OWASP's CSV-injection
rule, `loupan/spreadsheet.py`), checked by reading the file back."""
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.api import make_project
from tests.conftest import staff

CALC = "=cmd|' /C calc'!A0"


@pytest.fixture(scope="module")
def site(system, director):
    project, _ = make_project(director, "导出一期", units=2)
    pid = project["id"]
    return {"pid": pid,
            "advisor": staff(system, director, "exports_advisor", "advisor", [pid]),
            "manager": staff(system, director, "exports_manager", "manager", [pid])}


def cells(content):
    """Every non-empty cell of every sheet, and whether the file holds any formula at all."""
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        formulas = any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.endswith(".xml"))
    book = load_workbook(io.BytesIO(content))
    return [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None], formulas


def test_a_customer_named_like_a_formula_is_text_in_the_managers_export(site):
    advisor, manager, pid = site["advisor"], site["manager"], site["pid"]
    advisor.ok(advisor.post(f"/api/projects/{pid}/customers",
                            {"mobile": "13900000301", "name": CALC, "channel": "walk_in"}), 201)
    advisor.ok(advisor.post(f"/api/projects/{pid}/customers",
                            {"mobile": "13900000302", "name": "＠SUM(1+1)", "channel": "walk_in"}), 201)
    response = manager.get(f"/api/projects/{pid}/customers/export")
    assert response.status_code == 200, response.text
    found, formulas = cells(response.content)
    names = {c.value: c for c in found if c.value in (CALC, "＠SUM(1+1)")}
    assert set(names) == {CALC, "＠SUM(1+1)"} and not formulas
    assert all(c.data_type == "s" and c.quotePrefix for c in names.values())


def test_a_building_named_like_a_formula_is_text_in_the_board_and_unit_exports(site, director):
    pid = site["pid"]
    building = director.ok(director.post(f"/api/projects/{pid}/buildings",
                                         {"name": "=HYPERLINK(\"http://x\")", "permit_no": "+预售002"}), 201)
    director.ok(director.post(f"/api/projects/{pid}/units", {"units": [
        {"building_id": building["id"], "number": "-0101", "floor": 1, "layout": "@3室", "orientation": "南",
         "property_type": "residential", "gross_area": "100.00", "net_area": "80.00",
         "list_price": "3000000", "base_price": "2800000"}]}), 201)
    for path in ("board.xlsx", "units.xlsx"):
        response = site["manager"].get(f"/api/projects/{pid}/{path}")
        assert response.status_code == 200, response.text
        found, formulas = cells(response.content)
        risky = [c for c in found if isinstance(c.value, str) and c.value[:1] in "=+-@"]
        assert not formulas and risky, path
        assert all(c.data_type == "s" and c.quotePrefix for c in risky), path
        assert any(c.value == "=HYPERLINK(\"http://x\")" for c in found), path
