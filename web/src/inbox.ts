// The rest of the manager's inbox (pure; vitest: inbox.test.ts): 签约 and 补充协议 waiting for
// 审核, read from the deals the API lists as awaiting them (GET /api/deals/{id} for each), 撞单
// waiting for a ruling (GET /api/projects/{id}/conflicts?status=open), and 更正手机号 of a
// customer a channel holds (GET /api/projects/{id}/mobile-changes?status=pending).
import type { Schemas } from "./client";
import { PAYMENT_LABEL, type InboxItem } from "./subscription";
import { CHANNELS } from "./labels";

type Detail = Schemas["DealDetail"];
type Conflict = Schemas["ConflictOut"];
type MobileChange = Schemas["MobileChangeOut"];

function fromDeal(deal: Detail): Pick<InboxItem, "dealId" | "unitId" | "unitLabel" | "buyer" | "phone" | "listPrice" | "advisorId" | "advisorName"> {
  return { dealId: deal.id, unitId: deal.unit_id ?? null, unitLabel: deal.unit_label ?? "", buyer: deal.customer_name ?? "",
    phone: deal.customer_phone ?? "", listPrice: deal.list_price ?? null, advisorId: deal.advisor_id ?? null, advisorName: "" };
}

/** 签约: a deal's draft contract, approved or rejected by the deal's id. */
export function contractItems(deals: Detail[]): InboxItem[] {
  return deals.filter((d) => d.contract?.status === "draft").map((d) => {
    const c = d.contract!;
    const loan = c.loan_amount ? `，贷款 ${c.loan_amount}` : "";
    return { ...fromDeal(d), key: `contract-${d.id}`, kind: "contract", id: d.id, title: "签约",
      price: c.price ?? null, at: c.drafted_at ?? "", needsDirector: false,
      detail: `合同 ${c.contract_no}，${PAYMENT_LABEL[c.payment_method ?? ""] ?? c.payment_method ?? ""}${loan}，签约日 ${c.signed_on}` };
  });
}

/** 补充协议: each pending agreement of the deals, approved or rejected by its own id. */
export function agreementItems(deals: Detail[]): InboxItem[] {
  return deals.flatMap((d) => (d.agreements ?? []).filter((a) => a.status === "pending").map((a) => ({
    ...fromDeal(d), key: `agreement-${a.id}`, kind: "agreement" as const, id: a.id, title: "补充协议",
    price: null, at: a.created_at ?? "", needsDirector: false,
    detail: `第 ${a.number} 号《${a.title}》：${a.content}`,
  })));
}

/** 撞单: an open conflict, ruled keep (the owner stays) or transfer (to the claimant). */
export function conflictItems(conflicts: Conflict[], names: Map<number, string>): InboxItem[] {
  return conflicts.filter((c) => c.status === "open").map((c) => {
    const owner = c.owner_id ? names.get(c.owner_id) ?? `#${c.owner_id}` : "公客池";
    const claimant = c.claimant_name || (c.claimant_id ? names.get(c.claimant_id) ?? `#${c.claimant_id}` : "");
    const via = [CHANNELS[c.channel] ?? c.channel, c.partner_name].filter(Boolean).join("·");
    return { key: `conflict-${c.id}`, kind: "conflict", id: c.id, dealId: null, title: "撞单", unitId: null,
      unitLabel: "", buyer: c.claimed_name ?? "", phone: "", price: null, listPrice: null,
      advisorId: c.claimant_id ?? null, advisorName: claimant, at: c.created_at ?? "", needsDirector: false,
      detail: `客户 #${c.customer_id} 现归 ${owner}；${claimant} 以「${via}」报备${c.note ? `：${c.note}` : ""}` };
  });
}

/** 更正手机号: a pending correction of a channel's customer, approved or rejected by its own id. */
export function mobileChangeItems(changes: MobileChange[]): InboxItem[] {
  return changes.filter((c) => c.status === "pending").map((c) => {
    const channel = c.channel_name ? `${c.channel_name}${c.broker_name ? `（经纪人 ${c.broker_name}）` : ""}保护中的客户；` : "";
    return { key: `mobile-${c.id}`, kind: "mobile", id: c.id, dealId: null, title: "改手机号", unitId: null,
      unitLabel: "", buyer: c.customer_name ?? `客户 #${c.customer_id}`, phone: c.old_mobile ?? "", price: null,
      listPrice: null, advisorId: c.requested_by ?? null, advisorName: c.requested_by_name ?? "",
      at: c.requested_at ?? "", needsDirector: false,
      detail: `${channel}${c.old_mobile} → ${c.new_mobile}，原因：${c.reason}` };
  });
}
