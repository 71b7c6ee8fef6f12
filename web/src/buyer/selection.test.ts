import { describe, expect, it } from "vitest";
import { ApiError } from "../errors";
import { BuyerApiError } from "./api";
import { choosable, confirmBody, mayGiveUp, refusal, timeLeft, turnOf, unitLines, waitText } from "./selection";
import type { BuyerView } from "./view";

type Selection = BuyerView["selection"];
function view(selection: Partial<Selection> = {}, launch: Partial<BuyerView["launch"]> = {}): BuyerView {
  return {
    registration: { id: 1, number: "RC-0001", buyer_name: "赵**", id_number: "110***********1239", eligibility: "eligible",
                    priority_group: null, deposit_paid: false, deposit_amount: "0.00" },
    launch: { id: 7, project_id: 3, name: "线上首开", mode: "race", status: "selecting",
              opens_at: "2030-05-01T09:00:00+08:00", units_per_buyer: 1, ...launch },
    position: null, window: null, units: [],
    selection: { current_window: null, your_window: null, status: "waiting", gave_up: false, confirmed: 0, holds: [],
                 ...selection },
  } as BuyerView;
}
const at = (iso: string) => Date.parse(iso);
const hold = (over = {}) => ({ hold_id: 9, unit_id: 5, status: "active", created_at: "2030-05-01T01:00:01Z",
                               expires_at: "2030-05-01T01:30:01Z", deal_id: null, ...over });
const unit = { id: 5, building: "1号楼", number: "1201", floor: 12, layout: "三室两厅", status: "available",
               list_price: "3120000.00", gross_area: "98.50" };

describe("the buyer's turn", () => {
  it("race: waits for the opening second on the phone's clock, then may choose", () => {
    const v = view();
    expect(turnOf(v, at("2030-05-01T00:59:59Z"))).toEqual({ kind: "waiting", until: "2030-05-01T09:00:00+08:00" });
    expect(turnOf(v, at("2030-05-01T01:00:00Z"))).toEqual({ kind: "choose" });
    expect(choosable({ kind: "choose" }, unit)).toBe(true);
    expect(choosable({ kind: "choose" }, { ...unit, status: "held" })).toBe(false);
    expect(choosable({ kind: "waiting", until: null }, unit)).toBe(false);
    expect(turnOf(view({}, { status: "registration_closed" }), 0).kind).toBe("waiting");
    expect(turnOf(view({}, { status: "paused" }), 0).kind).toBe("closed");
  });

  it("lottery: the API's status says whether the window is theirs", () => {
    const lottery = { mode: "lottery" };
    expect(turnOf(view({ status: "waiting", your_window: 2 }, lottery), 0)).toEqual({ kind: "waiting", until: null });
    expect(turnOf(view({ status: "open", your_window: 1 }, lottery), 0)).toEqual({ kind: "choose" });
    expect(turnOf(view({ status: "passed" }, lottery), 0)).toEqual({ kind: "passed" });
    expect(turnOf(view({}, { mode: "lottery", status: "drawn" }), 0)).toEqual({ kind: "waiting", until: null });
  });

  it("a hold to confirm, then confirmed; or given up", () => {
    const held = hold();
    expect(turnOf(view({ status: "open", holds: [held] }), at("2030-05-01T01:00:02Z")))
      .toEqual({ kind: "held", hold: held, until: held.expires_at });
    const converted = hold({ status: "converted", deal_id: 31 });
    expect(turnOf(view({ status: "done", confirmed: 1, holds: [converted] }), 0))
      .toEqual({ kind: "confirmed", holds: [converted] });
    expect(turnOf(view({ status: "done", gave_up: true, holds: [hold({ status: "cancelled" })] }), 0))
      .toEqual({ kind: "gave_up" });
    const v = view();
    expect(mayGiveUp({ kind: "choose" }, v)).toBe(true);
    expect(mayGiveUp({ kind: "gave_up" }, v)).toBe(false);
    expect(mayGiveUp({ kind: "choose" }, view({}, { status: "finished" }))).toBe(false);
  });
});

describe("what the phone says", () => {
  it("the unit in the confirmation dialog, the time left, a wait", () => {
    expect(unitLines(unit)).toEqual({ title: "1号楼 1201", detail: "12层 · 三室两厅", area: "建筑面积 98.5㎡",
                                      price: "总价 ¥3,120,000.00" });
    expect(timeLeft("2030-05-01T01:30:00Z", at("2030-05-01T01:00:00Z"))).toBe("00:30:00");
    expect(timeLeft("2030-05-01T01:30:00Z", at("2030-05-01T01:31:00Z"))).toBe("已到期");
    expect(waitText(42)).toBe("42 秒");
    expect(waitText(1799)).toBe("29 分 59 秒");
  });

  it("the 认购's body: the 定金 defaults to the 诚意金 paid; a loan for a mortgage", () => {
    expect(confirmBody({ method: "full", deposit: "", loan: "" }, true)).toEqual({ body: { payment_method: "full" } });
    expect(confirmBody({ method: "full", deposit: "", loan: "" }, false)).toEqual({ problem: "您未交诚意金，请填写定金金额" });
    expect(confirmBody({ method: "full", deposit: "50,000", loan: "" }, false))
      .toEqual({ body: { payment_method: "full", deposit: "50000.00" } });
    expect(confirmBody({ method: "full", deposit: "5万", loan: "" }, true)).toHaveProperty("problem");
    expect(confirmBody({ method: "commercial_mortgage", deposit: "", loan: "" }, true)).toEqual({ problem: "请填写贷款金额" });
    expect(confirmBody({ method: "commercial_mortgage", deposit: "", loan: "2000000" }, true))
      .toEqual({ body: { payment_method: "commercial_mortgage", loan_amount: "2000000.00" } });
    expect(confirmBody({ method: "cash", deposit: "", loan: "" }, true)).toEqual({ problem: "请选择付款方式" });
  });

  it("every refusal of the buyer routes as a plain sentence", () => {
    for (const code of ["NOT_YOUR_WINDOW", "WINDOW_PASSED", "TURN_OVER", "LAUNCH_PAUSED", "SELECTION_NOT_OPEN",
                        "SELECTION_OVER", "NOT_ON_THE_LIST", "BUYER_UNIT_LIMIT", "UNIT_NOT_AVAILABLE", "UNIT_NOT_IN_LAUNCH",
                        "HOLD_NOT_ACTIVE", "HOLD_NOT_FOUND", "DEPOSIT_BELOW_EARNEST", "DEPOSIT_REQUIRED",
                        "DELIVERY_DATE_UNKNOWN", "ADVISOR_INACTIVE"]) {
      const said = refusal(new ApiError(409, code));
      expect(said.code).toBe(code);
      expect(said.text).toMatch(/[。]$/);
      expect(said.text).not.toMatch(/[A-Z_]{4,}/);
    }
    expect(refusal(new ApiError(409, "UNIT_NOT_AVAILABLE")).text).toBe("这套房刚刚被别人选走了，请选择其他房源。");
    expect(refusal(new BuyerApiError(429, "HOLD_ATTEMPTS_EXCEEDED", undefined, 125)).text)
      .toBe("您对这套房尝试的次数太多了，请 2 分 5 秒后再试，或选择其他房源。");
    expect(refusal(new BuyerApiError(429, "HOLD_ATTEMPTS_EXCEEDED", undefined, null)).text).toContain("请稍后再试");
    expect(refusal(new TypeError("x"))).toEqual({ text: "网络连接失败，请检查网络后再试。", code: null });
    expect(refusal(new ApiError(503, "SERVICE_UNAVAILABLE")).code).toBe("SERVICE_UNAVAILABLE");
  });
});
