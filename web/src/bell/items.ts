// The bell's items (GET /api/projects/{id}/notifications): their kinds in Chinese and the badge.

export const KIND_NAMES: Record<string, string> = {
  hold_expired: "预留到期",
  approval_waiting: "待审批",
  sla_breached: "服务超时",
};

/** The badge's text: nothing at 0, the count up to 99, then 99+. */
export function badge(count: number | null | undefined): string {
  if (!count || count < 0) return "";
  return count > 99 ? "99+" : String(count);
}
