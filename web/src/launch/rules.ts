// 开盘活动 at the desk: the checks the API makes, made early so the form says what is wrong
// before anything is sent (居民身份证's check character, the seed's form, names without "|"),
// the seed's SHA-256 commitment computed in the browser (the system never sees the seed before
// the draw), the verification command (docs/launch.md) and which moves a launch offers as buttons.
import type { CellUnit } from "../control/units";

// 居民身份证 (GB 11643-1999): 17 digits, then a check character over them (as the API checks)
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = "10X98765432";

/** The number as the API keeps it: trimmed, x upper-cased. */
export function normalIdNumber(value: string | null | undefined): string {
  return (value ?? "").trim().toUpperCase();
}

/** What is wrong with a 居民身份证 number, in Chinese, or null when it passes the API's check. */
export function idNumberProblem(value: string | null | undefined): string | null {
  const text = normalIdNumber(value);
  if (!/^[1-9]\d{16}[\dX]$/.test(text)) return "身份证号须为 18 位（17 位数字加一位数字或 X）";
  const [y, m, d] = [Number(text.slice(6, 10)), Number(text.slice(10, 12)), Number(text.slice(12, 14))];
  const born = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || born.getUTCFullYear() !== y || born.getUTCMonth() !== m - 1 || born.getUTCDate() !== d) {
    return "身份证号中的出生日期不是有效日期";
  }
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + w * Number(text[i]), 0);
  if (text[17] !== ID_CHECK[sum % 11]) return "身份证号校验位不符，可能有一位输错";
  return null;
}

/** What is wrong with a mainland mobile number as the API reads it (spaces, hyphens, +86 dropped), or null. */
export function mobileProblem(value: string | null | undefined): string | null {
  let digits = (value ?? "").replace(/[\s\-()]/g, "");
  if (digits.startsWith("+86")) digits = digits.slice(3);
  else if (digits.startsWith("86") && digits.length === 13) digits = digits.slice(2);
  return /^1\d{10}$/.test(digits) ? null : "手机号须为 11 位、以 1 开头";
}

/** The lottery's published lines are separated by "|": a name or group may not hold one, nor a control character. */
export function plainProblem(value: string | null | undefined): string | null {
  // eslint-disable-next-line no-control-regex
  return /[|\u0000-\u001f\u007f]/.test(value ?? "") ? "不能包含“|”或控制字符" : null;
}

export const SEED_RULE = /^[!-{}~]{16,200}$/;

/** What is wrong with a seed (16 to 200 printable ASCII characters, no space, no "|"), or null. */
export function seedProblem(seed: string): string | null {
  if (seed.length < 16) return "种子至少 16 个字符";
  if (seed.length > 200) return "种子最多 200 个字符";
  return SEED_RULE.test(seed) ? null : "种子只能用英文字母、数字和英文符号（不含空格和“|”）";
}

/** SHA-256 of the UTF-8 text, lowercase hex: the seed's commitment (crypto.subtle, in the browser). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const SEED_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

/** A random seed of `length` characters the operator may use (crypto.getRandomValues). */
export function randomSeed(length = 32): string {
  const out: string[] = [];
  const bytes = new Uint8Array(length * 2);
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const b of bytes) {
      // uniform: only bytes below a multiple of the alphabet's size
      if (b < 256 - (256 % SEED_ALPHABET.length) && out.length < length) out.push(SEED_ALPHABET[b % SEED_ALPHABET.length]);
    }
  }
  return out.join("");
}

/** A word for a POSIX shell: as is when it is plain, else in single quotes. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The documented command that recomputes the order from the two downloaded files. */
export function verifyCommand(seed: string, publicValue?: string | null): string {
  const parts = ["python -m services.inventory.lottery_verify published.json", `--seed ${shellWord(seed)}`];
  if (publicValue) parts.push(`--public-value ${shellWord(publicValue)}`);
  parts.push("--result result.json");
  return parts.join(" ");
}

// the launch's moves, in the order the buttons show them; the draw has its page (it needs the seed)
export const BUTTON_ACTIONS = ["open_registration", "close_registration", "start_selection", "finish", "pause", "resume"];

/** The actions of the launch's `actions` that are buttons of the transitions route, in order. */
export function buttonActions(actions: readonly string[] | null | undefined): string[] {
  const offered = new Set(actions ?? []);
  return BUTTON_ACTIONS.filter((a) => offered.has(a));
}

/** As inventory: once the list is published, or the launch past registration, no review, 诚意金 or cancellation. */
export function registrationsFrozen(status: string | null | undefined, published: boolean | null | undefined): boolean {
  return !!published || !["draft", "registration_open", "registration_closed"].includes(status ?? "");
}

export interface QuotaRow { group: string; quota: number | null }

/** What is wrong with the priority groups (blank, "|", named twice, no quota), or null. */
export function quotasProblem(rows: QuotaRow[]): string | null {
  const seen = new Set<string>();
  for (const row of rows) {
    const group = row.group.trim();
    if (!group) return "优先组名称不能为空";
    if (group.length > 20) return `优先组“${group}”名称过长（最多 20 字）`;
    if (plainProblem(group)) return `优先组“${group}”不能包含“|”`;
    if (seen.has(group)) return `优先组“${group}”重复`;
    if (row.quota == null || row.quota < 0 || !Number.isInteger(row.quota)) return `请填写优先组“${group}”的名额`;
    seen.add(group);
  }
  return null;
}

/** Units by their numbers typed as a list ("0101 0102, 1号楼-0201"): the ids found and the words not found. */
export function unitsByNumbers(units: CellUnit[], text: string): { ids: number[]; unknown: string[] } {
  const ids = new Set<number>();
  const unknown: string[] = [];
  for (const word of text.split(/[\s,，、;；]+/).filter(Boolean)) {
    const dash = word.lastIndexOf("-");
    const building = dash > 0 ? word.slice(0, dash) : null;
    const number = dash > 0 ? word.slice(dash + 1) : word;
    const found = units.filter((u) => u.number === number && (building === null || u.building_name === building));
    if (found.length) found.forEach((u) => ids.add(u.id));
    else unknown.push(word);
  }
  return { ids: [...ids], unknown };
}

/** The launch's document as a file to save (published.json, result.json), as the API answered it. */
export function jsonBlob(data: unknown): Blob {
  return new Blob([JSON.stringify(data, null, 1) + "\n"], { type: "application/json" });
}

/** A local datetime-local value (YYYY-MM-DDTHH:mm) `days` from now at `hour`:00, the form's default opening. */
export function localAt(now: Date, days: number, hour: number): string {
  const at = new Date(now.getFullYear(), now.getMonth(), now.getDate() + days, hour, 0);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())}T${two(at.getHours())}:${two(at.getMinutes())}`;
}
