// 排班 as a grid: a row per person, a column per day of the week (Monday first).
export interface RotaEntry {
  day?: string;
  account_id?: number;
  full_name?: string;
  shift_name?: string | null;
  rest?: boolean;
  duty?: boolean;
}
export interface RotaRow { accountId: number; name: string; cells: string[]; rests: number; duties: number }

/** The Monday of the week of `day` (YYYY-MM-DD, a calendar date: no time zone involved). */
export function mondayOf(day: string): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  at.setUTCDate(at.getUTCDate() - ((at.getUTCDay() + 6) % 7));
  return at.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

export function weekDays(monday: string): string[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

function cellText(e: RotaEntry): string {
  const what = e.rest ? "休" : e.shift_name || "—";
  return e.duty ? `${what}·值日` : what;
}

export function rotaGrid(entries: RotaEntry[], monday: string): RotaRow[] {
  const days = weekDays(monday);
  const rows = new Map<number, RotaRow>();
  for (const e of entries) {
    if (e.account_id == null || !e.day) continue;
    let row = rows.get(e.account_id);
    if (!row) {
      row = { accountId: e.account_id, name: e.full_name || `#${e.account_id}`, cells: days.map(() => ""), rests: 0, duties: 0 };
      rows.set(e.account_id, row);
    }
    const i = days.indexOf(e.day);
    if (i < 0) continue;
    row.cells[i] = cellText(e);
    if (e.rest) row.rests += 1;
    if (e.duty) row.duties += 1;
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

export interface DayEntry { account_id: number; shift_id: number | null; rest: boolean; duty: boolean }

/** The whole day as PUT /api/projects/{id}/rota/{day} takes it: the day's entries as they are,
 * with one person's replaced (a rest day has no shift). */
export function dayWithChange(
  entries: (RotaEntry & { shift_id?: number | null })[], day: string, change: DayEntry,
): DayEntry[] {
  const rows = entries.filter((e) => e.day === day && e.account_id != null && e.account_id !== change.account_id)
    .map((e) => ({ account_id: e.account_id as number, shift_id: e.rest ? null : e.shift_id ?? null, rest: !!e.rest, duty: !!e.duty }));
  rows.push({ ...change, shift_id: change.rest ? null : change.shift_id });
  return rows.sort((a, b) => a.account_id - b.account_id);
}
