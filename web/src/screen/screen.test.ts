import { describe, expect, it } from "vitest";
import { applyUnits, buyerLine, byBuilding, clockOffset, countdown, launchOf, phase, screenUrl, tally,
         type Screen, type ScreenUnit } from "./screen";

const unit = (id: number, number: string, floor: number, status = "available", building = "1号楼"): ScreenUnit =>
  ({ id, number, floor, status, building, layout: "3室", gross_area: "100.00", list_price: "3000000.00" });

function screen(launch: Partial<NonNullable<Screen["launch"]>> = {}, over: Partial<Screen> = {}): Screen {
  return { launch: { id: 1, project_id: 2, name: "首开", mode: "lottery", status: "selecting",
                     opens_at: "2030-05-01T01:00:00Z", window_size: 1, window_minutes: 5, units_per_buyer: 1, ...launch },
           current_window: null, choosing: [], next_window: null, units: [], sold: 0, windows_total: 0, ...over } as Screen;
}

describe("the 选房大屏", () => {
  it("reads the launch of the address and builds the display token's address", () => {
    expect(launchOf({ launch: "12" })).toBe(12);
    expect(launchOf({ launch: ["7", "8"] })).toBe(7);
    expect(launchOf({ launch: "x" })).toBeNull();
    expect(launchOf({})).toBeNull();
    expect(screenUrl("http://127.0.0.1:8000/console/#/launches", 12, "lpd_a b"))
      .toBe("http://127.0.0.1:8000/console/#/launch-screen?launch=12&display=lpd_a%20b");
    expect(screenUrl("https://x/console/", 3)).toBe("https://x/console/#/launch-screen?launch=3");
  });

  it("shows a buyer as 认筹号 and masked name only", () => {
    expect(buyerLine({ number: "RC-0012", buyer_name: "张**" })).toBe("RC-0012 张**");
  });

  it("groups the units by building, top floor first, and counts them", () => {
    const units = [unit(1, "0102", 1), unit(2, "0201", 2, "held"), unit(3, "0101", 1, "subscribed"),
                   unit(4, "0101", 1, "available", "2号楼")];
    const grouped = byBuilding(units);
    expect(grouped.map((b) => b.name)).toEqual(["1号楼", "2号楼"]);
    expect(grouped[0].floors.map((f) => f.floor)).toEqual([2, 1]);
    expect(grouped[0].floors[1].units.map((u) => u.number)).toEqual(["0101", "0102"]);
    expect(tally(units)).toEqual({ total: 4, sold: 1, held: 1, available: 2 });
  });

  it("applies the feed's changes to the launch's units, ignoring the project's others", () => {
    const units = [unit(1, "0101", 1), unit(2, "0102", 1)];
    expect(applyUnits(units, { project_id: 2, type: "unit", reload: false,
                               units: [{ unit_id: 2, status: "subscribed" }, { unit_id: 99, status: "held" }] }))
      .toEqual({ changed: [2], complete: true });
    expect(units[1].status).toBe("subscribed");
    expect(applyUnits(units, { project_id: 2, type: "unit", reload: false, units: [{ unit_id: 1, status: null }] }).complete)
      .toBe(false);
    expect(applyUnits(units, { project_id: 2, type: "reload", reload: true, units: [] }).complete).toBe(false);
  });

  it("counts down on the server's clock", () => {
    const offset = clockOffset("2030-05-01T01:00:10Z", Date.parse("2030-05-01T01:00:00Z"));
    expect(offset).toBe(10_000);
    expect(countdown("2030-05-01T01:05:10Z", Date.parse("2030-05-01T01:00:00Z"), offset)).toBe("00:05:00");
    expect(countdown(null, 0, 0)).toBe("");
    expect(clockOffset(undefined, 5)).toBe(0);
  });

  it("tells the phase: before, a window, race, paused, over", () => {
    const now = Date.parse("2030-05-01T01:00:00Z");
    expect(phase(screen({ status: "drawn" }), now)).toBe("before");
    expect(phase(screen({}, { current_window: { number: 1, opened_at: null, closes_at: null, over: false } }), now)).toBe("window");
    expect(phase(screen({}, { current_window: { number: 3, opened_at: null, closes_at: null, over: true } }), now)).toBe("over");
    expect(phase(screen({ mode: "race", opens_at: "2030-05-01T01:00:05Z" }), now)).toBe("before");
    expect(phase(screen({ mode: "race" }), now)).toBe("race");
    expect(phase(screen({ status: "paused" }), now)).toBe("paused");
    expect(phase(screen({ status: "finished" }), now)).toBe("over");
  });
});
