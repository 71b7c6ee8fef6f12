// 报表 (the director's and the developer's desk): 日报, 周报/月报 with targets, the sales funnel
// and channel effectiveness, each downloadable as Excel. All read only.
import type { Area } from "../nav";
import ReportPage from "../views/ReportPage.vue";
import PeriodPage from "../views/reports/PeriodPage.vue";
import FunnelPage from "../views/reports/FunnelPage.vue";
import ChannelsPage from "../views/reports/ChannelsPage.vue";

export const area: Area = {
  routes: [
    { path: "report", name: "report", component: ReportPage, meta: { permission: "reports.read" } },
    { path: "report-period", name: "report-period", component: PeriodPage, meta: { permission: "reports.periods" } },
    { path: "report-funnel", name: "report-funnel", component: FunnelPage, meta: { permission: "reports.funnel" } },
    { path: "report-channels", name: "report-channels", component: ChannelsPage, meta: { permission: "reports.channels" } },
  ],
  items: [
    { page: "report", title: "日报", to: "/report", permission: "reports.read", group: "报表", order: 90 },
    { page: "report-period", title: "周报/月报", to: "/report-period", permission: "reports.periods", group: "报表", order: 91 },
    { page: "report-funnel", title: "销售漏斗", to: "/report-funnel", permission: "reports.funnel", group: "报表", order: 92 },
    { page: "report-channels", title: "渠道效果", to: "/report-channels", permission: "reports.channels", group: "报表", order: 93 },
  ],
};
