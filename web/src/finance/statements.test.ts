import { describe, expect, it } from "vitest";
import { endOfLastMonth, endOfThisMonth, lastMonth, nextPeriod, rate, ratioPercent, sumTotals } from "./statements";

describe("statement periods", () => {
  it("end with last month, across a year and a leap February", () => {
    expect(endOfLastMonth("2026-12-06")).toBe("2026-11-30");
    expect(endOfLastMonth("2027-01-15")).toBe("2026-12-31");
    expect(endOfLastMonth("2028-03-01")).toBe("2028-02-29");
    expect(lastMonth("2027-01-01")).toBe("2026-12");
    expect(endOfThisMonth("2026-12-06")).toBe("2026-12-31");
    expect(endOfThisMonth("2028-02-10")).toBe("2028-02-29");
  });
  it("start the day after the last statement, else on the first of last month", () => {
    expect(nextPeriod("2026-09-30", "2026-12-06")).toEqual({ from: "2026-10-01", to: "2026-11-30" });
    expect(nextPeriod("2026-12-31", "2027-01-06")).toEqual({ from: "2027-01-01", to: "2026-12-31" });  // nothing over yet
    expect(nextPeriod(null, "2026-12-06")).toEqual({ from: "2026-11-01", to: "2026-11-30" });
  });
});

describe("statement figures", () => {
  it("show ratios and rates as percents and sum totals in cents", () => {
    expect(ratioPercent("0.2000")).toBe("20.0%");
    expect(rate("1.2")).toBe("1.2%");
    expect(sumTotals([{ total: "3000.00" }, { total: "-600.10" }, { total: "0.20" }])).toBe("2400.10");
  });
});
