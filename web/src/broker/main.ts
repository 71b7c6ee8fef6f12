// The brokers' mobile page (经纪人): Vue 3 + Vant like the buyers' (src/buyer/), built by Vite
// beside the console (broker.html) and served by the gateway at /broker/ (gateway/routes/console.py).
import { createApp } from "vue";
// Vant's styles of the components used only (its icon font names a CDN: see src/buyer/main.ts)
import "vant/es/style/base.css";
import "vant/es/loading/index.css";
import "vant/es/button/index.css";
import "vant/es/cell/index.css";
import "vant/es/cell-group/index.css";
import "vant/es/field/index.css";
import "../buyer/buyer.css";
import "./broker.css";
import App from "./App.vue";
import { setUnauthorizedHandler } from "./api";
import { router } from "./router";
import { clearBrokerToken } from "./session";

setUnauthorizedHandler(() => {
  clearBrokerToken();
  void router.replace({ name: "signin", query: { expired: "1" } });
});

createApp(App).use(router).mount("#app");
