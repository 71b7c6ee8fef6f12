// 集成推送 (outbound webhooks, docs/webhooks.md): the Chinese of the events an endpoint may
// subscribe to and of a delivery's state, which deliveries a director may send again, the
// short form of a delivery's last answer for the log, and the choices of a secret's rotation.

import type { components } from "../api";

/** An event type an endpoint may ask for: the OpenAPI's enum, so a type the gateway adds
 * without its Chinese name here fails the type check (npm run check). */
export type WebhookEventType = components["schemas"]["WebhookIn"]["event_types"][number];

/** The events of POST /api/webhooks (loupan/schemas/gateway_webhooks.py), in the form's order. */
export const EVENT_NAMES: Record<WebhookEventType, string> = {
  unit_status_changed: "房源状态变化",
  units_released: "推盘",
  unit_held: "留房",
  unit_hold_cancelled: "取消留房",
  unit_hold_expired: "留房到期",
  price_list_published: "价目表发布",
  launch_registered: "认筹登记",
  launch_finished: "开盘结束",
  subscription_approved: "认购审批通过",
  contract_signed: "签约",
  contract_filed: "备案",
  deal_cancelled: "退房",
  unit_handed_over: "交房",
  deal_unit_swapped: "换房",
  payment_received: "收款",
  payment_refunded: "退款",
};
export const EVENT_TYPES = Object.keys(EVENT_NAMES) as WebhookEventType[];

export const STATE_NAMES: Record<string, string> = { pending: "待投递", delivered: "已送达", dead: "已放弃" };
export const ENDPOINT_STATUS_NAMES: Record<string, string> = { active: "启用", disabled: "已停用" };

export function eventName(type: string | undefined): string {
  return type ? ((EVENT_NAMES as Record<string, string>)[type] ?? type) : "";
}

/** A dead delivery of an active endpoint may be sent again (the same delivery id, a new day). */
export function canRedeliver(delivery: { state?: string }, endpoint: { status?: string }): boolean {
  return delivery.state === "dead" && endpoint.status === "active";
}

/** The last answer as the log shows it: `HTTP 500 · receiver says no`, or why there was none. */
export function lastAnswer(d: { last_status?: number | null; last_error?: string | null; attempts?: number }): string {
  if (!d.attempts) return "尚未投递";
  const text = (d.last_error ?? "").trim();
  const short = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  if (d.last_status == null) return short ? `无应答 · ${short}` : "无应答";
  return short ? `HTTP ${d.last_status} · ${short}` : `HTTP ${d.last_status}`;
}

/** What the form refuses before asking the gateway (which checks again: https only). */
export function formProblem(url: string, events: string[]): string | null {
  const value = url.trim();
  if (!value) return "请填写接收地址";
  if (!/^https?:\/\/[^\s/]+/i.test(value)) return "接收地址须以 https:// 开头";
  if (!events.length) return "请至少选择一种事件";
  return null;
}

/** 轮换密钥 (POST /api/webhooks/{id}/rotate-secret): how long the replaced secret still signs
 * beside the new one; 24 h lets the integrator switch, 0 stops a leaked one at once. */
export const ROTATION_CHOICES = [
  { hours: 24, label: "旧密钥继续同时签名 24 小时（对接方在此期间换用新密钥，推荐）" },
  { hours: 0, label: "旧密钥立即失效（密钥已泄露时）" },
];

/** The endpoint list's note while a replaced secret still signs: until when. */
export function rotationNote(previousUntil: string | null | undefined, format: (iso: string) => string): string {
  return previousUntil ? `旧密钥同时签名至 ${format(previousUntil)}` : "";
}
