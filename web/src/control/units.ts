// The 销控 desk's selection: the board's units flattened, which of the chosen ones each action
// takes (lock: 可售, unlock: 锁定, 推盘: 未推), and a release schedule's scope in words.
import type { Board } from "../client";

export interface CellUnit {
  id: number;
  number: string;
  status: string;
  floor: number;
  building_id: number;
  building_name: string;
  layout: string;
  list_price: string;
  gross_area: string;
}

export function boardUnits(board: Board | null): CellUnit[] {
  const out: CellUnit[] = [];
  for (const b of board?.buildings ?? []) for (const f of b.floors ?? []) for (const u of f.units ?? []) {
    if (!u.id) continue;
    out.push({ id: u.id, number: u.number ?? "", status: u.status ?? "unreleased", floor: f.floor ?? 0,
      building_id: b.id ?? 0, building_name: b.name ?? "", layout: u.layout ?? "", list_price: u.list_price ?? "0",
      gross_area: u.gross_area ?? "0" });
  }
  return out;
}

export type Action = "lock" | "unlock" | "release";
export const ACTION_FROM: Record<Action, string> = { lock: "available", unlock: "locked", release: "unreleased" };

/** The chosen units an action applies to, and those it would refuse (the API takes all or none). */
export function forAction(units: CellUnit[], chosen: Set<number>, action: Action) {
  const picked = units.filter((u) => chosen.has(u.id));
  return {
    ids: picked.filter((u) => u.status === ACTION_FROM[action]).map((u) => u.id),
    others: picked.filter((u) => u.status !== ACTION_FROM[action]),
  };
}

/** Units of a building between two floors (both optional), e.g. to choose a whole 推盘 batch. */
export function floorRange(units: CellUnit[], buildingId: number, from?: number | null, to?: number | null): number[] {
  return units.filter((u) => u.building_id === buildingId && (from == null || u.floor >= from) && (to == null || u.floor <= to))
    .map((u) => u.id);
}

export interface ScheduleScope {
  building_id?: number | null;
  floor_from?: number | null;
  floor_to?: number | null;
  unit_ids?: number[] | null;
}

/** "1号楼 3–5层" / "1号楼 全部" / "0301、0302 等 5 套" */
export function scopeText(s: ScheduleScope, buildings: Map<number, string>, numbers: Map<number, string>): string {
  const parts: string[] = [];
  if (s.building_id != null) {
    const name = buildings.get(s.building_id) ?? `楼栋#${s.building_id}`;
    const { floor_from: a, floor_to: b } = s;
    const floors = a != null && b != null ? (a === b ? `${a}层` : `${a}–${b}层`)
      : a != null ? `${a}层及以上` : b != null ? `${b}层及以下` : "全部";
    parts.push(`${name} ${floors}`);
  }
  const ids = s.unit_ids ?? [];
  if (ids.length) {
    const shown = ids.slice(0, 3).map((id) => numbers.get(id) ?? `#${id}`).join("、");
    parts.push(ids.length > 3 ? `${shown} 等 ${ids.length} 套` : `${shown}（${ids.length} 套）`);
  }
  return parts.join(" + ");
}

/** A <input type="datetime-local"> value (the browser's local time) as an ISO instant. */
export function localToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

export interface HistoryRow { id?: number; to_status?: string; reason?: string | null; actor_id?: number | null; actor_name?: string | null; at?: string }

/** Why and by whom a locked unit was locked: its latest change to 锁定 ("locked: <reason>");
 * `names` (account id -> full name) where the reader may list accounts, else the login name. */
export function lockOf(history: HistoryRow[], names?: Map<number, string>): { reason: string; by: string; at: string } | null {
  const last = [...history].filter((h) => h.to_status === "locked").sort((a, b) => (b.id ?? 0) - (a.id ?? 0))[0];
  if (!last) return null;
  const by = (last.actor_id != null ? names?.get(last.actor_id) : undefined) ?? last.actor_name ?? "";
  return { reason: (last.reason ?? "").replace(/^locked:\s*/, ""), by, at: last.at ?? "" };
}
