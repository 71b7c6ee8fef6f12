// 置业计划书 (the buyer's quote sheet): what the 认购 draft passes to the printable page, as the
// page's address (so it opens in a tab of its own and prints as it is), and the Chinese names of
// the schedule's lines. Pure (vitest: plan.test.ts).
import type { LocationQueryRaw, LocationQuery } from "vue-router";

export const LINE_KINDS: Record<string, string> = {
  deposit: "定金", down_payment: "首付款", instalment: "分期款", mortgage: "银行按揭放款", balance: "尾款",
};

export interface Plan {
  unitId: number;
  customer: string;
  price: string;
  deposit: string;
  method: string;
  loan: string;            // "" without a loan
  years: number;
  rate: string;            // annual %, "3.10"
  quoteMethod: "equal_instalment" | "equal_principal";
}

export function planQuery(plan: Plan): LocationQueryRaw {
  return { unit: String(plan.unitId), customer: plan.customer, price: plan.price, deposit: plan.deposit,
    method: plan.method, loan: plan.loan, years: String(plan.years), rate: plan.rate, quote: plan.quoteMethod };
}

function one(value: LocationQuery[string] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? "";
}

/** The plan an address carries; null when it lacks the unit, the price or the method. */
export function planOf(query: LocationQuery): Plan | null {
  const unitId = Number(one(query.unit));
  const price = one(query.price);
  const method = one(query.method);
  if (!Number.isInteger(unitId) || unitId <= 0 || !price || !method) return null;
  const years = Number(one(query.years)) || 30;
  return { unitId, customer: one(query.customer), price, deposit: one(query.deposit) || "0.00", method,
    loan: one(query.loan), years, rate: one(query.rate) || "3.10",
    quoteMethod: one(query.quote) === "equal_principal" ? "equal_principal" : "equal_instalment" };
}
