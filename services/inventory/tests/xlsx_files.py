"""Real .xlsx files for the spreadsheet tests (service and system tier), built with openpyxl."""
import io

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
