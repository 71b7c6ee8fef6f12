// The buyer routes of the gateway (/api/buyer/*), typed from the OpenAPI document (src/api.d.ts)
// with openapi-fetch as the console's client.ts is, but with the buyer's own session: a 401 of
// a call made with it (BUYER_SESSION_INVALID: signed out, expired) sends the page to sign-in.
import createClient from "openapi-fetch";
import type { paths } from "../api";
import { ApiError } from "../errors";
import { getBuyerToken } from "./session";
import { bearer } from "../bearer";
import type { BuyerView } from "./view";
import type { PaymentMethod } from "../subscription";

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}


export const client = createClient<paths>({ baseUrl: "", cache: "no-store" });
client.use(bearer(getBuyerToken, () => onUnauthorized?.()));

/** An API error with the Retry-After the gateway gave (CODE_RESEND_TOO_SOON), in seconds. */
export class BuyerApiError extends ApiError {
  readonly retryAfter: number | null;
  constructor(status: number, code: string | null, detail: string | undefined, retryAfter: number | null) {
    super(status, code, detail);
    this.retryAfter = retryAfter;
  }
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    throw new BuyerApiError(0, "NETWORK", undefined, null);
  }
  if (answer.response.ok) return answer.data as T;
  const body = answer.error as { error?: string; message?: string } | undefined;
  const retry = Number(answer.response.headers.get("Retry-After"));
  throw new BuyerApiError(answer.response.status, body?.error ?? null, body?.message,
                          Number.isFinite(retry) && retry > 0 ? retry : null);
}

export function askCode(launchId: number, mobile: string) {
  return ok(client.POST("/api/buyer/codes", { body: { launch_id: launchId, mobile } }));
}

export function signIn(launchId: number, mobile: string, code: string) {
  return ok(client.POST("/api/buyer/sessions", { body: { launch_id: launchId, mobile, code } }));
}

export function me(): Promise<BuyerView> {
  return ok(client.GET("/api/buyer/me"));
}

export function signOut() {
  return ok(client.DELETE("/api/buyer/session"));
}

/** 选房: hold a unit of the launch (lottery: in the buyer's window; race: from the opening second). */
export function holdUnit(unitId: number) {
  return ok(client.POST("/api/buyer/holds", { body: { unit_id: unitId } }));
}

/** 确认认购 of the buyer's own hold (sel.BuyerConfirmIn: payment method, 定金, loan). */
export function confirmHold(holdId: number, body: { payment_method: string; deposit?: string; loan_amount?: string }) {
  return ok(client.POST("/api/buyer/holds/{hold_id}/confirm", {
    params: { path: { hold_id: holdId } },
    body: { payment_method: body.payment_method as PaymentMethod, deposit: body.deposit ?? null,
            loan_amount: body.loan_amount ?? null },
  }));
}

/** 放弃: the buyer ends their turn (their holds are released). */
export function giveUp() {
  return ok(client.POST("/api/buyer/give-up"));
}
