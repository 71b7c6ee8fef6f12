import { describe, expect, it } from "vitest";
import { classify, dueToday, expiringSoon, groupByDay, nextDue } from "./followups";

const now = Date.parse("2026-12-06T02:00:00Z"); // 10:00 in Shanghai

describe("the follow-up a customer owes", () => {
  it("is the first response 24 h after registration while nobody followed up", () => {
    const item = nextDue({ id: 1, owner_id: 5, status: "lead", grade: "C", registered_at: "2026-12-05T03:00:00Z" });
    expect(item?.rule).toBe("first_response");
    expect(item?.dueAt).toBe(Date.parse("2026-12-06T03:00:00Z"));
  });
  it("is weekly after the last follow-up for A and B, none for C after the first", () => {
    const a = nextDue({ id: 2, owner_id: 5, grade: "A", registered_at: "2026-11-01T00:00:00Z", last_follow_up_at: "2026-11-29T05:00:00Z" });
    expect(a?.rule).toBe("weekly_follow_up");
    expect(a?.dueAt).toBe(Date.parse("2026-12-06T05:00:00Z"));
    expect(nextDue({ id: 3, owner_id: 5, grade: "C", registered_at: "2026-11-01T00:00:00Z", last_follow_up_at: "2026-11-29T05:00:00Z" })).toBeNull();
  });
  it("is nothing for the pool, D grades and customers past the lead stage", () => {
    const r = "2026-12-05T03:00:00Z";
    expect(nextDue({ owner_id: null, registered_at: r })).toBeNull();
    expect(nextDue({ owner_id: 5, grade: "D", registered_at: r })).toBeNull();
    expect(nextDue({ owner_id: 5, status: "subscribed", registered_at: r })).toBeNull();
  });
});

describe("classifying against the clock (Asia/Shanghai days)", () => {
  it("tells overdue, today, within 24 h and later apart", () => {
    expect(classify(now - 1, now)).toBe("overdue");
    expect(classify(Date.parse("2026-12-06T15:59:00Z"), now)).toBe("today"); // 23:59 Shanghai
    expect(classify(Date.parse("2026-12-07T01:00:00Z"), now)).toBe("soon"); // tomorrow 09:00
    expect(classify(Date.parse("2026-12-08T01:00:00Z"), now)).toBe("later");
  });
  it("lists today's work earliest first, without the overdue ones", () => {
    const list = dueToday([
      { id: 1, name: "甲", owner_id: 5, grade: "B", registered_at: "2026-12-05T20:00:00Z" }, // due 12-06 20:00Z: soon
      { id: 2, name: "乙", owner_id: 5, grade: "B", registered_at: "2026-12-05T04:00:00Z" }, // due 12-06 04:00Z: today
      { id: 3, name: "丙", owner_id: 5, grade: "B", registered_at: "2026-12-04T04:00:00Z" }, // overdue
      { id: 4, name: "丁", owner_id: 5, grade: "A", registered_at: "2026-11-01T00:00:00Z", last_follow_up_at: "2026-12-05T00:00:00Z" },
    ], now);
    expect(list.map((i) => [i.customerName, i.urgency])).toEqual([["乙", "today"], ["甲", "soon"]]);
  });
});

describe("the timeline and holds", () => {
  it("groups entries by Shanghai day, newest first", () => {
    const groups = groupByDay([
      { at: "2026-12-05T15:30:00Z", n: 1 }, // 12-05 23:30 Shanghai
      { at: "2026-12-05T16:30:00Z", n: 2 }, // 12-06 00:30 Shanghai
      { at: "2026-12-06T01:00:00Z", n: 3 },
    ]);
    expect(groups.map((g) => [g.day, g.entries.map((e) => e.n)])).toEqual([["2026-12-06", [3, 2]], ["2026-12-05", [1]]]);
  });
  it("finds the holds expiring soon, soonest first", () => {
    const holds = [{ expiresAt: "2026-12-06T05:00:00Z" }, { expiresAt: "2026-12-06T02:30:00Z" },
      { expiresAt: "2026-12-06T01:00:00Z" }, { expiresAt: "2026-12-08T01:00:00Z" }];
    expect(expiringSoon(holds, now, 6 * 3600_000).map((h) => h.expiresAt)).toEqual(["2026-12-06T02:30:00Z", "2026-12-06T05:00:00Z"]);
  });
});
