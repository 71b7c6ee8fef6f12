// 网签 then 备案 of a signed contract: which step a deal waits for (none once filed, or
// without a signed contract).
export type FilingStep = "online" | "filing";
export const STEP_LABEL: Record<FilingStep, string> = { online: "网签", filing: "备案" };

interface DealLike {
  status?: string;
  contract?: { status?: string; online_signing_no?: string | null; filing_no?: string | null } | null;
}

export function filingStep(deal: DealLike): FilingStep | null {
  const c = deal.contract;
  if (deal.status !== "signed" || !c || c.status !== "signed") return null;
  if (!c.online_signing_no) return "online";
  if (!c.filing_no) return "filing";
  return null;
}
