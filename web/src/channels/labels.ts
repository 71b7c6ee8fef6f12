// 渠道分销 (issue 19) in the words of a sales office: the Chinese of crm's channel enumerations
// (grades, statuses, a report's verdict and its reason, appeal rulings, risk kinds), the
// project's 判客 rules each said in one line, what reception is told after checking a 带看码, and
// a risk alert's facts as sentences. Pure: the pages (src/views/channels/) show what these say.

import { OWNER_REASONS } from "../labels";

export const GRADES = ["A", "B", "C"] as const;
export const GRADE_NAMES: Record<string, string> = { A: "A 级", B: "B 级", C: "C 级" };
export const CHANNEL_STATUS: Record<string, string> = { active: "合作中", suspended: "已暂停" };
export const BROKER_STATUS: Record<string, string> = { active: "正常", disabled: "已停用" };
export const REPORT_STATUS: Record<string, string> = {
  valid: "有效待带看", visited: "已带看", rejected: "无效", lapsed: "已失效",
};
export const REPORT_STATUSES = Object.keys(REPORT_STATUS);
/** why a report stands as it does (loupan/schemas/crm_channels.py REASONS) */
export const REASONS: Record<string, string> = {
  new: "新客户，无人保护",
  masked_pending_visit: "隐号报备，到访时核对完整号码",
  reported_by_other: "其他渠道已先报备",
  duplicate: "本渠道已报备过",
  site_customer: "案场保护期内的客户",
  natural_visit: "客户已自然到访",
  visited: "凭带看码到访",
  expired: "带看有效期内未到访",
  ruling: "经理裁定",
};
export const VISIT_RESULT: Record<string, string> = { visited: "带看成功", rejected: "案场客户", lapsed: "报备已失效" };
export const APPEAL_STATUS: Record<string, string> = { open: "待裁定", ruled: "已裁定" };
export const DECISIONS: Record<string, string> = { to_channel: "判给渠道", to_site: "判给案场", dismiss: "维持原判" };
export const DECISION_KEYS = Object.keys(DECISIONS) as ("to_channel" | "to_site" | "dismiss")[];
export const RISK_KINDS: Record<string, string> = {
  report_before_deal: "截客嫌疑（认购前临时报备）",
  many_channels: "多渠道争抢同一客户",
  owner_change: "渠道客户换归属",
  mobile_change: "渠道客户改手机号",
  high_conversion: "转化率异常偏高",
};

export function reportStatusTag(status: string | undefined): "success" | "warning" | "danger" | "info" {
  return status === "visited" ? "success" : status === "valid" ? "warning" : status === "rejected" ? "danger" : "info";
}

/** The verdict of a report as one phrase: 无效 · 其他渠道已先报备（报备 #12） */
export function verdict(r: { status?: string; reason?: string; against_report_id?: number | null }): string {
  const status = REPORT_STATUS[r.status ?? ""] ?? r.status ?? "";
  const reason = REASONS[r.reason ?? ""] ?? r.reason ?? "";
  const against = r.against_report_id ? `（报备 #${r.against_report_id}）` : "";
  return reason ? `${status} · ${reason}${against}` : status;
}

export interface Settings { report_valid_hours: number; protection_days: number; site_protection_wins: boolean }

/** The project's 判客 rules, one line each, as a site manager says them (docs/domain.md). */
export function rulesExplained(s: Settings): string[] {
  const hours = s.report_valid_hours;
  const span = hours % 24 === 0 ? `${hours} 小时（${hours / 24} 天）` : `${hours} 小时`;
  return [
    `带看有效期 ${span}：报备后这段时间内凭带看码带客户到访才算渠道的，过时报备失效，客户不再受保护。`,
    `渠道保护期 ${s.protection_days} 天：带看成功后 ${s.protection_days} 天内，这个客户算渠道带来的，别的渠道报备也无效。`,
    s.site_protection_wins
      ? "案场优先：客户已在案场登记且仍在置业顾问的保护期内，渠道报备无效。"
      : "渠道可带案场登记过的客户：仅来电登记、未到访过的客户，渠道凭带看码带来即算渠道的。",
    "自然到访的客户始终归案场；先报备者优先，同一时刻多家报备只有一家有效。",
  ];
}

/** What reception reads after checking a 带看码 (POST .../channel-visits). */
export function visitVerdict(result: {
  visit?: { result?: string; reason?: string }; report?: { channel_name?: string; broker_name?: string; protected_until?: string | null };
}, day: (iso: string | null | undefined) => string): { title: string; detail: string; tone: "success" | "warning" | "info" } {
  const r = result.report ?? {};
  const channel = r.channel_name || "全民经纪人";
  switch (result.visit?.result) {
    case "visited":
      return { title: `带看成功：客户归 ${channel}`, tone: "success",
               detail: `经纪人 ${r.broker_name ?? ""}，渠道保护至 ${day(r.protected_until)}。请按渠道客户接待。` };
    case "rejected":
      return { title: "案场客户：不归渠道", tone: "warning",
               detail: `${REASONS[result.visit?.reason ?? ""] ?? "该客户属于案场"}，到访已记录，请按案场客户接待。` };
    case "lapsed":
      return { title: "报备已失效：不归渠道", tone: "info",
               detail: "带看有效期已过才到访，报备失效，到访已记录；客户按案场新客接待。" };
    default:
      return { title: VISIT_RESULT[result.visit?.result ?? ""] ?? "已核验", tone: "info", detail: "" };
  }
}

/** The agency's people for an alert's facts: by account id (an owner change's advisors) and by
 * login name (who asked or approved, as crm records them); unknown ones stay as recorded. */
export interface People { byId?: Map<number, string>; byLogin?: Map<string, string> }

/** How long before its 认购 a report was filed (minutes, whole; negative: after it). */
export function reportLead(minutes: unknown): string {
  const m = Number(minutes);
  if (!Number.isFinite(m)) return "报备时间不详";
  if (m < 0) return `报备晚于认购 ${-m} 分钟`;
  return m === 0 ? "报备与认购相隔不到 1 分钟" : `报备仅早 ${m} 分钟`;
}

/** A risk alert's facts as short sentences for the manager. */
export function alertFacts(kind: string | undefined, f: Record<string, unknown>, time: (iso: string) => string,
  people: People = {}): string[] {
  const s = (v: unknown) => (v == null ? "" : String(v));
  const login = (v: unknown) => people.byLogin?.get(s(v)) ?? s(v);
  const advisor = (v: unknown) => people.byId?.get(Number(v)) ?? `#${s(v)}`;
  switch (kind) {
    case "report_before_deal":
      return [`${s(f.channel)} 经纪人 ${s(f.broker)} 于 ${time(s(f.filed_at))} 报备`,
              `认购时间 ${time(s(f.subscribed_at))}（成交 #${s(f.deal_id)}），${reportLead(f.minutes_before)}`];
    case "many_channels":
      return [`${s(f.days)} 天内 ${Array.isArray(f.channels) ? f.channels.length : 0} 家渠道报备同一客户：${
        Array.isArray(f.channels) ? f.channels.join("、") : ""}`, `共 ${s(f.reports)} 次报备`];
    case "owner_change": {
      // reason: how the owner changed (crm's ownership history: claimed, reassigned, ruling)
      const owner = (v: unknown) => (v == null ? "未分配" : `顾问 ${advisor(v)}`);
      const how = f.reason ? OWNER_REASONS[s(f.reason)] ?? s(f.reason) : "未注明方式";
      return [`归属由 ${owner(f.from_owner_id)} 改为 ${owner(f.to_owner_id)}`, `${how}${f.by ? `，操作人 ${login(f.by)}` : ""}`];
    }
    case "mobile_change": {
      const step = { requested: "顾问申请，待经理审批", approved: `经理 ${login(f.approved_by)} 批准`, applied: `经理 ${login(f.approved_by)} 直接更正` }[s(f.stage)] ?? s(f.stage);
      return [`手机号 ${s(f.old_mobile)} → ${s(f.new_mobile)}（${step}）`,
              `申请人 ${login(f.by)}；原因：${s(f.reason) || "未填写"}`];
    }
    case "high_conversion": {
      const pct = (v: unknown) => `${(Number(v || 0) * 100).toFixed(1)}%`;
      return [`报备 ${s(f.reports)} 组，认购 ${s(f.deals)} 组，转化率 ${pct(f.rate)}`, `案场平均转化率 ${pct(f.site_rate)}`];
    }
    default:
      return Object.entries(f).map(([k, v]) => `${k}: ${s(v)}`);
  }
}

/** A 带看码 as typed at the desk: spaces and dashes dropped, letters upper-cased. */
export function cleanCode(text: string): string {
  return text.replace(/[\s-]/g, "").toUpperCase();
}
