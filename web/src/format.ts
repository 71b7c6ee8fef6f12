// Money and areas as the sales office reads them.
export function wan(amount: string | number | null | undefined): string {
  const n = Number(amount || 0) / 10000;
  return `${n.toLocaleString("zh-CN", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}万`;
}

export function yuan(amount: string | number | null | undefined): string {
  return `¥${Number(amount || 0).toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function area(value: string | number | null | undefined): string {
  return `${Number(value || 0).toLocaleString("zh-CN", { maximumFractionDigits: 2 })}㎡`;
}

export function percent(part: number, whole: number): string {
  return whole ? `${((part / whole) * 100).toFixed(1)}%` : "0.0%";
}

export const STATUSES = [
  ["available", "可售"], ["held", "预留"], ["locked", "锁定"], ["subscribed", "认购"],
  ["signed", "签约"], ["filed", "备案"], ["delivered", "交付"], ["unreleased", "未推"],
] as const;
export type Status = (typeof STATUSES)[number][0];
export const STATUS_LABEL: Record<string, string> = Object.fromEntries(STATUSES);
/** sold: counted in 去化率 (sold of the released units) */
export const SOLD = new Set(["subscribed", "signed", "filed", "delivered"]);
