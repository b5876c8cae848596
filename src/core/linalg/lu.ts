/**
 * LU factorisation with partial (row) pivoting of a general complex square matrix, `P A = L U`
 * (L unit lower triangular, U upper triangular, both stored in one matrix), and what it gives:
 * solves, the inverse, the determinant and the complex log-determinant.
 *
 * Pivoting picks the largest modulus in the column. A matrix is declared singular (a
 * {@link LiquidwaveError}) when a pivot's modulus is at most `n · eps · max|A_ij|`: such a pivot
 * would turn round-off into the answer.
 */
import { fail } from "../errors.ts";
import { cclone, checkSquare, cmat, type CMat } from "./cmat.ts";

const EPS = 2.220446049250313e-16;

/**
 * The singularity threshold `n · eps · max|A_ij|` of a square matrix (planar storage), or NaN when
 * an entry is not finite.
 */
function pivotTolerance(re: Float64Array, im: Float64Array, n: number): number {
  let maxAbs2 = 0;
  for (let i = 0; i < re.length; i++) {
    const v = re[i]! * re[i]! + im[i]! * im[i]!;
    if (!Number.isFinite(v)) return NaN;
    if (v > maxAbs2) maxAbs2 = v;
  }
  return n * EPS * Math.sqrt(maxAbs2);
}

/** Partial pivoting: the row p ≥ k with the largest |A_pk|, and that modulus squared. */
function findPivot(re: Float64Array, im: Float64Array, n: number, k: number): { p: number; best: number } {
  let p = k;
  let best = -1;
  for (let i = k; i < n; i++) {
    const v = re[i * n + k]! * re[i * n + k]! + im[i * n + k]! * im[i * n + k]!;
    if (v > best) {
      best = v;
      p = i;
    }
  }
  return { p, best };
}

/** The packed factors of `P A = L U`. */
export interface LU {
  /** L below the diagonal (unit diagonal implied) and U on and above it, n × n. */
  readonly lu: CMat;
  /** Row `i` of `P A` is row `piv[i]` of A. */
  readonly piv: Int32Array;
  /** Sign of the permutation (+1 or -1). */
  readonly sign: number;
}

/**
 * Factor `P A = L U` with partial pivoting.
 * @param a - square matrix [n, n], complex planar (not modified)
 * @throws LiquidwaveError if A is singular to working precision (names the pivot).
 */
export function luFactor(a: CMat, where = "luFactor"): LU {
  checkSquare(where, a);
  const f = luFactorOrSingular(a);
  if ("singularAt" in f) {
    if (!Number.isFinite(f.modulus)) fail(where, "matrix has a non-finite entry");
    fail(where, `matrix is singular to working precision (pivot ${f.singularAt} of ${a.rows} has modulus ${f.modulus.toExponential(3)})`);
  }
  return f;
}

/** {@link luFactor} that reports singularity as a value instead of throwing. */
function luFactorOrSingular(a: CMat): LU | { singularAt: number; modulus: number } {
  const n = a.rows;
  const f = cclone(a);
  const re = f.re;
  const im = f.im;
  const piv = new Int32Array(n);
  for (let i = 0; i < n; i++) piv[i] = i;
  const tol = pivotTolerance(re, im, n);
  if (Number.isNaN(tol)) return { singularAt: -1, modulus: NaN };
  let sign = 1;
  for (let k = 0; k < n; k++) {
    const { p, best } = findPivot(re, im, n, k);
    if (!(Math.sqrt(best) > tol)) return { singularAt: k, modulus: Math.sqrt(best) };
    if (p !== k) {
      for (let j = 0; j < n; j++) {
        const tr = re[k * n + j]!;
        re[k * n + j] = re[p * n + j]!;
        re[p * n + j] = tr;
        const ti = im[k * n + j]!;
        im[k * n + j] = im[p * n + j]!;
        im[p * n + j] = ti;
      }
      const t = piv[k]!;
      piv[k] = piv[p]!;
      piv[p] = t;
      sign = -sign;
    }
    // 1 / pivot
    const pr = re[k * n + k]!;
    const pi = im[k * n + k]!;
    const d = pr * pr + pi * pi;
    const qr = pr / d;
    const qi = -pi / d;
    for (let i = k + 1; i < n; i++) {
      const ar = re[i * n + k]!;
      const ai = im[i * n + k]!;
      const lr = ar * qr - ai * qi;
      const li = ar * qi + ai * qr;
      re[i * n + k] = lr;
      im[i * n + k] = li;
      if (lr === 0 && li === 0) continue;
      const ri = i * n;
      const rk = k * n;
      for (let j = k + 1; j < n; j++) {
        const ur = re[rk + j]!;
        const ui = im[rk + j]!;
        re[ri + j]! -= lr * ur - li * ui;
        im[ri + j]! -= lr * ui + li * ur;
      }
    }
  }
  return { lu: f, piv, sign };
}

/**
 * Solve `A X = B` given the LU factors of A.
 * @param f - factors from {@link luFactor} of A [n, n]
 * @param b - right-hand sides [n, r]
 * @returns X, shape [n, r]
 */
export function luSolve(f: LU, b: CMat, where = "luSolve"): CMat {
  const n = f.lu.rows;
  if (b.rows !== n) fail(where, `right-hand side has ${b.rows} rows, expected ${n}`);
  const r = b.cols;
  const x = cmat(n, r);
  const xr = x.re;
  const xi = x.im;
  for (let i = 0; i < n; i++) {
    const src = f.piv[i]! * r;
    for (let j = 0; j < r; j++) {
      xr[i * r + j] = b.re[src + j]!;
      xi[i * r + j] = b.im[src + j]!;
    }
  }
  const lr = f.lu.re;
  const li = f.lu.im;
  // Forward: L y = P b (unit diagonal); axpy over rows below.
  for (let k = 0; k < n; k++) {
    for (let i = k + 1; i < n; i++) {
      const cr = lr[i * n + k]!;
      const ci = li[i * n + k]!;
      if (cr === 0 && ci === 0) continue;
      for (let j = 0; j < r; j++) {
        const yr = xr[k * r + j]!;
        const yi = xi[k * r + j]!;
        xr[i * r + j]! -= cr * yr - ci * yi;
        xi[i * r + j]! -= cr * yi + ci * yr;
      }
    }
  }
  // Backward: U x = y.
  for (let k = n - 1; k >= 0; k--) {
    const pr = lr[k * n + k]!;
    const pi = li[k * n + k]!;
    const d = pr * pr + pi * pi;
    const qr = pr / d;
    const qi = -pi / d;
    for (let j = 0; j < r; j++) {
      const yr = xr[k * r + j]!;
      const yi = xi[k * r + j]!;
      xr[k * r + j] = yr * qr - yi * qi;
      xi[k * r + j] = yr * qi + yi * qr;
    }
    for (let i = 0; i < k; i++) {
      const cr = lr[i * n + k]!;
      const ci = li[i * n + k]!;
      if (cr === 0 && ci === 0) continue;
      for (let j = 0; j < r; j++) {
        const yr = xr[k * r + j]!;
        const yi = xi[k * r + j]!;
        xr[i * r + j]! -= cr * yr - ci * yi;
        xi[i * r + j]! -= cr * yi + ci * yr;
      }
    }
  }
  return x;
}

/**
 * Solve `A X = B` for a general square A (LU with partial pivoting).
 * @param a - [n, n]
 * @param b - [n, r]
 * @returns X, shape [n, r]
 */
export function csolve(a: CMat, b: CMat): CMat {
  return luSolve(luFactor(a, "csolve"), b, "csolve");
}

/**
 * Inverse of a general square matrix (LU with partial pivoting). 1 × 1 and 2 × 2 use the closed
 * form (with the same singularity test).
 * @param a - [n, n]
 * @returns A^{-1}, shape [n, n]
 * @throws LiquidwaveError if A is singular to working precision.
 */
export function cinv(a: CMat): CMat {
  checkSquare("cinv", a);
  const n = a.rows;
  if (n === 2) return inv2(a);
  if (n === 1) {
    const d = a.re[0]! * a.re[0]! + a.im[0]! * a.im[0]!;
    if (!(d > 0) || !Number.isFinite(d)) fail("cinv", `matrix is singular or non-finite (entry ${a.re[0]} + ${a.im[0]}i)`);
    const out = cmat(1, 1);
    out.re[0] = a.re[0]! / d;
    out.im[0] = -a.im[0]! / d;
    return out;
  }
  return gaussJordanInverse(a);
}

/**
 * In-place Gauss-Jordan inversion with partial (row) pivoting: the same pivots as {@link luFactor},
 * one buffer, no separate triangular solves, which is what makes small inverses fast.
 * Pivoting computes `(P A)^{-1} = A^{-1} P^T`; the column swaps at the end undo `P^T`.
 */
function gaussJordanInverse(a: CMat): CMat {
  const n = a.rows;
  const out = cclone(a);
  const re = out.re;
  const im = out.im;
  const perm = new Int32Array(n);
  const tol = pivotTolerance(re, im, n);
  if (Number.isNaN(tol)) fail("cinv", "matrix has a non-finite entry");
  for (let k = 0; k < n; k++) {
    const { p, best } = findPivot(re, im, n, k);
    if (!(Math.sqrt(best) > tol)) {
      fail("cinv", `matrix is singular to working precision (pivot ${k} of ${n} has modulus ${Math.sqrt(best).toExponential(3)})`);
    }
    perm[k] = p;
    const rk = k * n;
    if (p !== k) {
      const rp = p * n;
      for (let j = 0; j < n; j++) {
        const tr = re[rk + j]!;
        re[rk + j] = re[rp + j]!;
        re[rp + j] = tr;
        const ti = im[rk + j]!;
        im[rk + j] = im[rp + j]!;
        im[rp + j] = ti;
      }
    }
    const pr = re[rk + k]!;
    const pi = im[rk + k]!;
    const d = pr * pr + pi * pi;
    const qr = pr / d;
    const qi = -pi / d;
    re[rk + k] = 1;
    im[rk + k] = 0;
    for (let j = 0; j < n; j++) {
      const xr = re[rk + j]!;
      const xi = im[rk + j]!;
      re[rk + j] = xr * qr - xi * qi;
      im[rk + j] = xr * qi + xi * qr;
    }
    for (let i = 0; i < n; i++) {
      if (i === k) continue;
      const ri = i * n;
      const fr = re[ri + k]!;
      const fi = im[ri + k]!;
      if (fr === 0 && fi === 0) continue;
      re[ri + k] = 0;
      im[ri + k] = 0;
      for (let j = 0; j < n; j++) {
        const xr = re[rk + j]!;
        const xi = im[rk + j]!;
        re[ri + j]! -= fr * xr - fi * xi;
        im[ri + j]! -= fr * xi + fi * xr;
      }
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    const p = perm[k]!;
    if (p === k) continue;
    for (let i = 0; i < n; i++) {
      const tr = re[i * n + k]!;
      re[i * n + k] = re[i * n + p]!;
      re[i * n + p] = tr;
      const ti = im[i * n + k]!;
      im[i * n + k] = im[i * n + p]!;
      im[i * n + p] = ti;
    }
  }
  return out;
}

function inv2(a: CMat): CMat {
  const [ar, br, cr, dr] = [a.re[0]!, a.re[1]!, a.re[2]!, a.re[3]!];
  const [ai, bi, ci, di] = [a.im[0]!, a.im[1]!, a.im[2]!, a.im[3]!];
  // det = a d - b c
  const detr = ar * dr - ai * di - (br * cr - bi * ci);
  const deti = ar * di + ai * dr - (br * ci + bi * cr);
  const scale = Math.max(Math.hypot(ar, ai), Math.hypot(br, bi), Math.hypot(cr, ci), Math.hypot(dr, di));
  const dm = Math.hypot(detr, deti);
  if (!Number.isFinite(dm) || !(dm > 4 * EPS * scale * scale)) {
    fail("cinv", `2 x 2 matrix is singular to working precision (|det| ${dm.toExponential(3)}, scale ${scale.toExponential(3)})`);
  }
  const d2 = detr * detr + deti * deti;
  const qr = detr / d2;
  const qi = -deti / d2;
  const out = cmat(2, 2);
  const put = (k: number, xr: number, xi: number) => {
    out.re[k] = xr * qr - xi * qi;
    out.im[k] = xr * qi + xi * qr;
  };
  put(0, dr, di);
  put(1, -br, -bi);
  put(2, -cr, -ci);
  put(3, ar, ai);
  return out;
}

/**
 * Complex log-determinant of a general square matrix from its LU factors:
 * `log det A = logAbs + i · phase`, phase in (-pi, pi].
 * @param a - [n, n]
 * @throws LiquidwaveError if A is singular to working precision (det would be 0).
 */
export function clogDet(a: CMat): { logAbs: number; phase: number } {
  const f = luFactor(a, "clogDet");
  const n = a.rows;
  let logAbs = 0;
  let phase = f.sign < 0 ? Math.PI : 0;
  for (let i = 0; i < n; i++) {
    const r = f.lu.re[i * n + i]!;
    const m = f.lu.im[i * n + i]!;
    logAbs += Math.log(Math.hypot(r, m));
    phase += Math.atan2(m, r);
  }
  phase = Math.atan2(Math.sin(phase), Math.cos(phase));
  if (phase === -Math.PI) phase = Math.PI;
  return { logAbs, phase };
}

/**
 * Determinant of a general square matrix (LU). Returns `[re, im]`; `[0, 0]` for a matrix that is
 * singular to working precision (the determinant is then exactly representable as 0 at this
 * precision; use {@link clogDet} if you need the error instead).
 */
export function cdet(a: CMat): [number, number] {
  checkSquare("cdet", a);
  const n = a.rows;
  if (n === 0) return [1, 0];
  const f = luFactorOrSingular(a);
  if ("singularAt" in f) {
    if (!Number.isFinite(f.modulus)) fail("cdet", "matrix has a non-finite entry");
    return [0, 0];
  }
  let dr = f.sign;
  let di = 0;
  for (let i = 0; i < n; i++) {
    const r = f.lu.re[i * n + i]!;
    const m = f.lu.im[i * n + i]!;
    const t = dr * r - di * m;
    di = dr * m + di * r;
    dr = t;
  }
  return [dr, di];
}
