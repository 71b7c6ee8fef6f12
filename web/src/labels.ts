// Chinese labels of the crm's enumerations (follow-up ways, grades, channels, statuses).
export const KINDS: Record<string, string> = { call: "电话", visit: "到访", message: "微信/短信" };
export const GRADES: Record<string, string> = { A: "A 意向", B: "B 潜在", C: "C 一般", D: "D 无效" };
export const CHANNELS: Record<string, string> = {
  walk_in: "自然到访", phone: "来电", online: "网络", channel_partner: "渠道", referral: "老带新", event: "活动",
};
export const CUSTOMER_STATUS: Record<string, string> = { lead: "意向", subscribed: "已认购", signed: "已签约", lost: "流失" };
export const SLA_RULES: Record<string, string> = {
  first_response: "首次响应（24 小时）", needs_analysis: "需求分析（3 天）",
  weekly_follow_up: "每周跟进（A/B 客户）", satisfaction_visit: "交付后回访",
};
export const OWNER_REASONS: Record<string, string> = {
  registered: "报备", claimed: "认领", ruling: "撞单裁定", lapsed: "保护期满转公客", left: "顾问离职", reassigned: "重新分配",
};
// 更正手机号: a correction's status (loupan/schemas/crm_customers.py MOBILE_CHANGE_STATUSES)
export const MOBILE_CHANGE_STATUS: Record<string, string> = {
  applied: "已更正", pending: "待经理审批", approved: "经理批准·已更正", rejected: "经理驳回",
};
export const DEAL_STATUS: Record<string, string> = {
  pending: "处理中", submitted: "待审批", subscribed: "已认购", signed: "已签约", filed: "已备案",
  handed_over: "已交付", rejected: "已驳回", cancelled: "已退房", failed: "未成功",
};
export const COMPLAINT_SEVERITY: Record<string, string> = { low: "低", normal: "一般", serious: "严重", critical: "紧急" };
export const COMPLAINT_STATUS: Record<string, string> = { open: "处理中", resolved: "已解决" };
// a grade's reason the system wrote itself (an advisor's own reason is shown as written)
export const GRADE_REASONS: Record<string, string> = { registered: "报备时分级" };
// 开盘活动: a launch's status, mode and moves; 认筹's status and 购房资格; the lottery's rounds
export const LAUNCH_STATUS: Record<string, string> = {
  draft: "草稿", registration_open: "认筹中", registration_closed: "认筹截止", drawn: "已摇号",
  selecting: "选房中", finished: "已结束", paused: "已暂停",
};
export const LAUNCH_MODE: Record<string, string> = { lottery: "摇号选房", race: "抢房（先到先得）" };
export const LAUNCH_ACTION: Record<string, string> = {
  create: "创建", open_registration: "开放认筹", close_registration: "截止认筹", draw: "摇号", start_selection: "开始选房",
  finish: "结束活动", pause: "暂停", resume: "恢复",
};
export const REGISTRATION_STATUS: Record<string, string> = { registered: "有效", cancelled: "已取消" };
export const ELIGIBILITY: Record<string, string> = { pending: "待审核", eligible: "资格通过", ineligible: "资格不符" };
export const LOTTERY_ROUND: Record<string, string> = { general: "普通组" };
