// 集成推送: a director registers the agency's integrators' endpoints (outbound webhooks), reads
// each one's delivery log and sends a dead delivery again.
import type { Area } from "../nav";
import WebhooksPage from "../views/webhooks/WebhooksPage.vue";

export const area: Area = {
  routes: [{ path: "webhooks", name: "webhooks", component: WebhooksPage, meta: { permission: "webhooks.manage" } }],
  items: [{ page: "webhooks", title: "集成推送", to: "/webhooks", permission: "webhooks.manage", group: "系统", order: 100 }],
};
