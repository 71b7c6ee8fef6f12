// 销控大屏授权: the director issues, lists and revokes the wall's display tokens of a project.
import type { Area } from "../nav";
import DisplayTokens from "../views/display/DisplayTokens.vue";

export const area: Area = {
  routes: [{ path: "display", name: "display", component: DisplayTokens, meta: { permission: "display_tokens.manage" } }],
  items: [{ page: "display", title: "大屏授权", to: "/display", permission: "display_tokens.manage", group: "销控", order: 22 }],
};
