// The gateway's API, typed from its OpenAPI document: `paths` comes from src/api.d.ts, which
// openapi-typescript generates (docs/design.md, front-end); openapi-fetch checks every path,
// parameter and body against it, so an API change that breaks the console fails `npm run typecheck`.
import createClient from "openapi-fetch";
import type { paths, components } from "./api";
import { ApiError } from "./errors";
import { getToken } from "./session";
import { bearer } from "./bearer";

export type Schemas = components["schemas"];
export type Board = Schemas["Board"];
export type BoardUnit = Schemas["BoardUnit"];
export type Me = Schemas["MeOut"];
export type Project = Schemas["ProjectOut"];
export type Hold = Schemas["HoldOut"];
export type Customer = Schemas["CustomerOut"];
export type UnitDetail = Schemas["UnitDetail"];

/** Called on a 401 of an authenticated call (the router sends the user to the login page). */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: () => void): void {
  onUnauthorized = handler;
}


export const client = createClient<paths>({ baseUrl: "", cache: "no-store" });
client.use(bearer(getToken, () => onUnauthorized?.()));

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's data, or an ApiError with the status and the code of the error body. */
export async function ok<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, "NETWORK");
  }
  if (answer.response.ok) return answer.data as T;
  const body = answer.error as { error?: string; message?: string } | undefined;
  throw new ApiError(answer.response.status, body?.error ?? null, body?.message);
}
