import { describe, expect, it } from "vitest";
import { advisorsOf, cents, daysUntil, filterLines, fromCents, NO_ADVISOR, totalRemaining } from "./collections";

const lines = [
  { line_id: 1, advisor_id: 7, advisor_name: "孙顾问", bucket: "31-60", remaining: "2960000.00" },
  { line_id: 2, advisor_id: 8, advisor_name: "李顾问", bucket: "1-30", remaining: "0.10" },
  { line_id: 3, advisor_id: 7, advisor_name: "孙顾问", bucket: "1-30", remaining: "0.20" },
  { line_id: 4, advisor_id: null, advisor_name: null, bucket: "90+", remaining: "5" },
];

describe("催款 lines", () => {
  it("filter by bucket, advisor, both, or none", () => {
    const ids = (f: { bucket: string | null; advisorId: number | null }) => filterLines(lines, f).map((l) => l.line_id);
    expect(ids({ bucket: null, advisorId: null })).toEqual([1, 2, 3, 4]);
    expect(ids({ bucket: "1-30", advisorId: null })).toEqual([2, 3]);
    expect(ids({ bucket: null, advisorId: 7 })).toEqual([1, 3]);
    expect(ids({ bucket: "1-30", advisorId: 7 })).toEqual([3]);
    expect(ids({ bucket: null, advisorId: NO_ADVISOR })).toEqual([4]);
  });
  it("name each advisor once, a line without one as such", () => {
    expect(advisorsOf(lines).map((a) => a.name).sort()).toEqual(["（无顾问）", "孙顾问", "李顾问"].sort());
    expect(advisorsOf([{ advisor_id: 9, advisor_name: null }])).toEqual([{ id: 9, name: "#9" }]);
  });
  it("sum in cents, never floats", () => {
    expect(totalRemaining(lines.slice(1, 3))).toBe("0.30");
    expect(totalRemaining(lines)).toBe("2960005.30");
    expect(cents("12.5")).toBe(1250);
    expect(fromCents(-5)).toBe("-0.05");
  });
});

describe("lines due soon", () => {
  it("count the days to their due date, across a month end", () => {
    expect(daysUntil("2026-12-06", "2026-12-06")).toBe(0);
    expect(daysUntil("2027-01-02", "2026-12-30")).toBe(3);
    expect(daysUntil("2026-12-01", "2026-12-06")).toBe(-5);
  });
});
