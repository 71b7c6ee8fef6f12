import { describe, expect, it } from "vitest";
import { EVENT_TYPES, ROTATION_CHOICES, STATE_NAMES, canRedeliver, eventName, formProblem, lastAnswer, rotationNote } from "./labels";

describe("webhook labels", () => {
  it("names every event the gateway offers, unit_status_changed first", () => {
    expect(EVENT_TYPES[0]).toBe("unit_status_changed");
    expect(EVENT_TYPES).toHaveLength(16);
    expect(eventName("deal_unit_swapped")).toBe("换房");
    expect(eventName("contract_signed")).toBe("签约");
    expect(eventName("something_new")).toBe("something_new");
    expect(Object.keys(STATE_NAMES)).toEqual(["pending", "delivered", "dead"]);
  });

  it("offers redelivery for a dead delivery of an active endpoint only", () => {
    expect(canRedeliver({ state: "dead" }, { status: "active" })).toBe(true);
    expect(canRedeliver({ state: "dead" }, { status: "disabled" })).toBe(false);
    expect(canRedeliver({ state: "pending" }, { status: "active" })).toBe(false);
    expect(canRedeliver({ state: "delivered" }, { status: "active" })).toBe(false);
  });

  it("shows the last answer: its status and text, or why there was none", () => {
    expect(lastAnswer({ attempts: 0 })).toBe("尚未投递");
    expect(lastAnswer({ attempts: 3, last_status: 500, last_error: "receiver says no" })).toBe("HTTP 500 · receiver says no");
    expect(lastAnswer({ attempts: 1, last_status: 200, last_error: "" })).toBe("HTTP 200");
    expect(lastAnswer({ attempts: 2, last_status: null, last_error: "no answer within 10 s" })).toBe("无应答 · no answer within 10 s");
    expect(lastAnswer({ attempts: 1, last_status: 502, last_error: "x".repeat(100) })).toBe(`HTTP 502 · ${"x".repeat(80)}…`);
  });

  it("refuses an empty address, another scheme or no event before asking", () => {
    expect(formProblem("", ["unit_held"])).toBe("请填写接收地址");
    expect(formProblem("ftp://crm.example.com/h", ["unit_held"])).toBe("接收地址须以 https:// 开头");
    expect(formProblem("https://crm.example.com/h", [])).toBe("请至少选择一种事件");
    expect(formProblem(" https://crm.example.com/h ", ["unit_held"])).toBeNull();
  });

  it("offers a day's grace or none when rotating, and says until when the old secret signs", () => {
    expect(ROTATION_CHOICES.map((c) => c.hours)).toEqual([24, 0]);
    expect(rotationNote("2026-12-07T10:00:00+00:00", (iso) => `@${iso}`)).toBe("旧密钥同时签名至 @2026-12-07T10:00:00+00:00");
    expect(rotationNote(null, (iso) => iso)).toBe("");
  });
});
