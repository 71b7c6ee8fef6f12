// 销控 desk of the 案场经理: locks and 推盘 (now or scheduled), price lists (调价 with preview and
// the 底价 guard), slow movers; and the advisors' 考核排名 (报表) and the site's 排班 (人事).
import type { Area } from "../nav";
import ControlPage from "../views/control/ControlPage.vue";
import PriceListsPage from "../views/control/PriceListsPage.vue";
import SlowMoversPage from "../views/control/SlowMoversPage.vue";
import RankingsPage from "../views/control/RankingsPage.vue";
import RotaPage from "../views/control/RotaPage.vue";

export const area: Area = {
  routes: [
    // the permission a page needs is its main call's (the gateway enforces the same)
    { path: "control", name: "control", component: ControlPage, meta: { permission: "units.control" } },
    { path: "control/prices", name: "control-prices", component: PriceListsPage, meta: { permission: "price_lists.manage" } },
    { path: "control/slow-movers", name: "control-slow-movers", component: SlowMoversPage, meta: { permission: "units.slow_movers" } },
    { path: "control/rankings", name: "control-rankings", component: RankingsPage, meta: { permission: "evaluation.read" } },
    { path: "control/rota", name: "control-rota", component: RotaPage, meta: { permission: "rota.plan" } },
  ],
  items: [
    { page: "control", title: "销控管理", to: "/control", permission: "units.control", group: "销控", order: 22 },
    { page: "control-prices", title: "价目表与调价", to: "/control/prices", permission: "price_lists.manage", group: "销控", order: 23 },
    { page: "control-slow-movers", title: "滞销房源", to: "/control/slow-movers", permission: "units.slow_movers", group: "销控", order: 24 },
    { page: "control-rankings", title: "考核排名", to: "/control/rankings", permission: "evaluation.read", group: "报表", order: 92 },
    { page: "control-rota", title: "排班", to: "/control/rota", permission: "rota.plan", group: "人事", order: 85 },
  ],
};
