// 开盘活动 (online 开盘, issue 18): the project's launches and a new one (managers and directors),
// a launch's status, moves and history; 认筹登记 with the 购房资格 review and 诚意金 (the site);
// 摇号: the published list with the seed's commitment, the draw, the result and its files;
// 开盘报告: a launch's figures and its .xlsx (managers, directors, the developer's viewer).
import type { Area } from "../nav";
import LaunchesPage from "../views/launch/LaunchesPage.vue";
import LaunchDetail from "../views/launch/LaunchDetail.vue";
import RegistrationsPage from "../views/launch/RegistrationsPage.vue";
import LotteryPage from "../views/launch/LotteryPage.vue";
import LaunchReport from "../views/launch/LaunchReport.vue";

export const area: Area = {
  routes: [
    { path: "launches", name: "launches", component: LaunchesPage, meta: { permission: "launches.read" } },
    { path: "launches/:launchId(\\d+)", name: "launch", component: LaunchDetail, meta: { permission: "launches.read" } },
    { path: "launches/:launchId(\\d+)/report", name: "launch-report", component: LaunchReport, meta: { permission: "launches.report" } },
    { path: "registrations", name: "registrations", component: RegistrationsPage, meta: { permission: "registrations.read" } },
    { path: "lottery", name: "lottery", component: LotteryPage, meta: { permission: "launches.read" } },
  ],
  items: [
    { page: "launches", title: "开盘活动", to: "/launches", permission: "launches.read", group: "销控", order: 25 },
    { page: "registrations", title: "认筹登记", to: "/registrations", permission: "registrations.read", group: "销控", order: 26 },
    { page: "lottery", title: "摇号", to: "/lottery", permission: "launches.read", group: "销控", order: 27 },
  ],
};
