// The broker's session on their phone: the opaque token (lpk_…) in localStorage (a broker comes
// back to the page for days: the session lasts 7), apart from the console's and a buyer's; and
// the project the link named (/broker/project/<id>), where a 全民经纪人 signs up and reports.
const TOKEN = "loupan.broker.token";
const PROJECT = "loupan.broker.project";

export function getBrokerToken(): string | null {
  return localStorage.getItem(TOKEN);
}

export function setBrokerToken(token: string): void {
  localStorage.setItem(TOKEN, token);
}

export function clearBrokerToken(): void {
  localStorage.removeItem(TOKEN);
}

export function storedProject(): number | null {
  return Number(localStorage.getItem(PROJECT)) || null;
}

export function storeProject(id: number): void {
  localStorage.setItem(PROJECT, String(id));
}

/** The project of the link: /broker/project/12, or #/?project=12; null if it names none. */
export function projectFromLocation(pathname: string, hash: string): number | null {
  const path = /\/broker\/project\/(\d+)/.exec(pathname);
  if (path) return Number(path[1]);
  const query = /[?&]project=(\d+)/.exec(hash);
  return query ? Number(query[1]) : null;
}
