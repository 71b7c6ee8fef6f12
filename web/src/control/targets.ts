// 销售目标 of a month as the manager splits it: a row per advisor (套数, 签约金额, 回款); the
// project's target is the sum of the rows, so the split always adds up (the API refuses one
// that does not: 422 TARGET_SPLIT_MISMATCH). Money summed exactly in cents.
import { centsText, dec, toCents } from "./money";

export interface TargetRow { advisorId: number; name: string; units: string; amount: string; collections: string }
interface Figures { units?: number; amount?: string; collections?: string }
export interface TargetsIn {
  project: { units: number; amount: string; collections: string };
  teams: never[];
  advisors: { advisor_id: number; units: number; amount: string; collections: string }[];
}

/** The advisors of the ranking with the month's targets where set (advisors of either list). */
export function targetRows(
  targets: (Figures & { advisor_id?: number; full_name?: string })[],
  advisors: { account_id?: number; full_name?: string }[],
): TargetRow[] {
  const rows = new Map<number, TargetRow>();
  for (const a of advisors) if (a.account_id != null) {
    rows.set(a.account_id, { advisorId: a.account_id, name: a.full_name ?? `#${a.account_id}`, units: "0", amount: "0", collections: "0" });
  }
  for (const t of targets) if (t.advisor_id != null) {
    rows.set(t.advisor_id, { advisorId: t.advisor_id, name: t.full_name ?? rows.get(t.advisor_id)?.name ?? `#${t.advisor_id}`,
      units: String(t.units ?? 0), amount: String(Number(t.amount ?? 0)), collections: String(Number(t.collections ?? 0)) });
  }
  return [...rows.values()].sort((a, b) => a.name.localeCompare(b.name, "zh-CN"));
}

const MONEY = /^\d{1,11}(\.\d{1,2})?$/;

/** The body of PUT /api/projects/{id}/targets, or what is wrong, in Chinese. */
export function targetsBody(rows: TargetRow[]): { body: TargetsIn | null; problems: string[] } {
  const problems: string[] = [];
  let units = 0, amount = 0n, collections = 0n;
  const advisors = rows.map((r) => {
    const u = r.units.trim(), a = r.amount.trim().replace(/,/g, ""), c = r.collections.trim().replace(/,/g, "");
    if (!/^\d{1,6}$/.test(u)) problems.push(`${r.name}：套数须为整数`);
    if (!MONEY.test(a)) problems.push(`${r.name}：签约金额须为金额（最多两位小数）`);
    if (!MONEY.test(c)) problems.push(`${r.name}：回款须为金额（最多两位小数）`);
    const row = { advisor_id: r.advisorId, units: Number(u), amount: MONEY.test(a) ? centsText(toCents(dec(a)!)) : a,
      collections: MONEY.test(c) ? centsText(toCents(dec(c)!)) : c };
    if (!problems.length) {
      units += row.units;
      amount += toCents(dec(a)!);
      collections += toCents(dec(c)!);
    }
    return row;
  });
  if (!rows.length) problems.push("本案场没有置业顾问");
  if (problems.length) return { body: null, problems };
  return { body: { project: { units, amount: centsText(amount), collections: centsText(collections) }, teams: [], advisors }, problems };
}
