/**
 * Cholesky factorisation of a Hermitian positive-definite (HPD) matrix, `A = L L^H` with L lower
 * triangular and a real positive diagonal, and what it gives cheaply: HPD solves, the HPD inverse
 * and the real log-determinant `log det A = 2 sum_i log L_ii`.
 *
 * Only the lower triangle (and the real part of the diagonal) of A is read, as in LAPACK's
 * `zpotrf('L')`: the caller vouches that A is Hermitian.
 */
import { fail } from "../errors.ts";
import { checkSquare, cmat, type CMat } from "./cmat.ts";

/**
 * Cholesky factor or `null` when A is not numerically positive definite (a diagonal step is
 * `<= 0` or not finite). No exception: callers such as the rate code use this as a test.
 * @param a - HPD matrix [n, n] (lower triangle read)
 * @returns L [n, n] lower triangular (upper triangle zero), or null.
 */
export function tryCholesky(a: CMat, out?: CMat): CMat | null {
  checkSquare("tryCholesky", a);
  const n = a.rows;
  const l = out ?? cmat(n, n);
  if (l.rows !== n || l.cols !== n) fail("tryCholesky", `out is ${l.rows} x ${l.cols}, expected ${n} x ${n}`);
  const lr = l.re;
  const li = l.im;
  lr.fill(0);
  li.fill(0);
  const ar = a.re;
  const ai = a.im;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // s = A[i, j] - sum_{k<j} L[i, k] conj(L[j, k])
      let sr = ar[ri + j]!;
      let si = j === i ? 0 : ai[ri + j]!;
      for (let k = 0; k < j; k++) {
        const xr = lr[ri + k]!,
          xi = li[ri + k]!;
        const yr = lr[rj + k]!,
          yi = li[rj + k]!;
        sr -= xr * yr + xi * yi;
        si -= xi * yr - xr * yi;
      }
      if (j === i) {
        if (!(sr > 0) || !Number.isFinite(sr)) return null;
        lr[ri + i] = Math.sqrt(sr);
      } else {
        const d = lr[rj + j]!;
        lr[ri + j] = sr / d;
        li[ri + j] = si / d;
      }
    }
  }
  return l;
}

/**
 * Cholesky factor `A = L L^H`.
 * @param a - HPD matrix [n, n] (lower triangle read)
 * @returns L [n, n]
 * @throws LiquidwaveError if A is not numerically positive definite.
 */
export function ccholesky(a: CMat): CMat {
  const l = tryCholesky(a);
  if (!l) fail("ccholesky", `matrix (${a.rows} x ${a.cols}) is not Hermitian positive definite (or has a non-finite entry)`);
  return l;
}

/**
 * Solve `A X = B` from the Cholesky factor L of A (forward `L Y = B`, backward `L^H X = Y`).
 * @param l - Cholesky factor [n, n]
 * @param b - right-hand sides [n, r]
 * @returns X, shape [n, r]
 */
export function cholSolve(l: CMat, b: CMat, out?: CMat): CMat {
  const n = l.rows;
  if (b.rows !== n) fail("cholSolve", `right-hand side has ${b.rows} rows, expected ${n}`);
  const r = b.cols;
  const x = out ?? cmat(n, r);
  if (x !== b) {
    x.re.set(b.re);
    x.im.set(b.im);
  }
  const xr = x.re;
  const xi = x.im;
  const lr = l.re;
  const li = l.im;
  // Forward, row-oriented: row_i = (row_i - sum_{k<i} L[i,k] row_k) / L[i,i].
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const cr = lr[ri + k]!;
      const ci = li[ri + k]!;
      if (cr === 0 && ci === 0) continue;
      for (let j = 0; j < r; j++) {
        const yr = xr[k * r + j]!;
        const yi = xi[k * r + j]!;
        xr[i * r + j]! -= cr * yr - ci * yi;
        xi[i * r + j]! -= cr * yi + ci * yr;
      }
    }
    const d = 1 / lr[ri + i]!;
    for (let j = 0; j < r; j++) {
      xr[i * r + j]! *= d;
      xi[i * r + j]! *= d;
    }
  }
  // Backward with L^H, axpy form: row_k /= L[k,k]; row_i -= conj(L[k,i]) row_k for i < k.
  for (let k = n - 1; k >= 0; k--) {
    const rk = k * n;
    const d = 1 / lr[rk + k]!;
    for (let j = 0; j < r; j++) {
      xr[k * r + j]! *= d;
      xi[k * r + j]! *= d;
    }
    for (let i = 0; i < k; i++) {
      const cr = lr[rk + i]!;
      const ci = -li[rk + i]!;
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
 * Solve `A X = B` for HPD A by Cholesky.
 * @throws LiquidwaveError if A is not numerically positive definite.
 */
export function csolveHpd(a: CMat, b: CMat): CMat {
  const l = tryCholesky(a);
  if (!l) fail("csolveHpd", `matrix (${a.rows} x ${a.cols}) is not Hermitian positive definite`);
  return cholSolve(l, b);
}

/**
 * Inverse of an HPD matrix by Cholesky; the result is exactly Hermitian.
 * @throws LiquidwaveError if A is not numerically positive definite.
 */
export function cinvHpd(a: CMat): CMat {
  const n = a.rows;
  const l = tryCholesky(a);
  if (!l) fail("cinvHpd", `matrix (${a.rows} x ${a.cols}) is not Hermitian positive definite`);
  const x = cmat(n, n);
  for (let i = 0; i < n; i++) x.re[i * n + i] = 1;
  cholSolve(l, x, x);
  for (let i = 0; i < n; i++) {
    x.im[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      const vr = 0.5 * (x.re[i * n + j]! + x.re[j * n + i]!);
      const vi = 0.5 * (x.im[i * n + j]! - x.im[j * n + i]!);
      x.re[i * n + j] = vr;
      x.im[i * n + j] = vi;
      x.re[j * n + i] = vr;
      x.im[j * n + i] = -vi;
    }
  }
  return x;
}

/**
 * Real log-determinant (natural log) of an HPD matrix, `2 sum log L_ii`.
 * @throws LiquidwaveError if A is not numerically positive definite.
 */
export function clogDetHpd(a: CMat): number {
  const l = tryCholesky(a);
  if (!l) fail("clogDetHpd", `matrix (${a.rows} x ${a.cols}) is not Hermitian positive definite`);
  const n = a.rows;
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l.re[i * n + i]!);
  return 2 * s;
}
