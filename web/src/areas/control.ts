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
    { path: "prices", name: "prices", component: PriceListsPage, meta: { permission: "price_lists.manage" } },
    { path: "slow-movers", name: "slow-movers", component: SlowMoversPage, meta: { permission: "units.slow_movers" } },
    { path: "rankings", name: "rankings", component: RankingsPage, meta: { permission: "evaluation.read" } },
    { path: "rota", name: "rota", component: RotaPage, meta: { permission: "rota.plan" } },
  ],
  items: [
    { page: "control", title: "销控管理", to: "/control", permission: "units.control", group: "销控", order: 22 },
    { page: "prices", title: "价目表与调价", to: "/prices", permission: "price_lists.manage", group: "销控", order: 23 },
    { page: "slow-movers", title: "滞销房源", to: "/slow-movers", permission: "units.slow_movers", group: "销控", order: 24 },
    { page: "rankings", title: "考核排名", to: "/rankings", permission: "evaluation.read", group: "报表", order: 94 },
    { page: "rota", title: "排班", to: "/rota", permission: "rota.plan", group: "人事", order: 85 },
  ],
};
