// 交易: the manager's approval inbox.
import type { Area } from "../nav";
import Approvals from "../views/Approvals.vue";

export const area: Area = {
  routes: [{ path: "approvals", name: "approvals", component: Approvals, meta: { permission: "deals.review" } }],
  items: [{ page: "approvals", title: "审批", to: "/approvals", permission: "deals.review", group: "交易", order: 60 }],
};
