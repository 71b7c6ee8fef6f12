"""The printed documents' parts that need no system: amounts in Chinese capitals (人民币大写) and
a PDF whose text reads back (pypdf) with the CJK font embedded."""
from io import BytesIO

import pytest
from pypdf import PdfReader

from gateway.documents import sheets
from gateway.documents.capitals import capitals
from gateway.documents.names import yuan


@pytest.mark.parametrize("amount, text", [
    ("0", "零元整"), ("0.05", "伍分"), ("0.50", "伍角整"), ("1", "壹元整"), ("10.5", "壹拾元伍角整"),
    ("100.05", "壹佰元零伍分"), ("1001", "壹仟零壹元整"), ("10000", "壹万元整"), ("105000", "壹拾万伍仟元整"),
    ("10010000", "壹仟零壹万元整"), ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"), ("3020000.00", "叁佰零贰万元整"),
    ("1010101.01", "壹佰零壹万零壹佰零壹元零壹分"), ("100000000", "壹亿元整"), ("100000001", "壹亿零壹元整"),
    ("2.005", "贰元零壹分"),  # half-up to the fen
])
def test_amounts_in_chinese_capitals_as_receipts_write_them(amount, text):
    assert capitals(amount) == text


def test_money_in_figures():
    assert (yuan("3020000.00"), yuan("0.5"), yuan("-12.30"), yuan(None)) == ("¥3,020,000.00", "¥0.50", "-¥12.30", "—")


def text_of(content):
    return "".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def test_a_receipt_reads_back_with_its_figures_and_capitals():
    content = sheets.receipt({"receipt_no": "SK000007", "payer": "钱先生", "amount": "50000.00", "method": "transfer",
                              "received_on": "2026-12-06", "recorded_by_name": "王出纳", "status": "voided",
                              "end_reason": "金额录错", "ended_by_name": "李会计"},
                             {"unit_label": "1号楼-0101"}, {"name": "控台花园"})
    assert content.startswith(b"%PDF")
    text = text_of(content)
    for expected in ("控台花园 · 收款收据", "SK000007", "钱先生", "1号楼-0101", "¥50,000.00", "伍万元整", "转账",
                     "王出纳", "已作废", "金额录错"):
        assert expected in text, expected
