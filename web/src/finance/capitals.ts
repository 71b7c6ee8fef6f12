// 人民币大写: an amount in Chinese capitals as a bank or a 收据 writes it (中国人民银行《支付结算办法》
// 附件一): 壹拾 in full, one 零 for a run of zeros, 整 after 元, 零 before the 分 when the 角 is
// zero. Works on the decimal string the API sends (never a float: 0.1 + 0.2 must not show).
const DIGITS = "零壹贰叁肆伍陆柒捌玖";
const PLACES = ["仟", "佰", "拾", ""];
const GROUPS = ["", "万", "亿", "万亿"];

/** "12345.60" → "壹万贰仟叁佰肆拾伍元陆角"; up to 16 integer digits, two decimals. */
export function capitals(amount: string | number): string {
  const text = typeof amount === "number" ? amount.toFixed(2) : amount.trim();
  const match = /^(-?)(\d{1,16})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) throw new Error(`not an amount: ${amount}`);
  const [, sign, whole, cents = ""] = match;
  const jiao = Number(cents[0] ?? 0);
  const fen = Number(cents[1] ?? 0);
  const yuan = integerPart(whole.replace(/^0+(?=\d)/, ""));
  if (yuan === "" && jiao === 0 && fen === 0) return "零元整";
  let out = yuan ? `${yuan}元` : "";
  if (jiao === 0 && fen === 0) return `${sign ? "负" : ""}${out}整`;
  if (jiao) out += `${DIGITS[jiao]}角`;
  else if (yuan) out += "零";  // 元 then straight to 分: 壹元零伍分
  if (fen) out += `${DIGITS[fen]}分`;
  return `${sign ? "负" : ""}${out}`;
}

/** The 元 part ("" for 0): groups of four digits under 万/亿, one 零 where zeros are skipped. */
function integerPart(digits: string): string {
  if (/^0*$/.test(digits)) return "";
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 4) groups.unshift(digits.slice(Math.max(0, end - 4), end).padStart(4, "0"));
  let out = "";
  let zero = false;  // zeros seen since the last digit written
  groups.forEach((group, i) => {
    const unit = GROUPS[groups.length - 1 - i];
    if (group === "0000") {
      zero = out !== "";
      return;
    }
    for (let j = 0; j < 4; j++) {
      const d = Number(group[j]);
      if (d === 0) {
        zero = zero || out !== "";
        continue;
      }
      if (zero) out += "零";
      zero = false;
      out += DIGITS[d] + PLACES[j];
    }
    out += unit;
    zero = false;  // a group's own trailing zeros stand before its 万/亿: 壹拾万柒仟, not 壹拾万零柒仟
  });
  return out;
}
