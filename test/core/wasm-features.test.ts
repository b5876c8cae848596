/**
 * The kernel builds selected by the environment (read once per process, so each runs in a child):
 * LIQUIDWAVE_FMA=0 (table exp, separate mul and add) and LIQUIDWAVE_WASM=0 (JavaScript only) both
 * reproduce every golden ncps case.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { hasWasmSimd } from "../../src/core/wasm/features.ts";

const child = fileURLToPath(new URL("../helpers/golden-child.ts", import.meta.url));

function runChild(env: Record<string, string>): { wasm: boolean; fma: boolean; failed: string[]; kernelCalls: number } {
  const out = execFileSync(process.execPath, ["--import", "tsx", child], { env: { ...process.env, ...env }, encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").pop()!);
}

test("this engine has WebAssembly SIMD (the kernels need it)", () => {
  assert.ok(hasWasmSimd());
});

test("LIQUIDWAVE_FMA=0: the mul+add kernels reproduce every golden case", { skip: !hasWasmSimd() }, () => {
  const r = runChild({ LIQUIDWAVE_FMA: "0" });
  assert.ok(r.wasm && !r.fma && r.kernelCalls > 0, JSON.stringify(r));
  assert.deepEqual(r.failed, []);
});

test("LIQUIDWAVE_WASM=0: the JavaScript path alone reproduces every golden case", () => {
  const r = runChild({ LIQUIDWAVE_WASM: "0" });
  assert.ok(!r.wasm && r.kernelCalls === 0, JSON.stringify(r));
  assert.deepEqual(r.failed, []);
});
