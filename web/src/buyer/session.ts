// The buyer's session on their phone: the opaque token (lpb_…) in sessionStorage (this tab
// only), beside the launch the link named. Apart from the staff console's token.
const TOKEN = "loupan.buyer.token";
const LAUNCH = "loupan.buyer.launch";

export function getBuyerToken(): string | null {
  return sessionStorage.getItem(TOKEN);
}

export function setBuyerToken(token: string): void {
  sessionStorage.setItem(TOKEN, token);
}

export function clearBuyerToken(): void {
  sessionStorage.removeItem(TOKEN);
}

export function storedLaunch(): number | null {
  return Number(sessionStorage.getItem(LAUNCH)) || null;
}

export function storeLaunch(id: number): void {
  sessionStorage.setItem(LAUNCH, String(id));
}
