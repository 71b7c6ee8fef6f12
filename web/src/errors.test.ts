import { describe as suite, expect, it } from "vitest";
import { ApiError, describe, errorMessage, MESSAGES } from "./errors";

const CJK = /[\u4e00-\u9fff]/;

suite("error codes in Chinese", () => {
  it("maps a refused hold to its Chinese text", () => {
    expect(errorMessage("UNIT_NOT_AVAILABLE", 409)).toBe("该房源当前不可预留（已被预留、锁定或售出）");
    expect(errorMessage("BAD_CREDENTIALS", 401)).toBe("用户名或密码错误");
  });

  it("has Chinese for every code of the table, and no English sentence", () => {
    for (const [code, text] of Object.entries(MESSAGES)) {
      expect(code).toMatch(/^[A-Z][A-Z0-9_]+$/);
      expect(text, code).toMatch(CJK);
      expect(text, code).not.toMatch(/[A-Za-z]{3,}/);
    }
  });

  it("falls back to the status, then to a general text, for a code it does not know", () => {
    expect(errorMessage("SOMETHING_NEW", 409)).toBe("操作与当前状态冲突，请刷新后重试");
    expect(errorMessage("SOMETHING_NEW", 599)).toBe("系统暂时不可用，请稍后再试");
    expect(errorMessage(null)).toBe("操作失败，请稍后再试");
    expect(errorMessage("toString", 404)).toBe("要找的内容不存在");  // no inherited property is a message
  });

  it("shows the code small beside the text and never the API's English message", () => {
    const err = new ApiError(409, "UNIT_NOT_AVAILABLE", "unit 12 is held, not available");
    expect(describe(err)).toEqual({ text: MESSAGES.UNIT_NOT_AVAILABLE, code: "UNIT_NOT_AVAILABLE" });
    expect(describe(new ApiError(502, null, "Bad Gateway"))).toEqual({ text: "系统暂时不可用，请稍后再试", code: "HTTP 502" });
    expect(describe(new TypeError("Failed to fetch")).text).toBe("无法连接服务器，请检查网络");
  });
});
