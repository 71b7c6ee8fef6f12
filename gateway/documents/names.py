"""The Chinese names a printed document uses for the API's codes."""
PAYMENT_METHODS = {"full": "一次性付款", "instalments": "分期付款", "commercial_mortgage": "商业贷款",
                   "provident_fund": "公积金贷款", "combined": "组合贷款"}
RECEIPT_METHODS = {"cash": "现金", "card": "刷卡", "transfer": "转账", "pos": "POS", "provident_fund": "公积金",
                   "mortgage": "按揭放款"}
LINE_KINDS = {"deposit": "定金", "down_payment": "首付款", "instalment": "分期款", "mortgage": "银行按揭放款",
              "balance": "尾款"}
UNIT_STATUSES = {"unreleased": "未推", "available": "可售", "locked": "锁定", "held": "预留", "subscribed": "认购",
                 "signed": "签约", "filed": "备案", "delivered": "交付"}
RECEIPT_STATUSES = {"valid": "有效", "voided": "已作废", "refunded": "已退款"}
MORTGAGE_METHODS = {"equal_instalment": "等额本息", "equal_principal": "等额本金"}


def yuan(amount):
    """¥1,234,567.89 from the API's decimal string."""
    if amount is None:
        return "—"
    whole, _, cents = str(amount).partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    return f"{sign}¥{int(whole):,}.{(cents + '00')[:2]}"
