"""The header names and units offices write in a unit spreadsheet (sheet_headers.py)."""
import pytest

from loupan.errors import Invalid
from services.inventory.sheet_headers import header_field, scaled
from services.inventory.xlsx_reader import COLUMNS, read_header


@pytest.mark.parametrize("text, field, scale", [
    ("建筑面积(㎡)", "gross_area", 1), ("建筑面积（平方米）", "gross_area", 1), (" 建 面 ", "gross_area", 1),
    ("面积(m²)", "gross_area", 1), ("套内建筑面积（㎡）", "net_area", 1), ("表价(元)", "list_price", 1),
    ("总价（万元）", "list_price", 10000), ("底价(万)", "base_price", 10000), ("单价(元/㎡)", "unit_price", 1),
    ("房号", "number", 1), ("户号", "number", 1), ("单元号", "number", 1), ("Gross_Area", "gross_area", 1),
    ("list price", "list_price", 1), ("交房日期", "delivery_date", 1), ("备注", None, 1), ("销售状态", None, 1),
])
def test_a_header_names_its_field_and_the_scale_of_its_unit(text, field, scale):
    assert header_field(text) == (field, scale)


@pytest.mark.parametrize("text", ["表价(美元)", "建筑面积(亩)", "房号(万元)"])
def test_a_unit_the_field_cannot_be_in_refuses_the_file(text):
    with pytest.raises(Invalid) as refused:
        header_field(text)
    assert refused.value.code == "INVALID_SPREADSHEET"


def test_an_amount_in_wan_yuan_becomes_exact_yuan():
    assert scaled(302.5, 10000) == "3025000"
    assert scaled(0.1, 10000) == "1000"  # the decimal typed, not the float's binary
    assert scaled("1,234.5678", 10000) == "12345678"
    assert scaled("270.000555", 10000) == "2700005.55"
    assert scaled(270.0000555, 10000) == "2700000.555"  # a fraction of a cent: the row check refuses it
    assert scaled(" 89 ", 1) == " 89 "  # unscaled cells are left as they are
    assert scaled("约300", 10000) == "约300"  # the row check names what is wrong with it
    assert scaled(None, 10000) is None


def test_what_exports_write_reads_back_and_a_synonym_is_still_one_column():
    assert [field for field, _ in read_header([zh for _, zh in COLUMNS])] == [field for field, _ in COLUMNS]
    with pytest.raises(Invalid):
        read_header([zh for _, zh in COLUMNS] + ["户号"])  # 房号 twice
