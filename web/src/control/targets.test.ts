import { describe, expect, it } from "vitest";
import { targetRows, targetsBody } from "./targets";

describe("销售目标 split", () => {
  it("lists the ranking's advisors with the targets set, by name", () => {
    const rows = targetRows([{ advisor_id: 2, full_name: "陈顾问", units: 3, amount: "9000000.00", collections: "3000000.00" }],
      [{ account_id: 1, full_name: "李顾问" }, { account_id: 2, full_name: "陈顾问" }]);
    // 陈 (chén) before 李 (lǐ): by pinyin, as zh-CN sorts
    expect(rows.map((r) => [r.advisorId, r.units, r.amount])).toEqual([[2, "3", "9000000"], [1, "0", "0"]]);
  });

  it("makes the project's target the exact sum of the advisors' and says what is wrong in Chinese", () => {
    const ok = targetsBody([
      { advisorId: 1, name: "李顾问", units: "2", amount: "6,000,000.10", collections: "0.2" },
      { advisorId: 2, name: "陈顾问", units: "3", amount: "9000000", collections: "0.1" },
    ]);
    expect(ok.problems).toEqual([]);
    expect(ok.body?.project).toEqual({ units: 5, amount: "15000000.10", collections: "0.30" });
    expect(ok.body?.advisors[0]).toEqual({ advisor_id: 1, units: 2, amount: "6000000.10", collections: "0.20" });
    const bad = targetsBody([{ advisorId: 1, name: "李顾问", units: "1.5", amount: "-1", collections: "1.234" }]);
    expect(bad.body).toBeNull();
    expect(bad.problems).toEqual(["李顾问：套数须为整数", "李顾问：签约金额须为金额（最多两位小数）", "李顾问：回款须为金额（最多两位小数）"]);
    expect(targetsBody([]).problems).toEqual(["本案场没有置业顾问"]);
  });
});
