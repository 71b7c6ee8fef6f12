import { describe, expect, it } from "vitest";
import type { Schemas } from "./client";
import { agreementItems, conflictItems, contractItems, mobileChangeItems } from "./inbox";

const deal = {
  id: 7, unit_id: 3, unit_label: "1号楼-0101", customer_name: "钱先生", customer_phone: "139****9000",
  list_price: "3020000.00", advisor_id: 11,
  contract: { contract_no: "HT000001", status: "draft", price: "3000000.00", payment_method: "full", loan_amount: null,
    signed_on: "2026-12-06", drafted_at: "2026-12-06T02:00:00Z" },
  agreements: [
    { id: 21, number: 1, title: "车位赠送", content: "赠送车位一个", status: "pending", created_at: "2026-12-06T03:00:00Z" },
    { id: 22, number: 2, title: "延期交付", content: "—", status: "approved", created_at: "2026-12-06T04:00:00Z" },
  ],
} as unknown as Schemas["DealDetail"];

describe("the inbox's 签约, 补充协议 and 撞单", () => {
  it("lists a draft contract by its deal, and nothing once signed", () => {
    const [item] = contractItems([deal]);
    expect(item).toMatchObject({ key: "contract-7", kind: "contract", id: 7, dealId: 7, title: "签约", price: "3000000.00",
      unitLabel: "1号楼-0101", buyer: "钱先生", advisorId: 11 });
    expect(item.detail).toContain("HT000001");
    const signed = { ...deal, contract: { ...deal.contract, status: "signed" } } as unknown as Schemas["DealDetail"];
    expect(contractItems([signed])).toEqual([]);
  });
  it("lists each pending 补充协议 by its own id", () => {
    const items = agreementItems([deal]);
    expect(items.map((i) => [i.key, i.id, i.dealId])).toEqual([["agreement-21", 21, 7]]);
    expect(items[0].detail).toBe("第 1 号《车位赠送》：赠送车位一个");
  });
  it("says whose a 撞单 customer is and who claims it through which channel", () => {
    const conflict = { id: 5, customer_id: 9, owner_id: 11, claimant_id: 12, claimant_name: null, channel: "channel_partner",
      partner_name: "链家", claimed_name: "钱先生", note: "客户说是链家带来的", status: "open",
      created_at: "2026-12-06T05:00:00Z" } as unknown as Schemas["ConflictOut"];
    const [item] = conflictItems([conflict, { ...conflict, id: 6, status: "kept" }], new Map([[11, "李顾问"], [12, "陈顾问"]]));
    expect(item).toMatchObject({ key: "conflict-5", kind: "conflict", id: 5, title: "撞单", buyer: "钱先生", advisorName: "陈顾问" });
    expect(item.detail).toBe("客户 #9 现归 李顾问；陈顾问 以「渠道·链家」报备：客户说是链家带来的");
  });
  it("says which channel holds the customer whose number an advisor asks to correct", () => {
    const change = { id: 4, customer_id: 9, customer_name: "渠道李先生", old_mobile: "136****1234", new_mobile: "136****5678",
      reason: "客户换号", status: "pending", held: true, report_id: 3, channel_name: "链家", broker_name: "王经纪",
      requested_by: 11, requested_by_name: "李顾问", requested_at: "2026-12-06T06:00:00Z" } as unknown as Schemas["MobileChangeOut"];
    const [item] = mobileChangeItems([change, { ...change, id: 5, status: "approved" }]);
    expect(item).toMatchObject({ key: "mobile-4", kind: "mobile", id: 4, title: "改手机号", buyer: "渠道李先生",
      phone: "136****1234", advisorId: 11, advisorName: "李顾问" });
    expect(item.detail).toBe("链家（经纪人 王经纪）保护中的客户；136****1234 → 136****5678，原因：客户换号");
  });
});
