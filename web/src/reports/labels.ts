// Chinese names of the reports' parts and of the funnel's groupings.
export const PART_NAMES: Record<string, string> = {
  crm: "客户（来电、来访、新增客户）", inventory: "房源（预留、去化）", contracts: "交易（认购、签约）",
  finance: "财务（回款、按揭放款、回款目标）", hr: "人员（置业顾问姓名、销售目标）",
  distribution: "分销渠道（报备、带看、认购）", commission: "分销佣金（结佣对账单）",
};
export const FUNNEL_BY: Record<string, string> = { day: "按日", advisor: "按置业顾问", channel: "按渠道" };
