import { describe, expect, it } from "vitest";
import { addDays, attendanceRate, flagged, mondayOf, monthOf, rotaGrid } from "./attendance";

describe("the attendance desk's days", () => {
  it("finds the Monday of a week and the month of a day", () => {
    expect(mondayOf("2026-12-06")).toBe("2026-11-30");  // a Sunday
    expect(mondayOf("2026-11-30")).toBe("2026-11-30");
    expect(mondayOf("2027-01-01")).toBe("2026-12-28");
    expect(monthOf("2026-12-06")).toBe("2026-12");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
  it("rates attendance over scheduled days, none when nothing was scheduled", () => {
    expect(attendanceRate({ scheduled: 20, present: 19 })).toBe("95.0%");
    expect(attendanceRate({ scheduled: 0, present: 0 })).toBeNull();
    expect(flagged({ late: 0, early_leave: 0, absent: 1 })).toBe(true);
    expect(flagged({ late: 0, early_leave: 0, absent: 0 })).toBe(false);
  });
  it("lays the rota out as people × days", () => {
    const grid = rotaGrid("2026-11-30", [
      { day: "2026-11-30", account_id: 2, full_name: "王", rest: true },
      { day: "2026-12-02", account_id: 1, full_name: "李", rest: false },
    ]);
    expect(grid.days).toHaveLength(7);
    expect(grid.people.map((p) => p.name)).toEqual(["李", "王"]);  // by pinyin: li, wang
    expect(grid.people.find((p) => p.id === 1)?.cells[2]?.day).toBe("2026-12-02");
    expect(grid.people.find((p) => p.id === 2)?.cells[0]?.rest).toBe(true);
  });
});
