// Uses the types generated from the gateway's OpenAPI document (src/api.d.ts, written by
// `openapi-typescript`, see docs/design.md "The OpenAPI document"): an API change that breaks
// what the console relies on here fails `tsc` in tests/test_openapi_types.py.
import type { components, operations, paths } from "./api";

type Schemas = components["schemas"];
type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;

// login: the body the form sends and the token it keeps
type LoginBody = Json<NonNullable<operations["login"]["requestBody"]>>;
type LoginAnswer = Json<operations["login"]["responses"][200]>;
const login: LoginBody = { username: "advisor", password: "secret" };
export function bearer(answer: LoginAnswer): string {
  return `Bearer ${answer.access_token}`;
}

// the 销控表: buildings × floors × units, totals per status; money is a decimal string
type Board = Json<paths["/api/projects/{project_id}/board"]["get"]["responses"][200]>;
type UnitStatus = NonNullable<Schemas["BoardUnit"]["status"]>;
export function heldAmount(board: Board): string {
  const held = board.totals?.["held"];
  return held?.amount ?? "0.00";
}
export function countUnits(board: Board, status: UnitStatus): number {
  let n = 0;
  for (const building of board.buildings ?? []) {
    for (const floor of building.floors ?? []) {
      n += (floor.units ?? []).filter((unit) => unit.status === status).length;
    }
  }
  return n;
}
const available: UnitStatus = "available";

// hold a unit: path parameter, body and the hold answered (201)
type HoldParams = operations["holdUnit"]["parameters"]["path"];
type HoldBody = Json<NonNullable<operations["holdUnit"]["requestBody"]>>;
type Hold = Json<operations["holdUnit"]["responses"][201]>;
const holdParams: HoldParams = { unit_id: 42 };
const holdBody: HoldBody = { customer_name: "王先生", customer_phone: "13800138000" };
export function expiresAt(hold: Hold): Date | null {
  return hold.expires_at === undefined ? null : new Date(hold.expires_at);
}

// every error answers the Error schema, its code a string
type ApiError = Json<operations["holdUnit"]["responses"][409]>;
export function describe(error: ApiError): string {
  const code: string = error.error;
  return `${error.message} (${code})`;
}

// a subscription's price is a decimal string, never a number
type SubscriptionBody = Json<NonNullable<operations["createSubscription"]["requestBody"]>>;
export const price: SubscriptionBody["price"] = "1234567.00";

export const examples = { login, available, holdParams, holdBody };
