import { describe, expect, it } from "vitest";
import { duration, percent, windowTotals } from "./report";

describe("开盘报告", () => {
  it("says the time to sell out as the office reads it", () => {
    expect(duration(null)).toBe("未售罄");
    expect(duration(undefined)).toBe("未售罄");
    expect(duration(0)).toBe("0分0秒");
    expect(duration(245)).toBe("4分5秒");
    expect(duration(3723)).toBe("1小时2分3秒");
  });
  it("shares units sold of the launch's", () => {
    expect(percent(2, 3)).toBe("67%");
    expect(percent(0, 0)).toBe("—");
    expect(percent(5, 5)).toBe("100%");
  });
  it("adds the windows up", () => {
    expect(windowTotals([{ members: 2, chose: 1, no_shows: 1, sold: 1 }, { members: 1, gave_up: 1 }])).toEqual(
      { members: 3, chose: 1, gave_up: 1, no_shows: 1, pending: 0, sold: 1 });
    expect(windowTotals(undefined).members).toBe(0);
  });
});
