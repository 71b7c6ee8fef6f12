import { describe, expect, it } from "vitest";
import { type BuyerView, beijing, deposit, launchFromLocation, openingCountdown, stage, unitRow, unitSummary } from "./view";

function view(over: Partial<BuyerView> = {}, launch: Partial<BuyerView["launch"]> = {}): BuyerView {
  return { // what view.ts reads (the rest of the answer, e.g. selection, is not its business)
    registration: { id: 1, number: "RC-0001", buyer_name: "赵**", id_number: "110***********1239", eligibility: "eligible",
                    priority_group: null, deposit_paid: false, deposit_amount: "0.00" },
    launch: { id: 7, project_id: 3, name: "线上首开", mode: "lottery", status: "registration_open",
              opens_at: "2030-05-01T09:00:00+08:00", units_per_buyer: 1, ...launch },
    position: null, window: null, units: [], ...over,
  } as BuyerView;
}
const at = (iso: string) => Date.parse(iso);

describe("the launch a link names", () => {
  it("reads /buyer/launch/12 and /buyer/#/?launch=12", () => {
    expect(launchFromLocation("/buyer/launch/12", "")).toBe(12);
    expect(launchFromLocation("/buyer/launch/12/", "#/")).toBe(12);
    expect(launchFromLocation("/buyer/", "#/?launch=12")).toBe(12);
    expect(launchFromLocation("/buyer/", "#/?x=1&launch=34&y=2")).toBe(34);
    expect(launchFromLocation("/buyer/", "#/")).toBeNull();
    expect(launchFromLocation("/buyer/", "#/?launch=abc")).toBeNull();
    expect(launchFromLocation("/buyer/launch/0", "")).toBeNull();
  });
});

describe("the buyer's stage", () => {
  it("counts down to the opening before the draw", () => {
    expect(stage(view(), at("2030-05-01T00:59:00Z"))).toEqual({ kind: "before_opening", until: "2030-05-01T09:00:00+08:00" });
    expect(openingCountdown("2030-05-01T09:00:00+08:00", at("2030-04-30T00:59:59Z"))).toBe("1天 00:00:01");
    expect(openingCountdown("2030-05-01T09:00:00+08:00", at("2030-05-01T01:00:00Z"))).toBe("已开盘");
    expect(stage(view(), at("2030-05-01T01:00:00Z"))).toEqual({ kind: "awaiting_draw" });
  });

  it("after the draw: the window to come, open, then passed", () => {
    const window = { number: 2, opens_at: "2030-05-01T09:05:00+08:00", minutes: 5 };
    const drawn = view({ position: 3, window }, { status: "drawn" });
    expect(stage(drawn, at("2030-05-01T00:00:00Z"))).toEqual({ kind: "window_waiting", window, until: window.opens_at });
    expect(stage(drawn, at("2030-05-01T01:05:00Z"))).toEqual({ kind: "window_open", window, until: "2030-05-01T01:10:00.000Z" });
    expect(stage(drawn, at("2030-05-01T01:09:59Z")).kind).toBe("window_open");
    expect(stage(drawn, at("2030-05-01T01:10:00Z"))).toEqual({ kind: "window_passed", window });
  });

  it("drawn without this registration, paused, finished, race mode", () => {
    expect(stage(view({ window: {} }, { status: "drawn" }), 0)).toEqual({ kind: "not_drawn_in" });
    expect(stage(view({}, { status: "paused" }), 0)).toEqual({ kind: "paused" });
    expect(stage(view({}, { status: "finished" }), 0)).toEqual({ kind: "finished" });
    const race = view({}, { mode: "race", status: "selecting" });
    expect(stage(race, at("2030-05-01T00:00:00Z")).kind).toBe("before_opening");
    expect(stage(race, at("2030-05-01T01:00:00Z"))).toEqual({ kind: "race_open" });
  });
});

describe("what the page shows", () => {
  it("times in Beijing time, the 诚意金", () => {
    expect(beijing("2030-05-01T01:05:00Z")).toBe("2030-05-01 09:05");
    expect(beijing("nonsense")).toBe("");
    const r = view().registration;
    expect(deposit(r)).toBe("无需缴纳");
    expect(deposit({ ...r, deposit_amount: "20000.00" })).toBe("待缴纳 ¥20,000.00");
    expect(deposit({ ...r, deposit_paid: true, deposit_amount: "20000.00" })).toBe("已缴纳 ¥20,000.00");
  });

  it("units: sold ones greyed, held ones taken, the rest to choose", () => {
    const unit = { id: 5, building: "1号楼", number: "1201", floor: 12, layout: "三室两厅", status: "available",
                   list_price: "3120000.00", gross_area: "98.50" };
    expect(unitRow(unit)).toEqual({ id: 5, title: "1号楼 1201", detail: "12层 · 三室两厅 · 98.5㎡", price: "312.0万",
                                    status: "可选", tone: "available" });
    expect(unitRow({ ...unit, status: "signed" })).toMatchObject({ status: "已售", tone: "sold" });
    expect(unitRow({ ...unit, status: "held" })).toMatchObject({ status: "已预留", tone: "taken" });
    expect(unitSummary([unit, { ...unit, id: 6, status: "subscribed" }])).toBe("共 2 套，可选 1 套");
  });
});
