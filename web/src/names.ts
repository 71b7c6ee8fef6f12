// Names of the agency's people for the pages that show advisors: GET /api/accounts where the
// account may read it (accounts.read), else the names the answer itself carries.
import { client, ok } from "./client";
import { can } from "./state";

export async function accountNames(): Promise<Map<number, string>> {
  const names = new Map<number, string>();
  if (!can("accounts.read")) return names;
  try {
    for (const a of await ok(client.GET("/api/accounts", { params: { query: { limit: 500 } } }))) {
      if (a.id) names.set(a.id, a.full_name || a.username || `#${a.id}`);
    }
  } catch { /* the names fall back to what the answers carry */ }
  return names;
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
