// 人事: the hr desk (hr and directors): staff 入职/调岗/离职, recruiting, training and 上岗考核,
// attendance. Each page's permission is its main call's (docs/roles.md).
import type { Area } from "../nav";
import StaffPage from "../views/hr/StaffPage.vue";
import RecruitingPage from "../views/hr/RecruitingPage.vue";
import TrainingPage from "../views/hr/TrainingPage.vue";
import AttendancePage from "../views/hr/AttendancePage.vue";

export const area: Area = {
  routes: [
    { path: "hr-staff", name: "hr-staff", component: StaffPage, meta: { permission: "staff.manage" } },
    { path: "hr-recruiting", name: "hr-recruiting", component: RecruitingPage, meta: { permission: "recruiting.read" } },
    { path: "hr-training", name: "hr-training", component: TrainingPage, meta: { permission: "training.manage" } },
    { path: "hr-attendance", name: "hr-attendance", component: AttendancePage, meta: { permission: "attendance.stats" } },
  ],
  items: [
    { page: "hr-staff", title: "员工", to: "/hr-staff", permission: "staff.manage", group: "人事", order: 80 },
    { page: "hr-recruiting", title: "招聘", to: "/hr-recruiting", permission: "recruiting.read", group: "人事", order: 81 },
    { page: "hr-training", title: "培训考核", to: "/hr-training", permission: "training.manage", group: "人事", order: 82 },
    { page: "hr-attendance", title: "考勤", to: "/hr-attendance", permission: "attendance.stats", group: "人事", order: 83 },
  ],
};
