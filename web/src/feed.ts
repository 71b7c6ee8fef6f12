// The live board feed (gateway/feed, docs/architecture.md): every unit change of a project's
// 销控 board pushed as Server-Sent Events, so the board, the wall and the buyers' phones follow
// it instead of polling 400 kB of board. Read with fetch, not EventSource: the feed wants the
// token in the Authorization header (never in a URL, which ends up in logs), and EventSource
// cannot send one. A dropped stream is resumed from the last event id (Last-Event-ID): the feed
// sends what was missed, or `reload` when that is gone. The gateway's page says where the feed
// is (meta loupan-feed: its port on this host, or same-origin behind nginx); without it, or
// when the feed refuses, the page keeps polling as before.
import type { Board } from "./client";

export interface UnitDelta { unit_id: number; status: string | null }
/** A launch's 选房 window that opened (selection_window_opened): no unit moved, the turn did. */
export interface WindowOpened { launch_id: number; number: number; opened_at: string; closes_at: string; reason: string }
export interface BoardDelta { project_id: number; type: string; units: UnitDelta[]; reload: boolean; window?: WindowOpened }
export interface Frame { id?: string; event?: string; data?: string }

/** The complete frames at the start of `buffer` (a frame ends with a blank line) and the rest. */
export function parseFrames(buffer: string): { frames: Frame[]; rest: string } {
  const text = buffer.replace(/\r\n/g, "\n");
  const parts = text.split("\n\n");
  const rest = parts.pop() ?? "";
  const frames: Frame[] = [];
  for (const part of parts) {
    const frame: Frame = {};
    for (const line of part.split("\n")) {
      if (!line || line.startsWith(":")) continue;  // a keep-alive comment
      const at = line.indexOf(":");
      const name = at < 0 ? line : line.slice(0, at);
      const value = at < 0 ? "" : line.slice(at + 1).replace(/^ /, "");
      if (name === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
      else if (name === "id" || name === "event") frame[name] = value;
    }
    if (frame.event || frame.data !== undefined) frames.push(frame);
  }
  return { frames, rest };
}

/** Apply a delta's statuses to the board in place; false when the board must be read again
 * (a status the event does not say, or a unit this board does not have). */
export function applyDelta(board: Board, delta: BoardDelta): boolean {
  if (delta.reload) return false;
  const cells = new Map<number, { status?: string }>();
  for (const b of board.buildings ?? []) for (const f of b.floors ?? []) for (const u of f.units ?? []) {
    if (u.id) cells.set(u.id, u);
  }
  let complete = true;
  for (const change of delta.units ?? []) {
    const cell = cells.get(change.unit_id);
    if (!cell || change.status == null) complete = false;
    else cell.status = change.status;
  }
  return complete;
}

/** Where the feed is: "" for this origin, the origin of its port on this host, or null (no
 * feed: poll). The page says "same-origin" or ":<port>" (gateway/routes/console.py). */
export function feedBase(doc: Document = document, here: { protocol: string; hostname: string } = location): string | null {
  const value = doc.querySelector('meta[name="loupan-feed"]')?.getAttribute("content") ?? null;
  if (value === null) return null;
  if (value === "same-origin") return "";
  const port = /^:(\d{1,5})$/.exec(value)?.[1];
  if (!port) return null;
  const host = here.hostname.includes(":") ? `[${here.hostname}]` : here.hostname;
  return `${here.protocol}//${host}:${port}`;
}

export interface Follow {
  delta(delta: BoardDelta): void;  // a change to apply
  reload(): void;                  // read the whole board again
  live(on: boolean): void;         // the stream is open (true) or not (false)
}

const RETRY_MS = [1000, 2000, 5000, 10000, 15000];

/** Follow a project's board; returns the function that stops following. A refusal that will
 * not change by retrying (401, 403, 404: no such route behind this origin, or not this caller's
 * project) stops following; anything else is retried with a growing pause. */
export function followBoard(projectId: number, token: string, on: Follow, base?: string | null): () => void {
  if (base === undefined) base = typeof document === "undefined" ? null : feedBase();
  if (base === null || !token || typeof fetch === "undefined") return () => {};
  const control = new AbortController();
  let lastId: string | undefined;
  let failures = 0;
  let stopped = false;

  async function once(): Promise<boolean> {  // false: give up
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Accept: "text/event-stream" };
    if (lastId !== undefined) headers["Last-Event-ID"] = lastId;
    const answer = await fetch(`${base}/api/projects/${projectId}/board/stream`, { headers, signal: control.signal,
      cache: "no-store" });
    if ([401, 403, 404, 405].includes(answer.status)) return false;
    if (!answer.ok || !answer.body) throw new Error(`feed ${answer.status}`);
    const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      const parsed = parseFrames(buffer + value);
      buffer = parsed.rest;
      for (const frame of parsed.frames) {
        if (frame.id !== undefined) lastId = frame.id;
        if (frame.event === "hello") { failures = 0; on.live(true); }
        else if (frame.event === "reload") on.reload();
        else if (frame.event === "unit" && frame.data) on.delta(JSON.parse(frame.data) as BoardDelta);
      }
    }
  }

  (async () => {
    while (!stopped) {
      try {
        if (!(await once())) break;
      } catch { /* dropped or refused for now: resumed below */ }
      on.live(false);
      if (stopped) break;
      await new Promise((resume) => setTimeout(resume, RETRY_MS[Math.min(failures++, RETRY_MS.length - 1)]));
    }
    on.live(false);
  })();
  return () => { stopped = true; control.abort(); };
}
