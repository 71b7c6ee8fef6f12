import { describe, expect, it } from "vitest";
import {
  buttonActions, idNumberProblem, jsonBlob, localAt, mobileProblem, normalIdNumber, plainProblem, quotasProblem, randomSeed,
  registrationsFrozen, seedProblem, sha256Hex, shellWord, unitsByNumbers, verifyCommand,
} from "./rules";
import type { CellUnit } from "../control/units";

describe("居民身份证 at the desk", () => {
  it("passes numbers whose check character is right, x in either case", () => {
    expect(idNumberProblem("11010519491231002X")).toBeNull();
    expect(idNumberProblem(" 11010519491231002x ")).toBeNull();
    expect(normalIdNumber(" 11010519491231002x ")).toBe("11010519491231002X");
    expect(idNumberProblem("440304199001011233")).toBeNull();
  });
  it("says which part is wrong", () => {
    expect(idNumberProblem("440304199001011234")).toContain("校验位");
    expect(idNumberProblem("440304199002301233")).toContain("出生日期");  // 30 February
    expect(idNumberProblem("440304180001011233")).toContain("出生日期");
    expect(idNumberProblem("44030419900101123")).toContain("18 位");
    expect(idNumberProblem("")).toContain("18 位");
    expect(idNumberProblem(null)).toContain("18 位");
  });
});

describe("a buyer's mobile", () => {
  it("reads it as the API does", () => {
    expect(mobileProblem("139 0000 1001")).toBeNull();
    expect(mobileProblem("+86 139-0000-1001")).toBeNull();
    expect(mobileProblem("8613900001001")).toBeNull();
    expect(mobileProblem("1390000100")).toContain("11 位");
    expect(mobileProblem("23900001001")).toContain("以 1 开头");
  });
});

describe("the lottery's seed", () => {
  it("is 16 to 200 printable ASCII characters without space or |", () => {
    expect(seedProblem("abcdefghijklmnop")).toBeNull();
    expect(seedProblem("abc")).toContain("16");
    expect(seedProblem("abcdefgh ijklmnop")).not.toBeNull();
    expect(seedProblem("abcdefgh|ijklmnop")).not.toBeNull();
    expect(seedProblem("种子种子种子种子种子种子种子种子")).not.toBeNull();
    expect(seedProblem("x".repeat(201))).toContain("200");
  });
  it("is committed to by its SHA-256 in lowercase hex, as sha256sum prints it", async () => {
    expect(await sha256Hex("abcdefghijklmnop")).toBe("f39dac6cbaba535e2c207cd0cd8f154974223c848f727f98b3564cea569b41cf");
  });
  it("can be drawn at random in the seed's alphabet", () => {
    const a = randomSeed();
    expect(a).toHaveLength(32);
    expect(seedProblem(a)).toBeNull();
    expect(randomSeed()).not.toBe(a);
  });
  it("is quoted for the shell in the verification command", () => {
    expect(verifyCommand("abcdefghijklmnop")).toBe(
      "python -m services.inventory.lottery_verify published.json --seed abcdefghijklmnop --result result.json");
    expect(verifyCommand("it's$(rm)x!", "03 12 25")).toBe(
      "python -m services.inventory.lottery_verify published.json --seed 'it'\"'\"'s$(rm)x!' --public-value '03 12 25' --result result.json");
    expect(shellWord("a-b_c.d")).toBe("a-b_c.d");
  });
});

describe("a launch's moves and forms", () => {
  it("offers the transitions route's actions as buttons, in order, never the draw", () => {
    expect(buttonActions(["pause", "draw", "close_registration"])).toEqual(["close_registration", "pause"]);
    expect(buttonActions(undefined)).toEqual([]);
  });
  it("freezes the registrations as inventory does", () => {
    expect(registrationsFrozen("registration_closed", false)).toBe(false);
    expect(registrationsFrozen("registration_closed", true)).toBe(true);
    expect(registrationsFrozen("paused", false)).toBe(true);
    expect(registrationsFrozen("drawn", false)).toBe(true);
  });
  it("checks priority groups and the lottery's plain fields", () => {
    expect(quotasProblem([{ group: "刚需", quota: 2 }, { group: "本地", quota: 0 }])).toBeNull();
    expect(quotasProblem([{ group: "刚需", quota: 2 }, { group: " 刚需 ", quota: 1 }])).toContain("重复");
    expect(quotasProblem([{ group: "", quota: 2 }])).toContain("不能为空");
    expect(quotasProblem([{ group: "a|b", quota: 2 }])).toContain("|");
    expect(quotasProblem([{ group: "刚需", quota: null }])).toContain("名额");
    expect(plainProblem("张三")).toBeNull();
    expect(plainProblem("张|三")).not.toBeNull();
    expect(plainProblem("张\t三")).not.toBeNull();
  });
  it("finds units by their numbers, with the building where two share one", () => {
    const unit = (id: number, building: string, number: string): CellUnit => ({
      id, number, building_name: building, status: "available", floor: 1, building_id: 0, layout: "", list_price: "0", gross_area: "0",
    });
    const units = [unit(1, "1号楼", "0101"), unit(2, "2号楼", "0101"), unit(3, "1号楼", "0102")];
    expect(unitsByNumbers(units, "0102，1号楼-0101  9999")).toEqual({ ids: [3, 1], unknown: ["9999"] });
    expect(unitsByNumbers(units, "0101").ids).toEqual([1, 2]);
    expect(unitsByNumbers(units, "")).toEqual({ ids: [], unknown: [] });
  });
  it("defaults the opening to a local time and saves documents as JSON", async () => {
    expect(localAt(new Date(2026, 11, 31, 15, 20), 1, 10)).toBe("2027-01-01T10:00");
    expect(JSON.parse(await jsonBlob({ a: [1] }).text())).toEqual({ a: [1] });
  });
});
