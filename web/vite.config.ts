// The console's build (docs/design.md, front-end): Vue single-file components bundled into
// dist/, which the gateway serves at /console/ (gateway/routes/console.py). Everything is in
// the bundle: no CDN, no web font; the browser is allowed nothing from another origin (CSP).
import { defineConfig } from "vitest/config";
import vue from "@vitejs/plugin-vue";

export default defineConfig({
  base: "/console/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  test: {
    include: ["src/**/*.test.ts"],
    environment: "node",
  },
});
