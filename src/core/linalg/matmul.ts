/**
 * Complex matrix products on planar storage, including the conjugate-transposed variants
 * `A^H B`, `A B^H` and the Gram matrices `A A^H`, `A^H A`, none of which forms a transpose.
 *
 * Two loop shapes are used, chosen so that the innermost loop always runs over contiguous memory:
 * - "axpy" form (`A B`, `A^H B`): row `i` of C accumulates `a(i, k) · (row k of B)`; two rows of C
 *   and two values of k are processed together so every load of B feeds 8 multiply-adds.
 * - "dot" form (`A B^H`, `A A^H`): `C[i, j]` is the dot product of row i of A with the conjugate of
 *   row j of B, with a 2 × 2 block of accumulators held in registers.
 *
 * The `out` argument (optional) must not alias an input; it is overwritten.
 */
import { fail } from "../errors.ts";
import { cmat, type CMat } from "./cmat.ts";

function outFor(where: string, rows: number, cols: number, out?: CMat): CMat {
  if (!out) return cmat(rows, cols);
  if (out.rows !== rows || out.cols !== cols) fail(where, `out is ${out.rows} x ${out.cols}, expected ${rows} x ${cols}`);
  return out;
}

/**
 * `C = op(A) B` in axpy form, where `op(A)(i, k) = A[i*sI + k*sK]`, conjugated if `conjA`.
 * C is m × n, B is p × n (row-major), all planar.
 */
function gemmAxpy(
  m: number,
  n: number,
  p: number,
  ar: Float64Array,
  ai: Float64Array,
  sI: number,
  sK: number,
  conjA: boolean,
  br: Float64Array,
  bi: Float64Array,
  cr: Float64Array,
  ci: Float64Array,
): void {
  cr.fill(0, 0, m * n);
  ci.fill(0, 0, m * n);
  const sg = conjA ? -1 : 1;
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const c0 = i * n;
    const c1 = c0 + n;
    let k = 0;
    for (; k + 1 < p; k += 2) {
      const x00 = i * sI + k * sK;
      const x01 = x00 + sK;
      const x10 = x00 + sI;
      const x11 = x10 + sK;
      const a00r = ar[x00]!,
        a00i = sg * ai[x00]!;
      const a01r = ar[x01]!,
        a01i = sg * ai[x01]!;
      const a10r = ar[x10]!,
        a10i = sg * ai[x10]!;
      const a11r = ar[x11]!,
        a11i = sg * ai[x11]!;
      const b0 = k * n;
      const b1 = b0 + n;
      for (let j = 0; j < n; j++) {
        const b0r = br[b0 + j]!,
          b0i = bi[b0 + j]!;
        const b1r = br[b1 + j]!,
          b1i = bi[b1 + j]!;
        cr[c0 + j]! += a00r * b0r - a00i * b0i + a01r * b1r - a01i * b1i;
        ci[c0 + j]! += a00r * b0i + a00i * b0r + a01r * b1i + a01i * b1r;
        cr[c1 + j]! += a10r * b0r - a10i * b0i + a11r * b1r - a11i * b1i;
        ci[c1 + j]! += a10r * b0i + a10i * b0r + a11r * b1i + a11i * b1r;
      }
    }
    if (k < p) {
      const x0 = i * sI + k * sK;
      const x1 = x0 + sI;
      const a0r = ar[x0]!,
        a0i = sg * ai[x0]!;
      const a1r = ar[x1]!,
        a1i = sg * ai[x1]!;
      const b0 = k * n;
      for (let j = 0; j < n; j++) {
        const b0r = br[b0 + j]!,
          b0i = bi[b0 + j]!;
        cr[c0 + j]! += a0r * b0r - a0i * b0i;
        ci[c0 + j]! += a0r * b0i + a0i * b0r;
        cr[c1 + j]! += a1r * b0r - a1i * b0i;
        ci[c1 + j]! += a1r * b0i + a1i * b0r;
      }
    }
  }
  if (i < m) {
    const c0 = i * n;
    for (let k = 0; k < p; k++) {
      const x0 = i * sI + k * sK;
      const a0r = ar[x0]!,
        a0i = sg * ai[x0]!;
      if (a0r === 0 && a0i === 0) continue;
      const b0 = k * n;
      for (let j = 0; j < n; j++) {
        const b0r = br[b0 + j]!,
          b0i = bi[b0 + j]!;
        cr[c0 + j]! += a0r * b0r - a0i * b0i;
        ci[c0 + j]! += a0r * b0i + a0i * b0r;
      }
    }
  }
}

/**
 * `C[i, j] = sum_k A[i, k] · conj(B[j, k])` (dot form), A m × p, B n × p, C m × n.
 * With `hermitian`, A === B and only `j >= i` is computed, then mirrored (C = A A^H).
 */
function gemmDotConj(
  m: number,
  n: number,
  p: number,
  ar: Float64Array,
  ai: Float64Array,
  br: Float64Array,
  bi: Float64Array,
  cr: Float64Array,
  ci: Float64Array,
  hermitian: boolean,
): void {
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * p;
    const a1 = a0 + p;
    let j = hermitian ? i : 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * p;
      const b1 = b0 + p;
      let s00r = 0,
        s00i = 0,
        s01r = 0,
        s01i = 0,
        s10r = 0,
        s10i = 0,
        s11r = 0,
        s11i = 0;
      for (let k = 0; k < p; k++) {
        const x0r = ar[a0 + k]!,
          x0i = ai[a0 + k]!;
        const x1r = ar[a1 + k]!,
          x1i = ai[a1 + k]!;
        const y0r = br[b0 + k]!,
          y0i = bi[b0 + k]!;
        const y1r = br[b1 + k]!,
          y1i = bi[b1 + k]!;
        // x * conj(y) = (xr yr + xi yi) + i (xi yr - xr yi)
        s00r += x0r * y0r + x0i * y0i;
        s00i += x0i * y0r - x0r * y0i;
        s01r += x0r * y1r + x0i * y1i;
        s01i += x0i * y1r - x0r * y1i;
        s10r += x1r * y0r + x1i * y0i;
        s10i += x1i * y0r - x1r * y0i;
        s11r += x1r * y1r + x1i * y1i;
        s11i += x1i * y1r - x1r * y1i;
      }
      cr[i * n + j] = s00r;
      ci[i * n + j] = s00i;
      cr[i * n + j + 1] = s01r;
      ci[i * n + j + 1] = s01i;
      cr[(i + 1) * n + j] = s10r;
      ci[(i + 1) * n + j] = s10i;
      cr[(i + 1) * n + j + 1] = s11r;
      ci[(i + 1) * n + j + 1] = s11i;
    }
    for (; j < n; j++) {
      const b0 = j * p;
      let s0r = 0,
        s0i = 0,
        s1r = 0,
        s1i = 0;
      for (let k = 0; k < p; k++) {
        const y0r = br[b0 + k]!,
          y0i = bi[b0 + k]!;
        const x0r = ar[a0 + k]!,
          x0i = ai[a0 + k]!;
        const x1r = ar[a1 + k]!,
          x1i = ai[a1 + k]!;
        s0r += x0r * y0r + x0i * y0i;
        s0i += x0i * y0r - x0r * y0i;
        s1r += x1r * y0r + x1i * y0i;
        s1i += x1i * y0r - x1r * y0i;
      }
      cr[i * n + j] = s0r;
      ci[i * n + j] = s0i;
      cr[(i + 1) * n + j] = s1r;
      ci[(i + 1) * n + j] = s1i;
    }
  }
  for (; i < m; i++) {
    const a0 = i * p;
    for (let j = hermitian ? i : 0; j < n; j++) {
      const b0 = j * p;
      let sr = 0,
        si = 0;
      for (let k = 0; k < p; k++) {
        const xr = ar[a0 + k]!,
          xi = ai[a0 + k]!;
        const yr = br[b0 + k]!,
          yi = bi[b0 + k]!;
        sr += xr * yr + xi * yi;
        si += xi * yr - xr * yi;
      }
      cr[i * n + j] = sr;
      ci[i * n + j] = si;
    }
  }
  if (hermitian) {
    for (let r = 0; r < m; r++) {
      ci[r * n + r] = 0; // exactly real diagonal
      for (let c = r + 1; c < n; c++) {
        cr[c * n + r] = cr[r * n + c]!;
        ci[c * n + r] = -ci[r * n + c]!;
      }
    }
  }
}

/**
 * Matrix product `C = A B`.
 * @param a - shape [m, p], complex planar
 * @param b - shape [p, n], complex planar
 * @param out - optional result storage [m, n] (must not alias a or b)
 * @returns C, shape [m, n]
 */
export function cmatmul(a: CMat, b: CMat, out?: CMat): CMat {
  if (a.cols !== b.rows) fail("cmatmul", `inner sizes differ: ${a.rows} x ${a.cols} times ${b.rows} x ${b.cols}`);
  const c = outFor("cmatmul", a.rows, b.cols, out);
  gemmAxpy(a.rows, b.cols, a.cols, a.re, a.im, a.cols, 1, false, b.re, b.im, c.re, c.im);
  return c;
}

/**
 * `C = A^H B` without forming `A^H`.
 * @param a - shape [p, m]
 * @param b - shape [p, n]
 * @returns C, shape [m, n]
 */
export function cmatmulAH(a: CMat, b: CMat, out?: CMat): CMat {
  if (a.rows !== b.rows) fail("cmatmulAH", `row counts differ: A is ${a.rows} x ${a.cols}, B is ${b.rows} x ${b.cols}`);
  const c = outFor("cmatmulAH", a.cols, b.cols, out);
  gemmAxpy(a.cols, b.cols, a.rows, a.re, a.im, 1, a.cols, true, b.re, b.im, c.re, c.im);
  return c;
}

/**
 * `C = A B^H` without forming `B^H`.
 * @param a - shape [m, p]
 * @param b - shape [n, p]
 * @returns C, shape [m, n]
 */
export function cmatmulBH(a: CMat, b: CMat, out?: CMat): CMat {
  if (a.cols !== b.cols) fail("cmatmulBH", `column counts differ: A is ${a.rows} x ${a.cols}, B is ${b.rows} x ${b.cols}`);
  const c = outFor("cmatmulBH", a.rows, b.rows, out);
  gemmDotConj(a.rows, b.rows, a.cols, a.re, a.im, b.re, b.im, c.re, c.im, false);
  return c;
}

/**
 * Gram matrix `G = A A^H` (Hermitian PSD, exactly Hermitian: the lower triangle mirrors the upper,
 * the diagonal is exactly real). For a stacked channel H (N × M) this is `Hh = H H^H`.
 * @param a - shape [m, p]
 * @returns G, shape [m, m]
 */
export function cgram(a: CMat, out?: CMat): CMat {
  const c = outFor("cgram", a.rows, a.rows, out);
  gemmDotConj(a.rows, a.rows, a.cols, a.re, a.im, a.re, a.im, c.re, c.im, true);
  return c;
}

/**
 * Gram matrix `G = A^H A` (Hermitian PSD), computed in axpy form over the rows of A.
 * @param a - shape [p, m]
 * @returns G, shape [m, m]
 */
export function cgramAH(a: CMat, out?: CMat): CMat {
  const c = cmatmulAH(a, a, out);
  const n = c.rows;
  for (let r = 0; r < n; r++) {
    c.im[r * n + r] = 0;
    for (let s = r + 1; s < n; s++) {
      const vr = 0.5 * (c.re[r * n + s]! + c.re[s * n + r]!);
      const vi = 0.5 * (c.im[r * n + s]! - c.im[s * n + r]!);
      c.re[r * n + s] = vr;
      c.im[r * n + s] = vi;
      c.re[s * n + r] = vr;
      c.im[s * n + r] = -vi;
    }
  }
  return c;
}
