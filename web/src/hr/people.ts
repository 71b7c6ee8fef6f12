// The agency's people as the hr desk needs them: names by account id (for 经办, 面试官) and the
// agency's login-name prefix (from the caller's name, else a colleague's) for the forms that
// make accounts. GET /api/accounts (accounts.read: hr, directors, managers).
import { client, ok } from "../client";
import { can, state } from "../state";
import { agencyCode } from "./staff";

export interface People { names: Map<number, string>; code: string | null }

export async function loadPeople(): Promise<People> {
  const names = new Map<number, string>();
  const usernames: string[] = [];
  if (can("accounts.read")) {
    try {
      for (const a of await ok(client.GET("/api/accounts", { params: { query: { limit: 500 } } }))) {
        if (a.id) names.set(a.id, a.full_name || a.username || `#${a.id}`);
        if (a.username) usernames.push(a.username);
      }
    } catch { /* the pages fall back to ids */ }
  }
  return { names, code: agencyCode(state.me?.username, usernames) };
}
