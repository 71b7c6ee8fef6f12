import { describe, expect, it } from "vitest";
import { formatCountdown, remaining, urgency } from "./countdown";

describe("the hold countdown", () => {
  const now = Date.parse("2026-12-06T08:00:00Z");

  it("counts the time left to the expiry", () => {
    expect(remaining("2026-12-06T08:30:00Z", now)).toBe(30 * 60_000);
    expect(remaining("2026-12-06T16:30:00+08:00", now)).toBe(30 * 60_000);  // the same instant in Shanghai time
    expect(remaining("2026-12-06T07:59:00Z", now)).toBe(0);
    expect(remaining("not a date", now)).toBe(0);
  });

  it("shows hours, minutes and seconds, days past a day", () => {
    expect(formatCountdown(30 * 60_000)).toBe("00:30:00");
    expect(formatCountdown(23 * 3600_000 + 59 * 60_000 + 59_000)).toBe("23:59:59");
    expect(formatCountdown(24 * 3600_000)).toBe("1天 00:00:00");
    expect(formatCountdown(2 * 86400_000 + 3661_000)).toBe("2天 01:01:01");
  });

  it("rounds up to the second and says 已到期 at zero", () => {
    expect(formatCountdown(400)).toBe("00:00:01");
    expect(formatCountdown(0)).toBe("已到期");
    expect(formatCountdown(-5000)).toBe("已到期");
  });

  it("ticks down one second a second", () => {
    const expires = "2026-12-06T09:00:00Z";
    expect(formatCountdown(remaining(expires, now))).toBe("01:00:00");
    expect(formatCountdown(remaining(expires, now + 1000))).toBe("00:59:59");
    expect(formatCountdown(remaining(expires, now + 3600_000))).toBe("已到期");
  });

  it("marks holds that are about to expire", () => {
    expect(urgency(0)).toBe("expired");
    expect(urgency(5 * 60_000)).toBe("urgent");
    expect(urgency(30 * 60_000)).toBe("soon");
    expect(urgency(5 * 3600_000)).toBe("normal");
  });
});
