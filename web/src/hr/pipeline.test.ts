import { describe, expect, it } from "vitest";
import { byStage, canMove, moves, needsApproval, offerStep } from "./pipeline";

describe("the candidate stage machine (as services/hr/recruiting_rules.py)", () => {
  it("moves one stage on, 复试 skippable, out to rejected/withdrawn from any open stage", () => {
    expect(moves("applied")).toEqual(["screened", "rejected", "withdrawn"]);
    expect(moves("screened")).toEqual(["interview_1", "rejected", "withdrawn"]);
    expect(moves("interview_1")).toEqual(["interview_2", "rejected", "withdrawn"]);
    expect(moves("offer")).toEqual(["rejected", "withdrawn"]);
    expect(canMove("interview_1", "offer")).toBe(true);
    expect(canMove("applied", "interview_1")).toBe(false);
    expect(canMove("screened", "applied")).toBe(false);
  });
  it("moves nothing once hired, rejected or withdrawn", () => {
    for (const s of ["hired", "rejected", "withdrawn"]) expect(moves(s)).toEqual([]);
  });
  it("offers after an interview, waits for the answer, hires once accepted", () => {
    expect(offerStep("screened", null)).toBeNull();
    expect(offerStep("interview_1", null)).toBe("offer");
    expect(offerStep("offer", { status: "offered" })).toBe("answer");
    expect(offerStep("offer", { status: "accepted" })).toBe("hire");
    expect(offerStep("offer", { status: "declined" })).toBe("offer");
    expect(offerStep("hired", { status: "accepted" })).toBeNull();
  });
  it("needs an approved requisition past screening", () => {
    expect(needsApproval("screened")).toBe(false);
    expect(needsApproval("interview_1")).toBe(true);
    expect(needsApproval("rejected")).toBe(false);
  });
  it("groups candidates into the board's columns", () => {
    const columns = byStage([{ stage: "applied", id: 1 }, { stage: "offer", id: 2 }, { stage: "applied", id: 3 }]);
    expect(columns.applied?.map((c) => c.id)).toEqual([1, 3]);
    expect(columns.offer?.map((c) => c.id)).toEqual([2]);
    expect(columns.hired).toEqual([]);
  });
});
