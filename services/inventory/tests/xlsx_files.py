"""Real .xlsx files for the spreadsheet tests (service and system tier), built with openpyxl."""
import io
import zipfile

import openpyxl


def xlsx(header, rows, sized=True):
    """The bytes of a one-sheet workbook: a header row, then `rows`. sized=False writes no
    dimension (as openpyxl's streaming writer and some other tools do)."""
    workbook = openpyxl.Workbook(write_only=not sized)
    sheet = workbook.active if sized else workbook.create_sheet("房源")
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def header_xml(header):
    cells = "".join(f'<c t="inlineStr"><is><t>{name}</t></is></c>' for name in header)
    return f'<row r="1">{cells}</row>'.encode()


def streamed(header, write_rows, extra_members=0):
    """An .xlsx whose sheet (no dimension) is `header` then what `write_rows(file)` writes,
    deflated as it streams: files no spreadsheet program writes, but a hostile client can."""
    source = zipfile.ZipFile(io.BytesIO(xlsx(header, [])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for item in source.infolist():
            if item.filename != SHEET:
                out.writestr(item, source.read(item.filename))
        for n in range(extra_members):
            out.writestr(f"customXml/item{n}.xml", "<a/>")
        with out.open(SHEET, "w") as sheet:
            sheet.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + header_xml(header))
            write_rows(sheet)
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def bomb(header, inflated=60 * 1024 * 1024):
    """A decompression bomb: a good header row, then `inflated` bytes of blank rows (which
    a row count must read to the end) that deflate about 1000:1."""
    chunk = b'<row><c t="inlineStr"><is><t> </t></is></c></row>' * 20_000

    def rows(sheet):
        for _ in range(inflated // len(chunk)):
            sheet.write(chunk)

    return streamed(header, rows)


def wide(header, rows):
    """`rows` rows whose last cell is in the sheet's last column (XFD): tiny, yet each row
    parses as 16,384 cells."""
    return streamed(header, lambda sheet: sheet.write(b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>1</t></is></c><c r="XFD%d"><v>1</v></c></row>'
        % (n, n, n) for n in range(2, rows + 2))))
