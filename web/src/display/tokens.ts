// 销控大屏 display tokens: the wall's address carrying a token, the Chinese of a token's status,
// and which refusals of GET /api/display/board end the wall's authorisation (it says so on the
// screen and waits for a new address; any other failure keeps the last board and retries).

export const STATUS_NAMES: Record<string, string> = { active: "有效", expired: "已过期", revoked: "已撤销" };

/** The wall's address: the console's page (origin + path, e.g. https://host/console/) with the token. */
export function wallUrl(page: string, token: string): string {
  const base = page.split("#")[0];
  return `${base}#/wall?display=${encodeURIComponent(token)}`;
}

/** The display token of the wall's route query (?display=...), or null. */
export function displayTokenOf(query: Record<string, unknown>): string | null {
  const value = Array.isArray(query.display) ? query.display[0] : query.display;
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

const ENDED: Record<string, string> = {
  DISPLAY_TOKEN_REVOKED: "此大屏授权已被总监撤销",
  DISPLAY_TOKEN_EXPIRED: "此大屏授权已过期",
  DISPLAY_TOKEN_INVALID: "此大屏授权码无效",
  TOKEN_MISSING: "此大屏缺少授权码",
};

/** The wall's message when the token no longer opens the board (null: a passing failure). */
export function authorisationEnded(status: number, code: string | null): string | null {
  if (status !== 401) return null;
  return ENDED[code ?? ""] ?? "此大屏授权已失效";
}
