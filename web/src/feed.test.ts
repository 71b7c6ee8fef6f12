import { describe, expect, it } from "vitest";
import { applyDelta, feedBase, parseFrames } from "./feed";
import type { Board } from "./client";

describe("parseFrames", () => {
  it("splits complete frames, keeps the unfinished rest, skips comments", () => {
    const { frames, rest } = parseFrames(": keep-alive\n\nid: 7\nevent: unit\ndata: {\"a\":1}\n\nid: 8\nevent: un");
    expect(frames).toEqual([{ id: "7", event: "unit", data: "{\"a\":1}" }]);
    expect(rest).toBe("id: 8\nevent: un");
    expect(parseFrames(rest + "it\ndata: 2\n\n").frames).toEqual([{ id: "8", event: "unit", data: "2" }]);
  });
  it("takes CRLF line ends and joins data lines", () => {
    expect(parseFrames("event: hello\r\ndata: a\r\ndata: b\r\n\r\n").frames).toEqual([{ event: "hello", data: "a\nb" }]);
  });
});

function board(): Board {
  return { buildings: [{ id: 1, floors: [{ floor: 1, units: [{ id: 10, status: "available" }, { id: 11, status: "held" }] }] }] } as Board;
}

describe("applyDelta", () => {
  it("sets the statuses the event says", () => {
    const b = board();
    expect(applyDelta(b, { project_id: 1, type: "unit_held", reload: false, units: [{ unit_id: 10, status: "held" }] })).toBe(true);
    expect(b.buildings![0].floors![0].units![0].status).toBe("held");
  });
  it("asks for the board again when a status is not said, a unit is unknown, or a price list came", () => {
    expect(applyDelta(board(), { project_id: 1, type: "deal_unit_swapped", reload: false,
      units: [{ unit_id: 11, status: "available" }, { unit_id: 10, status: null }] })).toBe(false);
    expect(applyDelta(board(), { project_id: 1, type: "unit_held", reload: false, units: [{ unit_id: 99, status: "held" }] })).toBe(false);
    expect(applyDelta(board(), { project_id: 1, type: "price_list_published", reload: true, units: [] })).toBe(false);
  });
});

describe("feedBase", () => {
  it("reads the page's meta: a port on this host, this origin, or none", () => {
    const page = (content?: string) => ({  // the tests run in node: a document of one meta, or none
      querySelector: () => (content === undefined ? null : { getAttribute: () => content }),
    }) as unknown as Document;
    const here = { protocol: "http:", hostname: "localhost" };
    expect(feedBase(page(":8106"), here)).toBe("http://localhost:8106");  // the host the browser used
    expect(feedBase(page(":8106"), { protocol: "https:", hostname: "::1" })).toBe("https://[::1]:8106");
    expect(feedBase(page("same-origin"), here)).toBe("");
    expect(feedBase(page("http://evil.example"), here)).toBeNull();
    expect(feedBase(page(), here)).toBeNull();
  });
});
