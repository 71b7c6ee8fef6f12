import { describe, expect, it } from "vitest";
import { centsText, dec, divHalfUp, toCents } from "./money";
import {
  adjustedCents, adjustmentBody, adjustmentProblems, adjustmentText, EmptySelection, preview, reprice, unitPriceCents,
  type PriceUnit,
} from "./preview";

const unit = (id: number, floor: number, over: Partial<PriceUnit> = {}): PriceUnit => ({
  id, building_id: 1, number: `${floor}0${id}`, floor, layout: "3室2厅2卫", gross_area: "100.00",
  list_price: "3000000.00", base_price: "2800000.00", status: "available", ...over,
});

describe("exact money", () => {
  it("reads decimals and rounds half away from zero like the server", () => {
    expect(dec("3.5")).toEqual({ n: 35n, scale: 1 });
    expect(dec("-200")).toEqual({ n: -200n, scale: 0 });
    expect(dec("1,000.25")).toEqual({ n: 100025n, scale: 2 });
    expect(dec("3.5%")).toBeNull();
    expect(dec("")).toBeNull();
    expect(divHalfUp(5n, 2n)).toBe(3n);
    expect(divHalfUp(-5n, 2n)).toBe(-3n);
    expect(divHalfUp(4n, 3n)).toBe(1n);
    expect(toCents(dec("1.005") as never)).toBe(101n);
    expect(centsText(-250n)).toBe("-2.50");
    expect(centsText(7n)).toBe("0.07");
  });
});

describe("调价 as price_rules.py computes it", () => {
  it("applies a percent, a per-㎡ addition and a floor coefficient, rounded to the cent", () => {
    const u = unit(1, 5);
    expect(adjustedCents(300000000n, u.gross_area, 5, { selector: {}, method: "percent", value: "3.5" })).toBe(310500000n);
    expect(adjustedCents(300000000n, "89.37", 5, { selector: {}, method: "per_m2", value: "-200" })).toBe(298212600n);
    // +1 % plus 0.5 % per floor above the 1st: floor 5 is +3 %
    expect(adjustedCents(300000000n, "100", 5,
      { selector: {}, method: "percent", value: "1", floor_coefficient: "0.5" })).toBe(309000000n);
    // below floor_base the coefficient goes the other way
    expect(adjustedCents(300000000n, "100", 1,
      { selector: {}, method: "percent", value: "0", floor_coefficient: "1", floor_base: 3 })).toBe(294000000n);
    // half a cent rounds up: 1234567 × 1.00005 = 1234628.72835 -> cents of 12345.67 yuan
    expect(adjustedCents(1234567n, "1", 1, { selector: {}, method: "percent", value: "0.005" })).toBe(1234629n);
  });

  it("applies adjustments in order from the rounded price, keeps sold units and refuses an empty selection", () => {
    const units = [unit(1, 1), unit(2, 2, { status: "signed" }), unit(3, 3, { building_id: 2 })];
    const prices = reprice(units, [
      { selector: { building_id: 1 }, method: "percent", value: "10" },
      { selector: {}, method: "per_m2", value: "100" },
    ]);
    expect(prices.get(1)).toBe(331000000n);  // 3,300,000 + 10,000
    expect(prices.has(2)).toBe(false);       // a deal fixed its price
    expect(prices.get(3)).toBe(301000000n);
    expect(() => reprice(units, [{ selector: { unit_ids: [2] }, method: "percent", value: "1" }])).toThrow(EmptySelection);
  });
});

describe("preview", () => {
  it("lists the changed units with old, new, difference, 单价 and the 底价 flag", () => {
    const units = [unit(1, 1), unit(2, 2, { base_price: "2950000.00" }), unit(3, 3, { layout: "2室2厅1卫" })];
    const p = preview(units, [{ selector: { layouts: ["3室2厅2卫"] }, method: "percent", value: "-2" }]);
    expect(p.selected).toBe(2);
    expect(p.rows.map((r) => [r.unit.id, r.oldPrice, r.newPrice, r.difference, r.newUnitPrice, r.belowBase])).toEqual([
      [1, "3000000.00", "2940000.00", "-60000.00", "29400.00", false],
      [2, "3000000.00", "2940000.00", "-60000.00", "29400.00", true],
    ]);
    expect([p.up, p.down, p.belowBase, p.total]).toEqual([0, 2, 1, "-120000.00"]);
    expect(unitPriceCents(100000000n, "3")).toBe(33333333n);
  });

  it("checks the form in Chinese and sends only the criteria given", () => {
    const a = { selector: { building_id: 4, floor_from: 9, floor_to: 3, layouts: [], unit_ids: [] }, method: "percent" as const, value: "60" };
    expect(adjustmentProblems(a)).toEqual(["调价幅度须在 -50 到 50 之间", "起始楼层不能高于结束楼层"]);
    expect(adjustmentProblems({ ...a, value: "abc" })[0]).toBe("请填写调价幅度（数字）");
    expect(adjustmentProblems({ selector: {}, method: "per_m2", value: "-300" })).toEqual([]);
    expect(adjustmentBody({ ...a, value: " 3 " })).toEqual({ selector: { building_id: 4, floor_from: 9, floor_to: 3 }, method: "percent", value: "3" });
    expect(adjustmentText({ selector: { building_id: 4, floor_from: 3, unit_ids: [1, 2] }, method: "per_m2", value: "200" },
      new Map([[4, "1号楼"]]))).toBe("1号楼 3–顶层 所选 2 套：+200 元/㎡");
    expect(adjustmentText({ selector: {}, method: "percent", value: "-1.5" }, new Map())).toBe("全部在售：-1.5%");
  });
});
