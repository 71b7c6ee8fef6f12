"""loupan.spreadsheet: text a spreadsheet could read as a formula is written as text."""
import io

import pytest
from openpyxl import Workbook, load_workbook

from loupan.spreadsheet import append_row, looks_like_formula


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "＝1", "＋1", "－1", "＠x",
                                  " =1", "\u3000=1"])
def test_formula_starts(text):
    assert looks_like_formula(text)


@pytest.mark.parametrize("value", ["王先生", "1号楼", "", "a=b", 5, None])
def test_plain_values(value):
    assert not looks_like_formula(value)


@pytest.mark.parametrize("write_only", [True, False])
def test_cells_read_back_as_text_with_their_value(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s")
    append_row(sheet, ["=cmd|' /C calc'!A0", "王先生", 3, None, "-5"])
    buffer = io.BytesIO()
    book.save(buffer)
    row = list(load_workbook(io.BytesIO(buffer.getvalue()))["s"].iter_rows())[0]
    assert [c.value for c in row] == ["=cmd|' /C calc'!A0", "王先生", 3, None, "-5"]
    assert [c.data_type for c in row[:2]] == ["s", "s"] and row[2].data_type == "n"
    assert [c.quotePrefix for c in row] == [True, False, False, False, True]
