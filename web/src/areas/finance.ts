// 财务: the cashier's desk (收银台: find a deal, its 付款计划, 收款, the printed 收据, 作废/退款 by a
// second person), 催款 by ageing, 日结, the 代理佣金/提成 statements, and 资金监管 (预售资金监管).
import type { Area } from "../nav";
import CashierPage from "../views/finance/CashierPage.vue";
import DealMoney from "../views/finance/DealMoney.vue";
import ReceiptPrint from "../views/finance/ReceiptPrint.vue";
import CollectionsPage from "../views/finance/CollectionsPage.vue";
import ReconciliationPage from "../views/finance/ReconciliationPage.vue";
import StatementsPage from "../views/finance/StatementsPage.vue";
import EscrowPage from "../views/finance/EscrowPage.vue";

export const area: Area = {
  routes: [
    { path: "cashier", name: "cashier", component: CashierPage, meta: { permission: "receipts.record" } },
    { path: "cashier/:dealId(\\d+)", name: "finance-deal", component: DealMoney, meta: { permission: "deal_money.read" } },
    { path: "cashier/:dealId(\\d+)/receipts/:receiptId(\\d+)", name: "finance-receipt", component: ReceiptPrint,
      meta: { permission: "deal_money.read" } },
    { path: "collections", name: "collections", component: CollectionsPage, meta: { permission: "collections.read" } },
    { path: "receipt-reconciliation", name: "receipt-reconciliation", component: ReconciliationPage,
      meta: { permission: "reconciliation.read" } },
    { path: "statements", name: "statements", component: StatementsPage, meta: { permission: "agency_commission.read" } },
    { path: "escrow", name: "escrow", component: EscrowPage, meta: { permission: "escrow.read" } },
  ],
  items: [
    { page: "cashier", title: "收银台", to: "/cashier", permission: "receipts.record", group: "财务", order: 70 },
    { page: "collections", title: "催款", to: "/collections", permission: "collections.read", group: "财务", order: 71 },
    { page: "receipt-reconciliation", title: "日结对账", to: "/receipt-reconciliation", permission: "reconciliation.read",
      group: "财务", order: 72 },
    { page: "statements", title: "佣金结算", to: "/statements", permission: "agency_commission.read", group: "财务", order: 73 },
    { page: "escrow", title: "资金监管", to: "/escrow", permission: "escrow.read", group: "财务", order: 74 },
  ],
};
