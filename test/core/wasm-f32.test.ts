/**
 * float32 kernels against float64 oracles computed on the same (float32-rounded) inputs.
 * Tolerances, with u = 2⁻²⁴ (float32 unit roundoff):
 * - gemm: |c − ĉ| ≤ (k + 2)·u·Σ_p |a_p b_p| + u·|ĉ| + 2u·|bias| + 2u·|c₀| (the classical dot-product
 *   bound γ_k, with room for the final rounding, the bias and the accumulated value);
 * - exp ≤ 1.5 ulp on [−87, 88]; σ ≤ 3 ulp where σ ≥ 1e−37; tanh ≤ 3.5 ulp (measured 1.2, 2.9, 3.0);
 * - Adam: every updated value within 4 u (relative) plus 4 u·lr of the float64 update.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { wasmRuntime } from "../../src/core/wasm/runtime.ts";
import { HeapArena } from "../../src/core/wasm/arena.ts";
import { Rng } from "../../src/core/random.ts";

const u = 2 ** -24;
const rt = wasmRuntime();
const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.abs(v))) - 23);

function fillF32(a: Float32Array, rng: Rng): Float32Array {
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  return a;
}

test("gemmNT32 and gemmNN32 match a float64 product of the same inputs within the dot-product bound", { skip: !rt }, () => {
  const K = rt!.kernels;
  const rng = new Rng(5);
  using mem = new HeapArena("test");
  for (const m of [1, 2, 3, 5])
    for (const k of [1, 3, 4, 7, 33])
      for (const n of [1, 2, 3, 4, 5, 9, 13])
        for (const [acc, withBias] of [
          [0, 0],
          [1, 1],
        ] as const) {
          const a = fillF32(mem.f32(m * k), rng),
            b = fillF32(mem.f32(n * k), rng),
            c = fillF32(mem.f32(m * n), rng),
            bias = fillF32(mem.f32(n), rng);
          const c0 = Float64Array.from(c);
          K.gemmNT32(a.byteOffset, b.byteOffset, c.byteOffset, m, k, n, acc, withBias ? bias.byteOffset : 0);
          // gemmNN32 with A read transposed (as0 = 1, as1 = m) from aT [k, m] and B as [k, n].
          const aT = mem.f32(k * m),
            bkn = mem.f32(k * n),
            c2 = fillF32(mem.f32(m * n), rng);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) aT[p * m + i] = a[i * k + p]!;
          for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) bkn[p * n + j] = b[j * k + p]!;
          const c20 = Float64Array.from(c2);
          K.gemmNN32(aT.byteOffset, 1, m, bkn.byteOffset, c2.byteOffset, m, k, n, acc);
          for (let i = 0; i < m; i++)
            for (let j = 0; j < n; j++) {
              let s = 0,
                mag = 0;
              for (let p = 0; p < k; p++) {
                s += a[i * k + p]! * b[j * k + p]!;
                mag += Math.abs(a[i * k + p]! * b[j * k + p]!);
              }
              const bj = withBias ? bias[j]! : 0;
              const want = s + bj + (acc ? c0[i * n + j]! : 0);
              const tol = (k + 2) * u * mag + u * Math.abs(want) + 2 * u * Math.abs(bj) + 2 * u * Math.abs(acc ? c0[i * n + j]! : 0);
              const got = c[i * n + j]!;
              assert.ok(Math.abs(got - want) <= tol, `gemmNT32 m=${m} k=${k} n=${n} acc=${acc} (${i},${j}): ${got} vs ${want}, tol ${tol}`);
              const want2 = s + (acc ? c20[i * n + j]! : 0);
              const tol2 = (k + 2) * u * mag + u * Math.abs(want2) + 2 * u * Math.abs(acc ? c20[i * n + j]! : 0);
              assert.ok(Math.abs(c2[i * n + j]! - want2) <= tol2, `gemmNN32 m=${m} k=${k} n=${n} acc=${acc} (${i},${j})`);
            }
        }
});

test("vexp32, vsigmoid32 and vtanh32 are within a few float32 ulps of the float64 functions", { skip: !rt }, () => {
  const K = rt!.kernels;
  using mem = new HeapArena("test");
  const n = 40_003; // odd: the last elements take the one-lane path
  const x = mem.f32(n),
    y = mem.f32(n);
  const rng = new Rng(9);
  for (let i = 0; i < n; i++) x[i] = i % 2 ? -90 + (180 * i) / n : rng.normal() * (i % 3 ? 1e-3 : 3);
  const cases = [
    ["vexp32", Math.exp, 1.5, (t: number) => t >= -87 && t <= 88],
    ["vsigmoid32", (t: number) => 1 / (1 + Math.exp(-t)), 3, (t: number) => 1 / (1 + Math.exp(-t)) >= 1e-37],
    ["vtanh32", Math.tanh, 3.5, () => true],
  ] as const;
  for (const [name, ref, maxUlp, inRange] of cases) {
    K[name](x.byteOffset, y.byteOffset, n);
    for (let i = 0; i < n; i++) {
      const r = ref(x[i]!);
      if (!inRange(x[i]!) || r === 0) continue;
      const e = Math.abs(y[i]! - r) / ulp(r);
      assert.ok(e <= maxUlp, `${name}(${x[i]}) = ${y[i]}, float64 ${r}: ${e.toFixed(2)} ulp > ${maxUlp}`);
    }
  }
  // Outside exp's range: σ saturates to 0/1 and stays finite, tanh to ±1.
  x.set([-200, 200, -1e30, 1e30]);
  K.vsigmoid32(x.byteOffset, y.byteOffset, 4);
  assert.ok(y[0]! >= 0 && y[0]! < 1e-37 && y[1] === 1 && y[2]! < 1e-37 && y[3] === 1);
  K.vtanh32(x.byteOffset, y.byteOffset, 4);
  assert.deepEqual(Array.from(y.subarray(0, 4)), [-1, 1, -1, 1]);
});

test("adamStep32 matches the float64 Adam update on the same float32 values", { skip: !rt }, () => {
  const K = rt!.kernels;
  using mem = new HeapArena("test");
  const rng = new Rng(3);
  for (const n of [1, 3, 4, 11]) {
    for (const wd of [0, 0.01]) {
      const p = fillF32(mem.f32(n), rng),
        g = fillF32(mem.f32(n), rng),
        m = mem.f32(n),
        v = mem.f32(n);
      const P = Float64Array.from(p),
        M = new Float64Array(n),
        V = new Float64Array(n);
      const lr = 1e-2,
        b1 = 0.9,
        b2 = 0.999,
        eps = 1e-8;
      for (let t = 1; t <= 3; t++) {
        const step = lr / (1 - b1 ** t),
          sq = Math.sqrt(1 - b2 ** t);
        K.adamStep32(p.byteOffset, g.byteOffset, m.byteOffset, v.byteOffset, n, b1, 1 - b1, b2, 1 - b2, step, sq, eps, lr * wd);
        for (let i = 0; i < n; i++) {
          const gi = g[i]!;
          P[i] -= lr * wd * P[i]!;
          M[i] = b1 * M[i]! + (1 - b1) * gi;
          V[i] = b2 * V[i]! + (1 - b2) * gi * gi;
          P[i] -= step * (M[i]! / (Math.sqrt(V[i]!) / sq + eps));
        }
        for (let i = 0; i < n; i++)
          assert.ok(
            Math.abs(p[i]! - P[i]!) <= 4 * u * Math.abs(P[i]!) + 4 * u * lr * t,
            `n=${n} wd=${wd} t=${t} [${i}]: ${p[i]} vs ${P[i]}`,
          );
      }
    }
  }
});
