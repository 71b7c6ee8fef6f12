// 招聘 pipeline: the candidate stage machine of services/hr/recruiting_rules.py, so the board
// offers only the moves the API allows: forward one stage (复试 may be skipped), or out to
// 未录用/放弃 from any open stage; 录用 and 入职 go through an offer and a hire, not a move.
export const PATH = ["applied", "screened", "interview_1", "interview_2", "offer", "hired"] as const;
export const ENDINGS = ["rejected", "withdrawn"] as const;
export const CLOSED = new Set<string>(["hired", ...ENDINGS]);
const SKIPPABLE = new Set<string>(["interview_2"]);
const BY_MOVE = new Set<string>(["screened", "interview_1", "interview_2", "rejected", "withdrawn"]);
export const COLUMNS = [...PATH, ...ENDINGS] as string[];

export function canMove(from: string, to: string): boolean {
  const path = PATH as readonly string[];
  if (CLOSED.has(from) || !path.includes(from) || !COLUMNS.includes(to)) return false;
  if ((ENDINGS as readonly string[]).includes(to)) return true;
  let step = path.indexOf(from) + 1;
  while (step < path.length && path[step] !== to && SKIPPABLE.has(path[step] as string)) step += 1;
  return step < path.length && path[step] === to;
}

/** The stages a candidate at `stage` may be moved to by POST /advance (forward first). */
export function moves(stage: string): string[] {
  return COLUMNS.filter((to) => BY_MOVE.has(to) && canMove(stage, to));
}

/** The offer actions of a candidate: 录用 (an offer, after an interview or a declined offer),
 *  waiting for the answer, or 入职 once accepted. `offer` is the candidate's latest offer. */
export function offerStep(stage: string, offer: { status?: string } | null | undefined): "offer" | "answer" | "hire" | null {
  if (stage === "offer") {
    if (offer?.status === "offered") return "answer";
    if (offer?.status === "accepted") return "hire";
    return "offer";
  }
  return canMove(stage, "offer") ? "offer" : null;
}

/** Past screening, a requisition must be approved by a director. */
export function needsApproval(to: string): boolean {
  const path = PATH as readonly string[];
  return path.includes(to) && path.indexOf(to) > path.indexOf("screened");
}

export function byStage<T extends { stage?: string }>(candidates: T[]): Record<string, T[]> {
  const columns: Record<string, T[]> = Object.fromEntries(COLUMNS.map((s) => [s, [] as T[]]));
  for (const c of candidates) (columns[c.stage ?? "applied"] ??= []).push(c);
  return columns;
}
