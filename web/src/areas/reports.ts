// 报表: the daily report.
import type { Area } from "../nav";
import ReportPage from "../views/ReportPage.vue";

export const area: Area = {
  routes: [{ path: "report", name: "report", component: ReportPage, meta: { permission: "reports.read" } }],
  items: [{ page: "report", title: "日报", to: "/report", permission: "reports.read", group: "报表", order: 90 }],
};
