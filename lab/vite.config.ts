/**
 * Vite config of the liquidwave lab (`npm run lab`, `npm run build:lab`). The page imports the
 * library's TypeScript sources directly; the build writes a static site to dist/lab/ with relative
 * asset paths (`base: "./"`), so it works from any folder of any static host.
 *
 * The dev and preview servers send COOP/COEP headers: the page is then cross-origin isolated and
 * the library's shared-memory WebAssembly kernels run. A host that cannot set headers gets the
 * JavaScript kernels (same numbers up to rounding); the page says which path is running.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

export default defineConfig({
  root,
  base: "./",
  publicDir: false,
  logLevel: "info",
  build: {
    outDir: fileURLToPath(new URL("../dist/lab", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    chunkSizeWarningLimit: 2000,
  },
  worker: { format: "es" },
  server: { headers: isolation, port: 5173, strictPort: false },
  preview: { headers: isolation, port: 4173, strictPort: false },
});
