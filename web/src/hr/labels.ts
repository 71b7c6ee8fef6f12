// Chinese names of hr's enumerations (roles, employment, moves, recruiting stages, training,
// leave), as the sales office says them. The role titles are loupan/roles.py's TITLES.
export const ROLE_TITLES: Record<string, string> = {
  director: "总监", manager: "案场经理", supervisor: "销售主管", advisor: "置业顾问",
  assistant: "案场助理", finance: "财务", hr: "人事", developer_viewer: "开发商",
};
export const EMPLOYMENT: Record<string, string> = { active: "在职", left: "已离职" };
export const MOVE_KINDS: Record<string, string> = { joined: "入职", transferred: "调岗", left: "离职" };
export const MOVE_STATUS: Record<string, string> = { done: "已生效", planned: "待生效", cancelled: "已取消" };
export const STAGES: Record<string, string> = {
  applied: "投递", screened: "初筛", interview_1: "初试", interview_2: "复试", offer: "录用",
  hired: "已入职", rejected: "未录用", withdrawn: "候选人放弃",
};
export const REQUISITION_STATUS: Record<string, string> = {
  open: "待总监批准", approved: "招聘中", filled: "已招满", cancelled: "已取消",
};
export const OFFER_STATUS: Record<string, string> = { offered: "待答复", accepted: "已接受", declined: "已拒绝" };
export const PROBATION_STATUS: Record<string, string> = {
  in_probation: "试用中", confirmed: "已转正", extended: "已延长", terminated: "已终止",
};
export const COURSE_KINDS: Record<string, string> = {
  culture: "企业文化", pitch: "项目说辞/销讲", sand_table: "沙盘讲解", sales_qa: "销售百问", other: "其他",
};
export const SESSION_STATUS: Record<string, string> = { scheduled: "待举行", held: "已举行", cancelled: "已取消" };
export const RECOMMENDATION: Record<string, string> = { hire: "建议录用", no_hire: "不建议录用" };

export function label(table: Record<string, string>, code: string | null | undefined): string {
  if (!code) return "";
  return Object.hasOwn(table, code) ? (table[code] as string) : code;
}
