// The signed-in session: the bearer token in sessionStorage (one tab's session) and the chosen
// project.
const TOKEN = "loupan.token";
const PROJECT = "loupan.project";

export interface Claims {
  sub?: string;
  username?: string;
  exp?: number;
}

export function decodeClaims(token: string): Claims | null {
  try {
    const part = (token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)) as Claims;
  } catch {
    return null;
  }
}

export function getToken(): string | null {
  return sessionStorage.getItem(TOKEN);
}

/** Whether the token is there and not past its expiry. */
export function tokenValid(now = Date.now()): boolean {
  const token = getToken();
  if (!token) return false;
  const claims = decodeClaims(token);
  return !!claims && (!claims.exp || claims.exp * 1000 > now);
}

export function setToken(token: string): void {
  sessionStorage.setItem(TOKEN, token);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN);
}

export function storedProject(): number | null {
  return Number(sessionStorage.getItem(PROJECT)) || null;
}

export function storeProject(id: number): void {
  sessionStorage.setItem(PROJECT, String(id));
}
