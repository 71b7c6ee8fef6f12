// 置业计划书: reached from a 认购 draft (no menu item), printable.
import type { Area } from "../nav";
import PlanPage from "../views/deals/PlanPage.vue";

export const area: Area = {
  routes: [{ path: "plan", name: "plan", component: PlanPage, meta: { permission: "deal_money.read" } }],
  items: [],
};
