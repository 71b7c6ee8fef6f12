// 选房 on the buyer's phone, as pure functions (vitest: selection.test.ts): whether the buyer may
// choose now (their lottery window, or a race launch from its opening second), their hold and
// its time left, what the confirmation dialog says of a unit, the body of the 认购, and every
// refusal of the buyer routes (gateway/routes/buyers.py) as a plain Chinese sentence.
import { formatCountdown, remaining } from "../countdown";
import { ApiError } from "../errors";
import { area, yuan } from "../format";
import { PAYMENT_LABEL, needsLoan, toCents } from "../subscription";
import type { BuyerUnit, BuyerView } from "./view";

export type BuyerHold = BuyerView["selection"]["holds"][number];

export type Turn =
  | { kind: "closed" } // not selecting (yet, or any more): nothing to do here
  | { kind: "waiting"; until: string | null } // the turn is to come: the countdown to it, when known
  | { kind: "choose" } // may tap an available unit
  | { kind: "held"; hold: BuyerHold; until: string } // a hold to confirm before `until`
  | { kind: "confirmed"; holds: BuyerHold[] } // confirmed all they may (认购 made)
  | { kind: "gave_up" }
  | { kind: "passed" }; // lottery: the window went by

/** The buyer's 选房 turn at `now` (ms), from GET /api/buyer/me. A race launch opens at its
 * opening second on the phone's clock (the API has the last word); a lottery window is the
 * API's `status` (the page reads the view again when a window's countdown runs out). */
export function turnOf(view: BuyerView, now: number): Turn {
  const sel = view.selection;
  const launch = view.launch;
  const held = (sel?.holds ?? []).filter((h) => h.status === "active");
  const converted = (sel?.holds ?? []).filter((h) => h.status === "converted");
  if (sel?.gave_up) return { kind: "gave_up" };
  if (converted.length && converted.length >= (launch.units_per_buyer || 1)) return { kind: "confirmed", holds: converted };
  if (sel?.status === "done") return converted.length ? { kind: "confirmed", holds: converted } : { kind: "gave_up" };
  if (launch.status !== "selecting") {
    return launch.status === "drawn" || launch.status === "registration_closed"
      ? { kind: "waiting", until: launch.mode === "race" ? launch.opens_at : null } : { kind: "closed" };
  }
  if (held.length) {
    const hold = held[0];
    const closes = sel?.current_window?.closes_at;
    return { kind: "held", hold, until: hold.expires_at || closes || "" };
  }
  if (launch.mode === "race") {
    return remaining(launch.opens_at, now) > 0 ? { kind: "waiting", until: launch.opens_at } : { kind: "choose" };
  }
  if (sel?.status === "open") return { kind: "choose" };
  if (sel?.status === "passed") return { kind: "passed" };
  return { kind: "waiting", until: null };
}

/** Whether the buyer may still give up (放弃): selecting, their turn neither over nor passed. */
export function mayGiveUp(turn: Turn, view: BuyerView): boolean {
  return view.launch.status === "selecting" && ["choose", "held", "waiting"].includes(turn.kind);
}

/** A unit the buyer may tap now. */
export function choosable(turn: Turn, unit: BuyerUnit): boolean {
  return turn.kind === "choose" && unit.status === "available";
}

/** The lines of the confirmation dialog: the unit, its floor, layout and area, its price. */
export function unitLines(unit: BuyerUnit): { title: string; detail: string; area: string; price: string } {
  return {
    title: `${unit.building} ${unit.number}`,
    detail: [`${unit.floor}层`, unit.layout].filter(Boolean).join(" · "),
    area: `建筑面积 ${area(unit.gross_area)}`,
    price: `总价 ${yuan(unit.list_price)}`,
  };
}

/** "MM:SS" or "HH:MM:SS" left; "已到期" at zero. */
export function timeLeft(until: string, now: number): string {
  return formatCountdown(remaining(until, now));
}

/** "N 分 M 秒" (or "M 秒") of a Retry-After. */
export function waitText(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  const m = Math.floor(s / 60);
  return m ? `${m} 分 ${s % 60} 秒` : `${s} 秒`;
}

export interface ConfirmForm { method: string; deposit: string; loan: string }

/** The body of POST /api/buyer/holds/<id>/confirm (sel.BuyerConfirmIn), or the sentence that
 * says what to fix first. The 定金 left empty is the 诚意金 paid (the API's default). */
export function confirmBody(form: ConfirmForm, earnestPaid: boolean):
  { body: { payment_method: string; deposit?: string; loan_amount?: string } } | { problem: string } {
  if (!(form.method in PAYMENT_LABEL)) return { problem: "请选择付款方式" };
  const body: { payment_method: string; deposit?: string; loan_amount?: string } = { payment_method: form.method };
  const deposit = form.deposit.trim();
  if (deposit) {
    const cents = toCents(deposit);
    if (cents === null || cents <= 0) return { problem: "定金请填写正确的金额（元，最多两位小数）" };
    body.deposit = (cents / 100).toFixed(2);
  } else if (!earnestPaid) {
    return { problem: "您未交诚意金，请填写定金金额" };
  }
  if (needsLoan(form.method)) {
    const cents = toCents(form.loan.trim());
    if (cents === null || cents <= 0) return { problem: "请填写贷款金额" };
    body.loan_amount = (cents / 100).toFixed(2);
  }
  return { body };
}

const REFUSALS: Record<string, string> = {
  NOT_YOUR_WINDOW: "还没轮到您的选房批次，请在您的选房时间开始后再选。",
  WINDOW_PASSED: "您的选房时间已经结束，本次无法再选房。",
  TURN_OVER: "您已完成选房或已放弃，本次不能再选。",
  LAUNCH_PAUSED: "开盘活动暂停了，恢复后您可以继续选房。",
  SELECTION_NOT_OPEN: "选房还没有开始，请等开盘后再选。",
  SELECTION_OVER: "本次选房已经结束。",
  NOT_ON_THE_LIST: "您不在本次选房名单中（购房资格、诚意金或摇号），如有疑问请联系置业顾问。",
  BUYER_UNIT_LIMIT: "您已选满本次开盘每位客户可选的套数。",
  BUYER_HOLD_LIMIT: "您已选满本次开盘每位客户可选的套数。",
  UNIT_NOT_AVAILABLE: "这套房刚刚被别人选走了，请选择其他房源。",
  UNIT_NOT_IN_LAUNCH: "这套房不在本次开盘范围内，请选择列表中的房源。",
  HOLD_NOT_ACTIVE: "您的保留已经失效（超时或已放弃），请重新选房。",
  HOLD_NOT_FOUND: "没有找到您的这条保留，请刷新页面后再试。",
  DEPOSIT_BELOW_EARNEST: "定金不能少于您已交的诚意金。",
  DEPOSIT_REQUIRED: "您没有交诚意金，请填写定金金额。",
  DELIVERY_DATE_UNKNOWN: "这套房暂时没有交付日期，请到售楼处办理认购。",
  ADVISOR_INACTIVE: "您的置业顾问已离职，请到售楼处办理认购。",
  VALIDATION_ERROR: "填写的内容有误，请检查后再提交。",
  NETWORK: "网络连接失败，请检查网络后再试。",
};

/** A refusal of a buyer route as the sentence the phone shows (race mode's attempt limit with
 * the wait its Retry-After gives); another error as errors.ts says it. */
export function refusal(err: unknown): { text: string; code: string | null } {
  if (!(err instanceof ApiError)) return { text: REFUSALS.NETWORK, code: null };
  const code = err.code ?? null;
  if (code === "HOLD_ATTEMPTS_EXCEEDED") {
    const retry = (err as ApiError & { retryAfter?: number | null }).retryAfter;
    return { text: retry ? `您对这套房尝试的次数太多了，请 ${waitText(retry)}后再试，或选择其他房源。`
      : "您对这套房尝试的次数太多了，请稍后再试，或选择其他房源。", code };
  }
  if (code && REFUSALS[code]) return { text: REFUSALS[code], code };
  return { text: err.text, code: code ?? (err.status ? `HTTP ${err.status}` : null) };
}
