// 开盘报告 (GET /api/launches/{id}/report): what the page shows of the figures, pure. The
// figures themselves are inventory's (services/inventory/launch_report_rules.py).

export const OPENED: Record<string, string> = { start: "开始选房", time: "到时", early: "提前（上一批全部完成）", resume: "恢复" };
export const CLOSED: Record<string, string> = { time: "到时", early: "提前（全部完成）", finish: "结束选房" };

/** 售罄用时 as the office reads it: 1小时2分3秒, 4分5秒; 未售罄 while units are left. */
export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "未售罄";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return h > 0 ? `${h}小时${m}分${s}秒` : `${m}分${s}秒`;
}

/** A share as a whole percentage (售出 of 房源), or "—" with nothing to share. */
export function percent(part: number | undefined, whole: number | undefined): string {
  if (!whole) return "—";
  return `${Math.round(((part ?? 0) * 100) / whole)}%`;
}

export interface WindowLike {
  members?: number; chose?: number; gave_up?: number; no_shows?: number; pending?: number; sold?: number;
}

/** The per-window table's 合计 row. */
export function windowTotals(windows: WindowLike[] | undefined): Required<WindowLike> {
  const total = { members: 0, chose: 0, gave_up: 0, no_shows: 0, pending: 0, sold: 0 };
  for (const w of windows ?? []) {
    for (const key of Object.keys(total) as (keyof typeof total)[]) total[key] += w[key] ?? 0;
  }
  return total;
}
