// Hash routes (the gateway serves one page at /console/): #/login, #/board, #/wall. A page
// needs a valid token; without one, or on a 401, the login page keeps where to come back to.
// The wall (大屏) never leaves for the login page while its token is still valid.
import { createRouter, createWebHashHistory } from "vue-router";
import { setUnauthorizedHandler } from "./client";
import { tokenValid } from "./session";
import { signOut } from "./state";
import LoginPage from "./views/LoginPage.vue";
import ShellPage from "./views/ShellPage.vue";
import BoardPage from "./views/BoardPage.vue";
import WallPage from "./views/WallPage.vue";

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/login", name: "login", component: LoginPage, meta: { public: true } },
    { path: "/wall", name: "wall", component: WallPage },
    {
      path: "/",
      component: ShellPage,
      children: [
        { path: "", redirect: "/board" },
        { path: "board", name: "board", component: BoardPage, meta: { title: "销控" } },
      ],
    },
    { path: "/:rest(.*)*", redirect: "/board" },
  ],
});

router.beforeEach((to) => {
  if (to.meta.public) return true;
  if (!tokenValid()) return { name: "login", query: { redirect: to.fullPath } };
  return true;
});

setUnauthorizedHandler(() => {
  const current = router.currentRoute.value;
  if (current.name === "login") return;
  if (current.name === "wall" && tokenValid()) return;  // the wall keeps retrying
  signOut();
  router.replace({ name: "login", query: { redirect: current.fullPath } });
});
