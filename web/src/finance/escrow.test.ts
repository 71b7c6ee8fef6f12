import { describe, expect, it } from "vitest";
import { accountDigits, monthBefore, otherAccount } from "./escrow";

describe("escrow at the desk", () => {
  it("reads an account number as the API does", () => {
    expect(accountDigits("6222 0202-0000 1234")).toBe("6222020200001234");
    expect(accountDigits("1234567")).toBeNull();
    expect(accountDigits("6222O20200001234")).toBeNull();
    expect(accountDigits("")).toBeNull();
    expect(accountDigits(null)).toBeNull();
  });
  it("counts months back across the year", () => {
    expect(monthBefore("2026-03", 11)).toBe("2025-04");
    expect(monthBefore("2026-01", 1)).toBe("2025-12");
    expect(monthBefore("2026-12", 0)).toBe("2026-12");
  });
  it("flags a receipt named to another account", () => {
    expect(otherAccount("1111111111", "2222222222")).toBe(true);
    expect(otherAccount("2222222222", "2222222222")).toBe(false);
    expect(otherAccount(null, "2222222222")).toBe(false);
  });
});
