// The time left on a hold, counted down every second in the browser.

/** Milliseconds from `now` to `expiresAt` (an ISO date-time), never below 0. */
export function remaining(expiresAt: string, now: number): number {
  const end = Date.parse(expiresAt);
  if (Number.isNaN(end)) return 0;
  return Math.max(0, end - now);
}

const two = (n: number) => String(n).padStart(2, "0");

/** "HH:MM:SS" (hours past a day as "N天 HH:MM:SS"); "已到期" at zero. Rounds up to the second,
 * so a hold that has 0.4 s left still shows 00:00:01 and not expired. */
export function formatCountdown(ms: number): string {
  if (!(ms > 0)) return "已到期";
  const total = Math.ceil(ms / 1000);
  const days = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const clock = `${two(h)}:${two(m)}:${two(s)}`;
  return days ? `${days}天 ${clock}` : clock;
}

/** "urgent" under 10 minutes, "soon" under an hour: how the list colours a hold. */
export function urgency(ms: number): "expired" | "urgent" | "soon" | "normal" {
  if (ms <= 0) return "expired";
  if (ms < 10 * 60_000) return "urgent";
  if (ms < 60 * 60_000) return "soon";
  return "normal";
}
