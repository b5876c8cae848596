/**
 * Vite config of the liquidwave lab (`npm run lab`, `npm run build:lab`). The page imports the
 * library's TypeScript sources directly; the build writes a static site to dist/lab/ with relative
 * asset paths (`base: "./"`), so it works from any folder of any static host.
 *
 * The dev and preview servers send COOP/COEP headers: the page is then cross-origin isolated and
 * the library's shared-memory WebAssembly kernels run. A host that cannot set headers gets the
 * JavaScript kernels (same numbers up to rounding); the page says which path is running.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));
const isolation = { "Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp" };

/** h5wasm's files the data panel loads at run time (the ESM build; its wasm is inside). */
const H5WASM_FILES = ["hdf5_hl.js", "hdf5_util.js"] as const;
const h5wasmDir = (): string => dirname(fileURLToPath(import.meta.resolve("h5wasm")));

/**
 * h5wasm's ESM build (HDF5 / MATLAB v7.3 files in the data panel) is loaded at run time from
 * vendor/h5wasm/, not bundled: it is 4.8 MB. The build copies it there for static hosts; the dev
 * server (`npm run lab`) serves it there from the installed h5wasm package; the npm package leaves
 * it out and `liquidwave lab` serves it from the installed h5wasm package too.
 */
function vendorH5wasm(): Plugin[] {
  let outDir = "";
  const copy: Plugin = {
    name: "liquidwave-vendor-h5wasm",
    apply: "build",
    configResolved(c) {
      outDir = c.build.outDir;
    },
    closeBundle() {
      const dest = join(outDir, "vendor", "h5wasm");
      mkdirSync(dest, { recursive: true });
      for (const f of H5WASM_FILES) copyFileSync(join(h5wasmDir(), f), join(dest, f));
    },
  };
  const serve: Plugin = {
    name: "liquidwave-vendor-h5wasm-dev",
    apply: "serve",
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? "").split("?")[0] ?? "";
        const name = H5WASM_FILES.find((f) => path === `/vendor/h5wasm/${f}`);
        if (!name) return next();
        res.setHeader("Content-Type", "text/javascript");
        for (const [k, v] of Object.entries(isolation)) res.setHeader(k, v);
        res.end(readFileSync(join(h5wasmDir(), name)));
      });
    },
  };
  return [copy, serve];
}

export default defineConfig({
  plugins: vendorH5wasm(),
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
