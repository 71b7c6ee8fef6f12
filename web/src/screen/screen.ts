// 选房大屏 (the selection big screen, issue 18), as pure functions (vitest: screen.test.ts): the
// launch's units grouped for the wall, a feed delta applied to them, the buyers' lines (masked
// as the API gives them: "RC-0012 张**"), the countdowns on the server's clock, the address.
import type { components } from "../api";
import type { BoardDelta } from "../feed";
import { formatCountdown, remaining } from "../countdown";
import { SOLD } from "../format";

export type Screen = components["schemas"]["LaunchScreen"];
export type ScreenUnit = components["schemas"]["ScreenUnit"];
export type ScreenBuyer = components["schemas"]["ScreenBuyer"];

export const BUYER_STATE: Record<string, string> = { choosing: "选房中", chosen: "已选房", gave_up: "已放弃" };
export const LAUNCH_STATE: Record<string, string> = {
  draft: "筹备中", registration_open: "认筹中", registration_closed: "认筹已截止", drawn: "已摇号",
  selecting: "选房中", finished: "已结束", paused: "已暂停",
};

/** The launch of the route's query (?launch=12), or null. */
export function launchOf(query: Record<string, unknown>): number | null {
  const value = Array.isArray(query.launch) ? query.launch[0] : query.launch;
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

/** The screen's address for a display token: the console's page (origin + path) with both. */
export function screenUrl(page: string, launchId: number, token?: string | null): string {
  const base = page.split("#")[0];
  return `${base}#/launch-screen?launch=${launchId}${token ? `&display=${encodeURIComponent(token)}` : ""}`;
}

/** "RC-0012 张**": the 认筹号 and the masked name, nothing more. */
export function buyerLine(buyer: { number?: string; buyer_name?: string }): string {
  return `${buyer.number ?? ""} ${buyer.buyer_name ?? ""}`.trim();
}

export interface ScreenFloor { floor: number; units: ScreenUnit[] }
export interface ScreenBuilding { name: string; floors: ScreenFloor[] }

/** The units by building (as listed) and floor, the top floor first, numbers in order. */
export function byBuilding(units: ScreenUnit[]): ScreenBuilding[] {
  const buildings = new Map<string, Map<number, ScreenUnit[]>>();
  for (const unit of units) {
    const name = unit.building ?? "";
    if (!buildings.has(name)) buildings.set(name, new Map());
    const floors = buildings.get(name)!;
    const floor = unit.floor ?? 0;
    if (!floors.has(floor)) floors.set(floor, []);
    floors.get(floor)!.push(unit);
  }
  return [...buildings].map(([name, floors]) => ({
    name,
    floors: [...floors].sort((a, b) => b[0] - a[0]).map(([floor, list]) => ({
      floor, units: [...list].sort((a, b) => String(a.number).localeCompare(String(b.number), "zh-CN", { numeric: true })),
    })),
  }));
}

/** Sold (认购 and on), taken (held or locked) and still available of the launch's units. */
export function tally(units: ScreenUnit[]): { total: number; sold: number; held: number; available: number } {
  let sold = 0, held = 0, available = 0;
  for (const u of units) {
    if (SOLD.has(u.status ?? "")) sold += 1;
    else if (u.status === "available") available += 1;
    else if (u.status === "held" || u.status === "locked") held += 1;
  }
  return { total: units.length, sold, held, available };
}

/** Apply a feed delta to the launch's units in place: the ids changed (units of the project
 * outside this launch are not the screen's), and whether it was complete (false: a status the
 * event does not say, or a reload: read the screen again). */
export function applyUnits(units: ScreenUnit[], delta: BoardDelta): { changed: number[]; complete: boolean } {
  if (delta.reload) return { changed: [], complete: false };
  const mine = new Map(units.map((u) => [u.id, u] as [number | undefined, ScreenUnit]));
  const changed: number[] = [];
  let complete = true;
  for (const change of delta.units ?? []) {
    const unit = mine.get(change.unit_id);
    if (!unit) continue;
    if (change.status == null) {
      complete = false;
      continue;
    }
    unit.status = change.status;
    changed.push(change.unit_id);
  }
  return { changed, complete };
}

/** The countdown to `at` on the server's clock (`offset`: server minus this screen's, ms). */
export function countdown(at: string | null | undefined, now: number, offset: number): string {
  if (!at) return "";
  return formatCountdown(remaining(at, now + offset));
}

/** Server minus local clock, ms, from the answer's `now` read at local `readAt`. */
export function clockOffset(serverNow: string | null | undefined, readAt: number): number {
  const server = Date.parse(serverNow ?? "");
  return Number.isNaN(server) ? 0 : server - readAt;
}

/** What the screen's main panel says of the launch at the server's `now`. */
export function phase(screen: Screen, now: number): "before" | "window" | "race" | "between" | "paused" | "over" {
  const launch = screen.launch;
  if (!launch) return "before";
  if (launch.status === "paused") return "paused";
  if (launch.status === "finished" || screen.current_window?.over) return "over";
  if (launch.status !== "selecting") return "before";
  if (launch.mode === "race") return remaining(launch.opens_at ?? "", now) > 0 ? "before" : "race";
  return screen.current_window ? "window" : "between";
}
