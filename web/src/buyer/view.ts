// The buyer's page (手机选房) as it should look at a given moment, from GET /api/buyer/me: pure,
// so vitest checks it (view.test.ts). Which stage of the launch the buyer is in (the countdown
// to the opening, waiting for the draw, their window to come, open or passed), the labels in
// Chinese and how each unit is shown.
import type { components } from "../api";
import { formatCountdown, remaining } from "../countdown";
import { SOLD, area, wan, yuan } from "../format";

export type BuyerView = components["schemas"]["BuyerView"];
export type BuyerUnit = components["schemas"]["BuyerUnit"];
export type BuyerWindow = components["schemas"]["BuyerWindow"];

export const LAUNCH_STATUS: Record<string, string> = {
  draft: "筹备中", registration_open: "认筹中", registration_closed: "认筹已截止", drawn: "已摇号",
  selecting: "选房中", finished: "已结束", paused: "已暂停",
};
export const MODE: Record<string, string> = { lottery: "摇号选房", race: "线上抢房" };
export const ELIGIBILITY: Record<string, string> = { pending: "审核中", eligible: "已通过", ineligible: "未通过" };
/** A unit's status as a buyer reads it: what they may still choose, and what is gone. */
export const UNIT_STATUS: Record<string, string> = {
  available: "可选", held: "已预留", locked: "不可选", unreleased: "未推出",
  subscribed: "已售", signed: "已售", filed: "已售", delivered: "已售",
};

/** The launch a link names: /buyer/launch/12, or /buyer/#/?launch=12 (the hash's query). */
export function launchFromLocation(pathname: string, hash: string): number | null {
  const inPath = /\/launch\/(\d+)\/?$/.exec(pathname);
  const inHash = /[?&]launch=(\d+)(?:&|$)/.exec(hash);
  const id = Number((inPath ?? inHash)?.[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
}

export const MOBILE = /^1\d{10}$/;
export const CODE = /^\d{6}$/;

/** The buyer's window, or null (the API answers null, or {} before the draw). */
export function windowOf(view: BuyerView): BuyerWindow | null {
  const w = view.window as BuyerWindow | Record<string, never> | null;
  return w && "number" in w ? (w as BuyerWindow) : null;
}

export type Stage =
  | { kind: "finished" }
  | { kind: "paused" }
  | { kind: "before_opening"; until: string } // the countdown to the opening
  | { kind: "awaiting_draw" } // lottery: opened, not drawn yet
  | { kind: "not_drawn_in" } // lottery: drawn without this registration (not on the published list)
  | { kind: "window_waiting"; window: BuyerWindow; until: string } // their window is to come
  | { kind: "window_open"; window: BuyerWindow; until: string } // their window, until it closes
  | { kind: "window_passed"; window: BuyerWindow }
  | { kind: "race_open" }; // race mode from the opening second

const DRAWN = new Set(["drawn", "selecting", "finished"]);

/** Where the buyer is at `now` (ms): what the page's main card shows. Windows are as scheduled
 * (the opening time plus window_minutes for each window before): an early advance is the API's
 * to tell when selection is built. */
export function stage(view: BuyerView, now: number): Stage {
  const launch = view.launch;
  if (launch.status === "finished") return { kind: "finished" };
  if (launch.status === "paused") return { kind: "paused" };
  const opening = remaining(launch.opens_at, now);
  if (launch.mode === "race") {
    return opening > 0 ? { kind: "before_opening", until: launch.opens_at } : { kind: "race_open" };
  }
  const window = windowOf(view);
  if (view.position != null && window) {
    const opens = Date.parse(window.opens_at);
    const closes = new Date(opens + window.minutes * 60_000).toISOString();
    if (now < opens) return { kind: "window_waiting", window, until: window.opens_at };
    if (remaining(closes, now) > 0) return { kind: "window_open", window, until: closes };
    return { kind: "window_passed", window };
  }
  if (DRAWN.has(launch.status)) return { kind: "not_drawn_in" };
  return opening > 0 ? { kind: "before_opening", until: launch.opens_at } : { kind: "awaiting_draw" };
}

/** The countdown to the opening: "N天 HH:MM:SS", or "已开盘" once it is reached. */
export function openingCountdown(opensAt: string, now: number): string {
  const left = remaining(opensAt, now);
  return left > 0 ? formatCountdown(left) : "已开盘";
}

/** A date-time in Beijing time, as the launch announces it: "2030-05-01 09:00". */
export function beijing(at: string): string {
  const date = new Date(at);
  if (Number.isNaN(date.getTime())) return "";
  const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
    minute: "2-digit", hourCycle: "h23",
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

/** The 诚意金 line: paid with its amount, owed, or none asked. */
export function deposit(registration: BuyerView["registration"]): string {
  if (registration.deposit_paid) return `已缴纳 ${yuan(registration.deposit_amount)}`;
  if (!Number(registration.deposit_amount || 0)) return "无需缴纳";
  return `待缴纳 ${yuan(registration.deposit_amount)}`;
}

export interface UnitRow {
  id: number;
  title: string; // 1号楼 1201
  detail: string; // 12层 · 三室两厅 · 98.5㎡
  price: string; // 312.0万
  status: string; // 可选, 已售 ...
  tone: "available" | "taken" | "sold"; // sold ones are greyed
}

export function unitRow(u: BuyerUnit): UnitRow {
  const tone = SOLD.has(u.status) ? "sold" : u.status === "available" ? "available" : "taken";
  return {
    id: u.id, title: `${u.building} ${u.number}`,
    detail: [`${u.floor}层`, u.layout, area(u.gross_area)].filter(Boolean).join(" · "),
    price: wan(u.list_price), status: UNIT_STATUS[u.status] ?? u.status, tone,
  };
}

/** "共 N 套，可选 M 套" of the launch's units. */
export function unitSummary(units: BuyerUnit[]): string {
  const free = units.filter((u) => u.status === "available").length;
  return `共 ${units.length} 套，可选 ${free} 套`;
}
