// The buyer's two pages, in the hash (the gateway serves the one page at /buyer/ and
// /buyer/launch/<id>): #/ sign-in, #/me 我的认筹. Signed in, the sign-in page goes to 我的认筹,
// and a link to another launch than the session's
// signs in again for that launch.
import { createRouter, createWebHashHistory } from "vue-router";
import Mine from "./Mine.vue";
import SignIn from "./SignIn.vue";
import { clearBuyerToken, getBuyerToken, storedLaunch, storeLaunch } from "./session";
import { launchFromLocation } from "./view";

export const router = createRouter({
  history: createWebHashHistory(),
  routes: [
    { path: "/", name: "signin", component: SignIn, meta: { title: "登录" } },
    { path: "/me", name: "me", component: Mine, meta: { title: "我的认筹" } },
    { path: "/:rest(.*)*", redirect: "/" },
  ],
});

router.beforeEach((to) => {
  const linked = launchFromLocation(window.location.pathname, window.location.hash);
  const other = linked !== null && linked !== storedLaunch();
  if (linked !== null) storeLaunch(linked);
  if (other) clearBuyerToken(); // a link to another launch: that launch's sign-in
  if (to.name === "me" && !getBuyerToken()) return { name: "signin" };
  if (to.name === "signin" && getBuyerToken() && !other) return { name: "me" };
  return true;
});

router.afterEach((to) => {
  document.title = `${(to.meta.title as string) ?? "手机选房"} · 手机选房`;
});
