import { describe, expect, it } from "vitest";
import { amountProblem, findDeals, receiptKinds, whyNotEnd } from "./desk";

const deals = [
  { id: 11, customer_name: "王先生", customer_phone: "138****5678", unit_label: "1号楼-0301", subscription_no: "RG-0001" },
  { id: 12, customer_name: "李女士", customer_phone: "139****0000", unit_label: "2号楼-1102", subscription_no: "RG-0002" },
];

describe("finding a deal at the desk", () => {
  it("matches a name, a unit, the last digits of a phone or a 认购书 number", () => {
    expect(findDeals(deals, "王").map((d) => d.id)).toEqual([11]);
    expect(findDeals(deals, "1102").map((d) => d.id)).toEqual([12]);
    expect(findDeals(deals, "5678").map((d) => d.id)).toEqual([11]);
    expect(findDeals(deals, "rg-0002").map((d) => d.id)).toEqual([12]);
    expect(findDeals(deals, "11").map((d) => d.id)).toEqual([11, 12]);  // id 11, and 1102
  });
  it("needs every word and shows all for a blank query", () => {
    expect(findDeals(deals, "李 1号楼")).toEqual([]);
    expect(findDeals(deals, "  ")).toHaveLength(2);
  });
});

describe("a receipt", () => {
  const lines = [{ id: 1, kind: "deposit" }, { id: 2, kind: "down_payment" }];
  it("says what it paid by its lines", () => {
    expect(receiptKinds([{ line_id: 1, amount: "5.00" }], lines)).toBe("定金");
    expect(receiptKinds([{ line_id: 1 }, { line_id: 2 }, { line_id: 1 }], lines)).toBe("定金、首付款");
    expect(receiptKinds([], lines)).toBe("房款");
  });
  it("is voided by a second person only, and only while valid", () => {
    expect(whyNotEnd({ status: "valid", recorded_by: 7 }, 7)).toMatch("另一位");
    expect(whyNotEnd({ status: "valid", recorded_by: 7 }, 8)).toBeNull();
    expect(whyNotEnd({ status: "voided", recorded_by: 7 }, 8)).toMatch("已作废");
    expect(whyNotEnd({ status: "valid", recorded_by: null }, 8)).toBeNull();  // a bank disbursement
  });
  it("checks a typed amount", () => {
    expect(amountProblem("50,000.00")).toBeNull();
    expect(amountProblem("0")).toMatch("大于");
    expect(amountProblem("1.234")).toMatch("两位小数");
    expect(amountProblem("")).toMatch("请输入");
  });
});
