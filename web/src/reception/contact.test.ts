import { describe, expect, it } from "vitest";
import { rotationAdvisors } from "./contact";

describe("the advisors one may name at registration", () => {
  it("are today's queue then the paused, by full name, each once", () => {
    const rotation = {
      queue: [{ account_id: 3, full_name: "李顾问", username: "a.li" }, { account_id: 4, full_name: null, username: "a.chen" }],
      skipped: [{ account_id: 5, full_name: "王顾问" }, { account_id: 3, full_name: "李顾问" }],
    };
    expect(rotationAdvisors(rotation)).toEqual([{ id: 3, name: "李顾问" }, { id: 4, name: "a.chen" }, { id: 5, name: "王顾问" }]);
    expect(rotationAdvisors(null)).toEqual([]);
  });
});
