// 考核权重: whole percentages per part of the scorecard, adding up to exactly 100 (the API
// refuses anything else: 422 WEIGHTS_NOT_100).
export const PARTS = ["units", "amount", "leads", "complaints", "satisfaction", "attendance"] as const;
export type Weights = Record<(typeof PARTS)[number], number>;

export function weightsProblems(w: Partial<Record<string, number | null | undefined>>): string[] {
  const problems: string[] = [];
  let sum = 0;
  for (const p of PARTS) {
    const v = w[p];
    if (v == null || !Number.isInteger(v) || v < 0 || v > 100) problems.push("每项权重须为 0 到 100 的整数");
    else sum += v;
  }
  if (problems.length) return [problems[0] as string];
  return sum === 100 ? [] : [`权重合计须为 100%（现为 ${sum}%）`];
}
