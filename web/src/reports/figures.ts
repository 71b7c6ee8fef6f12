// What the director reads off a report: the funnel's steps with the rate of each from the one
// before, a target's completion, and a money figure's number for a chart.
export interface FunnelCounts { visits?: number; new_leads?: number; a_grade?: number; subscribed?: number; signed?: number }

export const FUNNEL_STEPS: [keyof FunnelCounts, string][] = [
  ["visits", "来访"], ["new_leads", "新增客户"], ["a_grade", "A 级意向"], ["subscribed", "认购"], ["signed", "签约"],
];

export interface Step { key: string; label: string; count: number; rate: string | null; overall: string | null; width: number }

function pct(part: number, whole: number): string | null {
  return whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : null;
}

/** The steps 来访→…→签约: the rate from the step before and from 来访, and a bar width in % of the widest. */
export function funnelSteps(total: FunnelCounts | null | undefined): Step[] {
  const counts = FUNNEL_STEPS.map(([key]) => Number(total?.[key] ?? 0));
  const widest = Math.max(0, ...counts);
  return FUNNEL_STEPS.map(([key, label], i) => ({
    key, label, count: counts[i],
    rate: i === 0 ? null : pct(counts[i], counts[i - 1]),
    overall: i === 0 ? null : pct(counts[i], counts[0]),
    width: widest ? Math.round((counts[i] / widest) * 100) : 0,
  }));
}

export interface VsTarget { target?: string | null; actual?: string; achieved_percent?: string | null }

/** A target's completion: the API's percentage (null: no target set), capped at 100 for a bar. */
export function completion(vs: VsTarget | null | undefined): { text: string; bar: number } {
  if (!vs || vs.target == null || vs.achieved_percent == null) return { text: "未设目标", bar: 0 };
  const value = Number(vs.achieved_percent);
  return { text: `${value.toFixed(1)}%`, bar: Math.max(0, Math.min(100, value)) };
}

/** A money string in 万元, as a chart's number (one decimal). */
export function wanNumber(amount: string | number | null | undefined): number {
  return Math.round(Number(amount || 0) / 1000) / 10;
}

// the name of a downloaded file: one rule for every download (src/download.ts)
export { fileName } from "../download";
