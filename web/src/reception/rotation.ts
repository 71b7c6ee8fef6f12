// The rotation (轮序接待) as the reception desk reads it: people by their full names, who takes
// the next walk-in, the audit in Chinese, and a queue moved one place for 补位 (PUT order).
export interface Person { account_id?: number; full_name?: string | null; username?: string | null }

/** 李顾问 (hr's full name); the login name or #id only when hr did not answer. */
export function personName(p: Person | null | undefined): string {
  if (!p) return "—";
  return p.full_name?.trim() || p.username || (p.account_id != null ? `#${p.account_id}` : "—");
}

/** Who takes the next new walk-in: the head of the queue (position 1). */
export function nextInLine<T extends Person & { position?: number }>(queue: T[] | null | undefined): T | null {
  if (!queue?.length) return null;
  return [...queue].sort((a, b) => (a.position ?? 0) - (b.position ?? 0))[0];
}

/** The queue's account ids with `accountId` moved `by` places (-1: forward), clamped. */
export function moved(order: number[], accountId: number, by: number): number[] {
  const from = order.indexOf(accountId);
  if (from < 0) return [...order];
  const to = Math.max(0, Math.min(order.length - 1, from + by));
  const next = order.filter((id) => id !== accountId);
  next.splice(to, 0, accountId);
  return next;
}

export const AUDIT_ACTIONS: Record<string, string> = {
  assigned: "分配接待", joined: "加入轮序", left: "离开轮序", reordered: "调整顺序", skipped: "暂停（补位）",
  restored: "恢复轮序",
};
// the system's own reasons (rotation.py); a supervisor's reason is shown as written
export const AUDIT_REASONS: Record<string, string> = {
  "new walk-in": "新客到访", eligible: "到岗可接待", "no longer eligible": "已不在岗", certified: "通过上岗考核",
  "clocked in": "上班打卡", "clocked out": "下班打卡", "on leave": "请假", left: "离职", transferred: "调岗",
};
