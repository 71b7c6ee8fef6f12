"""The four printed documents, each from what the API answers (dumped JSON: money as decimal
strings, dates as ISO text), so a PDF says exactly what the screens say."""
from gateway.documents.capitals import capitals
from gateway.documents.names import (LINE_KINDS, MORTGAGE_METHODS, PAYMENT_METHODS, RECEIPT_METHODS,
                                     RECEIPT_STATUSES, UNIT_STATUSES, yuan)
from gateway.documents.pdf import Document


def _schedule(doc, lines):
    doc.table(("期次", "款项", "应付日期", "金额（元）"),
              [(line["seq"], LINE_KINDS.get(line["kind"], line["kind"]), line["due_on"], yuan(line["amount"]))
               for line in lines], widths=(0.12, 0.3, 0.28, 0.3), right=(3,))


def subscription(deal, project, schedule):
    """认购书: the parties, the unit, price and 定金, the payment method and its schedule (finance's
    when the 认购 is approved), the 交付 date; signature lines."""
    doc = Document(f"{project['name']} · 认购书", f"编号 {deal.get('subscription_no') or '（待审核）'}")
    doc.facts([("买受人", deal["customer_name"]), ("联系电话", deal.get("customer_phone")),
               ("房号", deal.get("unit_label")), ("建筑面积", f"{deal.get('gross_area') or '—'} ㎡"),
               ("表价", yuan(deal.get("list_price"))), ("成交价", yuan(deal["price"])),
               ("成交价大写", capitals(deal["price"])), ("定金", yuan(deal["deposit"])),
               ("付款方式", PAYMENT_METHODS.get(deal["payment_method"], deal["payment_method"])),
               ("贷款金额", yuan(deal.get("loan_amount")) if deal.get("loan_amount") else "—"),
               ("认购日期", deal.get("subscribed_on") or "—"), ("交付日期", deal.get("delivery_date") or "—")])
    if schedule and schedule.get("lines"):
        doc.heading("付款计划")
        _schedule(doc, [line for line in schedule["lines"] if line.get("status") != "closed"])
    doc.space()
    doc.paragraph("买受人已阅读并同意本认购书条款；定金在签订商品房买卖合同时转为房款。认购书经案场经理审核生效，"
                  "以签订的商品房买卖合同为准。", note=True)
    doc.signatures("买受人", "置业顾问", "案场经理")
    return doc.bytes()


def receipt(receipt, schedule, project):
    """收款收据: number, payer, unit, amount in figures and capitals, method, date, the cashier."""
    status = RECEIPT_STATUSES.get(receipt["status"], receipt["status"])
    doc = Document(f"{project['name']} · 收款收据", f"收据号 {receipt['receipt_no']}"
                   + ("" if receipt["status"] == "valid" else f"（{status}）"))
    doc.facts([("交款人", receipt["payer"]), ("房号", (schedule or {}).get("unit_label")),
               ("金额", yuan(receipt["amount"])), ("金额大写", capitals(receipt["amount"])),
               ("收款方式", RECEIPT_METHODS.get(receipt["method"], receipt["method"])),
               ("收款日期", receipt["received_on"]), ("收款人", receipt.get("recorded_by_name")),
               ("状态", status)], columns=1)
    if receipt["status"] != "valid":
        doc.paragraph(f"本收据已{status}：{receipt.get('end_reason') or ''}（{receipt.get('ended_by_name') or ''}）")
    doc.signatures("交款人", "收款人")
    return doc.bytes()


def sincerity_receipt(receipt, project, launch):
    """诚意金收据 of a 认筹: number, the registration, payer, amount in figures and capitals,
    method, date, the cashier; refundable, or converted into a deal's 定金."""
    statuses = dict(RECEIPT_STATUSES, converted="已转定金")
    status = statuses.get(receipt["status"], receipt["status"])
    doc = Document(f"{project['name']} · 诚意金收据", f"收据号 {receipt['receipt_no']}"
                   + ("" if receipt["status"] == "valid" else f"（{status}）"))
    doc.facts([("开盘活动", launch.get("name")), ("认筹号", receipt.get("number")),
               ("交款人", receipt["payer"]), ("联系电话", receipt.get("mobile_masked")),
               ("金额", yuan(receipt["amount"])), ("金额大写", capitals(receipt["amount"])),
               ("收款方式", RECEIPT_METHODS.get(receipt["method"], receipt["method"])),
               ("收款日期", receipt["received_on"]), ("收款人", receipt.get("recorded_by_name")),
               ("状态", status)], columns=1)
    if receipt["status"] != "valid":
        doc.paragraph(f"{status}：{receipt.get('end_reason') or ''}")
    doc.paragraph("诚意金可退：未认购或取消认筹的，凭本收据退还；选房认购的，转为认购定金。", note=True)
    doc.signatures("交款人", "收款人")
    return doc.bytes()


def plan(preview, unit, project, customer, quote):
    """置业计划书: the unit, price, 付款方式, the schedule the project's terms give and, with a
    loan, the bank's monthly figures."""
    doc = Document(f"{project['name']} · 置业计划书", "本计划书仅供参考，以签订的认购书及合同为准")
    doc.facts([("客户", customer or "—"), ("房号", unit.get("number")),
               ("户型", unit.get("layout")), ("建筑面积", f"{unit.get('gross_area')} ㎡"),
               ("表价", yuan(unit.get("list_price"))), ("成交价", yuan(preview["price"])),
               ("付款方式", PAYMENT_METHODS.get(preview["payment_method"], preview["payment_method"])),
               ("定金", yuan(preview["deposit"])), ("贷款金额", yuan(preview["loan_amount"])),
               ("客户自付", yuan(preview["buyer_part"]))])
    doc.heading("付款计划")
    _schedule(doc, preview["lines"])
    doc.paragraph(f"应付日期按认购日 {preview['start_on']} 与项目付款规则计算。", note=True)
    if quote:
        doc.heading(f"房贷试算（{MORTGAGE_METHODS.get(quote['method'], quote['method'])}，{quote['years']} 年，"
                    f"年利率 {quote['annual_rate']}%）")
        figures = [("首月月供", yuan(quote["monthly_payment"])), ("总利息", yuan(quote["total_interest"])),
                   ("还款总额", yuan(quote["total_paid"]))]
        if quote.get("monthly_decrease"):
            figures.insert(1, ("每月递减", yuan(quote["monthly_decrease"])))
        doc.facts(figures)
        doc.paragraph("月供按四舍五入显示，与银行房贷计算器一致；实际以贷款银行审批为准。", note=True)
    return doc.bytes()


def board(data, day):
    """销控表: totals per status, then each building's floors, highest first, unit and status."""
    project = data["project"]
    doc = Document(f"{project['name']} · 销控表", f"{day}", wide=True)
    doc.table(("状态", "套数", "建筑面积（㎡）", "金额（元）"),
              [(UNIT_STATUSES.get(s, s), t["count"], t["gross_area"], yuan(t["amount"]))
               for s, t in data["totals"].items()], widths=(0.25, 0.2, 0.25, 0.3), right=(1, 2, 3))
    for building in data["buildings"]:
        doc.heading(f"{building['name']}（预售证 {building.get('permit_no') or '无'}）")
        floors = sorted(building["floors"], key=lambda f: -f["floor"])
        width = max((len(f["units"]) for f in floors), default=0)
        rows = [[f"{f['floor']}F"] + [f"{u['number']} {UNIT_STATUSES.get(u['status'], u['status'])}"
                                      for u in f["units"]] + [""] * (width - len(f["units"])) for f in floors]
        if rows:
            doc.table(["楼层"] + [f"{i + 1}" for i in range(width)], rows)
    return doc.bytes()
