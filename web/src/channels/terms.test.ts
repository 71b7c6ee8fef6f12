import { describe, expect, it } from "vitest";
import { statementActions, termsBody, termsSummary, type TermsForm } from "./terms";

const form = (over: Partial<TermsForm>): TermsForm => ({
  channelId: 4, effectiveFrom: "2026-12-01", kind: "per_unit", amount: "", rate: "", tierPeriod: "month",
  tiers: [{ fromUnits: null, rate: "" }], bonus: false, bonusAmount: "", bonusFrom: "", bonusTo: "", ...over });

describe("channel terms", () => {
  it("says terms in one line", () => {
    expect(termsSummary({ kind: "per_unit", amount: "8000.00" })).toBe("每套 ¥8,000.00");
    expect(termsSummary({ kind: "percent", rate: "1.2" })).toBe("成交价的 1.2%");
    expect(termsSummary({ kind: "tiered", tier_period: "quarter", tiers: [{ from_units: 5, rate: "1.5" }, { from_units: 1, rate: "1" }] }))
      .toBe("跳点按季度：1 套起 1%，5 套起 1.5%");
    expect(termsSummary({ kind: "percent", rate: "1", launch_bonus: { amount: "2000.00", from_on: "2026-12-01", to_on: "2026-12-31" } }))
      .toBe("成交价的 1% · 开盘奖励 每套 ¥2,000.00（2026-12-01 至 2026-12-31）");
  });

  it("builds the body or says what is missing", () => {
    expect(termsBody(form({ channelId: null }), null).problem).toBe("请选择渠道");
    expect(termsBody(form({ amount: "0" }), "甲").problem).toContain("每套佣金");
    expect(termsBody(form({ amount: "8000" }), "甲").body).toEqual({
      channel_id: 4, channel_name: "甲", effective_from: "2026-12-01", kind: "per_unit", amount: "8000.00" });
    expect(termsBody(form({ kind: "percent", rate: "120" }), "甲").problem).toContain("0 至 100");
    expect(termsBody(form({ kind: "tiered", tiers: [{ fromUnits: 1, rate: "1" }, { fromUnits: 1, rate: "2" }] }), "甲").problem)
      .toBe("每个起始套数只能设一档");
    expect(termsBody(form({ kind: "tiered", tierPeriod: "quarter", tiers: [{ fromUnits: 1, rate: "1" }, { fromUnits: null, rate: "" }] }), "甲").body)
      .toMatchObject({ tiers: [{ from_units: 1, rate: "1" }], tier_period: "quarter" });
    expect(termsBody(form({ amount: "8000", bonus: true, bonusAmount: "2000", bonusFrom: "2026-12-10", bonusTo: "2026-12-01" }), "甲").problem)
      .toContain("结束日期");
    expect(termsBody(form({ amount: "8000", bonus: true, bonusAmount: "2000", bonusFrom: "2026-12-01", bonusTo: "2026-12-10" }), "甲").body)
      .toMatchObject({ launch_bonus: { amount: "2000.00", from_on: "2026-12-01", to_on: "2026-12-10" } });
  });

  it("offers issue for a draft and the channel's answer for an issued statement", () => {
    expect(statementActions("draft")).toEqual(["issue"]);
    expect(statementActions("issued")).toEqual(["confirm", "dispute"]);
    expect(statementActions("confirmed")).toEqual([]);
  });
});
