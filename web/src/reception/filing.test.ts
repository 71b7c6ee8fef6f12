import { describe, expect, it } from "vitest";
import { filingStep } from "./filing";

describe("网签 then 备案", () => {
  const signed = { status: "signed", contract: { status: "signed", online_signing_no: null, filing_no: null } };

  it("a signed contract waits for its 网签, then its 备案", () => {
    expect(filingStep(signed)).toBe("online");
    expect(filingStep({ ...signed, contract: { ...signed.contract, online_signing_no: "WQ1" } })).toBe("filing");
  });

  it("nothing to enter once filed, before the contract is signed, or for another status", () => {
    expect(filingStep({ status: "filed", contract: { status: "signed", online_signing_no: "WQ1", filing_no: "BA1" } })).toBeNull();
    expect(filingStep({ status: "signed", contract: { status: "draft" } })).toBeNull();
    expect(filingStep({ status: "signed", contract: null })).toBeNull();
    expect(filingStep({ status: "subscribed", contract: null })).toBeNull();
  });
});
