// 置业顾问 and 接待: today's work, walk-ins, customers.
import type { Area } from "../nav";
import TodayPage from "../views/Today.vue";
import VisitsPage from "../views/VisitsPage.vue";
import CustomersPage from "../views/CustomersPage.vue";
import CustomerDetail from "../views/CustomerDetail.vue";
import CustomerRegister from "../views/CustomerRegister.vue";
import CustomerImport from "../views/CustomerImport.vue";

export const area: Area = {
  routes: [
    // the permission a page needs is its main call's (the gateway enforces the same)
    { path: "today", name: "today", component: TodayPage, meta: { permission: "follow_ups.overdue" } },
    { path: "visits", name: "visits", component: VisitsPage, meta: { permission: "visits.register" } },
    { path: "customers", name: "customers", component: CustomersPage, meta: { permission: "follow_ups.overdue" } },
    { path: "customers/new", name: "customer-register", component: CustomerRegister, meta: { permission: "customers.register" } },
    { path: "customer-import", name: "customer-import", component: CustomerImport, meta: { permission: "customers.import" } },
    { path: "customers/:id(\\d+)", name: "customer", component: CustomerDetail, meta: { permission: "customers.read" } },
  ],
  items: [
    { page: "today", title: "今日工作", to: "/today", permission: "follow_ups.overdue", group: "工作台", order: 10 },
    { page: "visits", title: "来访登记", to: "/visits", permission: "visits.register", group: "客户", order: 30 },
    { page: "customers", title: "我的客户", to: "/customers", permission: "follow_ups.overdue", group: "客户", order: 40 },
    { page: "customer-import", title: "导入客户", to: "/customer-import", permission: "customers.import", group: "客户", order: 41 },
  ],
};
