import { describe, expect, it } from "vitest";
import { addDays, addMonths, mondayOf, monthOf, monthRange, periodTitle } from "./periods";

describe("report periods", () => {
  it("a week starts on its Monday, Sunday included in the week before it", () => {
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");  // a Sunday
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(mondayOf("2026-12-01")).toBe("2026-11-30");
    expect(mondayOf("2027-01-01")).toBe("2026-12-28");  // across the year
  });

  it("steps days and months across their ends", () => {
    expect(addDays("2026-11-30", 7)).toBe("2026-12-07");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addMonths("2026-12", 1)).toBe("2027-01");
    expect(addMonths("2026-01", -1)).toBe("2025-12");
    expect(monthOf("2026-12-06")).toBe("2026-12");
  });

  it("a month's range and the titles", () => {
    expect(monthRange("2024-02")).toEqual(["2024-02-01", "2024-02-29"]);
    expect(monthRange("2026-12")).toEqual(["2026-12-01", "2026-12-31"]);
    expect(periodTitle("weekly", "2026-11-30")).toBe("2026-11-30 ~ 2026-12-06");
    expect(periodTitle("monthly", "2026-09-01")).toBe("2026年9月");
  });
});
