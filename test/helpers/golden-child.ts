/**
 * Child-process entry for tests that need a different kernel build (environment variables are
 * read once per process): verifies every golden ncps case and prints one JSON line.
 */
import { readFileSync } from "node:fs";
import { verifyNcpsDocument } from "../../src/nn/ncps-verify.ts";
import { kernelCalls } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";

const dir = new URL("../fixtures/ncps/", import.meta.url);
const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as { cases: { case: string; file: string }[] };
const failed: string[] = [];
for (const { case: name, file } of index.cases) {
  const report = verifyNcpsDocument(JSON.parse(readFileSync(new URL(file, dir), "utf8")));
  if (!report.pass) failed.push(name);
}
const rt = wasmRuntime();
process.stdout.write(
  JSON.stringify({ wasm: rt !== null, fma: rt?.fma ?? false, failed, kernelCalls: kernelCalls.gemm + kernelCalls.ltc + kernelCalls.cfc }) +
    "\n",
);
