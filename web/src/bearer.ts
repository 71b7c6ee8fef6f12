// The one way a client of the API sends its token: the console's (src/client.ts) and the
// buyers' page's (src/buyer/api.ts), each with its own token and its own answer to a 401.
import type { Middleware } from "openapi-fetch";

/** Sends `tokenOf()` as the bearer token, asks for JSON, and calls `unauthorized` on a 401 of
 * a call that carried a token (a call without one was never signed in). */
export function bearer(tokenOf: () => string | null, unauthorized: () => void): Middleware {
  return {
    onRequest({ request }) {
      const token = tokenOf();
      if (token && !request.headers.has("Authorization")) request.headers.set("Authorization", `Bearer ${token}`);
      request.headers.set("Accept", "application/json");
      return request;
    },
    onResponse({ request, response }) {
      if (response.status === 401 && request.headers.has("Authorization")) unauthorized();
      return response;
    },
  };
}
