// The broker routes of the gateway (/api/broker/*), typed from the OpenAPI document (src/api.d.ts)
// with openapi-fetch, with the broker's own session: a 401 of a call made with it
// (BROKER_SESSION_INVALID: signed out, expired) sends the page to sign-in.
import createClient from "openapi-fetch";
import type { paths, components } from "../api";
import { bearer } from "../bearer";
import { BuyerApiError } from "../buyer/api";
import { getBrokerToken } from "./session";

type S = components["schemas"];
export type BrokerMe = S["BrokerMeView"];
export type Report = S["BrokerReportView"];
export type FiledReport = S["BrokerFiledReportView"];
export type ReportDetail = S["BrokerReportDetailView"];
export type Commission = S["BrokerCommissionOut"];

let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}

export const client = createClient<paths>({ baseUrl: "", cache: "no-store" });
client.use(bearer(getBrokerToken, () => onUnauthorized?.()));

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or a BuyerApiError (the same error with its Retry-After) to describe in Chinese. */
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

export const askCode = (mobile: string) => ok(client.POST("/api/broker/codes", { body: { mobile } }));
export const signIn = (mobile: string, code: string) =>
  ok(client.POST("/api/broker/sessions", { body: { mobile, code, agency_id: null } }));
export const signUp = (name: string, mobile: string, code: string, projectId: number) =>
  ok(client.POST("/api/broker/signup", { body: { name, mobile, code, project_id: projectId } }));
export const me = () => ok(client.GET("/api/broker/me"));
export const signOut = () => ok(client.DELETE("/api/broker/session"));
export const fileReport = (body: { project_id: number; customer_name: string; mobile: string;
                                   expected_visit_at: string | null }) =>
  ok(client.POST("/api/broker/reports", { body }));
export const reports = () => ok(client.GET("/api/broker/reports", { params: { query: { limit: 200 } } }));
export const report = (id: number) =>
  ok(client.GET("/api/broker/reports/{channel_report_id}", { params: { path: { channel_report_id: id } } }));
export const appeal = (id: number, reason: string) =>
  ok(client.POST("/api/broker/reports/{channel_report_id}/appeals", {
    params: { path: { channel_report_id: id } }, body: { reason, attachments: [] } }));
export const commission = () => ok(client.GET("/api/broker/commission"));
export const confirmStatement = (id: number) =>
  ok(client.POST("/api/broker/statements/{channel_statement_id}/confirm", {
    params: { path: { channel_statement_id: id } }, body: { confirmed_by_name: null } }));
