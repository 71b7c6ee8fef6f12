import { describe, expect, it } from "vitest";
import {
  discountPct, draftProblems, withDeal, fromCents, mergeInbox, needsLoan, paymentSummary, priceCheck, subscriptionBody, toCents,
} from "./subscription";
import type { Schemas } from "./client";

// the fixtures give only what each case reads; the API's types mark every property it sends as required
const deal = (d: Partial<Schemas["DealOut"]>) => d as Schemas["DealOut"];
const discount = (d: Partial<Schemas["DiscountRequestOut"]>) => d as Schemas["DiscountRequestOut"];
const change = (c: Partial<Schemas["ChangeOut"]>) => c as Schemas["ChangeOut"];

const draft = { price: "3010000.00", deposit: "50000", paymentMethod: "full", loanAmount: "", deliveryDate: "2027-12-31" };

describe("money as cents", () => {
  it("reads amounts exactly and writes the API's decimal strings", () => {
    expect(toCents("3,010,000.5")).toBe(301000050);
    expect(toCents("0.07")).toBe(7);
    expect(toCents("1.234")).toBeNull();
    expect(toCents("-1")).toBeNull();
    expect(toCents("")).toBeNull();
    expect(fromCents(301000050)).toBe("3010000.50");
    expect(fromCents(7)).toBe("0.07");
    expect(fromCents(-250)).toBe("-2.50");
  });
});

describe("price against 表价 and 底价", () => {
  it("gives the discount in percent and flags a price below the floor", () => {
    expect(discountPct("3010000.00", "2934750.00")).toBe("2.50");
    expect(discountPct("3010000.00", "3010000.00")).toBe("0.00");
    expect(discountPct(null, "1")).toBeNull();
    expect(priceCheck("2900000", "3010000.00", "2950000.00")).toEqual({ discounted: true, belowFloor: true, discount: "3.65" });
    expect(priceCheck("3010000", "3010000.00", "2950000.00")).toEqual({ discounted: false, belowFloor: false, discount: "0.00" });
  });
});

describe("the draft", () => {
  it("needs a loan only for the mortgage methods", () => {
    expect(needsLoan("full")).toBe(false);
    expect(needsLoan("instalments")).toBe(false);
    expect(needsLoan("commercial_mortgage")).toBe(true);
    expect(needsLoan("provident_fund")).toBe(true);
    expect(needsLoan("combined")).toBe(true);
  });

  it("says in Chinese what is missing or wrong", () => {
    expect(draftProblems(draft)).toEqual([]);
    expect(draftProblems({ ...draft, deposit: "3010000" })).toEqual(["定金须小于成交价"]);
    expect(draftProblems({ ...draft, paymentMethod: "combined" })).toEqual(["按揭付款须填写贷款金额"]);
    expect(draftProblems({ ...draft, paymentMethod: "combined", loanAmount: "2990000" }))
      .toEqual(["贷款金额不能超过成交价减定金"]);
    expect(draftProblems({ ...draft, price: "", deliveryDate: "" })).toEqual(["请填写成交价", "请选择交付日期"]);
  });

  it("sums up the money: deposit, down payment, loan", () => {
    expect(paymentSummary({ ...draft, paymentMethod: "commercial_mortgage", loanAmount: "2100000" })).toEqual([
      { label: "定金", amount: "50000.00" },
      { label: "首付（不含定金）", amount: "860000.00" },
      { label: "贷款", amount: "2100000.00" },
      { label: "合计", amount: "3010000.00" },
    ]);
    expect(paymentSummary(draft).map((l) => l.label)).toEqual(["定金", "余款", "合计"]);
    expect(paymentSummary({ ...draft, price: "" })).toEqual([]);
  });

  it("makes the subscription's body with the hold's customer, a loan only when mortgaged", () => {
    expect(subscriptionBody(7, draft, " 送车位 ")).toMatchObject({
      hold_id: 7, customer_id: null, price: "3010000.00", deposit: "50000.00", payment_method: "full",
      loan_amount: null, discount_request: "送车位", delivery_date: "2027-12-31",
    });
    expect(subscriptionBody(7, { ...draft, paymentMethod: "provident_fund", loanAmount: "1000000" }, "").loan_amount)
      .toBe("1000000.00");
  });
});

describe("the approval inbox", () => {
  it("merges what waits, oldest first, and leaves out what is decided", () => {
    const items = mergeInbox(
      [deal({ id: 1, status: "submitted", unit_id: 10, unit_label: "1号楼-0101", customer_name: "孙女士", customer_phone: "135****5000",
         price: "3010000.00", list_price: "3010000.00", deposit: "50000.00", payment_method: "full", advisor_id: 5,
         created_at: "2026-12-06T03:00:00Z" }),
       deal({ id: 2, status: "subscribed", created_at: "2026-12-06T01:00:00Z" })],
      [discount({ id: 3, status: "pending", unit_id: 11, hold_id: 4, list_price: "100.00", requested_price: "90.00", discount_pct: "10.00",
         reason: "老客户", needs_director: true, requested_by: 5, requested_at: "2026-12-06T02:00:00Z" }),
       discount({ id: 4, status: "rejected", requested_at: "2026-12-06T00:00:00Z" })],
      [change({ id: 5, status: "requested", kind: "cancel", deal_id: 9, from_unit_id: 12, payload: { reason: "资金问题" },
         requested_by: 6, requested_by_name: "陈顾问", requested_at: "2026-12-06T04:00:00Z" }),
       change({ id: 6, status: "applied", kind: "rename", requested_at: "2026-12-05T00:00:00Z" })],
    );
    expect(items.map((i) => i.key)).toEqual(["discount-3", "subscription-1", "change-5"]);
    expect(items.map((i) => i.title)).toEqual(["优惠申请", "认购", "退房"]);
    expect(items[0]).toMatchObject({ needsDirector: true, price: "90.00", listPrice: "100.00", advisorId: 5 });
    expect(items[1]).toMatchObject({ unitLabel: "1号楼-0101", buyer: "孙女士", phone: "135****5000", detail: "一次性付款，定金 50000.00" });
    expect(items[2]).toMatchObject({ advisorName: "陈顾问", unitId: 12, detail: "理由：资金问题" });
  });

  it("names the new buyers of a 更名 and the target of a 换房, and fills a change from its deal", () => {
    const [rename, swap] = mergeInbox([], [], [
      change({ id: 7, status: "requested", kind: "rename", deal_id: 9, payload: { buyers: [{ name: "钱先生" }, { name: "钱太太" }] },
        requested_by: 5, requested_by_name: "李顾问", requested_at: "2026-12-06T01:00:00Z" }),
      change({ id: 8, status: "requested", kind: "swap", deal_id: 10, from_unit_id: 12, payload: { to_unit_id: 13 },
        price_difference: "10000.00", new_price: "3020000.00", requested_by: 5, requested_at: "2026-12-06T02:00:00Z" }),
    ]);
    expect(rename).toMatchObject({ title: "更名", dealId: 9, detail: "新买受人：钱先生、钱太太", unitId: null });
    expect(swap).toMatchObject({ title: "换房", detail: "换至房源 #13；差价 10000.00", price: "3020000.00" });
    const filled = withDeal(rename, deal({ id: 9, unit_id: 20, unit_label: "1号楼-0301", customer_name: "孙女士",
      customer_phone: "135****5000", price: "2990000.00", list_price: "3010000.00", advisor_id: 3 }));
    expect(filled).toMatchObject({ unitId: 20, unitLabel: "1号楼-0301", buyer: "孙女士", phone: "135****5000",
      price: "2990000.00", listPrice: "3010000.00", advisorId: 5, advisorName: "李顾问" });
    expect(withDeal(swap, deal({ unit_id: 99, price: "1.00" }))).toMatchObject({ unitId: 12, price: "3020000.00" });
  });
});
