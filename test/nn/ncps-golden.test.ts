import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { verifyNcpsDocument } from "../../src/nn/ncps-verify.ts";
import { kernelCalls, setHeapAllocation } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";

const dir = new URL("../fixtures/ncps/", import.meta.url);
const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as { cases: { case: string; file: string }[] };

function verify(name: string, file: string): void {
  const doc = JSON.parse(readFileSync(new URL(file, dir), "utf8"));
  const report = verifyNcpsDocument(doc);
  for (const run of report.runs) {
    const bad = Object.entries(run.gradientDetail)
      .filter(([, c]) => c.failures > 0)
      .map(([k, c]) => `${k} (max abs ${c.maxAbsErr.toExponential(2)})`);
    assert.ok(
      run.pass,
      `${name}/${run.name}: outputs ${run.outputs.maxAbsErr.toExponential(2)}, states ${run.states.maxAbsErr.toExponential(2)}, gradients ${run.gradients.maxAbsErr.toExponential(2)}; failing: ${bad.join(", ")}`,
    );
    assert.ok(run.outputs.count > 0 && run.states.count > 0 && run.gradients.count > 0, "something was compared");
  }
  assert.equal(report.runs.length, 2, "regular and irregular runs");
}

const cellKernelCalls = () => kernelCalls.gemm + kernelCalls.elementwise + kernelCalls.cfc + kernelCalls.ltc;

for (const { case: name, file } of index.cases) {
  test(`golden case ${name} reproduces outputs, states and gradients to 1e-9 relative (WebAssembly kernels)`, () => {
    const before = cellKernelCalls();
    verify(name, file);
    // Models allocate on the heap by default, so the cell kernels must have run.
    if (wasmRuntime()) assert.ok(cellKernelCalls() > before, "the kernels ran");
  });
  test(`golden case ${name} reproduces outputs, states and gradients to 1e-9 relative (JavaScript path)`, () => {
    const prev = setHeapAllocation(false);
    try {
      const before = cellKernelCalls();
      verify(name, file);
      assert.equal(cellKernelCalls(), before, "no kernel ran on plain arrays");
    } finally {
      setHeapAllocation(prev);
    }
  });
}
