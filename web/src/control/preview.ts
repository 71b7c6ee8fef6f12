// 调价 preview, computed in the browser as the manager types: the same rule as the server's
// (services/inventory/price_rules.py) so the figures shown before the draft is made are the
// ones the draft will hold. Per adjustment, for each unit its selector picks:
//   percent  = value (percent) + floor_coefficient × (floor − floor_base)
//   addition = value × gross area (per_m2)
//   new      = (old + addition) × (1 + percent / 100), rounded half-up to the cent
// and the next adjustment starts from that rounded price. Sold units keep their price.
import { centsText, dec, divHalfUp, rescale, toCents, type Dec } from "./money";

export const SOLD = new Set(["subscribed", "signed", "filed", "delivered"]);
export type Method = "percent" | "per_m2";
export const RANGES: Record<Method, [number, number]> = { percent: [-50, 50], per_m2: [-50000, 50000] };

export interface PriceUnit {
  id: number;
  building_id: number;
  building_name?: string;
  number: string;
  floor: number;
  layout: string;
  gross_area: string;
  list_price: string;
  base_price: string;
  status: string;
}
export interface Selector {
  building_id?: number;
  floor_from?: number;
  floor_to?: number;
  layouts?: string[];
  unit_ids?: number[];
}
export interface Adjustment {
  selector: Selector;
  method: Method;
  value: string;
  floor_coefficient?: string;
  floor_base?: number;
}
export interface PreviewRow {
  unit: PriceUnit;
  oldPrice: string;
  newPrice: string;
  difference: string;
  newUnitPrice: string;
  belowBase: boolean;
}
export interface Preview {
  rows: PreviewRow[];      // changed units only, in the units' order
  selected: number;        // units on sale the adjustments pick
  up: number;
  down: number;
  belowBase: number;
  total: string;           // sum of the differences
}

export class EmptySelection extends Error {
  constructor(readonly index: number) {
    super(`第 ${index + 1} 条调价没有选中任何在售房源`);
  }
}

export function selects(selector: Selector, unit: PriceUnit): boolean {
  if (selector.building_id != null && unit.building_id !== selector.building_id) return false;
  if (selector.floor_from != null && unit.floor < selector.floor_from) return false;
  if (selector.floor_to != null && unit.floor > selector.floor_to) return false;
  if (selector.layouts?.length && !selector.layouts.includes(unit.layout)) return false;
  if (selector.unit_ids?.length && !selector.unit_ids.includes(unit.id)) return false;
  return true;
}

function need(text: string | undefined | null, what: string): Dec {
  const d = dec(text);
  if (!d) throw new Error(`${what}不是数字`);
  return d;
}

/** One adjustment applied to a total in cents. */
export function adjustedCents(price: bigint, grossArea: string, floor: number, a: Adjustment): bigint {
  const value = need(a.value, "调价幅度");
  const area = need(grossArea, "面积");
  // percent as an exact decimal
  let percent: Dec = a.method === "percent" ? value : { n: 0n, scale: 0 };
  if (a.floor_coefficient != null && a.floor_coefficient !== "") {
    const c = need(a.floor_coefficient, "楼层系数");
    const steps = BigInt(floor - (a.floor_base ?? 1));
    const scale = Math.max(percent.scale, c.scale);
    percent = { n: rescale(percent, scale) + c.n * 10n ** BigInt(scale - c.scale) * steps, scale };
  }
  const addition: Dec = a.method === "per_m2" ? { n: value.n * area.n, scale: value.scale + area.scale } : { n: 0n, scale: 0 };
  const s = Math.max(2, addition.scale);
  const base = price * 10n ** BigInt(s - 2) + rescale(addition, s);          // scale s
  const factor = 100n * 10n ** BigInt(percent.scale) + percent.n;            // (100 + percent), scale p
  // base × factor ÷ 100, from scale s + p down to cents
  return divHalfUp(base * factor, 100n * 10n ** BigInt(s + percent.scale - 2));
}

/** New prices in cents {unit id: cents} of the units on sale after `adjustments`, in order. */
export function reprice(units: PriceUnit[], adjustments: Adjustment[]): Map<number, bigint> {
  const onSale = units.filter((u) => !SOLD.has(u.status));
  const prices = new Map(onSale.map((u) => [u.id, toCents(need(u.list_price, "表价"))]));
  adjustments.forEach((a, index) => {
    const chosen = onSale.filter((u) => selects(a.selector, u));
    if (!chosen.length) throw new EmptySelection(index);
    for (const u of chosen) prices.set(u.id, adjustedCents(prices.get(u.id) as bigint, u.gross_area, u.floor, a));
  });
  return prices;
}

/** 单价: total ÷ gross area, half-up to the cent. */
export function unitPriceCents(total: bigint, grossArea: string): bigint {
  const area = need(grossArea, "面积");
  return divHalfUp(total * 10n ** BigInt(area.scale), area.n);
}

export function preview(units: PriceUnit[], adjustments: Adjustment[]): Preview {
  const prices = reprice(units, adjustments);
  const picked = new Set<number>();
  for (const a of adjustments) for (const u of units) if (!SOLD.has(u.status) && selects(a.selector, u)) picked.add(u.id);
  const rows: PreviewRow[] = [];
  let up = 0, down = 0, below = 0, total = 0n;
  for (const u of units) {
    const next = prices.get(u.id);
    const old = toCents(need(u.list_price, "表价"));
    if (next === undefined || next === old) continue;
    const belowBase = next < toCents(need(u.base_price, "底价"));
    if (next > old) up += 1; else down += 1;
    if (belowBase) below += 1;
    total += next - old;
    rows.push({ unit: u, oldPrice: centsText(old), newPrice: centsText(next), difference: centsText(next - old),
      newUnitPrice: centsText(unitPriceCents(next, u.gross_area)), belowBase });
  }
  return { rows, selected: picked.size, up, down, belowBase: below, total: centsText(total) };
}

/** What the form lacks, in Chinese (empty: it may be sent). */
export function adjustmentProblems(a: Adjustment): string[] {
  const problems: string[] = [];
  const value = Number(a.value);
  const [low, high] = RANGES[a.method];
  if (!dec(a.value)) problems.push("请填写调价幅度（数字）");
  else if (value === 0) problems.push("调价幅度不能为 0");
  else if (value < low || value > high) problems.push(`调价幅度须在 ${low} 到 ${high} 之间`);
  const { floor_from: from, floor_to: to } = a.selector;
  if (from != null && to != null && from > to) problems.push("起始楼层不能高于结束楼层");
  return problems;
}

/** The API's PriceListIn adjustment: only the criteria given (an empty list is refused). */
export function adjustmentBody(a: Adjustment) {
  const s = a.selector;
  const selector: Selector = {};
  if (s.building_id != null) selector.building_id = s.building_id;
  if (s.floor_from != null) selector.floor_from = s.floor_from;
  if (s.floor_to != null) selector.floor_to = s.floor_to;
  if (s.layouts?.length) selector.layouts = [...s.layouts];
  if (s.unit_ids?.length) selector.unit_ids = [...s.unit_ids];
  return { selector, method: a.method, value: a.value.trim() };
}

/** An adjustment in words: "1号楼 3–5层 3室2厅2卫 所选 2 套：+3.5%". */
export function adjustmentText(a: Adjustment, buildings: Map<number, string>): string {
  const s = a.selector, where: string[] = [];
  if (s.building_id != null) where.push(buildings.get(s.building_id) ?? `楼栋#${s.building_id}`);
  if (s.floor_from != null || s.floor_to != null) where.push(`${s.floor_from ?? "底"}–${s.floor_to ?? "顶"}层`);
  if (s.layouts?.length) where.push(s.layouts.join("/"));
  if (s.unit_ids?.length) where.push(`所选 ${s.unit_ids.length} 套`);
  const sign = a.value.trim().startsWith("-") ? "" : "+";
  const size = a.method === "percent" ? `${sign}${Number(a.value)}%` : `${sign}${Number(a.value)} 元/㎡`;
  return `${where.join(" ") || "全部在售"}：${size}`;
}
