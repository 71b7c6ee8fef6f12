// The gateway's API from the browser: the bearer token lives in sessionStorage (one tab's
// session), and an expired or revoked token sends the user back to the login page. What the
// account may do is GET /api/me's `permissions` (loupan/roles.py), never its role's name.
const TOKEN = "loupan.token";
const PROJECT = "loupan.project";
let account = null;  // GET /api/me of the token it was read with

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export function session() {
  const token = sessionStorage.getItem(TOKEN);
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims || (claims.exp && claims.exp * 1000 < Date.now())) {
    sessionStorage.removeItem(TOKEN);
    return null;
  }
  return {
    token,
    accountId: Number(claims.sub),
    username: claims.username,
    projectIds: claims.projects ?? null,
  };
}

function decodeClaims(token) {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(part.padEnd(Math.ceil(part.length / 4) * 4, "=")), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return null;
  }
}

export async function login(username, password) {
  const body = await request("POST", "/api/auth/login", { username, password }, false);
  sessionStorage.setItem(TOKEN, body.access_token);
  return session();
}

export function logout() {
  sessionStorage.removeItem(TOKEN);
  account = null;
}

// The signed-in account (name, role title, permissions, projects), read once per token.
export async function me() {
  const s = session();
  if (!s) return null;
  if (account && account.token === s.token) return account.data;
  const data = await request("GET", "/api/me");
  account = { token: s.token, data };
  return data;
}

export function currentProject() {
  return Number(sessionStorage.getItem(PROJECT)) || null;
}

export function setProject(id) {
  sessionStorage.setItem(PROJECT, String(id));
}

export async function request(method, path, body, authenticated = true) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (authenticated) {
    const s = session();
    if (!s) throw new ApiError(401, "TOKEN_MISSING", "请先登录");
    headers.Authorization = `Bearer ${s.token}`;
  }
  const response = await fetch(path, {
    method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store",
  });
  const text = await response.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!response.ok) {
    if (response.status === 401 && authenticated) {
      logout();
      location.hash = "#/login";
    }
    throw new ApiError(response.status, data?.error, data?.message);
  }
  return data;
}

export const get = (path, params) => {
  const query = params ? "?" + new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== "")).toString() : "";
  return request("GET", path + query);
};
export const post = (path, body) => request("POST", path, body ?? {});
