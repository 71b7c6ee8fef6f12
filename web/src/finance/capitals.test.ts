import { describe, expect, it } from "vitest";
import { capitals } from "./capitals";

describe("人民币大写", () => {
  it("writes the examples of 《支付结算办法》", () => {
    expect(capitals("1409.50")).toBe("壹仟肆佰零玖元伍角");
    expect(capitals("6007.14")).toBe("陆仟零柒元壹角肆分");
    expect(capitals("1680.32")).toBe("壹仟陆佰捌拾元叁角贰分");
    expect(capitals("107000.53")).toBe("壹拾万柒仟元伍角叁分");
    expect(capitals("16409.02")).toBe("壹万陆仟肆佰零玖元零贰分");
    expect(capitals("325.04")).toBe("叁佰贰拾伍元零肆分");
  });

  it("writes 整 after 元 and 壹拾 in full", () => {
    expect(capitals("10")).toBe("壹拾元整");
    expect(capitals("15.00")).toBe("壹拾伍元整");
    expect(capitals("50000.00")).toBe("伍万元整");
    expect(capitals("2960000.00")).toBe("贰佰玖拾陆万元整");
    expect(capitals("3010000")).toBe("叁佰零壹万元整");
  });

  it("writes one 零 for zeros across 万 and 亿", () => {
    expect(capitals("10005")).toBe("壹万零伍元整");
    expect(capitals("100500")).toBe("壹拾万零伍佰元整");
    expect(capitals("100000000")).toBe("壹亿元整");
    expect(capitals("100010000")).toBe("壹亿零壹万元整");
    expect(capitals("100000001")).toBe("壹亿零壹元整");
    expect(capitals("1000000000000.01")).toBe("壹万亿元零壹分");
  });

  it("writes amounts under one 元 and zero", () => {
    expect(capitals("0.05")).toBe("伍分");
    expect(capitals("0.5")).toBe("伍角");
    expect(capitals("0.00")).toBe("零元整");
    expect(capitals("000012.30")).toBe("壹拾贰元叁角");
  });

  it("takes a number as the API would send it, and a refund's minus", () => {
    expect(capitals(0.1 + 0.2)).toBe("叁角");
    expect(capitals("-100.00")).toBe("负壹佰元整");
  });

  it("refuses what is not an amount", () => {
    for (const bad of ["", "1.234", "abc", "1e5", "12345678901234567"]) expect(() => capitals(bad)).toThrow();
  });
});
