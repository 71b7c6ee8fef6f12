"""The header row of a developer's unit spreadsheet, read as offices write it: Chinese or
English names, common synonyms (房号/户号/单元号, 面积/建面 ...), full-width brackets and spaces,
and a unit in the header (建筑面积(㎡), 表价(元), 总价（万元）) — an amount in 万元 is scaled to
元 as it is read. Pure: docs/services.md lists the names read.

A header is normalised (NFKC: full-width to half-width, ㎡ to m2; lower case; spaces inside a
Chinese name dropped, between English words read as _), then split into a name and a bracketed unit; the name gives the field, the unit the scale. A
unit the field cannot be in (表价(美元), 面积(亩)) refuses the file rather than guess."""
import re
import unicodedata
from decimal import Decimal

from loupan.errors import Invalid

# field -> the names it is written under (the first is what exports write)
NAMES = {
    "building": ("楼栋", "楼号", "栋号", "楼栋名称", "栋"),
    "number": ("房号", "户号", "单元号", "房间号"),
    "floor": ("楼层", "所在楼层", "层"),
    "layout": ("户型",),
    "orientation": ("朝向",),
    "property_type": ("物业形态", "物业类型", "业态"),
    "gross_area": ("建筑面积", "面积", "建面"),
    "net_area": ("套内面积", "套内建筑面积", "套内"),
    "list_price": ("表价", "总价", "标准总价", "表价总价"),
    "unit_price": ("单价", "建筑单价", "表价单价"),
    "base_price": ("底价", "底价总价"),
    "decoration": ("装修", "装修标准"),
    "delivery_date": ("交付日期", "交房日期"),
}
AREAS = ("gross_area", "net_area")
# the units each kind of column may carry, and what one of them is in 元 or ㎡
MONEY_UNITS = {"": 1, "元": 1, "rmb": 1, "cny": 1, "万元": 10000, "万": 10000}
UNIT_PRICE_UNITS = {"": 1, "元/m2": 1, "元/平方米": 1, "元/平米": 1, "元": 1}
AREA_UNITS = {"": 1, "m2": 1, "平方米": 1, "平米": 1, "平方": 1}
FIELDS = {name: field for field, names in NAMES.items() for name in names} | {field: field for field in NAMES}
BRACKETED = re.compile(r"^(?P<name>[^()]+)\((?P<unit>[^()]*)\)$")


def header_field(text):
    """(field, scale) of a header cell; (None, 1) for a column the import does not read."""
    text = unicodedata.normalize("NFKC", str(text)).strip().lower()
    match = BRACKETED.match(text)
    name, unit = (match["name"].strip(), match["unit"]) if match else (text, "")
    unit = re.sub(r"\s+", "", unit)
    field = FIELDS.get(re.sub(r"\s+", "", name)) or FIELDS.get(re.sub(r"\s+", "_", name))  # 建 面, list price
    if field is None:
        return None, 1
    units = {"unit_price": UNIT_PRICE_UNITS, "list_price": MONEY_UNITS, "base_price": MONEY_UNITS}.get(field) \
        or (AREA_UNITS if field in AREAS else {"": 1})
    if unit not in units:
        raise Invalid(f"the column {text} is in {unit}, which the import does not read as {NAMES[field][0]}; "
                      f"write it in {' or '.join(u for u in units if u) or 'no unit'}", "INVALID_SPREADSHEET")
    return field, units[unit]


def scaled(value, scale):
    """A cell's amount times the column's scale, as decimal text (an exact product, never a
    float's); what is not a number, or a fraction of a cent, is left for the row check to name."""
    if scale == 1 or value is None or isinstance(value, bool):
        return value
    try:
        if isinstance(value, (int, float)):
            return _text(Decimal(repr(value)) * scale)
        if isinstance(value, str):
            return _text(Decimal(value.strip().replace(",", "")) * scale)
    except ArithmeticError:
        pass
    return value


def _text(amount):
    """Digits without the zeros scaling left (270.0055 万元 is 2700055, not 2700055.0000)."""
    return f"{amount.normalize():f}" if amount.is_finite() else str(amount)
