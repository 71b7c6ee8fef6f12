// The cashier's desk, pure: finding a deal as the buyer says it at the counter (name, the last
// digits of a phone, a unit, the 认购书 number), what a receipt was for, who may void it.
import { LINE_KINDS } from "./labels";

export interface DealLike {
  id?: number;
  customer_name?: string;
  customer_phone?: string | null;
  unit_label?: string | null;
  subscription_no?: string | null;
}

/** The deals matching every word of `query` (case and spaces ignored); all when it is blank.
 *  A phone is masked for finance (138****5678): digits match the digits shown. */
export function findDeals<T extends DealLike>(deals: T[], query: string): T[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return deals;
  return deals.filter((deal) => {
    const haystack = [deal.customer_name, deal.unit_label, deal.subscription_no, deal.customer_phone,
      deal.customer_phone?.replace(/\D/g, ""), deal.id ? `#${deal.id}` : ""].filter(Boolean).join(" ").toLowerCase();
    return words.every((w) => haystack.includes(w) || (/^\d+$/.test(w) && String(deal.id) === w));
  });
}

interface LineLike { id?: number; kind?: string }
interface AllocationLike { line_id?: number; amount?: string }

/** What a receipt paid, as its lines' kinds in Chinese (定金、首付款); "房款" when no line says. */
export function receiptKinds(allocations: AllocationLike[] | undefined, lines: LineLike[] | undefined): string {
  const kinds: string[] = [];
  for (const a of allocations ?? []) {
    const kind = lines?.find((l) => l.id === a.line_id)?.kind;
    const label = kind ? LINE_KINDS[kind] ?? kind : null;
    if (label && !kinds.includes(label)) kinds.push(label);
  }
  return kinds.length ? kinds.join("、") : "房款";
}

interface ReceiptLike { status?: string; recorded_by?: number | null }

/** Why this account may not void or refund the receipt (null: it may): the API's rule is a
 *  second person, never whoever took it (403 SAME_PERSON), and only a valid receipt. */
export function whyNotEnd(receipt: ReceiptLike, me: number | undefined): string | null {
  if (receipt.status !== "valid") return "该收据已作废或已退款";
  if (receipt.recorded_by != null && receipt.recorded_by === me) return "须由收款人以外的另一位同事作废或退款";
  return null;
}

/** Every number a receipt's printed page shows is the API's decimal string; this only checks a
 *  typed amount before it is sent (positive, at most two decimals). */
export function amountProblem(text: string): string | null {
  const value = text.trim().replace(/,/g, "");
  if (!value) return "请输入金额";
  if (!/^\d+(\.\d{1,2})?$/.test(value)) return "金额格式不正确（最多两位小数）";
  if (/^0+(\.0+)?$/.test(value)) return "金额须大于 0";
  return null;
}
