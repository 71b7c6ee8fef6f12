// The advisor's day, as pure logic: which follow-ups are due (from the service levels of
// docs/domain.md, mirrored from services/crm/sla_rules.py for what a customer list carries:
// the first response within 24 h of registration, A/B leads at least weekly), how they are
// classified against the clock (逾期 / 今日 / 24 小时内), and a follow-up timeline grouped by
// Asia/Shanghai day. The overdue list itself comes from GET /api/projects/{id}/overdue.

export const DAY_MS = 24 * 60 * 60_000;
const FIRST_RESPONSE_MS = DAY_MS;
const WEEKLY_MS = 7 * DAY_MS;

export interface LeadFacts {
  id?: number;
  name?: string;
  grade?: string | null;
  status?: string;
  owner_id?: number | null;
  registered_at?: string;
  last_follow_up_at?: string | null;
}

export interface DueItem {
  customerId: number;
  customerName: string;
  grade: string | null;
  rule: "first_response" | "weekly_follow_up";
  dueAt: number;
}

/** The next follow-up a customer owes (the earliest rule still open), or null. */
export function nextDue(c: LeadFacts): DueItem | null {
  if (c.owner_id == null || (c.status ?? "lead") !== "lead" || c.grade === "D" || !c.registered_at) return null;
  const registered = Date.parse(c.registered_at);
  if (Number.isNaN(registered)) return null;
  const base = { customerId: c.id ?? 0, customerName: c.name ?? "", grade: c.grade ?? null };
  const last = c.last_follow_up_at ? Date.parse(c.last_follow_up_at) : NaN;
  if (Number.isNaN(last)) return { ...base, rule: "first_response", dueAt: registered + FIRST_RESPONSE_MS };
  if (c.grade === "A" || c.grade === "B") return { ...base, rule: "weekly_follow_up", dueAt: Math.max(registered, last) + WEEKLY_MS };
  return null;
}

export type Urgency = "overdue" | "today" | "soon" | "later";

/** The Asia/Shanghai day (YYYY-MM-DD) of an instant. */
export function shanghaiDay(ms: number): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(ms));
}

/** overdue: past due; today: due later on today's Shanghai day; soon: within 24 h; later. */
export function classify(dueAt: number, now: number): Urgency {
  if (dueAt < now) return "overdue";
  if (shanghaiDay(dueAt) === shanghaiDay(now)) return "today";
  if (dueAt - now <= DAY_MS) return "soon";
  return "later";
}

/** The follow-ups to do today: not yet overdue (the overdue list has those), due today or
 * within the next 24 h, earliest first. */
export function dueToday(customers: LeadFacts[], now: number): (DueItem & { urgency: Urgency })[] {
  const found: (DueItem & { urgency: Urgency })[] = [];
  for (const c of customers) {
    const item = nextDue(c);
    if (!item) continue;
    const urgency = classify(item.dueAt, now);
    if (urgency === "today" || urgency === "soon") found.push({ ...item, urgency });
  }
  return found.sort((a, b) => a.dueAt - b.dueAt || a.customerId - b.customerId);
}

export interface TimelineEntry { at?: string }

/** Entries grouped by Shanghai day, newest day first, newest first within a day. */
export function groupByDay<T extends TimelineEntry>(entries: T[]): { day: string; entries: T[] }[] {
  const sorted = [...entries].sort((a, b) => Date.parse(b.at ?? "") - Date.parse(a.at ?? ""));
  const groups: { day: string; entries: T[] }[] = [];
  for (const e of sorted) {
    const t = Date.parse(e.at ?? "");
    const day = Number.isNaN(t) ? "—" : shanghaiDay(t);
    const last = groups[groups.length - 1];
    if (last && last.day === day) last.entries.push(e);
    else groups.push({ day, entries: [e] });
  }
  return groups;
}

/** Holds expiring within `withinMs` of now (not yet expired), soonest first. */
export function expiringSoon<T extends { expiresAt: string }>(holds: T[], now: number, withinMs: number): T[] {
  return holds.filter((h) => {
    const left = Date.parse(h.expiresAt) - now;
    return left > 0 && left <= withinMs;
  }).sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt));
}
