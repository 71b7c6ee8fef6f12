// 预售资金监管 at the desk: the account number as the API compares it (digits only, spaces and
// hyphens dropped) and the report's default months (the last twelve, this one included).

/** The number as digits, or null if it is not 8 to 32 digits once spaces and hyphens are dropped. */
export function accountDigits(value: string | null | undefined): string | null {
  const digits = (value ?? "").replace(/[\s-]+/g, "");
  return /^\d{8,32}$/.test(digits) ? digits : null;
}

/** YYYY-MM of the month `back` months before `month` (YYYY-MM). */
export function monthBefore(month: string, back: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - back;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Whether a receipt was named to another account than the escrow account (shown at the desk). */
export function otherAccount(accountNo: string | null | undefined, escrowNo: string | null | undefined): boolean {
  return !!accountNo && !!escrowNo && accountNo !== escrowNo;
}
