import { describe, expect, it } from "vitest";
import { planOf, planQuery, type Plan } from "./plan";

const plan: Plan = { unitId: 12, customer: "钱先生", price: "3020000.00", deposit: "100000.00",
  method: "commercial_mortgage", loan: "2110000.00", years: 25, rate: "3.05", quoteMethod: "equal_principal" };

describe("the 置业计划书's address", () => {
  it("carries the draft's figures there and back", () => {
    expect(planOf(planQuery(plan) as Record<string, string>)).toEqual(plan);
  });
  it("is refused without a unit, a price or a method", () => {
    const query = planQuery(plan) as Record<string, string>;
    expect(planOf({ ...query, unit: "" })).toBeNull();
    expect(planOf({ ...query, unit: "x" })).toBeNull();
    expect(planOf({ ...query, price: "" })).toBeNull();
    expect(planOf({ ...query, method: "" })).toBeNull();
  });
  it("takes defaults for what a plain address leaves out", () => {
    expect(planOf({ unit: "3", price: "100.00", method: "full" })).toEqual({
      unitId: 3, customer: "", price: "100.00", deposit: "0.00", method: "full", loan: "", years: 30, rate: "3.10",
      quoteMethod: "equal_instalment" });
  });
});
