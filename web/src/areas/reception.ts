// 接待/内勤 (the assistant's desk): the rotation by real names with the supervisor's 补位,
// 来电登记, 网签/备案 of signed deals, and 特价执行 (approved special prices put in effect). (来访登记 itself is in sales.ts.)
import type { Area } from "../nav";
import RotationPage from "../views/reception/RotationPage.vue";
import CallsPage from "../views/reception/CallsPage.vue";
import FilingsPage from "../views/reception/FilingsPage.vue";
import SpecialsPage from "../views/reception/SpecialsPage.vue";

export const area: Area = {
  routes: [
    { path: "rotation", name: "rotation", component: RotationPage, meta: { permission: "rotation.read" } },
    { path: "calls", name: "calls", component: CallsPage, meta: { permission: "visits.register" } },
    { path: "filings", name: "filings", component: FilingsPage, meta: { permission: "deals.file" } },
    { path: "specials", name: "specials", component: SpecialsPage, meta: { permission: "discounts.execute" } },
  ],
  items: [
    // rotation.read is every staff's; visits.register keeps the menu to the sales office
    { page: "rotation", title: "轮序接待", to: "/rotation", permission: "visits.register", group: "客户", order: 31 },
    { page: "calls", title: "来电登记", to: "/calls", permission: "visits.register", group: "客户", order: 32 },
    { page: "filings", title: "网签/备案", to: "/filings", permission: "deals.file", group: "交易", order: 62 },
    { page: "specials", title: "特价执行", to: "/specials", permission: "discounts.execute", group: "交易", order: 63 },
  ],
};
