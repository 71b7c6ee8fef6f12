// Chinese names of finance's enumerations (schedule lines, receipts, buckets, statements).
export const LINE_KINDS: Record<string, string> = {
  deposit: "定金", down_payment: "首付款", instalment: "分期款", mortgage: "按揭款", balance: "房款（尾款）",
};
export const LINE_STATUS: Record<string, string> = { open: "待收", paid: "已收清", closed: "已关闭" };
export const METHODS: Record<string, string> = {
  cash: "现金", card: "刷卡", transfer: "银行转账", pos: "POS", provident_fund: "公积金", mortgage: "银行按揭放款",
};
// what a cashier takes at the desk (a mortgage disbursement is recorded by the bank's flow)
export const DESK_METHODS = ["cash", "card", "pos", "transfer", "provident_fund"] as const;
export const RECEIPT_STATUS: Record<string, string> = { valid: "有效", voided: "已作废", refunded: "已退款" };
export const PAYMENT_METHODS: Record<string, string> = {
  full: "一次性付款", instalments: "分期付款", commercial_mortgage: "商业贷款", provident_fund: "公积金贷款",
  combined: "组合贷款",
};
export const SCHEDULE_STATUS: Record<string, string> = { subscribed: "已认购", signed: "已签约", cancelled: "已退房" };
export const BUCKETS = ["1-30", "31-60", "61-90", "90+"] as const;
export const BUCKET_LABEL: Record<string, string> = {
  "1-30": "逾期 1-30 天", "31-60": "逾期 31-60 天", "61-90": "逾期 61-90 天", "90+": "逾期 90 天以上",
};
export const AGENCY_LINE_KINDS: Record<string, string> = { fee: "代理费", reversal: "冲回（退房）" };
export const COMMISSION_LINE_KINDS: Record<string, string> = {
  accrual: "计提", adjustment: "调整", clawback: "追回（退房）",
};
export const MISMATCH: Record<string, string> = { receipt: "收据分摊与金额不符", deal: "付款计划与分摊不符" };
export const BILLABLE_WHEN: Record<string, string> = {
  signed: "签约即可结佣", signed_and_down_payment: "签约且首付到账", fully_paid: "全款到账",
};
export const SCHEDULE_CHANGES: Record<string, string> = {
  subscription_approved: "认购审批通过", contract_signed: "签约", deal_unit_swapped: "换房", deal_cancelled: "退房",
};
