// The console's pages, gathered from src/areas/*.ts: each area (a role's desk, e.g. finance's
// cashier, hr's staff) exports `area` with its routes (children of the shell) and its navigation
// items, so a new desk is a new file and no list of pages is edited by everyone.
import type { RouteRecordRaw } from "vue-router";

export interface NavItem {
  page: string;            // data-page of the link (the tests find links by it)
  title: string;
  to: string;
  permission: string | null;  // the main call's permission (GET /api/me); null: everyone
  group: Group;
  order: number;           // position in the menu, across areas
}
export interface Area {
  routes: RouteRecordRaw[];
  items: NavItem[];
}
export type Group = "工作台" | "销控" | "客户" | "渠道" | "交易" | "财务" | "人事" | "报表" | "系统";
export const GROUPS: Group[] = ["工作台", "销控", "客户", "渠道", "交易", "财务", "人事", "报表", "系统"];

const modules = import.meta.glob<Area>("./areas/*.ts", { eager: true, import: "area" });
const areas = Object.keys(modules).sort().map((key) => modules[key]);
export const SHELL_ROUTES: RouteRecordRaw[] = areas.flatMap((a) => a.routes);
export const NAV_ITEMS: NavItem[] = areas.flatMap((a) => a.items).sort((a, b) => a.order - b.order);
