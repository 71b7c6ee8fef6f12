// 员工: the rules the 入职/调岗/离职 forms show before asking the API (the API decides):
// the login name hr makes (`<agency code>.<name>`, services/hr/accounts.py login_name), the
// password policy (services/hr/password_rules.py: at least 10 characters, not a common one,
// not the username), which roles the caller may give (loupan/roles.py require_may_grant), and
// whether a 调岗 takes effect now or is planned for its day.

export const PASSWORD_MIN = 10;
export const NAME_PATTERN = /^[A-Za-z0-9_.-]{3,80}$/;
const SENIOR = new Set(["director", "manager", "supervisor"]);
export const ROLE_ORDER = ["director", "manager", "supervisor", "advisor", "assistant", "finance", "hr", "developer_viewer"];

/** The agency's login-name prefix: from the caller's own name, else from a colleague's. */
export function agencyCode(ownUsername: string | null | undefined, others: (string | null | undefined)[] = []): string | null {
  for (const name of [ownUsername, ...others]) {
    if (name && name.includes(".")) return name.slice(0, name.indexOf("."));
  }
  return null;
}

/** The login name the API will make of `name` (a name already carrying the prefix stays). */
export function loginName(code: string | null, name: string): string {
  const bare = name.trim();
  if (!code || !bare) return bare;
  return bare.startsWith(`${code}.`) ? bare : `${code}.${bare}`;
}

/** What is wrong with a password, in Chinese (empty: nothing the console can see; the API
 *  also refuses the most common passwords). */
export function passwordProblems(password: string, name: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN) problems.push(`至少 ${PASSWORD_MIN} 个字符`);
  const bare = name.trim().toLowerCase();
  const short = bare.includes(".") ? bare.slice(bare.indexOf(".") + 1) : bare;
  const lowered = password.toLowerCase();
  for (const n of new Set([bare, short])) {
    if (n && lowered.includes(n) && lowered.replace(n, "").replace(/[\W\d_]/g, "") === "") {
      problems.push("不能是用户名（或用户名加数字、符号）");
      break;
    }
  }
  return problems;
}

/** Roles the caller may give at 入职/调岗: a director any but director; others only the
 *  roles not above an advisor's (a director makes managers and supervisors). */
export function grantableRoles(managesDirectors: boolean): string[] {
  return ROLE_ORDER.filter((r) => r !== "director" && (managesDirectors || !SENIOR.has(r)));
}

/** A 调岗 dated after today (Asia/Shanghai) is planned; today or before takes effect at once. */
export function transferTiming(effectiveOn: string, today: string): "now" | "planned" {
  return effectiveOn > today ? "planned" : "now";
}

export interface StaffFilter { projectId: number | null; role: string | null; status: string | null; text: string }
interface StaffLike { role?: string; full_name?: string; username?: string; project_ids?: number[] | null;
  employment_status?: string }

/** The filters the API has not (role, name) applied to its answer; site and status the API's own. */
export function filterStaff<T extends StaffLike>(rows: T[], filter: StaffFilter): T[] {
  const text = filter.text.trim().toLowerCase();
  return rows.filter((r) =>
    (!filter.role || r.role === filter.role)
    && (!filter.status || r.employment_status === filter.status)
    && (!filter.projectId || r.project_ids == null || r.project_ids.includes(filter.projectId))
    && (!text || `${r.full_name ?? ""} ${r.username ?? ""}`.toLowerCase().includes(text)));
}

/** Projects by name, in the order given, with unknown ids as #id. */
export function projectList(ids: number[] | null | undefined, nameOf: (id: number) => string | undefined): string {
  if (ids == null) return "全部项目";
  if (!ids.length) return "—";
  return ids.map((id) => nameOf(id) ?? `#${id}`).join("、");
}
