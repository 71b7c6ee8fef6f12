// The console's build (docs/design.md, front-end): Vue single-file components bundled into
// dist/, which the gateway serves at /console/ (gateway/routes/console.py). Everything is in
// the bundle: no CDN, no web font; the browser is allowed nothing from another origin (CSP).
// Three pages: index.html, the staff console (Element Plus), buyer.html, the buyers' mobile
// page 手机选房 (Vant, src/buyer/), which the gateway serves at /buyer/, and broker.html, the
// brokers' page (Vant, src/broker/) at /broker/; all load their assets from /console/assets/
// (one build, shared chunks such as Vue's).
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      input: {
        console: fileURLToPath(new URL("index.html", import.meta.url)),
        buyer: fileURLToPath(new URL("buyer.html", import.meta.url)),
        broker: fileURLToPath(new URL("broker.html", import.meta.url)),
      },
    },
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
