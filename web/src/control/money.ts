// Exact decimal arithmetic for prices (the API's money is decimal strings): a number is a
// BigInt of units of 10^-scale, so a preview computes the very cents the server will.
export interface Dec { n: bigint; scale: number }

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** "3.5" -> {n: 35n, scale: 1}; null for anything that is not a plain decimal. */
export function dec(text: string | number | null | undefined): Dec | null {
  const s = String(text ?? "").trim().replace(/,/g, "");
  if (!DECIMAL.test(s)) return null;
  const [whole, fraction = ""] = s.replace("-", "").split(".");
  const n = BigInt(`${whole}${fraction}`);
  return { n: s.startsWith("-") ? -n : n, scale: fraction.length };
}

export function rescale(d: Dec, scale: number): bigint {
  return d.n * 10n ** BigInt(scale - d.scale);
}

/** num ÷ den rounded half away from zero (Python's ROUND_HALF_UP), den > 0. */
export function divHalfUp(num: bigint, den: bigint): bigint {
  const negative = num < 0n;
  const a = negative ? -num : num;
  let q = a / den;
  if ((a % den) * 2n >= den) q += 1n;
  return negative ? -q : q;
}

/** A decimal rounded half-up to cents. */
export function toCents(d: Dec): bigint {
  return d.scale <= 2 ? rescale(d, 2) : divHalfUp(d.n, 10n ** BigInt(d.scale - 2));
}

/** Cents as the API writes money: "-2.50". */
export function centsText(cents: bigint): string {
  const negative = cents < 0n;
  const a = (negative ? -cents : cents).toString().padStart(3, "0");
  return `${negative ? "-" : ""}${a.slice(0, -2)}.${a.slice(-2)}`;
}
