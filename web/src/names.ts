// Names of the agency's people for the pages that show advisors: GET /api/accounts where the
// account may read it (accounts.read), else the names the answer itself carries.
import { client, ok } from "./client";
import { can } from "./state";

export async function accountNames(): Promise<Map<number, string>> {
  return (await people()).byId;
}

/** The people by account id and by login name (facts recorded with the actor's login name,
 * e.g. a risk alert's `by`): empty maps when the account may not read them. */
export async function people(): Promise<{ byId: Map<number, string>; byLogin: Map<string, string> }> {
  const byId = new Map<number, string>();
  const byLogin = new Map<string, string>();
  if (!can("accounts.read")) return { byId, byLogin };
  try {
    for (const a of await ok(client.GET("/api/accounts", { params: { query: { limit: 500 } } }))) {
      const name = a.full_name || a.username || `#${a.id}`;
      if (a.id) byId.set(a.id, name);
      if (a.username) byLogin.set(a.username, name);
    }
  } catch { /* the names fall back to what the answers carry */ }
  return { byId, byLogin };
}

export function shanghaiTime(iso: string | null | undefined): string {
  if (!iso) return "";
  return new Intl.DateTimeFormat("zh-CN", {
    timeZone: "Asia/Shanghai", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit",
  }).format(new Date(iso));
}

export function todayShanghai(): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}
