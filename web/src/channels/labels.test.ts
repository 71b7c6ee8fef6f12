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
      .toEqual(["归属由 顾问 #3 改为 顾问 #11", "未注明方式"]);
    expect(alertFacts("mobile_change", { stage: "approved", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", by: "李顾问", approved_by: "王经理" }, day))
      .toEqual(["手机号 136****1234 → 136****5678（经理 王经理 批准）", "申请人 李顾问；原因：客户换号"]);
    expect(alertFacts("mobile_change", { stage: "requested", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", by: "李顾问", approved_by: null }, day)[0]).toContain("待经理审批");
  });

  it("says how long before its 认购 a report came, in words for under a minute and after", () => {
    const lead = (minutes: unknown) => alertFacts("report_before_deal", { channel: "链家", broker: "张", deal_id: 7,
      filed_at: "2026-12-06T01:00:00Z", subscribed_at: "2026-12-06T01:00:30Z", minutes_before: minutes }, day)[1];
    expect(lead(0)).toBe("认购时间 2026-12-06（成交 #7），报备与认购相隔不到 1 分钟");
    expect(lead(-3)).toContain("报备晚于认购 3 分钟");
    expect(lead(45)).toContain("报备仅早 45 分钟");
    expect(lead(undefined)).toContain("报备时间不详");
  });

  it("names the people of an alert's facts, known by login or account id", () => {
    const people = { byId: new Map([[3, "张顾问"], [11, "李顾问"]]), byLogin: new Map([["a.li", "李顾问"], ["m.wang", "王经理"]]) };
    expect(alertFacts("mobile_change", { stage: "approved", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", by: "a.li", approved_by: "m.wang" }, day, people))
      .toEqual(["手机号 136****1234 → 136****5678（经理 王经理 批准）", "申请人 李顾问；原因：客户换号"]);
    expect(alertFacts("owner_change", { from_owner_id: 3, to_owner_id: 11, reason: "ruling", by: "m.wang" }, day, people))
      .toEqual(["归属由 顾问 张顾问 改为 顾问 李顾问", "撞单裁定，操作人 王经理"]);
    // a customer reception registered (no owner) given to an advisor; someone the list does not know: as recorded
    expect(alertFacts("owner_change", { from_owner_id: null, to_owner_id: 4, reason: "reassigned", by: "gone" }, day, people))
      .toEqual(["归属由 未分配 改为 顾问 #4", "重新分配，操作人 gone"]);
  });

  it("cleans a typed 带看码", () => {
    expect(cleanCode(" ab3d-ef 9k ")).toBe("AB3DEF9K");
  });
});
