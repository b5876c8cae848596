/**
 * GEMM dispatch: on heap arrays the f64x2 kernels run and agree with the JavaScript kernels (the
 * oracle, themselves checked against the triple loop in gemm.test.ts) to 1e-14 relative to the
 * size of the terms (only the summation order differs); off the heap the JavaScript path runs;
 * out-of-range sizes are rejected before any kernel touches memory.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gemmNN, gemmNNjs, gemmNT, gemmNTjs } from "../../src/core/gemm.ts";
import { Rng } from "../../src/core/random.ts";
import { heapFrom, kernelCalls } from "../../src/core/wasm/alloc.ts";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";

const skip = wasmRuntime() === null ? "WebAssembly SIMD unavailable" : false;
const dims = [1, 2, 3, 4, 5, 7, 8, 9, 16, 33];

/** |got − want| ≤ 1e-14·Σ|terms| per element (the bound for reordered sums of k products). */
function assertGemmClose(got: Float64Array, want: Float64Array, scale: Float64Array, label: string): void {
  for (let i = 0; i < want.length; i++) {
    const tol = 1e-14 * (scale[i]! + Math.abs(want[i]!)) + 1e-300;
    assert.ok(Math.abs(got[i]! - want[i]!) <= tol, `${label}: element ${i} ${got[i]} vs ${want[i]}`);
  }
}

test("gemmNT on the heap matches the JavaScript kernel for all edge shapes, offsets, bias and accumulation", { skip }, () => {
  const rng = new Rng(31);
  const calls = kernelCalls.gemm;
  let cases = 0;
  for (const m of dims)
    for (const k of [1, 2, 3, 8, 17, 40])
      for (const n of dims) {
        if ((m * 7 + k * 3 + n) % 4 !== 0 && !(m === 33 && n === 33)) continue; // a spread of shapes, fast
        const a = heapFrom(rng.fillNormal(new Float64Array(2 + m * k)));
        const b = heapFrom(rng.fillNormal(new Float64Array(1 + n * k)));
        const bias = heapFrom(rng.fillNormal(new Float64Array(n)));
        const c0 = rng.fillNormal(new Float64Array(3 + m * n));
        const absA = a.map(Math.abs),
          absB = b.map(Math.abs);
        const scale = new Float64Array(m * n);
        gemmNTjs(absA, 2, absB, 1, scale, 0, m, k, n, false);
        for (const acc of [false, true])
          for (const withBias of [false, true]) {
            const c = heapFrom(c0),
              want = c0.slice();
            gemmNT(a, 2, b, 1, c, 3, m, k, n, acc, withBias ? bias : null);
            gemmNTjs(a, 2, b, 1, want, 3, m, k, n, acc);
            if (withBias) for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) want[3 + i * n + j] += bias[j]!;
            assertGemmClose(c.subarray(3), want.subarray(3), scale, `NT ${m}x${k}x${n} acc=${acc} bias=${withBias}`);
            assert.deepEqual(Array.from(c.subarray(0, 3)), Array.from(c0.subarray(0, 3)), "no write before the offset");
            cases++;
          }
      }
  assert.equal(kernelCalls.gemm - calls, cases, "every product ran in the kernel");
});

test("gemmNN on the heap matches the JavaScript kernel with plain and transposed (strided) A", { skip }, () => {
  const rng = new Rng(32);
  for (const m of dims)
    for (const k of [1, 2, 5, 32])
      for (const n of dims) {
        if ((m + 3 * k + 5 * n) % 3 !== 0) continue;
        const b = heapFrom(rng.fillNormal(new Float64Array(k * n)));
        for (const transposed of [false, true]) {
          const a = heapFrom(rng.fillNormal(new Float64Array(m * k)));
          const [s0, s1] = transposed ? [1, m] : [k, 1];
          const c0 = rng.fillNormal(new Float64Array(m * n));
          const scale = new Float64Array(m * n);
          gemmNNjs(a.map(Math.abs), 0, s0, s1, b.map(Math.abs), 0, scale, 0, m, k, n, false);
          for (const acc of [false, true]) {
            const c = heapFrom(c0),
              want = c0.slice();
            gemmNN(a, 0, s0, s1, b, 0, c, 0, m, k, n, acc);
            gemmNNjs(a, 0, s0, s1, b, 0, want, 0, m, k, n, acc);
            assertGemmClose(c, want, scale, `NN ${m}x${k}x${n} transposed=${transposed} acc=${acc}`);
          }
        }
      }
});

test("plain arrays take the JavaScript path; sizes beyond an operand are rejected on the heap", { skip }, () => {
  const calls = kernelCalls.gemm;
  const a = new Float64Array(6).fill(1),
    b = new Float64Array(6).fill(2),
    c = new Float64Array(4);
  gemmNT(a, 0, b, 0, c, 0, 2, 3, 2, false);
  assert.deepEqual(Array.from(c), [6, 6, 6, 6]);
  assert.equal(kernelCalls.gemm, calls, "no kernel call for plain arrays");
  const ha = heapFrom(a),
    hb = heapFrom(b),
    hc = heapFrom(c);
  assert.throws(
    () => gemmNT(ha, 1, hb, 0, hc, 0, 2, 3, 2, false),
    (e: unknown) => e instanceof LiquidwaveError && /gemmNT.*A has 6 elements/.test(String(e)),
  );
  assert.throws(() => gemmNN(ha, 0, 3, 1, hb, 0, hc, 0, 2, 3, 3, false), /gemmNN.*B has 6 elements/);
});
