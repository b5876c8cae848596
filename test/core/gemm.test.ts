import { test } from "node:test";
import { gemmNN, gemmNT } from "../../src/core/gemm.ts";
import { Rng } from "../../src/core/random.ts";
import { assertAllClose } from "../helpers/assert.ts";

/** Textbook C = A·op(B) as the oracle. */
function reference(a: (i: number, p: number) => number, b: (p: number, j: number) => number, m: number, k: number, n: number) {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a(i, p) * b(p, j);
      c[i * n + j] = s;
    }
  return c;
}

const shapes = [
  [1, 1, 1],
  [1, 5, 3],
  [2, 3, 2],
  [3, 4, 5],
  [5, 7, 9],
  [8, 16, 4],
  [33, 40, 129],
];

test("gemmNT matches the triple loop for odd and even shapes, with offsets and accumulation", () => {
  const r = new Rng(11);
  for (const [m, k, n] of shapes as [number, number, number][]) {
    const a = r.fillNormal(new Float64Array(3 + m * k));
    const b = r.fillNormal(new Float64Array(5 + n * k));
    const c0 = r.fillNormal(new Float64Array(2 + m * n));
    const want = reference(
      (i, p) => a[3 + i * k + p]!,
      (p, j) => b[5 + j * k + p]!,
      m,
      k,
      n,
    );
    const c = c0.slice();
    gemmNT(a, 3, b, 5, c, 2, m, k, n, false);
    assertAllClose(c.subarray(2), want, { rtol: 1e-14, atol: 1e-14, label: `NT ${m}x${k}x${n}` });
    const acc = c0.slice();
    gemmNT(a, 3, b, 5, acc, 2, m, k, n, true);
    assertAllClose(
      acc.subarray(2),
      want.map((v, i) => v + c0[2 + i]!),
      { rtol: 1e-14, atol: 1e-14 },
    );
  }
});

test("gemmNN matches the triple loop with a plain and a transposed (strided) A", () => {
  const r = new Rng(12);
  for (const [m, k, n] of shapes as [number, number, number][]) {
    const a = r.fillNormal(new Float64Array(m * k));
    const b = r.fillNormal(new Float64Array(k * n));
    const c = new Float64Array(m * n);
    gemmNN(a, 0, k, 1, b, 0, c, 0, m, k, n, false);
    assertAllClose(
      c,
      reference(
        (i, p) => a[i * k + p]!,
        (p, j) => b[p * n + j]!,
        m,
        k,
        n,
      ),
      { rtol: 1e-14, atol: 1e-14 },
    );
    // A stored as [k, m]: read its transpose through strides.
    const at = r.fillNormal(new Float64Array(k * m));
    const c2 = r.fillNormal(new Float64Array(m * n));
    const before = c2.slice();
    gemmNN(at, 0, 1, m, b, 0, c2, 0, m, k, n, true);
    const want = reference(
      (i, p) => at[p * m + i]!,
      (p, j) => b[p * n + j]!,
      m,
      k,
      n,
    ).map((v, i) => v + before[i]!);
    assertAllClose(c2, want, { rtol: 1e-13, atol: 1e-13, label: `NN^T ${m}x${k}x${n}` });
  }
});
