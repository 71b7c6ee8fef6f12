"""Reports as .xlsx for the developer and the site (a sheet per section, Chinese headers).
Rendered from the dumped JSON so the file says exactly what the API says; money and
percentages are written as numbers; codes are written as the office says them (a channel's
Chinese name, an advisor's name, 未分配 for what no advisor had)."""
from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Font

from loupan.schemas.crm_customers import CHANNEL_NAMES
from loupan.spreadsheet import append_row

KINDS = {"daily": "日报", "weekly": "周报", "monthly": "月报"}
FIGURES = (("calls", "来电"), ("visits", "来访(上客量)"), ("new_leads", "新增客户"), ("holds", "预留"),
           ("subscriptions.count", "认购套数"), ("subscriptions.area", "认购面积(㎡)"), ("subscriptions.amount", "认购金额(元)"),
           ("contracts.count", "签约套数"), ("contracts.area", "签约面积(㎡)"), ("contracts.amount", "签约金额(元)"),
           ("receipts.count", "收款笔数"), ("receipts.amount", "收款金额(元)"),
           ("mortgage_disbursements.count", "放款笔数"), ("mortgage_disbursements.amount", "放款金额(元)"))
PARTS = {"crm": "客户(来电来访)", "inventory": "销控", "contracts": "认购签约", "finance": "财务", "hr": "人事",
         "distribution": "分销渠道(报备带看)", "commission": "分销佣金"}
NOBODY = "未分配顾问"  # figures no advisor had (a call or visit nobody was given)


def advisor_name(advisor_id, name):
    """The advisor as a person reads the sheet: the name, else their id, else 未分配顾问."""
    if advisor_id is None:
        return NOBODY
    return name or f"顾问#{advisor_id}"


def channel_name(code):
    return CHANNEL_NAMES.get(code, code)


def _value(row, path):
    for key in path.split("."):
        row = None if row is None else row.get(key)
    if isinstance(row, str):
        try:
            return Decimal(row)
        except ArithmeticError:
            return row
    return row


def _sheet(book, title, headers, rows):
    sheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, list(row))  # names and channels are people's text: never a formula
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(12, 2 * len(str(column[0].value)) + 2)
    return sheet


def _bytes(book):
    del book[book.sheetnames[0]]  # the default empty sheet
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _missing(book, missing):
    if missing:
        _sheet(book, "缺失部分", ("部分", "项目ID", "原因"),
               ((PARTS.get(m["part"], m["part"]), m.get("project_id"), m["error"]) for m in missing))


def report(data):
    """日报/周报/月报: 汇总, 顾问明细, and for a period 排名."""
    book = Workbook()
    scope = data["scope"]
    summary = [("报表", KINDS.get(scope["kind"], scope["kind"])), ("项目ID", scope["project_id"] or "全部项目"),
               ("开始日期", scope["from"]), ("结束日期", scope["to"])]
    summary += [(title, _value(data["totals"], key)) for key, title in FIGURES]
    if "ranking" in data:
        sales, collection = data.get("sales_vs_target") or {}, data.get("collection_vs_target") or {}
        summary += [("成交均价(元/㎡)", _value(data, "average_price")), ("去化率(%)", _value(data, "sell_through")),
                    ("销售目标(元)", _value(sales, "target")), ("本月签约(元)", _value(sales, "actual")),
                    ("销售完成率(%)", _value(sales, "achieved_percent")),
                    ("回款目标(元)", _value(collection, "target")), ("本月回款(元)", _value(collection, "actual")),
                    ("回款完成率(%)", _value(collection, "achieved_percent"))]
    _sheet(book, "汇总", ("指标", "数值"), summary)
    _sheet(book, "顾问明细", ("顾问ID", "姓名") + tuple(t for _, t in FIGURES),
           ([r["advisor_id"], advisor_name(r["advisor_id"], r["name"])] + [_value(r, k) for k, _ in FIGURES]
            for r in data["by_advisor"]))
    if "ranking" in data:
        _sheet(book, "排名", ("名次", "顾问ID", "姓名", "签约套数", "签约面积(㎡)", "签约金额(元)"),
               ((r["rank"], r["advisor_id"], advisor_name(r["advisor_id"], r["name"]), r["count"], _value(r, "area"),
                 _value(r, "amount"))
                for r in data["ranking"]))
    _missing(book, data.get("missing"))
    return _bytes(book)


def funnel(data, names=None):
    """销售漏斗: one row per day, advisor (by name: `names` {account id: name}) or channel, then the total."""
    book = Workbook()
    keys = ("visits", "new_leads", "a_grade", "subscribed", "signed")
    by = {"day": "日期", "advisor": "顾问", "channel": "渠道"}[data["by"]]
    label = {"day": lambda r: r["key"], "channel": lambda r: channel_name(r["channel"]) or "未知渠道",
             "advisor": lambda r: advisor_name(r["advisor_id"], (names or {}).get(r["advisor_id"]))}[data["by"]]
    rows = [[label(r)] + [r[k] for k in keys] for r in data["rows"]]
    rows.append(["合计"] + [data["total"][k] for k in keys])
    _sheet(book, "销售漏斗", (by, "来访(上客量)", "新增客户", "A级客户", "认购", "签约"), rows)
    return _bytes(book)


def channels(data):
    """渠道效果: spend against visits, leads and deals, and the cost of each, per lead source
    (the 渠道 row's spend includes the channels' commission); 分销渠道: each channel company's
    (and the 全民经纪人's) 报备, 带看, 认购, commission billed and cost per deal, then the total."""
    book = Workbook()
    _sheet(book, "渠道效果", ("渠道", "投放费用(元)", "其中分销佣金(元)", "来访", "新增客户", "认购", "来访成本(元)",
                           "客户成本(元)", "成交成本(元)"),
           ([channel_name(r["channel"]), _value(r, "spend"), _value(r, "commission"), r["visits"], r["new_leads"],
             r["deals"], _value(r, "cost_per_visit"), _value(r, "cost_per_lead"), _value(r, "cost_per_deal")]
            for r in data["channels"]))
    rows = [[r["channel_name"], r["reports"], r["visits"], r["deals"], _value(r, "commission"),
             _value(r, "cost_per_deal")] for r in data["distribution"]]
    known = [_value(r, "commission") for r in data["distribution"] if r["commission"] is not None]
    commission = sum(known) if known else None
    deals = sum(r["deals"] for r in data["distribution"])
    rows.append(["合计", sum(r["reports"] for r in data["distribution"]), sum(r["visits"] for r in data["distribution"]),
                 deals, commission, (commission / deals).quantize(Decimal("0.01")) if commission is not None and deals
                 else None])
    _sheet(book, "分销渠道", ("分销渠道", "报备", "带看", "认购", "分销佣金(元)", "成交成本(元)"), rows)
    _missing(book, data.get("missing"))
    return _bytes(book)


ESCROW_FIGURES = (("collected", "房款收款(元)"), ("escrowed", "已存入监管(元)"), ("pending", "待存入监管(元)"),
                  ("not_subject", "监管前收款(元)"), ("deposits_excluded", "定金(不计入)(元)"), ("receipts", "收据笔数"))


def escrow(data):
    """预售资金监管: each month's house price collected against what reached the escrow
    account, and the receipts still to deposit."""
    book = Workbook()
    headers = ("月份",) + tuple(title for _, title in ESCROW_FIGURES)
    rows = [[m["month"]] + [_value(m, key) for key, _ in ESCROW_FIGURES] for m in data["months"]]
    rows.append(["合计"] + [_value(data["total"], key) for key, _ in ESCROW_FIGURES])
    _sheet(book, "监管资金", headers, rows)
    _sheet(book, "待存入", ("收据号", "收款日期", "交款人", "收款方式", "收据金额(元)", "监管房款(元)", "回单号"),
           ([p["receipt_no"], p["received_on"], p["payer"], p["method"], _value(p, "amount"),
             _value(p, "house_price"), p["slip_no"]] for p in data["pending"]))
    return _bytes(book)
