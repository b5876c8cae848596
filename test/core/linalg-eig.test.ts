import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import {
  caddDiagInPlace,
  cclone,
  cdet,
  ceigh,
  ceigvals,
  cgramAH,
  cinv,
  cmat,
  cmatFromRows,
  cmatmul,
  csolve,
  type CMat,
} from "../../src/core/linalg/index.ts";

function rand(rng: Rng, m: number, n: number): CMat {
  const a = cmat(m, n);
  rng.fillComplexNormal(a.re, a.im);
  return a;
}

/** Greedy matching of two eigenvalue lists; returns the largest distance of a matched pair. */
function matchDistance(aRe: ArrayLike<number>, aIm: ArrayLike<number>, bRe: ArrayLike<number>, bIm: ArrayLike<number>): number {
  const used = new Set<number>();
  let worst = 0;
  for (let i = 0; i < aRe.length; i++) {
    let best = -1;
    let bestD = Infinity;
    for (let j = 0; j < bRe.length; j++) {
      if (used.has(j)) continue;
      const d = Math.hypot(aRe[i]! - bRe[j]!, aIm[i]! - bIm[j]!);
      if (d < bestD) {
        bestD = d;
        best = j;
      }
    }
    used.add(best);
    worst = Math.max(worst, bestD);
  }
  return worst;
}

function frob(a: CMat): number {
  let s = 0;
  for (let i = 0; i < a.re.length; i++) s += a.re[i]! ** 2 + a.im[i]! ** 2;
  return Math.sqrt(s);
}

test("ceigvals recovers a prescribed spectrum from a similarity transform X diag(λ) X⁻¹", () => {
  const rng = new Rng(11);
  for (const n of [1, 2, 3, 4, 6, 8, 12]) {
    const lamRe = rng.fillNormal(new Float64Array(n));
    const lamIm = rng.fillNormal(new Float64Array(n));
    const x = rand(rng, n, n);
    caddDiagInPlace(x, 3); // keep X well conditioned so the eigenvalues are well conditioned
    const d = cmat(n, n);
    for (let i = 0; i < n; i++) {
      d.re[i * n + i] = lamRe[i]!;
      d.im[i * n + i] = lamIm[i]!;
    }
    const a = cmatmul(cmatmul(x, d), cinv(x));
    const ev = ceigvals(a);
    assert.ok(matchDistance(ev.re, ev.im, lamRe, lamIm) < 1e-11 * Math.max(1, frob(a)), `n = ${n}`);
  }
});

test("ceigvals finds the unit-circle roots of a companion matrix (the ESPRIT use case)", () => {
  // p(z) = Π (z - z_l) with z_l = e^{j 2π ν_l}, expanded; companion matrix in Frobenius form.
  const nu = [0.013, -0.027, 0.031, 0.002, -0.011];
  const n = nu.length;
  let cr = [1],
    ci = [0]; // coefficients, highest power first
  for (const v of nu) {
    const zr = Math.cos(2 * Math.PI * v),
      zi = Math.sin(2 * Math.PI * v);
    const nr = new Array(cr.length + 1).fill(0),
      ni = new Array(cr.length + 1).fill(0);
    for (let i = 0; i < cr.length; i++) {
      nr[i] += cr[i]!;
      ni[i] += ci[i]!;
      nr[i + 1] -= cr[i]! * zr - ci[i]! * zi;
      ni[i + 1] -= cr[i]! * zi + ci[i]! * zr;
    }
    cr = nr;
    ci = ni;
  }
  const a = cmat(n, n);
  for (let j = 0; j < n; j++) {
    a.re[j] = -cr[j + 1]!;
    a.im[j] = -ci[j + 1]!;
  }
  for (let i = 1; i < n; i++) a.re[i * n + i - 1] = 1;
  const ev = ceigvals(a);
  const wantRe = nu.map((v) => Math.cos(2 * Math.PI * v));
  const wantIm = nu.map((v) => Math.sin(2 * Math.PI * v));
  // Close roots make this polynomial ill conditioned (root separations ~0.06): 1e-9 is generous.
  assert.ok(matchDistance(ev.re, ev.im, wantRe, wantIm) < 1e-9);
});

test("ceigvals of random matrices: trace = Σλ, det = Πλ, and A − λI is singular for every λ", () => {
  const rng = new Rng(5);
  for (const n of [2, 3, 5, 9, 16]) {
    const a = rand(rng, n, n);
    const ev = ceigvals(a);
    let tr = 0,
      ti = 0;
    for (let i = 0; i < n; i++) {
      tr += a.re[i * n + i]!;
      ti += a.im[i * n + i]!;
    }
    let sr = 0,
      si = 0,
      pr = 1,
      pi = 0;
    for (let i = 0; i < n; i++) {
      sr += ev.re[i]!;
      si += ev.im[i]!;
      [pr, pi] = [pr * ev.re[i]! - pi * ev.im[i]!, pr * ev.im[i]! + pi * ev.re[i]!];
    }
    const scale = frob(a);
    assert.ok(Math.hypot(sr - tr, si - ti) < 1e-12 * n * scale, `trace n = ${n}`);
    const [dr, di] = cdet(a);
    assert.ok(Math.hypot(pr - dr, pi - di) < 1e-11 * Math.hypot(dr, di), `det n = ${n}`);
    for (let i = 0; i < n; i++) {
      const s = cclone(a);
      for (let k = 0; k < n; k++) {
        s.re[k * n + k] = s.re[k * n + k]! - ev.re[i]!;
        s.im[k * n + k] = s.im[k * n + k]! - ev.im[i]!;
      }
      // σ_min(A − λI) ≤ ‖b‖ / ‖(A − λI)⁻¹ b‖ for any b (one inverse-iteration step).
      const rhs = rand(rng, n, 1);
      let sigmaMin = 0;
      try {
        sigmaMin = frob(rhs) / frob(csolve(s, rhs));
      } catch (e) {
        assert.ok(e instanceof LiquidwaveError && /singular/.test(e.message), String(e));
      }
      assert.ok(sigmaMin < 1e-12 * scale, `σ_min(A − λ_${i} I) = ${sigmaMin} for n = ${n}`);
    }
  }
});

test("ceigvals of a Hermitian matrix agrees with ceigh, of a triangular one with its diagonal", () => {
  const rng = new Rng(8);
  const b = rand(rng, 7, 7);
  const h = cgramAH(b);
  const ev = ceigvals(h);
  const ref = ceigh(h, { vectors: false }).values;
  assert.ok(matchDistance(ev.re, ev.im, ref, new Float64Array(7)) < 1e-12 * frob(h));
  const t = rand(rng, 5, 5);
  for (let i = 0; i < 5; i++)
    for (let j = 0; j < i; j++) {
      t.re[i * 5 + j] = 0;
      t.im[i * 5 + j] = 0;
    }
  const et = ceigvals(t);
  const dRe = [0, 1, 2, 3, 4].map((i) => t.re[i * 6]!),
    dIm = [0, 1, 2, 3, 4].map((i) => t.im[i * 6]!);
  assert.ok(matchDistance(et.re, et.im, dRe, dIm) < 1e-14 * frob(t));
});

test("ceigvals handles a Jordan block, the zero matrix and a 1 × 1 matrix", () => {
  const j = ceigvals(
    cmatFromRows([
      [2, 1],
      [0, 2],
    ]),
  );
  assert.deepEqual([...j.re], [2, 2]);
  assert.deepEqual([...j.im], [0, 0]);
  const z = ceigvals(cmat(3, 3));
  assert.deepEqual([...z.re, ...z.im], [0, 0, 0, 0, 0, 0]);
  const one = ceigvals(cmatFromRows([[3]], [[-1]]));
  assert.deepEqual([one.re[0], one.im[0]], [3, -1]);
  // A rotation [[0, -1], [1, 0]] has eigenvalues ±i.
  const r = ceigvals(
    cmatFromRows([
      [0, -1],
      [1, 0],
    ]),
  );
  assert.ok(matchDistance(r.re, r.im, [0, 0], [1, -1]) < 1e-15);
});

test("ceigvals rejects non-square and non-finite matrices with one clear line", () => {
  assert.throws(
    () => ceigvals(cmat(2, 3)),
    (e: unknown) => e instanceof LiquidwaveError && /ceigvals/.test(e.message),
  );
  const a = cmatFromRows([
    [1, NaN],
    [0, 1],
  ]);
  assert.throws(
    () => ceigvals(a),
    (e: unknown) => e instanceof LiquidwaveError && /NaN/.test(e.message),
  );
});
