import { describe, expect, it } from "vitest";
import { projectFromLocation } from "./session";

describe("the project of the broker page's link", () => {
  it("is the path's /broker/project/<id>, else the hash's ?project=", () => {
    expect(projectFromLocation("/broker/project/12", "#/")).toBe(12);
    expect(projectFromLocation("/broker/", "#/?project=7")).toBe(7);
    expect(projectFromLocation("/broker/", "#/home?x=1&project=9")).toBe(9);
    expect(projectFromLocation("/broker/", "#/")).toBeNull();
  });
});
