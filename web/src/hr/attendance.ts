// 考勤: the month and week the desk reads (Asia/Shanghai days) and the figures it adds.
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The Monday of the week of `day` (YYYY-MM-DD), for GET /rota?week_start=. */
export function mondayOf(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  const back = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** 出勤率: present of the scheduled days, null when nothing was scheduled. */
export function attendanceRate(person: { scheduled?: number; present?: number }): string | null {
  const scheduled = person.scheduled ?? 0;
  if (!scheduled) return null;
  return `${(((person.present ?? 0) / scheduled) * 100).toFixed(1)}%`;
}

export interface PersonLike { late?: number; early_leave?: number; absent?: number }
/** Somebody to look at: late, left early or absent at least once. */
export function flagged(p: PersonLike): boolean {
  return (p.late ?? 0) + (p.early_leave ?? 0) + (p.absent ?? 0) > 0;
}

/** The rota of a week as rows of people × 7 days. */
export function rotaGrid<E extends { day?: string; account_id?: number; full_name?: string }>(
  weekStart: string, entries: E[]): { days: string[]; people: { id: number; name: string; cells: (E | null)[] }[] } {
  const days = Array.from({ length: 7 }, (_, i) => addDays(weekStart, i));
  const people = new Map<number, { id: number; name: string; cells: (E | null)[] }>();
  for (const e of entries) {
    if (e.account_id == null || !e.day) continue;
    let row = people.get(e.account_id);
    if (!row) people.set(e.account_id, row = { id: e.account_id, name: e.full_name || `#${e.account_id}`, cells: days.map(() => null) });
    const at = days.indexOf(e.day);
    if (at >= 0) row.cells[at] = e;
  }
  return { days, people: [...people.values()].sort((a, b) => a.name.localeCompare(b.name, "zh-CN")) };
}
