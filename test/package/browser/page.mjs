// The page's script (bundled by esbuild in test/package/browser.test.ts). The two ncps documents
// are copied next to it by the test and embedded into the bundle.
import { compute } from "./compute.mjs";
import cfc from "./cfc.json" with { type: "json" };
import ltc from "./ltc.json" with { type: "json" };
// Test-only probe: the package's internal kernel-call counter, imported by file path so that the
// bundle holds one copy of the module the package itself uses (internals are not exported).
import { kernelCalls } from "liquidwave-internal-alloc";

const status = document.getElementById("status");
compute({ cfc, ltc }).then(
  (result) => {
    window.__result = { ...result, kernelCalls: { ...kernelCalls }, crossOriginIsolated: globalThis.crossOriginIsolated === true };
    status.textContent = "done";
  },
  (e) => {
    window.__error = String(e?.stack ?? e);
    status.textContent = "error";
  },
);
