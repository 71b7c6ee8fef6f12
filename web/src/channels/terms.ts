// 渠道结佣 (分销佣金, issue 19): a channel's terms said in one line, the terms form turned into the
// body of POST .../channel-terms (or the sentence of what is missing, before anything is sent),
// the Chinese of a channel deal's state and a statement's status, and what finance may do to a
// statement in each status. Pure, for src/views/channels/CommissionPage.vue.

export const TERMS_KINDS: Record<string, string> = { per_unit: "按套（每套固定金额）", percent: "按成交价比例", tiered: "跳点（按期内套数）" };
export const TIER_PERIODS: Record<string, string> = { month: "按月", quarter: "按季度" };
export const DEAL_STATES: Record<string, string> = { pending: "待结佣条件", billable: "可结佣", billed: "已结佣", reversed: "已冲回" };
export const STATEMENT_STATUS: Record<string, string> = { draft: "草稿", issued: "已出具", confirmed: "渠道已确认", disputed: "渠道有异议" };
export const LINE_KINDS: Record<string, string> = { commission: "佣金", adjustment: "调整", reversal: "冲回（退房）" };
export const BILLABLE_WHEN: Record<string, string> = { signed: "签约即可结佣", signed_and_down_payment: "签约且定金、首付到账" };

const money = (v: string | number | null | undefined) =>
  `¥${Number(v || 0).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

export interface Terms {
  kind?: string; amount?: string | null; rate?: string | null; tier_period?: string;
  tiers?: { from_units: number; rate: string }[];
  launch_bonus?: { amount: string; from_on: string; to_on: string } | Record<string, never> | null;
}

/** 每套 ¥8,000.00 · 开盘奖励 每套 ¥2,000.00（2026-12-01 至 2026-12-31） */
export function termsSummary(t: Terms): string {
  let text: string;
  if (t.kind === "per_unit") text = `每套 ${money(t.amount)}`;
  else if (t.kind === "percent") text = `成交价的 ${t.rate}%`;
  else if (t.kind === "tiered") {
    const tiers = [...(t.tiers ?? [])].sort((a, b) => a.from_units - b.from_units);
    text = `跳点${TIER_PERIODS[t.tier_period ?? "month"] ?? ""}：${tiers.map((x) => `${x.from_units} 套起 ${x.rate}%`).join("，")}`;
  } else text = t.kind ?? "";
  const b = t.launch_bonus;
  return b && "amount" in b ? `${text} · 开盘奖励 每套 ${money(b.amount)}（${b.from_on} 至 ${b.to_on}）` : text;
}

export interface TermsForm {
  channelId: number | null; effectiveFrom: string; kind: string; amount: string; rate: string;
  tierPeriod: string; tiers: { fromUnits: number | null; rate: string }[];
  bonus: boolean; bonusAmount: string; bonusFrom: string; bonusTo: string;
}

const MONEY = /^\d{1,10}(\.\d{1,2})?$/;
const RATE = /^\d{1,3}(\.\d{1,4})?$/;

/** The body of POST /api/projects/{id}/channel-terms, or the sentence of what is missing. */
export function termsBody(f: TermsForm, channelName: string | null): { body?: Record<string, unknown>; problem?: string } {
  if (!f.channelId) return { problem: "请选择渠道" };
  if (!f.effectiveFrom) return { problem: "请填写生效日期" };
  const body: Record<string, unknown> = { channel_id: f.channelId, channel_name: channelName, effective_from: f.effectiveFrom, kind: f.kind };
  if (f.kind === "per_unit") {
    if (!MONEY.test(f.amount.trim()) || Number(f.amount) <= 0) return { problem: "每套佣金须为大于 0 的金额（最多两位小数）" };
    body.amount = Number(f.amount).toFixed(2);
  } else if (f.kind === "percent") {
    if (!RATE.test(f.rate.trim()) || Number(f.rate) <= 0 || Number(f.rate) > 100) return { problem: "佣金比例须在 0 至 100 之间" };
    body.rate = f.rate.trim();
  } else if (f.kind === "tiered") {
    const tiers = f.tiers.filter((t) => t.fromUnits || t.rate.trim());
    if (!tiers.length) return { problem: "请至少填写一档跳点" };
    for (const t of tiers) {
      if (!t.fromUnits || t.fromUnits < 1) return { problem: "跳点的起始套数须为正整数" };
      if (!RATE.test(t.rate.trim()) || Number(t.rate) <= 0 || Number(t.rate) > 100) return { problem: "跳点比例须在 0 至 100 之间" };
    }
    if (new Set(tiers.map((t) => t.fromUnits)).size !== tiers.length) return { problem: "每个起始套数只能设一档" };
    body.tiers = tiers.map((t) => ({ from_units: t.fromUnits, rate: t.rate.trim() }));
    body.tier_period = f.tierPeriod;
  } else return { problem: "请选择结佣方式" };
  if (f.bonus) {
    if (!MONEY.test(f.bonusAmount.trim()) || Number(f.bonusAmount) <= 0) return { problem: "开盘奖励须为大于 0 的金额" };
    if (!f.bonusFrom || !f.bonusTo) return { problem: "请填写开盘奖励的起止日期" };
    if (f.bonusFrom > f.bonusTo) return { problem: "开盘奖励的结束日期不能早于开始日期" };
    body.launch_bonus = { amount: Number(f.bonusAmount).toFixed(2), from_on: f.bonusFrom, to_on: f.bonusTo };
  }
  return { body };
}

/** What finance may do to a statement: issue a draft; record the channel's answer to an issued one. */
export function statementActions(status: string | undefined): ("issue" | "confirm" | "dispute")[] {
  if (status === "draft") return ["issue"];
  if (status === "issued") return ["confirm", "dispute"];
  return [];
}
