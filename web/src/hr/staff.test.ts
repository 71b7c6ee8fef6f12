import { describe, expect, it } from "vitest";
import { agencyCode, filterStaff, grantableRoles, loginName, passwordProblems, projectList, transferTiming } from "./staff";

describe("login names", () => {
  it("take the agency's prefix from the caller, else from a colleague", () => {
    expect(agencyCode("hz.hr_li", [])).toBe("hz");
    expect(agencyCode("boss", ["hz.adv1"])).toBe("hz");
    expect(agencyCode("boss", ["root"])).toBeNull();
  });
  it("are <agency code>.<name>, a prefixed name staying as given", () => {
    expect(loginName("hz", " wang ")).toBe("hz.wang");
    expect(loginName("hz", "hz.wang")).toBe("hz.wang");
    expect(loginName(null, "wang")).toBe("wang");
  });
});

describe("the password policy shown", () => {
  it("wants ten characters", () => {
    expect(passwordProblems("Short-1", "wang")).toEqual(["至少 10 个字符"]);
    expect(passwordProblems("Long-enough-2026", "wang")).toEqual([]);
  });
  it("refuses the username with only digits or punctuation around it, with or without prefix", () => {
    expect(passwordProblems("wangwei2026!", "hz.wangwei")).toEqual(["不能是用户名（或用户名加数字、符号）"]);
    expect(passwordProblems("hz.wangwei1", "hz.wangwei")).toContain("不能是用户名（或用户名加数字、符号）");
    expect(passwordProblems("wangwei-likes-tea", "wangwei")).toEqual([]);
  });
});

describe("roles and transfers", () => {
  it("hr gives no role above an advisor's; a director gives any but director", () => {
    expect(grantableRoles(false)).toEqual(["advisor", "assistant", "finance", "hr", "developer_viewer"]);
    expect(grantableRoles(true)).toEqual(["manager", "supervisor", "advisor", "assistant", "finance", "hr", "developer_viewer"]);
  });
  it("a transfer dated after today is planned", () => {
    expect(transferTiming("2026-12-07", "2026-12-06")).toBe("planned");
    expect(transferTiming("2026-12-06", "2026-12-06")).toBe("now");
    expect(transferTiming("2026-12-01", "2026-12-06")).toBe("now");
  });
});

describe("the staff list", () => {
  const rows = [
    { full_name: "李顾问", username: "hz.li", role: "advisor", project_ids: [1], employment_status: "active" },
    { full_name: "王财务", username: "hz.wang", role: "finance", project_ids: [2], employment_status: "left" },
    { full_name: "张总", username: "boss", role: "director", project_ids: null, employment_status: "active" },
  ];
  it("filters by role, site, status and name", () => {
    const none = { projectId: null, role: null, status: null, text: "" };
    expect(filterStaff(rows, { ...none, role: "advisor" }).map((r) => r.username)).toEqual(["hz.li"]);
    expect(filterStaff(rows, { ...none, projectId: 2 }).map((r) => r.username)).toEqual(["hz.wang", "boss"]);
    expect(filterStaff(rows, { ...none, status: "left" }).map((r) => r.username)).toEqual(["hz.wang"]);
    expect(filterStaff(rows, { ...none, text: "李" }).map((r) => r.username)).toEqual(["hz.li"]);
  });
  it("names projects, every project for an agency-wide account", () => {
    const names = new Map([[1, "控台花园"]]);
    expect(projectList([1, 9], (id) => names.get(id))).toBe("控台花园、#9");
    expect(projectList(null, (id) => names.get(id))).toBe("全部项目");
    expect(projectList([], (id) => names.get(id))).toBe("—");
  });
});
