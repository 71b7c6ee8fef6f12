"""A4 PDFs in Chinese with ReportLab: a title, lines of facts, tables, notes and signature
lines. The font is a CJK TrueType font from the system (Debian: fonts-wqy-microhei, which
scripts/lib.sh and the Dockerfile install; LOUPAN_CJK_FONT names another), embedded in the
file so any reader shows it. No font: 503 FONT_MISSING, said once, not a PDF of empty boxes."""
import os
from functools import lru_cache
from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loupan.errors import Unavailable

FONT = "LoupanCJK"
FONT_FILES = ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
              "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@lru_cache(maxsize=1)
def font():
    """Registers the CJK font once per process; its name, or Unavailable."""
    given = os.environ.get("LOUPAN_CJK_FONT")
    for path in ([given] if given else []) + list(FONT_FILES):
        if path and os.path.isfile(path):
            pdfmetrics.registerFont(TTFont(FONT, path, subfontIndex=0))
            return FONT
    raise Unavailable("no Chinese font to print with: install fonts-wqy-microhei or set LOUPAN_CJK_FONT",
                      "FONT_MISSING")


def styles():
    name = font()
    return {"title": ParagraphStyle("title", fontName=name, fontSize=18, leading=24, alignment=TA_CENTER,
                                    spaceAfter=4 * mm),
            "subtitle": ParagraphStyle("subtitle", fontName=name, fontSize=10, leading=14, alignment=TA_CENTER,
                                       textColor=colors.grey, spaceAfter=4 * mm),
            "heading": ParagraphStyle("heading", fontName=name, fontSize=12, leading=16, spaceBefore=4 * mm,
                                      spaceAfter=2 * mm),
            "body": ParagraphStyle("body", fontName=name, fontSize=10, leading=15),
            "note": ParagraphStyle("note", fontName=name, fontSize=8.5, leading=12, textColor=colors.grey)}


def escaped(text):
    return (str(text) if text is not None else "—").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Document:
    """Flowables in order; `bytes()` lays them out on A4 (landscape for wide tables)."""

    def __init__(self, title, subtitle=None, wide=False):
        self.style = styles()
        self.wide = wide
        self.title = title
        self.parts = [Paragraph(escaped(title), self.style["title"])]
        if subtitle:
            self.parts.append(Paragraph(escaped(subtitle), self.style["subtitle"]))

    def heading(self, text):
        self.parts.append(Paragraph(escaped(text), self.style["heading"]))

    def facts(self, pairs, columns=2):
        """label: value pairs in `columns` pairs a row."""
        cells = []
        for label, value in pairs:
            cells += [Paragraph(f"<font color='#666666'>{escaped(label)}</font>", self.style["body"]),
                      Paragraph(escaped(value), self.style["body"])]
        width = self._width()
        rows = [cells[i:i + 2 * columns] for i in range(0, len(cells), 2 * columns)]
        rows[-1] += [""] * (2 * columns - len(rows[-1]))
        label, value = width * 0.16, width / columns - width * 0.16
        table = Table(rows, colWidths=[label, value] * columns)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        self.parts.append(table)

    def table(self, header, rows, widths=None, right=(), total=None):
        """A ruled table; `right`: the columns of figures (right-aligned); `total`: a last row."""
        body = [[Paragraph(escaped(c), self.style["body"]) for c in header]]
        body += [[escaped(c) for c in row] for row in rows]
        if total:
            body.append([escaped(c) for c in total])
        width = self._width()
        table = Table(body, colWidths=[width * w for w in widths] if widths else None, repeatRows=1)
        commands = [("FONT", (0, 0), (-1, -1), self.style["body"].fontName, 9.5),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEF2F7")),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
        commands += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in right]
        table.setStyle(TableStyle(commands))
        self.parts.append(table)

    def paragraph(self, text, note=False):
        self.parts.append(Paragraph(escaped(text), self.style["note" if note else "body"]))

    def space(self, height=4):
        self.parts.append(Spacer(1, height * mm))

    def signatures(self, *who):
        self.space(10)
        cells = [Paragraph(escaped(f"{w}（签字）：________________"), self.style["body"]) for w in who]
        self.parts.append(Table([cells], colWidths=[self._width() / len(who)] * len(who)))

    def _width(self):
        page = landscape(A4) if self.wide else A4
        return page[0] - 30 * mm

    def bytes(self):
        out = BytesIO()
        page = landscape(A4) if self.wide else A4
        SimpleDocTemplate(out, pagesize=page, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=15 * mm,
                          bottomMargin=15 * mm, title=self.title, author="Loupan").build(self.parts)
        return out.getvalue()
