import { describe, expect, it } from "vitest";
import { badge, KIND_NAMES } from "./items";

describe("the bell", () => {
  it("shows a count, nothing when there is nothing, 99+ past 99", () => {
    expect(badge(0)).toBe("");
    expect(badge(undefined)).toBe("");
    expect(badge(3)).toBe("3");
    expect(badge(100)).toBe("99+");
  });

  it("names every kind the API sends in Chinese", () => {
    expect(Object.keys(KIND_NAMES).sort()).toEqual(["approval_waiting", "hold_expired", "sla_breached"]);
  });
});
