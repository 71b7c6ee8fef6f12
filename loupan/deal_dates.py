"""The order of a deal's dates, written once. Pure: no database, no clock.

It lives in the kernel beside the event contracts (loupan/events.py) because it is a fact
about a deal that two services check: contracts, which enters the deal's dates, and finance,
which dates the receipts (services never import each other). docs/domain.md, "Dates of a deal".

A deal's dates, each a calendar day in Asia/Shanghai, follow these chains; along a chain a
known date is never before an earlier known one (a date not known yet is skipped, so 交房 is
checked against 备案, or 网签 when there is no 备案 yet):
- the deal: 认购 ≤ 签约 ≤ 网签 ≤ 备案 ≤ 交房 ≤ 房产证 applied ≤ issued ≤ delivered;
- a 补充协议: 签约 ≤ the agreement;
- a receipt (收款): 认购 ≤ the receipt;
- the mortgage case (按揭): 认购 ≤ opened ≤ papers collected ≤ submitted ≤ approved ≤ disbursed.
No date is before EARLIEST (2000-01-01): a typo such as 2000-01-01 for 2026-01-01 or a year
0026 is refused rather than stored. The 认购 date is the day the deal was made, so nothing
after it can be dated before the project existed either.

A violation raises RuleViolated (422): DATE_OUT_OF_ORDER or DATE_TOO_EARLY, the message
naming both dates (`signed_on 2026-09-01 is before subscribed_on 2026-09-10`).
"""
from datetime import date

from loupan.errors import RuleViolated

EARLIEST = date(2000, 1, 1)

LABELS = {
    "subscribed_on": "认购", "signed_on": "签约", "online_signed_on": "网签", "filed_on": "备案",
    "handed_over_on": "交房", "title_applied_on": "房产证申请", "title_issued_on": "房产证出证",
    "title_delivered_on": "房产证交付", "agreement_on": "补充协议", "received_on": "收款",
    "opened_on": "按揭开案", "papers_collected_on": "资料齐", "submitted_on": "报件", "approved_on": "批贷",
    "disbursed_on": "放款",
}
DEAL = ("subscribed_on", "signed_on", "online_signed_on", "filed_on", "handed_over_on",
        "title_applied_on", "title_issued_on", "title_delivered_on")
AGREEMENT = ("signed_on", "agreement_on")
RECEIPT = ("subscribed_on", "received_on")
MORTGAGE = ("subscribed_on", "opened_on", "papers_collected_on", "submitted_on", "approved_on", "disbursed_on")
CHAINS = {"deal": DEAL, "agreement": AGREEMENT, "receipt": RECEIPT, "mortgage": MORTGAGE}


def _name(key):
    return f"{LABELS[key]} {key}"


def check(chain, dates):
    """Raise unless the known `dates` (name → date or None) of `chain` are in order and none
    is before EARLIEST. Names outside the chain are ignored, so a caller may pass all it has."""
    order = CHAINS[chain]
    latest = None  # (name, date) of the latest known date so far along the chain
    for key in order:
        day = dates.get(key)
        if day is None:
            continue
        if day < EARLIEST:
            raise RuleViolated(f"{_name(key)} {day} is before {EARLIEST}: check the year", "DATE_TOO_EARLY")
        if latest is not None and day < latest[1]:
            raise RuleViolated(f"{_name(key)} {day} is before {_name(latest[0])} {latest[1]}",
                               "DATE_OUT_OF_ORDER")
        latest = (key, day)
