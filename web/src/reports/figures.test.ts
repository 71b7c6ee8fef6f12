import { describe, expect, it } from "vitest";
import { completion, fileName, funnelSteps, wanNumber } from "./figures";

describe("the figures a director reads", () => {
  it("the funnel's steps with the rate from the step before and from the visits", () => {
    const steps = funnelSteps({ visits: 40, new_leads: 20, a_grade: 5, subscribed: 4, signed: 2 });
    expect(steps.map((s) => [s.label, s.count, s.rate, s.overall, s.width])).toEqual([
      ["来访", 40, null, null, 100], ["新增客户", 20, "50.0%", "50.0%", 50], ["A 级意向", 5, "25.0%", "12.5%", 13],
      ["认购", 4, "80.0%", "10.0%", 10], ["签约", 2, "50.0%", "5.0%", 5],
    ]);
  });

  it("no rate where the step before has nothing", () => {
    const steps = funnelSteps({ visits: 0, new_leads: 3 });
    expect(steps[1].rate).toBeNull();
    expect(steps[4].count).toBe(0);
    expect(funnelSteps(null).every((s) => s.count === 0 && s.width === 0)).toBe(true);
  });

  it("a target's completion, capped for the bar, or none set", () => {
    expect(completion({ target: "1000000.00", actual: "1250000.00", achieved_percent: "125.00" })).toEqual({ text: "125.0%", bar: 100 });
    expect(completion({ target: "1000000.00", actual: "420000.00", achieved_percent: "42.00" })).toEqual({ text: "42.0%", bar: 42 });
    expect(completion({ target: null, actual: "5.00", achieved_percent: null })).toEqual({ text: "未设目标", bar: 0 });
    expect(completion(null).text).toBe("未设目标");
  });

  it("money in 万 for the charts", () => {
    expect(wanNumber("3125000.00")).toBe(312.5);
    expect(wanNumber(null)).toBe(0);
  });

  it("the download's name from Content-Disposition", () => {
    expect(fileName(`attachment; filename="project-3-weekly-2026-11-30.xlsx"; filename*=UTF-8''project-3-weekly-2026-11-30.xlsx`, "x.xlsx"))
      .toBe("project-3-weekly-2026-11-30.xlsx");
    expect(fileName(`attachment; filename*=UTF-8''%E5%91%A8%E6%8A%A5.xlsx`, "x.xlsx")).toBe("周报.xlsx");
    expect(fileName(null, "x.xlsx")).toBe("x.xlsx");
  });
});
