"""Cells a spreadsheet cannot turn into programs (OWASP's CSV-injection rule), for every .xlsx
export: a customer named `=cmd|' /C calc'!A0` or a building named `=HYPERLINK(...)` must
reach the manager's Excel as the text it is.

openpyxl makes any str starting with `=` a formula; Excel and WPS also read a cell typed as
`+`, `-`, `@` (or a tab or CR before one of them, or the full-width `＝＋－＠`) as one once
someone edits it. So every text cell of an export is written with the explicit string type,
and a text that a spreadsheet could read as a formula also gets the quote prefix (Excel's
own "this is text" mark, shown as nothing and kept on edit). The value itself is unchanged,
so an export imports again exactly. Numbers, dates and None are written as they are."""
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def looks_like_formula(text):
    """True if a spreadsheet could read `text` as a formula: a formula character first, also
    after leading blanks (a spreadsheet strips them on edit)."""
    return isinstance(text, str) and text.lstrip(" \u3000").startswith(FORMULA_STARTS)


def cell(sheet, value):
    """A cell of `sheet` (write-only or not) for `sheet.append`: text is always a string cell."""
    made = WriteOnlyCell(sheet, value)
    if isinstance(value, str):
        made.data_type = "s"  # never "f": openpyxl would write a str starting with "=" as a formula
        if looks_like_formula(value):
            made.quotePrefix = True
    return made


def append_row(sheet, values):
    """`sheet.append(values)` with every text written as text (see the module docstring)."""
    sheet.append([cell(sheet, v) for v in values])
