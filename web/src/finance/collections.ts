// 催款, pure: the overdue lines filtered by ageing bucket and advisor, the advisors to choose
// from (by the names the API carries), and totals of what is shown. Amounts stay the API's
// decimal strings; sums are in cents (integers), never floats.
export interface OverdueLine {
  line_id?: number;
  advisor_id?: number | null;
  advisor_name?: string | null;
  bucket?: string | null;
  remaining?: string;
  days_overdue?: number;
}

export interface Filter { bucket: string | null; advisorId: number | null }
export const NO_ADVISOR = -1;  // lines of a deal without an advisor (e.g. the advisor left)

export function filterLines<T extends OverdueLine>(lines: T[], filter: Filter): T[] {
  return lines.filter((l) => (!filter.bucket || l.bucket === filter.bucket)
    && (filter.advisorId === null || (filter.advisorId === NO_ADVISOR ? l.advisor_id == null : l.advisor_id === filter.advisorId)));
}

/** The advisors of the lines, by name (their number when hr did not answer), each once. */
export function advisorsOf(lines: OverdueLine[]): { id: number; name: string }[] {
  const seen = new Map<number, string>();
  for (const l of lines) {
    const id = l.advisor_id ?? NO_ADVISOR;
    if (!seen.has(id)) seen.set(id, id === NO_ADVISOR ? "（无顾问）" : l.advisor_name || `#${id}`);
  }
  return [...seen].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

export function cents(amount: string | null | undefined): number {
  const match = /^(-?)(\d+)(?:\.(\d{1,2}))?$/.exec((amount ?? "0").trim());
  if (!match) return 0;
  const value = Number(match[2]) * 100 + Number((match[3] ?? "").padEnd(2, "0"));
  return match[1] ? -value : value;
}

export function fromCents(value: number): string {
  const sign = value < 0 ? "-" : "";
  const abs = Math.abs(value);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The shown lines' total remaining, as a decimal string. */
export function totalRemaining(lines: OverdueLine[]): string {
  return fromCents(lines.reduce((sum, l) => sum + cents(l.remaining), 0));
}

/** Whole days from `asOf` to `dueOn` (both YYYY-MM-DD): 0 on the day, negative once past. */
export function daysUntil(dueOn: string, asOf: string): number {
  return Math.round((Date.parse(`${dueOn}T00:00:00Z`) - Date.parse(`${asOf}T00:00:00Z`)) / 86_400_000);
}
