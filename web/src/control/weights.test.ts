import { describe, expect, it } from "vitest";
import { weightsProblems } from "./weights";

describe("考核权重", () => {
  it("must be whole percentages adding up to 100", () => {
    const w = { units: 25, amount: 25, leads: 15, complaints: 10, satisfaction: 10, attendance: 15 };
    expect(weightsProblems(w)).toEqual([]);
    expect(weightsProblems({ ...w, units: 30 })).toEqual(["权重合计须为 100%（现为 105%）"]);
    expect(weightsProblems({ ...w, units: 2.5 })).toEqual(["每项权重须为 0 到 100 的整数"]);
    expect(weightsProblems({ ...w, leads: null })).toEqual(["每项权重须为 0 到 100 的整数"]);
  });
});
