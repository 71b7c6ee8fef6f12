// The periods of 周报/月报 as the API takes them (week_start: a Monday; month: YYYY-MM), in
// Asia/Shanghai days, and stepping a period back or forward. Dates are YYYY-MM-DD strings.
const DAY_MS = 86_400_000;

function utc(day: string): Date {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d));
}
const iso = (date: Date) => date.toISOString().slice(0, 10);

/** The Monday of the week holding `day`. */
export function mondayOf(day: string): string {
  const date = utc(day);
  const back = (date.getUTCDay() + 6) % 7;  // Sunday is the week's last day
  return iso(new Date(date.getTime() - back * DAY_MS));
}

export function addDays(day: string, days: number): string {
  return iso(new Date(utc(day).getTime() + days * DAY_MS));
}

export function monthOf(day: string): string {
  return day.slice(0, 7);
}

export function addMonths(month: string, months: number): string {
  const [y, m] = month.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1 + months, 1));
  return iso(date).slice(0, 7);
}

/** First and last day of a month. */
export function monthRange(month: string): [string, string] {
  const first = `${month}-01`;
  return [first, addDays(`${addMonths(month, 1)}-01`, -1)];
}

/** The period's Chinese title: 2026-11-30 ~ 2026-12-06 or 2026年12月. */
export function periodTitle(kind: "weekly" | "monthly", start: string): string {
  if (kind === "weekly") return `${start} ~ ${addDays(start, 6)}`;
  const [y, m] = start.split("-");
  return `${y}年${Number(m)}月`;
}
