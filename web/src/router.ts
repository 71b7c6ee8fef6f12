// Hash routes (the gateway serves one page at /console/): #/login, #/wall, and the shell's pages,
// which the areas declare (src/areas/*.ts, gathered by src/nav.ts). A page
// needs a valid token; without one, or on a 401, the login page keeps where to come back to.
// The wall (大屏) never leaves for the login page while its token is still valid.
import { createRouter, createWebHashHistory } from "vue-router";
import { setUnauthorizedHandler } from "./client";
import { tokenValid } from "./session";
import { can, loadAccount, signOut } from "./state";
import LoginPage from "./views/LoginPage.vue";
import ShellPage from "./views/ShellPage.vue";
import BoardPage from "./views/BoardPage.vue";
import WallPage from "./views/WallPage.vue";
import LaunchScreen from "./screen/LaunchScreen.vue";
import { SHELL_ROUTES } from "./nav";

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/login", name: "login", component: LoginPage, meta: { public: true } },
    { path: "/wall", name: "wall", component: WallPage },
    // 选房大屏 (src/screen/): signed in (launches.read) or on a display token, as the wall
    { path: "/launch-screen", name: "launch-screen", component: LaunchScreen, meta: { permission: "launches.read" } },
    {
      path: "/",
      component: ShellPage,
      children: [
        // "/": 今日工作 for whoever has follow-ups to do (beforeEach), else the board
        { path: "", name: "home", component: BoardPage, meta: { landing: true } },
        ...SHELL_ROUTES,  // the areas' pages (src/nav.ts)
      ],
    },
    { path: "/:rest(.*)*", redirect: "/board" },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) return true;
  if (to.name === "wall" && to.query.display) return true;  // a display token: no account (WallPage.vue)
  if (to.name === "launch-screen" && to.query.display) return true;  // likewise (src/screen/LaunchScreen.vue)
  if (!tokenValid()) return { name: "login", query: { redirect: to.fullPath } };
  if (to.meta.landing) {
    try {
      await loadAccount();
    } catch {
      return { name: "board" };
    }
    return { name: can("follow_ups.overdue") ? "today" : "board" };
  }
  const permission = to.meta.permission as string | undefined;
  if (permission) {
    try {
      await loadAccount();
    } catch {
      return true;  // the shell shows why the account could not be read
    }
    if (!can(permission)) return { name: "board" };  // not in the menu, and not reachable by address
  }
  return true;
});

setUnauthorizedHandler(() => {
  const current = router.currentRoute.value;
  if (current.name === "login") return;
  if (current.name === "wall" && tokenValid()) return;  // the wall keeps retrying
  if (current.name === "launch-screen" && tokenValid()) return;  // so does the 选房大屏
  signOut();
  router.replace({ name: "login", query: { redirect: current.fullPath } });
});
