import { describe, expect, it } from "vitest";
import { alertFacts, cleanCode, rulesExplained, verdict, visitVerdict } from "./labels";

const day = (iso: string | null | undefined) => (iso ?? "").slice(0, 10);

describe("channel labels", () => {
  it("says the project's 判客 rules one line each", () => {
    const lines = rulesExplained({ report_valid_hours: 72, protection_days: 30, site_protection_wins: true });
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain("带看有效期 72 小时（3 天）");
    expect(lines[1]).toContain("渠道保护期 30 天");
    expect(lines[2]).toContain("案场优先");
    expect(rulesExplained({ report_valid_hours: 36, protection_days: 7, site_protection_wins: false })[0])
      .toContain("带看有效期 36 小时：");
    expect(rulesExplained({ report_valid_hours: 36, protection_days: 7, site_protection_wins: false })[2])
      .toContain("渠道可带");
  });

  it("names a report's verdict with the report that was first", () => {
    expect(verdict({ status: "rejected", reason: "reported_by_other", against_report_id: 12 }))
      .toBe("无效 · 其他渠道已先报备（报备 #12）");
    expect(verdict({ status: "valid", reason: "new" })).toBe("有效待带看 · 新客户，无人保护");
  });

  it("tells reception whose customer arrived", () => {
    const report = { channel_name: "链家", broker_name: "张经纪", protected_until: "2027-01-05T08:00:00Z" };
    expect(visitVerdict({ visit: { result: "visited" }, report }, day)).toEqual({
      title: "带看成功：客户归 链家", tone: "success", detail: "经纪人 张经纪，渠道保护至 2027-01-05。请按渠道客户接待。" });
    expect(visitVerdict({ visit: { result: "rejected", reason: "natural_visit" }, report }, day).title).toBe("案场客户：不归渠道");
    expect(visitVerdict({ visit: { result: "lapsed" }, report }, day).title).toBe("报备已失效：不归渠道");
    expect(visitVerdict({ visit: { result: "visited" }, report: { broker_name: "李" } }, day).title).toBe("带看成功：客户归 全民经纪人");
  });

  it("puts an alert's facts in sentences", () => {
    expect(alertFacts("many_channels", { channels: ["甲", "乙", "丙"], reports: 3, days: 30 }, day))
      .toEqual(["30 天内 3 家渠道报备同一客户：甲、乙、丙", "共 3 次报备"]);
    expect(alertFacts("high_conversion", { reports: 6, deals: 4, rate: 0.667, site_rate: 0.1 }, day))
      .toEqual(["报备 6 组，认购 4 组，转化率 66.7%", "案场平均转化率 10.0%"]);
    expect(alertFacts("report_before_deal", { channel: "链家", broker: "张", filed_at: "2026-12-06T01:00:00Z",
      subscribed_at: "2026-12-06T01:20:00Z", minutes_before: 20, deal_id: 7 }, day)[1]).toContain("仅早 20 分钟");
    expect(alertFacts("owner_change", { from_owner_id: 3, to_owner_id: 11, reason: "" }, day))
      .toEqual(["归属由顾问 #3 改为 #11", "未填写原因"]);
    expect(alertFacts("mobile_change", { stage: "approved", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", by: "李顾问", approved_by: "王经理" }, day))
      .toEqual(["手机号 136****1234 → 136****5678（经理 王经理 批准）", "申请人 李顾问；原因：客户换号"]);
    expect(alertFacts("mobile_change", { stage: "requested", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", by: "李顾问", approved_by: null }, day)[0]).toContain("待经理审批");
  });

  it("cleans a typed 带看码", () => {
    expect(cleanCode(" ab3d-ef 9k ")).toBe("AB3DEF9K");
  });
});
