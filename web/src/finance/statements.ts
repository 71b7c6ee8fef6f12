// 结佣 and 提成 statements, pure: the period a new agency statement covers by default (from the
// day after the last one to the end of last month: the API settles only periods that are over),
// the month a 提成 run is for by default (last month), and the figures as the office reads them.
import { cents, fromCents } from "./collections";

function iso(y: number, m: number, d: number): string {
  return `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

/** The last day of the month before `today` (YYYY-MM-DD). */
export function endOfLastMonth(today: string): string {
  const [y, m] = today.split("-").map(Number);
  const last = new Date(Date.UTC(y, m - 1, 0));  // day 0 of this month: the last of the previous
  return iso(last.getUTCFullYear(), last.getUTCMonth() + 1, last.getUTCDate());
}

/** The last day of `today`'s month (YYYY-MM-DD): a running period's end. */
export function endOfThisMonth(today: string): string {
  const [y, m] = today.split("-").map(Number);
  return endOfLastMonth(iso(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, 1));
}

/** The month before `today` (YYYY-MM). */
export function lastMonth(today: string): string {
  return endOfLastMonth(today).slice(0, 7);
}

function nextDay(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  const next = new Date(Date.UTC(y, m - 1, d + 1));
  return iso(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

/** The period of the next agency statement: after the last one's end (else the first of last
 *  month) up to the end of last month; `to` before `from` when nothing is over yet. */
export function nextPeriod(lastTo: string | null | undefined, today: string): { from: string; to: string } {
  const to = endOfLastMonth(today);
  return { from: lastTo ? nextDay(lastTo) : `${to.slice(0, 7)}-01`, to };
}

/** "0.2000" (a fraction) → "20.0%". */
export function ratioPercent(ratio: string | null | undefined): string {
  return ratio == null ? "—" : `${(Number(ratio) * 100).toFixed(1)}%`;
}

/** "1.2" (a percent) → "1.2%". */
export function rate(percent: string | null | undefined): string {
  return percent == null ? "—" : `${percent}%`;
}

export function sumTotals(rows: { total?: string }[]): string {
  return fromCents(rows.reduce((sum, r) => sum + cents(r.total), 0));
}
