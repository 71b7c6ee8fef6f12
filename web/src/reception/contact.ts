// 来访/来电登记: the visitor kinds and assignments in Chinese, and the advisors one may name
// (指定顾问): today's rotation, queue first then the paused, by full name.
import { personName, type Person } from "./rotation";

export const VISITOR_KINDS = [["customer", "客户"], ["market_researcher", "市调"], ["visitor", "参观"]] as const;
export const VISITOR_KIND: Record<string, string> = Object.fromEntries(VISITOR_KINDS);
export const ASSIGNMENT: Record<string, string> = { rotation: "轮序", owner: "原置业顾问", chosen: "指定" };

interface RotationLike { queue?: Person[]; skipped?: Person[] }

export function rotationAdvisors(rotation: RotationLike | null | undefined): { id: number; name: string }[] {
  const seen = new Set<number>();
  const out: { id: number; name: string }[] = [];
  for (const p of [...(rotation?.queue ?? []), ...(rotation?.skipped ?? [])]) {
    if (p.account_id == null || seen.has(p.account_id)) continue;
    seen.add(p.account_id);
    out.push({ id: p.account_id, name: personName(p) });
  }
  return out;
}
