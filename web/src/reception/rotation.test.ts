import { describe, expect, it } from "vitest";
import { moved, nextInLine, personName } from "./rotation";

describe("the rotation at the reception desk", () => {
  it("names people by their full name, the login name only when hr gave none", () => {
    expect(personName({ account_id: 7, full_name: "李顾问", username: "a1.li" })).toBe("李顾问");
    expect(personName({ account_id: 7, full_name: null, username: "a1.li" })).toBe("a1.li");
    expect(personName({ account_id: 7, full_name: "  " })).toBe("#7");
    expect(personName(null)).toBe("—");
  });

  it("the next advisor is the head of the queue, whatever order the list came in", () => {
    expect(nextInLine([{ position: 2, account_id: 5 }, { position: 1, account_id: 9 }])?.account_id).toBe(9);
    expect(nextInLine([])).toBeNull();
    expect(nextInLine(undefined)).toBeNull();
  });

  it("moves one advisor forward or back, within the queue", () => {
    expect(moved([1, 2, 3], 3, -1)).toEqual([1, 3, 2]);
    expect(moved([1, 2, 3], 1, -1)).toEqual([1, 2, 3]);
    expect(moved([1, 2, 3], 1, 1)).toEqual([2, 1, 3]);
    expect(moved([1, 2, 3], 3, 1)).toEqual([1, 2, 3]);
    expect(moved([1, 2, 3], 4, -1)).toEqual([1, 2, 3]);
  });
});
