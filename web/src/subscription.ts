// 认购 figures and the manager's approval inbox, as pure functions (vitest: subscription.test.ts).
// Money is exact: amounts are decimal strings ("3010000.00") handled as integer cents, never
// floats; the API's own rules (deal_rules.py) stay the judge, these only show the figures.
import type { Schemas } from "./client";

export const PAYMENT_METHODS = [
  ["full", "一次性付款"],
  ["instalments", "分期付款"],
  ["commercial_mortgage", "商业贷款"],
  ["provident_fund", "公积金贷款"],
  ["combined", "组合贷款"],
] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number][0];
export const PAYMENT_LABEL: Record<string, string> = Object.fromEntries(PAYMENT_METHODS);
const LOAN_METHODS = new Set<string>(["commercial_mortgage", "provident_fund", "combined"]);

/** 商贷, 公积金 and 组合贷 take a bank loan; 一次性 and 分期 take none. */
export function needsLoan(method: string): boolean {
  return LOAN_METHODS.has(method);
}

/** "3,010,000.50" / "3010000.5" -> cents; null when not a non-negative amount with ≤ 2 decimals. */
export function toCents(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const text = String(value).replace(/[,，\s]/g, "");
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(text);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0"));
}

/** cents -> the API's decimal string ("3010000.00"). */
export function fromCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(Math.round(cents));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** Discount off the list price in percent, two places ("2.50"); null without a list price. */
export function discountPct(listPrice: string | null | undefined, price: string | null | undefined): string | null {
  const list = toCents(listPrice);
  const p = toCents(price);
  if (!list || p === null) return null;
  const basisPoints = Math.round(((list - p) * 10000) / list);  // 1/100 of a percent
  return fromCents(basisPoints);
}

export interface PriceCheck {
  /** below 表价: the buyer gets a discount (an advisor's range, a manager's, or a director's) */
  discounted: boolean;
  /** below 底价: only an approved special price may go there */
  belowFloor: boolean;
  discount: string | null;
}

export function priceCheck(price: string, listPrice: string | null | undefined,
                           basePrice: string | null | undefined): PriceCheck {
  const p = toCents(price);
  const list = toCents(listPrice);
  const base = toCents(basePrice);
  return {
    discounted: p !== null && list !== null && p < list,
    belowFloor: p !== null && base !== null && base > 0 && p < base,
    discount: discountPct(listPrice, price),
  };
}

export interface Draft {
  price: string;
  deposit: string;
  paymentMethod: string;
  loanAmount: string;
  deliveryDate: string;
}

/** What is wrong with the draft before it is sent (in Chinese), or [] when it may be sent. */
export function draftProblems(d: Draft): string[] {
  const problems: string[] = [];
  const price = toCents(d.price);
  const deposit = toCents(d.deposit);
  if (!price) problems.push("请填写成交价");
  if (!deposit) problems.push("请填写定金");
  else if (price && deposit >= price) problems.push("定金须小于成交价");
  if (!d.paymentMethod) problems.push("请选择付款方式");
  if (needsLoan(d.paymentMethod)) {
    const loan = toCents(d.loanAmount);
    if (!loan) problems.push("按揭付款须填写贷款金额");
    else if (price && deposit !== null && loan > price - deposit) problems.push("贷款金额不能超过成交价减定金");
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(d.deliveryDate)) problems.push("请选择交付日期");
  return problems;
}

export interface PaymentLine { label: string; amount: string }

/** The money of the draft as the buyer hears it: 定金, then 首付 (the rest of the own money) and
 *  the loan, or the balance. The real 付款计划 with due dates is made by finance once the 认购
 *  stands (GET /api/deals/{deal_id}/schedule); no preview endpoint exists before. */
export function paymentSummary(d: Draft): PaymentLine[] {
  const price = toCents(d.price);
  const deposit = toCents(d.deposit) ?? 0;
  if (!price) return [];
  const lines: PaymentLine[] = [{ label: "定金", amount: fromCents(deposit) }];
  if (needsLoan(d.paymentMethod)) {
    const loan = toCents(d.loanAmount) ?? 0;
    lines.push({ label: "首付（不含定金）", amount: fromCents(price - deposit - loan) });
    lines.push({ label: "贷款", amount: fromCents(loan) });
  } else {
    lines.push({ label: d.paymentMethod === "instalments" ? "分期应付" : "余款", amount: fromCents(price - deposit) });
  }
  lines.push({ label: "合计", amount: fromCents(price) });
  return lines;
}

/** The body of POST /api/subscriptions. */
export function subscriptionBody(holdId: number, d: Draft, discountRequest: string) {
  const body: Schemas["SubscriptionIn"] = {
    hold_id: holdId,
    customer_id: null,  // the hold's customer is the buyer
    customer_name: null,
    customer_phone: null,
    customer_id_number: null,
    price: fromCents(toCents(d.price) ?? 0),
    deposit: fromCents(toCents(d.deposit) ?? 0),
    payment_method: d.paymentMethod as Schemas["SubscriptionIn"]["payment_method"],
    loan_amount: needsLoan(d.paymentMethod) ? fromCents(toCents(d.loanAmount) ?? 0) : null,
    discount_request: discountRequest.trim() || null,
    delivery_date: d.deliveryDate,
  };
  return body;
}

// the approval inbox ------------------------------------------------------------------------
export type InboxKind = "subscription" | "discount" | "change" | "contract" | "agreement" | "conflict" | "mobile";
export const CHANGE_LABEL: Record<string, string> = { rename: "更名", swap: "换房", cancel: "退房" };

export interface InboxItem {
  key: string;
  kind: InboxKind;
  id: number;
  dealId: number | null;  // the deal a 认购 or a change is about
  title: string;  // 认购 / 优惠申请 / 更名 / 换房 / 退房
  unitId: number | null;
  unitLabel: string;
  buyer: string;
  phone: string;
  price: string | null;  // the price asked
  listPrice: string | null;
  advisorId: number | null;
  advisorName: string;
  at: string;  // when it was asked (ISO)
  detail: string;
  needsDirector: boolean;
}

type Deal = Schemas["DealOut"];
type Discount = Schemas["DiscountRequestOut"];
type Change = Schemas["ChangeOut"];

/** One list, oldest first (it has waited longest), of what waits for the manager. */
export function mergeInbox(deals: Deal[], discounts: Discount[], changes: Change[]): InboxItem[] {
  const items: InboxItem[] = [];
  for (const d of deals) {
    if (d.status !== "submitted" || !d.id) continue;
    const loan = d.loan_amount ? `，贷款 ${d.loan_amount}` : "";
    items.push({
      key: `subscription-${d.id}`, kind: "subscription", id: d.id, dealId: d.id, title: "认购",
      unitId: d.unit_id ?? null, unitLabel: d.unit_label ?? "", buyer: d.customer_name ?? "",
      phone: d.customer_phone ?? "", price: d.price ?? null, listPrice: d.list_price ?? null,
      advisorId: d.advisor_id ?? null, advisorName: "", at: d.created_at ?? "",
      detail: `${PAYMENT_LABEL[d.payment_method ?? ""] ?? d.payment_method ?? ""}，定金 ${d.deposit ?? ""}${loan}`
        + (d.discount_request ? `；客户诉求：${d.discount_request}` : ""),
      needsDirector: false,
    });
  }
  for (const r of discounts) {
    if (r.status !== "pending" || !r.id) continue;
    items.push({
      key: `discount-${r.id}`, kind: "discount", id: r.id, dealId: null, title: "优惠申请",
      unitId: r.unit_id ?? null, unitLabel: "", buyer: "", phone: "",
      price: r.requested_price ?? null, listPrice: r.list_price ?? null,
      advisorId: r.requested_by ?? null, advisorName: "", at: r.requested_at ?? "",
      detail: `优惠 ${r.discount_pct ?? ""}%；理由：${r.reason ?? ""}`,
      needsDirector: !!r.needs_director,
    });
  }
  for (const c of changes) {
    if (c.status !== "requested" || !c.id) continue;
    const payload = (c.payload ?? {}) as Record<string, unknown>;
    const reason = typeof payload.reason === "string" ? `理由：${payload.reason}` : "";
    const buyers = Array.isArray(payload.buyers)
      ? `新买受人：${payload.buyers.map((b) => String((b as { name?: unknown })?.name ?? "")).join("、")}；` : "";
    const target = c.kind === "swap" && typeof payload.to_unit_id === "number" ? `换至房源 #${payload.to_unit_id}；` : "";
    const diff = c.kind === "swap" && c.price_difference ? `差价 ${c.price_difference}；` : "";
    items.push({
      key: `change-${c.id}`, kind: "change", id: c.id, dealId: c.deal_id ?? null, title: CHANGE_LABEL[c.kind ?? ""] ?? "变更",
      unitId: c.from_unit_id ?? null, unitLabel: "", buyer: "", phone: "",
      price: c.new_price ?? null, listPrice: null,
      advisorId: c.requested_by ?? null, advisorName: c.requested_by_name ?? "", at: c.requested_at ?? "",
      detail: `${buyers}${target}${diff}${reason}`.replace(/；$/, "") || `交易 #${c.deal_id}`,
      needsDirector: false,
    });
  }
  return items.sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0) || a.key.localeCompare(b.key));
}

/** A change request with the facts of its deal (GET /api/deals/{deal_id}): the unit, the buyer as
 *  the API masks it, the agreed and list prices, the deal's advisor. What the request carries stays. */
export function withDeal(item: InboxItem, deal: Schemas["DealOut"]): InboxItem {
  return {
    ...item,
    unitId: item.unitId ?? deal.unit_id ?? null,
    unitLabel: item.unitLabel || deal.unit_label || "",
    buyer: item.buyer || deal.customer_name || "",
    phone: item.phone || deal.customer_phone || "",
    price: item.price ?? deal.price ?? null,
    listPrice: item.listPrice ?? deal.list_price ?? null,
    advisorId: item.advisorId ?? deal.advisor_id ?? null,
  };
}
