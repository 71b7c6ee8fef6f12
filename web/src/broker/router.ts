// The broker's pages, in the hash (the gateway serves the one page at /broker/ and
// /broker/project/<id>): #/ sign-in (or a 全民经纪人's sign-up), #/home 报备, my reports and
// my commission. Signed in, the sign-in page goes home.
import { createRouter, createWebHashHistory } from "vue-router";
import Home from "./Home.vue";
import SignIn from "./SignIn.vue";
import { getBrokerToken, projectFromLocation, storeProject } from "./session";

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/", name: "signin", component: SignIn, meta: { title: "登录" } },
    { path: "/home", name: "home", component: Home, meta: { title: "我的报备" } },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach((to) => {
  const linked = projectFromLocation(window.location.pathname, window.location.hash);
  if (linked !== null) storeProject(linked);
  if (to.name === "home" && !getBrokerToken()) return { name: "signin" };
  if (to.name === "signin" && getBrokerToken()) return { name: "home" };
  return true;
});

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? "经纪人"} · 经纪人`;
});
