// Chinese names of the 销控 desk's enumerations.
export const SCHEDULE_STATUS: Record<string, string> = {
  scheduled: "待执行", done: "已推盘", cancelled: "已取消", failed: "未成功",
};
export const PRICE_LIST_STATUS: Record<string, string> = {
  draft: "草稿", published: "现行", superseded: "已替代", discarded: "已放弃",
};
export const METHODS: Record<string, string> = { percent: "按比例（%）", per_m2: "按单价（元/㎡）" };
export const DIRECTIONS: Record<string, string> = { up: "上调", down: "下调", flat: "持平" };
export const COMPONENTS: Record<string, string> = {
  units: "签约套数", amount: "签约金额", leads: "新增客户", complaints: "投诉", satisfaction: "满意度", attendance: "出勤",
};
export const WEEKDAYS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
