import { describe, expect, it } from "vitest";
import { authorisationEnded, displayTokenOf, wallUrl } from "./tokens";

describe("display tokens", () => {
  it("builds the wall's address from the console's page, whatever route it is on", () => {
    expect(wallUrl("https://sales.example/console/#/display", "lpd_a-b_c"))
      .toBe("https://sales.example/console/#/wall?display=lpd_a-b_c");
    expect(wallUrl("http://127.0.0.1:8000/console/", "lpd_x")).toBe("http://127.0.0.1:8000/console/#/wall?display=lpd_x");
  });

  it("reads the token of the route's query, and nothing else", () => {
    expect(displayTokenOf({ display: "lpd_x" })).toBe("lpd_x");
    expect(displayTokenOf({ display: ["lpd_y", "lpd_z"] })).toBe("lpd_y");
    expect(displayTokenOf({ display: " " })).toBeNull();
    expect(displayTokenOf({})).toBeNull();
  });

  it("ends the wall's authorisation on a 401 only, saying why in Chinese", () => {
    expect(authorisationEnded(401, "DISPLAY_TOKEN_REVOKED")).toBe("此大屏授权已被总监撤销");
    expect(authorisationEnded(401, "DISPLAY_TOKEN_EXPIRED")).toBe("此大屏授权已过期");
    expect(authorisationEnded(401, "SOMETHING")).toBe("此大屏授权已失效");
    expect(authorisationEnded(503, "SERVICE_UNAVAILABLE")).toBeNull();
    expect(authorisationEnded(0, "NETWORK")).toBeNull();
  });
});
