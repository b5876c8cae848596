import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import {
  caddDiagInPlace,
  cclone,
  ccholesky,
  cdet,
  cdet2,
  ceigh,
  ceighApply,
  ceye,
  cfrob2,
  cgram,
  cgramAH,
  chermitian,
  cinv,
  cinv2Hpd,
  cinvHpd,
  clogDet,
  clogDetHpd,
  cmat,
  cmatmul,
  cmatmulAH,
  cmatmulBH,
  cmaxAbsDiff,
  csolve,
  csolveHpd,
  luFactor,
  logDet2Hpd,
  tryCholesky,
  type CMat,
} from "../../src/core/linalg/index.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";

const EPS = 2.220446049250313e-16;

function rand(rng: Rng, m: number, n: number): CMat {
  const a = cmat(m, n);
  rng.fillComplexNormal(a.re, a.im);
  return a;
}

/** Textbook triple loop, the oracle for the blocked kernels. */
function naiveMul(a: CMat, b: CMat, conjA = false, transA = false, conjB = false, transB = false): CMat {
  const get = (x: CMat, i: number, j: number, t: boolean, c: boolean): [number, number] => {
    const k = t ? j * x.cols + i : i * x.cols + j;
    return [x.re[k]!, c ? -x.im[k]! : x.im[k]!];
  };
  const m = transA ? a.cols : a.rows;
  const p = transA ? a.rows : a.cols;
  const n = transB ? b.rows : b.cols;
  const out = cmat(m, n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sr = 0;
      let si = 0;
      for (let k = 0; k < p; k++) {
        const [ar, ai] = get(a, i, k, transA, conjA);
        const [br, bi] = get(b, k, j, transB, conjB);
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      out.re[i * n + j] = sr;
      out.im[i * n + j] = si;
    }
  }
  return out;
}

/** A random unitary matrix: the eigenvectors of a random Hermitian matrix. */
function randomUnitary(rng: Rng, n: number): CMat {
  const g = rand(rng, n, n);
  const h = cmatmulBH(g, g);
  const x = rand(rng, n, n);
  for (let i = 0; i < h.re.length; i++) h.re[i]! += x.re[i]!; // break any structure
  return ceigh(cgram(h)).vectors!;
}

/** `U diag(s) W^H` with the given singular values (complex, conditioned as asked). */
function withSingularValues(rng: Rng, s: readonly number[]): CMat {
  const n = s.length;
  const u = randomUnitary(rng, n);
  const w = randomUnitary(rng, n);
  const us = cclone(u);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      us.re[i * n + j]! *= s[j]!;
      us.im[i * n + j]! *= s[j]!;
    }
  }
  return cmatmulBH(us, w);
}

/** A Hermitian PD matrix `U diag(lambda) U^H`. */
function hpdWithEigenvalues(rng: Rng, lambda: readonly number[]): CMat {
  const n = lambda.length;
  const u = randomUnitary(rng, n);
  const ul = cclone(u);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      ul.re[i * n + j]! *= lambda[j]!;
      ul.im[i * n + j]! *= lambda[j]!;
    }
  }
  const a = cmatmulBH(ul, u);
  // exactly Hermitian
  for (let i = 0; i < n; i++) {
    a.im[i * n + i] = 0;
    for (let j = 0; j < i; j++) {
      a.re[i * n + j] = a.re[j * n + i]!;
      a.im[i * n + j] = -a.im[j * n + i]!;
    }
  }
  return a;
}

function logspace(hi: number, lo: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => 10 ** (hi + ((lo - hi) * i) / Math.max(n - 1, 1)));
}

function norm(a: CMat): number {
  return Math.sqrt(cfrob2(a));
}

test("products A B, A^H B, A B^H and the Gram matrices match the textbook triple loop", () => {
  const rng = new Rng(11);
  for (const [m, p, n] of [
    [1, 1, 1],
    [3, 5, 7],
    [8, 64, 4],
    [7, 2, 9],
    [33, 17, 31],
    [64, 64, 64],
  ] as const) {
    const a = rand(rng, m, p);
    const b = rand(rng, p, n);
    const tol = 1e-13 * Math.sqrt(p);
    assert.ok(cmaxAbsDiff(cmatmul(a, b), naiveMul(a, b)) < tol, `A B ${m}x${p}x${n}`);
    const a2 = rand(rng, p, m);
    assert.ok(cmaxAbsDiff(cmatmulAH(a2, b), naiveMul(a2, b, true, true)) < tol, `A^H B ${m}x${p}x${n}`);
    const b2 = rand(rng, n, p);
    assert.ok(cmaxAbsDiff(cmatmulBH(a, b2), naiveMul(a, b2, false, false, true, true)) < tol, `A B^H ${m}x${p}x${n}`);
    const g = cgram(a);
    assert.ok(cmaxAbsDiff(g, naiveMul(a, a, false, false, true, true)) < tol, `A A^H ${m}x${p}`);
    const g2 = cgramAH(a);
    assert.ok(cmaxAbsDiff(g2, naiveMul(a, a, true, true)) < tol, `A^H A ${m}x${p}`);
    // exactly Hermitian with a real diagonal
    for (const h of [g, g2]) {
      const k = h.rows;
      for (let i = 0; i < k; i++) {
        assert.equal(h.im[i * k + i], 0);
        for (let j = 0; j < k; j++) {
          assert.equal(h.re[i * k + j], h.re[j * k + i]);
          assert.ok(h.im[i * k + j] === -h.im[j * k + i]!, "conjugate symmetric");
        }
      }
    }
  }
});

test("a product into a wrongly sized out matrix or with mismatched inner sizes is an error", () => {
  const rng = new Rng(1);
  assert.throws(() => cmatmul(rand(rng, 2, 3), rand(rng, 2, 3)), /cmatmul: inner sizes differ/);
  assert.throws(() => cmatmul(rand(rng, 2, 3), rand(rng, 3, 2), cmat(3, 3)), /out is 3 x 3, expected 2 x 2/);
  assert.throws(() => cmatmulAH(rand(rng, 2, 3), rand(rng, 3, 3)), /cmatmulAH/);
  assert.throws(() => cmatmulBH(rand(rng, 2, 3), rand(rng, 3, 2)), /cmatmulBH/);
});

test("LU reconstructs P A = L U and the inverse satisfies A inv(A) = I on random matrices", () => {
  const rng = new Rng(12);
  for (const n of [1, 2, 3, 5, 8, 31, 64]) {
    const a = rand(rng, n, n);
    const f = luFactor(a);
    const l = cmat(n, n);
    const u = cmat(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const k = i * n + j;
        if (j < i) {
          l.re[k] = f.lu.re[k]!;
          l.im[k] = f.lu.im[k]!;
        } else {
          u.re[k] = f.lu.re[k]!;
          u.im[k] = f.lu.im[k]!;
          if (i === j) l.re[k] = 1;
        }
      }
    }
    const pa = cmat(n, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        pa.re[i * n + j] = a.re[f.piv[i]! * n + j]!;
        pa.im[i * n + j] = a.im[f.piv[i]! * n + j]!;
      }
    }
    assert.ok(cmaxAbsDiff(cmatmul(l, u), pa) < 1e-13 * n * norm(a), `P A = L U, n = ${n}`);
    const inv = cinv(a);
    assert.ok(cmaxAbsDiff(cmatmul(a, inv), ceye(n)) < 1e-12 * n, `A inv(A) = I, n = ${n}`);
    assert.ok(cmaxAbsDiff(cmatmul(inv, a), ceye(n)) < 1e-12 * n, `inv(A) A = I, n = ${n}`);
    const b = rand(rng, n, 3);
    const x = csolve(a, b);
    assert.ok(cmaxAbsDiff(cmatmul(a, x), b) < 1e-12 * n * norm(b), `A x = b, n = ${n}`);
  }
});

test("inverse and solve on ill-conditioned matrices (cond 1e10) have a residual within cond * n * eps", () => {
  const rng = new Rng(13);
  for (const n of [2, 8, 40]) {
    const cond = 1e10;
    const a = withSingularValues(rng, logspace(0, -10, n));
    const inv = cinv(a);
    const res = cmaxAbsDiff(cmatmul(a, inv), ceye(n));
    assert.ok(res < 10 * n * EPS * cond, `||A inv(A) - I|| = ${res}, n = ${n}`);
    // backward error of a solve stays at round-off level regardless of the conditioning
    const b = rand(rng, n, 2);
    const x = csolve(a, b);
    const r = cmatmul(a, x);
    const backward = norm(cadd2(r, b)) / (norm(a) * norm(x));
    assert.ok(backward < 100 * n * EPS, `backward error ${backward}, n = ${n}`);
  }
});

function cadd2(a: CMat, b: CMat): CMat {
  const out = cmat(a.rows, a.cols);
  for (let i = 0; i < a.re.length; i++) {
    out.re[i] = a.re[i]! - b.re[i]!;
    out.im[i] = a.im[i]! - b.im[i]!;
  }
  return out;
}

test("a singular matrix or a non-finite entry is a clear error, never NaN", () => {
  const rng = new Rng(14);
  const a = rand(rng, 4, 4);
  for (let j = 0; j < 4; j++) {
    a.re[3 * 4 + j] = 2 * a.re[1 * 4 + j]!; // row 3 = 2 row 1
    a.im[3 * 4 + j] = 2 * a.im[1 * 4 + j]!;
  }
  assert.throws(
    () => cinv(a),
    (e: unknown) => e instanceof LiquidwaveError && /cinv: matrix is singular/.test(e.message),
  );
  assert.throws(() => csolve(a, rand(rng, 4, 1)), /csolve: matrix is singular/);
  assert.throws(() => clogDet(a), /clogDet: matrix is singular/);
  assert.deepEqual(cdet(a), [0, 0]);
  assert.throws(() => cinv(cmat(2, 2)), /cinv: 2 x 2 matrix is singular/);
  assert.throws(() => cinv(cmat(1, 1)), /cinv: matrix is singular/);
  const b = rand(rng, 3, 3);
  b.re[4] = NaN;
  assert.throws(() => cinv(b), /non-finite/);
  assert.throws(() => ceigh(b), /ceigh: matrix has a non-finite entry/);
  assert.throws(() => cdet(b), /non-finite/);
  assert.equal(tryCholesky(b), null);
  assert.throws(() => cinv(rand(rng, 2, 3)), /must be square/);
});

test("the determinant is multiplicative and the log-determinant matches it in modulus and phase", () => {
  const rng = new Rng(15);
  for (const n of [1, 2, 3, 6, 20]) {
    const a = rand(rng, n, n);
    const b = rand(rng, n, n);
    const [ar, ai] = cdet(a);
    const [br, bi] = cdet(b);
    const [cr, ci] = cdet(cmatmul(a, b));
    const pr = ar * br - ai * bi;
    const pi = ar * bi + ai * br;
    assert.ok(Math.hypot(cr - pr, ci - pi) < 1e-11 * Math.hypot(pr, pi), `det(AB) = det A det B, n = ${n}`);
    const ld = clogDet(a);
    assert.ok(Math.abs(ld.logAbs - Math.log(Math.hypot(ar, ai))) < 1e-12 * Math.max(1, Math.abs(ld.logAbs)));
    assert.ok(Math.abs(Math.atan2(Math.sin(ld.phase - Math.atan2(ai, ar)), Math.cos(ld.phase - Math.atan2(ai, ar)))) < 1e-10);
    assert.ok(ld.phase > -Math.PI && ld.phase <= Math.PI);
  }
  // Triangular: product of the diagonal.
  const t = cmat(3, 3);
  t.re[0] = 2;
  t.im[4] = 3;
  t.re[8] = -1;
  t.re[1] = 5;
  t.im[2] = 7;
  t.re[5] = 4;
  const [dr, di] = cdet(t);
  assert.ok(Math.abs(dr - 0) < 1e-15 && Math.abs(di - -6) < 1e-14, `det = ${dr} + ${di}i`);
  const m = cmat(2, 2);
  m.re.set([1, 2, 3, 4]);
  m.im.set([0, 1, 0, 0]);
  assert.deepEqual(cdet2(m), [1 * 4 - 2 * 3, -3]); // 1*4 - (2 + i) 3
});

test("Cholesky reconstructs L L^H = A with a positive real diagonal, on random and ill-conditioned HPD matrices", () => {
  const rng = new Rng(16);
  for (const [n, cond] of [
    [1, 1],
    [2, 10],
    [8, 1e3],
    [64, 1e6],
    [32, 1e12],
  ] as const) {
    const a = hpdWithEigenvalues(rng, logspace(0, -Math.log10(cond), n));
    const l = ccholesky(a);
    for (let i = 0; i < n; i++) {
      assert.ok(l.re[i * n + i]! > 0);
      assert.equal(l.im[i * n + i], 0);
      for (let j = i + 1; j < n; j++) assert.ok(l.re[i * n + j] === 0 && l.im[i * n + j] === 0);
    }
    assert.ok(cmaxAbsDiff(cmatmulBH(l, l), a) < 10 * n * EPS * norm(a), `L L^H = A, n = ${n}, cond ${cond}`);
    const inv = cinvHpd(a);
    assert.ok(cmaxAbsDiff(cmatmul(a, inv), ceye(n)) < 10 * n * EPS * cond, `A inv(A) = I, n = ${n}, cond ${cond}`);
    const b = rand(rng, n, 2);
    const x = csolveHpd(a, b);
    assert.ok(norm(cadd2(cmatmul(a, x), b)) < 100 * n * EPS * norm(a) * norm(x));
    // log det = sum of log eigenvalues, and equals the LU log|det|.
    const want = logspace(0, -Math.log10(cond), n).reduce((s, v) => s + Math.log(v), 0);
    assert.ok(Math.abs(clogDetHpd(a) - want) < 1e-9 * Math.max(1, Math.abs(want)) + n * 1e-12 * cond, `log det n = ${n}`);
    if (cond <= 1e6) assert.ok(Math.abs(clogDet(a).logAbs - clogDetHpd(a)) < 1e-10 * Math.max(1, Math.abs(want)));
  }
});

test("Cholesky reports an indefinite or singular matrix as not positive definite", () => {
  const rng = new Rng(17);
  const a = hpdWithEigenvalues(rng, [3, 1, -0.5]);
  assert.equal(tryCholesky(a), null);
  assert.throws(() => ccholesky(a), /ccholesky: matrix \(3 x 3\) is not Hermitian positive definite/);
  assert.throws(() => clogDetHpd(cmat(2, 2)), /clogDetHpd/);
  assert.throws(() => cinvHpd(a), /cinvHpd/);
});

test("the Hermitian eigendecomposition reconstructs A = Q diag Q^H with Q^H Q = I, for n up to 160", () => {
  const rng = new Rng(18);
  for (const n of [1, 2, 3, 4, 8, 17, 64, 160]) {
    const g = rand(rng, n, n);
    const a = cgram(g);
    const { values, vectors } = ceigh(a);
    const q = vectors!;
    for (let i = 1; i < n; i++) assert.ok(values[i]! >= values[i - 1]!, "ascending");
    const ql = cclone(q);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        ql.re[i * n + j]! *= values[j]!;
        ql.im[i * n + j]! *= values[j]!;
      }
    }
    const scale = values[n - 1]!;
    assert.ok(cmaxAbsDiff(cmatmulBH(ql, q), a) < 20 * n * EPS * scale, `reconstruction n = ${n}`);
    assert.ok(cmaxAbsDiff(cmatmulAH(q, q), ceye(n)) < 20 * n * EPS, `Q^H Q = I n = ${n}`);
    // A q_j = lambda_j q_j column by column
    assert.ok(cmaxAbsDiff(cmatmul(a, q), ql) < 20 * n * EPS * scale, `A Q = Q diag n = ${n}`);
    // without vectors: the same eigenvalues
    const v2 = ceigh(a, { vectors: false }).values;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(v2[i]! - values[i]!) < 20 * n * EPS * scale);
  }
});

test("the eigendecomposition is accurate for known spectra: ill-conditioned, clustered, repeated and rank-deficient", () => {
  const rng = new Rng(19);
  const spectra: number[][] = [
    logspace(0, -14, 30), // cond 1e14
    [...Array(20).fill(1), ...Array(20).fill(1 + 1e-12), 5, 5, 5], // clusters and repeats
    [...Array(10).fill(0), 1, 2, 3], // null space
    [-4, -1e-9, 0, 2.5, 1e6], // indefinite, wide range
  ];
  for (const lam of spectra) {
    const n = lam.length;
    const a = hpdWithEigenvalues(rng, lam);
    const { values, vectors } = ceigh(a);
    const sorted = [...lam].sort((x, y) => x - y);
    const scale = Math.max(...lam.map(Math.abs));
    for (let i = 0; i < n; i++)
      assert.ok(Math.abs(values[i]! - sorted[i]!) < 50 * n * EPS * scale, `eigenvalue ${i}: ${values[i]} vs ${sorted[i]}`);
    assert.ok(cmaxAbsDiff(cmatmulAH(vectors!, vectors!), ceye(n)) < 50 * n * EPS, "orthonormal vectors");
  }
  // A rank-deficient Gram matrix H^H H of an 8 x 64 channel: 56 zero eigenvalues.
  const h = rand(rng, 8, 64);
  const a = cgramAH(h);
  const { values, vectors } = ceigh(a);
  const top = values[63]!;
  for (let i = 0; i < 56; i++) assert.ok(Math.abs(values[i]!) < 64 * 20 * EPS * top, `null eigenvalue ${values[i]}`);
  const nonzero = ceigh(cgram(h)).values; // the same non-zero spectrum as H H^H
  for (let i = 0; i < 8; i++) assert.ok(Math.abs(values[56 + i]! - nonzero[i]!) < 1e-12 * top);
  assert.ok(cmaxAbsDiff(cmatmulAH(vectors!, vectors!), ceye(64)) < 64 * 20 * EPS);
  // Already diagonal and already tridiagonal inputs (reflector skipped) and the zero matrix.
  const d = cmat(4, 4);
  d.re.set([3, 0, 0, 0, 0, -1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0]);
  assert.deepEqual([...ceigh(d).values], [-1, 0, 2, 3]);
  assert.deepEqual([...ceigh(cmat(5, 5)).values], [0, 0, 0, 0, 0]);
  const t = cmat(3, 3);
  t.re.set([2, 1, 0, 1, 2, 1, 0, 1, 2]);
  t.im.set([0, 1, 0, -1, 0, 0, 0, 0, 0]);
  const tv = ceigh(t);
  const tq = tv.vectors!;
  const tl = cclone(tq);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      tl.re[i * 3 + j]! *= tv.values[j]!;
      tl.im[i * 3 + j]! *= tv.values[j]!;
    }
  assert.ok(cmaxAbsDiff(cmatmulBH(tl, tq), t) < 1e-14);
});

test("2 x 2 closed forms agree with LU and Cholesky", () => {
  const rng = new Rng(20);
  for (let rep = 0; rep < 20; rep++) {
    const g = rand(rng, 2, 3);
    const a = caddDiagInPlace(cgram(g), 0.1);
    const inv = cinv2Hpd(a);
    assert.ok(cmaxAbsDiff(inv, cinv(a)) < 1e-13 * norm(inv));
    assert.ok(cmaxAbsDiff(cmatmul(a, inv), ceye(2)) < 1e-13 * norm(inv) * norm(a));
    const ld = logDet2Hpd(a.re[0]!, a.re[3]!, a.re[1]!, a.im[1]!);
    assert.ok(Math.abs(ld - clogDetHpd(a)) < 1e-13 * Math.max(1, Math.abs(ld)));
    const [dr, di] = cdet2(a);
    const [er, ei] = cdet(a);
    assert.ok(Math.hypot(dr - er, di - ei) < 1e-13 * Math.hypot(dr, di));
  }
  assert.ok(Number.isNaN(logDet2Hpd(1, 1, 1, 0.5)));
  const bad = cmat(2, 2);
  bad.re.set([1, 2, 2, 1]);
  assert.throws(() => cinv2Hpd(bad), /cinv2Hpd: matrix is not positive definite/);
});

test("the conjugate transpose is an involution and (A B)^H = B^H A^H", () => {
  const rng = new Rng(21);
  const a = rand(rng, 3, 5);
  const b = rand(rng, 5, 4);
  assert.equal(cmaxAbsDiff(chermitian(chermitian(a)), a), 0);
  assert.ok(cmaxAbsDiff(chermitian(cmatmul(a, b)), cmatmul(chermitian(b), chermitian(a))) < 1e-14);
});

test("ceighApply gives the eigenvalues, V^H B up to eigenvector phases, and V Y, without forming V", () => {
  const rng = new Rng(22);
  for (const [n, r] of [
    [1, 1],
    [2, 3],
    [9, 4],
    [64, 4],
    [100, 8],
  ] as const) {
    const a = cgram(rand(rng, n, n));
    const b = rand(rng, n, r);
    const full = ceigh(a);
    const ap = ceighApply(a, b);
    const scale = full.values[n - 1]!;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(ap.values[i]! - full.values[i]!) < 20 * n * EPS * scale);
    // row norms of V^H B do not depend on the eigenvector phases
    const ref = cmatmulAH(full.vectors!, b);
    for (let m = 0; m < n; m++) {
      let x = 0;
      let y = 0;
      for (let j = 0; j < r; j++) {
        x += ref.re[m * r + j]! ** 2 + ref.im[m * r + j]! ** 2;
        y += ap.projected.re[m * r + j]! ** 2 + ap.projected.im[m * r + j]! ** 2;
      }
      assert.ok(Math.abs(x - y) < 1e-10 * cfrob2(b), `row ${m} of V^H B`);
    }
    // V V^H B = B, and V f(Lambda) V^H B matches the explicit product
    assert.ok(cmaxAbsDiff(ap.expand(ap.projected), b) < 1e-12 * n * Math.sqrt(cfrob2(b)));
    const f = (lam: number) => 1 / (lam + 0.5);
    const scaled = cclone(ap.projected);
    const refScaled = cclone(ref);
    for (let m = 0; m < n; m++) {
      for (let j = 0; j < r; j++) {
        scaled.re[m * r + j]! *= f(ap.values[m]!);
        scaled.im[m * r + j]! *= f(ap.values[m]!);
        refScaled.re[m * r + j]! *= f(full.values[m]!);
        refScaled.im[m * r + j]! *= f(full.values[m]!);
      }
    }
    assert.ok(cmaxAbsDiff(ap.expand(scaled), cmatmul(full.vectors!, refScaled)) < 1e-11 * n * Math.sqrt(cfrob2(b)));
  }
});
