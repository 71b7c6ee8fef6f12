// The buyers' mobile page (手机选房): Vue 3 + Vant, built by Vite beside the console (buyer.html)
// and served by the gateway at /buyer/ (gateway/routes/console.py). Nothing from outside.
import { createApp } from "vue";
// Vant's styles of the components used, not its whole stylesheet: the icon font's @font-face
// names a CDN (at.alicdn.com), which the page must not load (CSP: nothing from elsewhere)
import "vant/es/style/base.css";
import "vant/es/loading/index.css";
import "vant/es/button/index.css";
import "vant/es/cell/index.css";
import "vant/es/cell-group/index.css";
import "vant/es/field/index.css";
import "vant/es/overlay/index.css";
import "vant/es/popup/index.css";
import "vant/es/dialog/index.css";
import "./buyer.css";
import App from "./App.vue";
import { setUnauthorizedHandler } from "./api";
import { router } from "./router";
import { clearBuyerToken } from "./session";

setUnauthorizedHandler(() => {
  clearBuyerToken();
  void router.replace({ name: "signin", query: { expired: "1" } });
});

createApp(App).use(router).mount("#app");
