import { describe, expect, it } from "vitest";
import { boardUnits, floorRange, forAction, localToIso, lockOf, scopeText } from "./units";
import { addDays, dayWithChange, mondayOf, rotaGrid, weekDays } from "./rota";
import type { Board } from "../client";

const board = {
  buildings: [{ id: 7, name: "1号楼", floors: [
    { floor: 2, units: [{ id: 3, number: "0201", status: "available" }, { id: 4, number: "0202", status: "locked" }] },
    { floor: 1, units: [{ id: 1, number: "0101", status: "unreleased" }, { id: 2, number: "0102", status: "signed" }] },
  ] }],
} as Board;

describe("the 销控 selection", () => {
  it("takes for each action only the units in the status it moves from", () => {
    const units = boardUnits(board);
    expect(units.map((u) => [u.id, u.floor, u.building_name])).toEqual([[3, 2, "1号楼"], [4, 2, "1号楼"], [1, 1, "1号楼"], [2, 1, "1号楼"]]);
    const chosen = new Set([1, 2, 3, 4]);
    expect(forAction(units, chosen, "lock").ids).toEqual([3]);
    expect(forAction(units, chosen, "unlock").ids).toEqual([4]);
    expect(forAction(units, chosen, "release").ids).toEqual([1]);
    expect(forAction(units, new Set([2]), "lock").others.map((u) => u.number)).toEqual(["0102"]);
    expect(floorRange(units, 7, 2, null).sort()).toEqual([3, 4]);
    expect(floorRange(units, 8, null, null)).toEqual([]);
  });

  it("says a schedule's scope in Chinese", () => {
    const b = new Map([[7, "1号楼"]]), n = new Map([[1, "0101"], [2, "0102"], [3, "0201"], [4, "0202"]]);
    expect(scopeText({ building_id: 7, floor_from: 3, floor_to: 5 }, b, n)).toBe("1号楼 3–5层");
    expect(scopeText({ building_id: 7 }, b, n)).toBe("1号楼 全部");
    expect(scopeText({ building_id: 7, floor_from: 4, floor_to: 4 }, b, n)).toBe("1号楼 4层");
    expect(scopeText({ unit_ids: [1, 2, 3, 4] }, b, n)).toBe("0101、0102、0201 等 4 套");
    expect(scopeText({ unit_ids: [1] }, b, n)).toBe("0101（1 套）");
    expect(localToIso("2026-12-06T18:30")).toBe(new Date(2026, 11, 6, 18, 30).toISOString());
    expect(localToIso("")).toBeNull();
  });
});

describe("排班 grid", () => {
  it("finds the Monday and lays the week out per person", () => {
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");  // a Sunday
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(weekDays("2026-11-30")[6]).toBe("2026-12-06");
    expect(addDays("2026-12-28", 7)).toBe("2027-01-04");
    expect(addDays("2026-03-02", -7)).toBe("2026-02-23");
    const rows = rotaGrid([
      { day: "2026-11-30", account_id: 2, full_name: "陈顾问", shift_name: "早班", duty: true },
      { day: "2026-12-01", account_id: 2, full_name: "陈顾问", rest: true },
      { day: "2026-11-30", account_id: 1, full_name: "李顾问", shift_name: "晚班" },
    ], "2026-11-30");
    expect(rows.map((r) => r.name)).toEqual(["陈顾问", "李顾问"].sort((a, b) => a.localeCompare(b, "zh-CN")));
    const chen = rows.find((r) => r.accountId === 2)!;
    expect(chen.cells.slice(0, 3)).toEqual(["早班·值日", "休", ""]);
    expect([chen.rests, chen.duties]).toEqual([1, 1]);
  });
});

describe("a lock's reason", () => {
  it("is the latest change to 锁定, without the API's prefix", () => {
    expect(lockOf([
      { id: 1, to_status: "locked", reason: "locked: 开发商自留", actor_name: "王经理", at: "2026-12-01T02:00:00Z" },
      { id: 2, to_status: "available", reason: "unlocked: 放出" },
      { id: 3, to_status: "locked", reason: "locked: 样板间", actor_id: 9, actor_name: "a1.li", at: "2026-12-02T02:00:00Z" },
    ])).toEqual({ reason: "样板间", by: "a1.li", at: "2026-12-02T02:00:00Z" });
    expect(lockOf([{ id: 3, to_status: "locked", reason: "locked: 样板间", actor_id: 9, actor_name: "a1.li" }], new Map([[9, "李经理"]]))?.by)
      .toBe("李经理");
    expect(lockOf([{ id: 1, to_status: "available" }])).toBeNull();
  });
});

describe("a rota day edited by hand", () => {
  it("sends the whole day with one person's entry replaced", () => {
    const entries = [
      { day: "2026-12-07", account_id: 2, shift_id: 5, rest: false, duty: true },
      { day: "2026-12-07", account_id: 1, shift_id: null, rest: true, duty: false },
      { day: "2026-12-08", account_id: 1, shift_id: 5, rest: false, duty: false },
    ];
    expect(dayWithChange(entries, "2026-12-07", { account_id: 1, shift_id: 5, rest: false, duty: false })).toEqual([
      { account_id: 1, shift_id: 5, rest: false, duty: false },
      { account_id: 2, shift_id: 5, rest: false, duty: true },
    ]);
    expect(dayWithChange(entries, "2026-12-07", { account_id: 2, shift_id: 5, rest: true, duty: false })[1])
      .toEqual({ account_id: 2, shift_id: null, rest: true, duty: false });
  });
});
