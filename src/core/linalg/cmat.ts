/**
 * The complex matrix type of the linear-algebra kernels: row-major, planar (separate real and
 * imaginary Float64Arrays). `A[i, j]` is `re[i * cols + j] + 1j * im[i * cols + j]`.
 *
 * A {@link CMat} is a 2-D view of the same storage as a {@link ComplexTensor}: converting between
 * them never copies (see {@link cmatFromTensor}, {@link cmatToTensor}, {@link cmatSlice}), so a
 * channel sample `H[t]` of a trajectory `[T, K, Nk, M]` is a `(K·Nk) × M` CMat over a subarray.
 */
import { fail, formatShape } from "../errors.ts";
import type { ComplexTensor } from "../complex.ts";

/** A dense complex matrix, row-major planar. `re.length === im.length === rows * cols`. */
export interface CMat {
  readonly rows: number;
  readonly cols: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
}

/** A `rows × cols` matrix of zeros. */
export function cmat(rows: number, cols: number): CMat {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    fail("cmat", `invalid size ${rows} x ${cols}`);
  }
  return { rows, cols, re: new Float64Array(rows * cols), im: new Float64Array(rows * cols) };
}

/** Wrap planar storage (not copied) as a `rows × cols` matrix. */
export function cmatOf(rows: number, cols: number, re: Float64Array, im: Float64Array): CMat {
  if (re.length !== rows * cols || im.length !== rows * cols) {
    fail("cmatOf", `re/im have ${re.length}/${im.length} elements but ${rows} x ${cols} needs ${rows * cols}`);
  }
  return { rows, cols, re, im };
}

/**
 * Build a matrix from nested arrays of real parts and (optionally) imaginary parts, e.g.
 * `cmatFromRows([[1, 2], [3, 4]], [[0, 1], [-1, 0]])`.
 */
export function cmatFromRows(re: readonly (readonly number[])[], im?: readonly (readonly number[])[]): CMat {
  const rows = re.length;
  const cols = rows === 0 ? 0 : re[0]!.length;
  const out = cmat(rows, cols);
  for (let i = 0; i < rows; i++) {
    if (re[i]!.length !== cols || (im && im[i]?.length !== cols)) fail("cmatFromRows", `row ${i} has the wrong length`);
    for (let j = 0; j < cols; j++) {
      out.re[i * cols + j] = re[i]![j]!;
      out.im[i * cols + j] = im ? im[i]![j]! : 0;
    }
  }
  return out;
}

/** The `n × n` identity. */
export function ceye(n: number): CMat {
  const out = cmat(n, n);
  for (let i = 0; i < n; i++) out.re[i * n + i] = 1;
  return out;
}

/** A deep copy. */
export function cclone(a: CMat): CMat {
  return { rows: a.rows, cols: a.cols, re: a.re.slice(), im: a.im.slice() };
}

/** Copy `src` into `dst` (same size). */
export function ccopyInto(dst: CMat, src: CMat): CMat {
  checkSameSize("ccopyInto", dst, src);
  dst.re.set(src.re);
  dst.im.set(src.im);
  return dst;
}

/** View a 2-D complex tensor as a matrix (no copy). */
export function cmatFromTensor(t: ComplexTensor, where = "cmatFromTensor"): CMat {
  if (t.shape.length !== 2) fail(where, `expected a 2-D complex tensor, got shape ${formatShape(t.shape)}`);
  return { rows: t.shape[0]!, cols: t.shape[1]!, re: t.re, im: t.im };
}

/** View a matrix as a 2-D complex tensor (no copy). */
export function cmatToTensor(a: CMat): ComplexTensor {
  return { shape: [a.rows, a.cols], re: a.re, im: a.im };
}

/**
 * A view (no copy) of rows `[r0, r0 + nRows)` of `a`: row-major storage makes a row block
 * contiguous, so this is a subarray. Used for per-user channel blocks `H_k`.
 */
export function cmatRows(a: CMat, r0: number, nRows: number): CMat {
  if (r0 < 0 || nRows < 0 || r0 + nRows > a.rows) fail("cmatRows", `rows [${r0}, ${r0 + nRows}) out of range for ${a.rows} rows`);
  const s = r0 * a.cols;
  const e = s + nRows * a.cols;
  return { rows: nRows, cols: a.cols, re: a.re.subarray(s, e), im: a.im.subarray(s, e) };
}

/**
 * View (no copy) the `index`-th `rows × cols` matrix inside a flat planar buffer, e.g. sample `t`
 * of a `[T, K, Nk, M]` trajectory as the stacked `(K·Nk) × M` channel.
 */
export function cmatSlice(t: ComplexTensor, index: number, rows: number, cols: number): CMat {
  const n = rows * cols;
  if (!Number.isInteger(index) || index < 0 || (index + 1) * n > t.re.length) {
    fail("cmatSlice", `slice ${index} of ${rows} x ${cols} is out of range for a tensor of shape ${formatShape(t.shape)}`);
  }
  return { rows, cols, re: t.re.subarray(index * n, (index + 1) * n), im: t.im.subarray(index * n, (index + 1) * n) };
}

/** Copy of the column block `[c0, c0 + nCols)`. */
export function ccols(a: CMat, c0: number, nCols: number): CMat {
  if (c0 < 0 || nCols < 0 || c0 + nCols > a.cols) fail("ccols", `columns [${c0}, ${c0 + nCols}) out of range for ${a.cols} columns`);
  const out = cmat(a.rows, nCols);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < nCols; j++) {
      out.re[i * nCols + j] = a.re[i * a.cols + c0 + j]!;
      out.im[i * nCols + j] = a.im[i * a.cols + c0 + j]!;
    }
  }
  return out;
}

/** Conjugate transpose `A^H` (a new matrix). */
export function chermitian(a: CMat): CMat {
  const { rows, cols } = a;
  const out = cmat(cols, rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      out.re[j * rows + i] = a.re[i * cols + j]!;
      out.im[j * rows + i] = -a.im[i * cols + j]!;
    }
  }
  return out;
}

/** Squared Frobenius norm `||A||_F^2 = tr(A A^H)`. */
export function cfrob2(a: CMat): number {
  let s = 0;
  const { re, im } = a;
  for (let i = 0; i < re.length; i++) s += re[i]! * re[i]! + im[i]! * im[i]!;
  return s;
}

/** Scale in place by a real factor; returns `a`. */
export function cscaleInPlace(a: CMat, s: number): CMat {
  for (let i = 0; i < a.re.length; i++) {
    a.re[i]! *= s;
    a.im[i]! *= s;
  }
  return a;
}

/** `alpha A + beta B` (a new matrix; real coefficients). */
export function cadd(a: CMat, b: CMat, alpha = 1, beta = 1): CMat {
  checkSameSize("cadd", a, b);
  const out = cmat(a.rows, a.cols);
  for (let i = 0; i < a.re.length; i++) {
    out.re[i] = alpha * a.re[i]! + beta * b.re[i]!;
    out.im[i] = alpha * a.im[i]! + beta * b.im[i]!;
  }
  return out;
}

/** Add `s` to the diagonal in place (`A + s I`); returns `a`. */
export function caddDiagInPlace(a: CMat, s: number): CMat {
  const n = Math.min(a.rows, a.cols);
  for (let i = 0; i < n; i++) a.re[i * a.cols + i]! += s;
  return a;
}

/** Trace (complex): returns `[re, im]`. */
export function ctrace(a: CMat): [number, number] {
  const n = Math.min(a.rows, a.cols);
  let r = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    r += a.re[i * a.cols + i]!;
    m += a.im[i * a.cols + i]!;
  }
  return [r, m];
}

/** `Re tr(A^H B)`: the real inner product of two equal-size matrices. */
export function crealInner(a: CMat, b: CMat): number {
  checkSameSize("crealInner", a, b);
  let s = 0;
  for (let i = 0; i < a.re.length; i++) s += a.re[i]! * b.re[i]! + a.im[i]! * b.im[i]!;
  return s;
}

/** Largest `|A_ij - B_ij|` (modulus of the complex difference). */
export function cmaxAbsDiff(a: CMat, b: CMat): number {
  checkSameSize("cmaxAbsDiff", a, b);
  let m = 0;
  for (let i = 0; i < a.re.length; i++) {
    const d = Math.hypot(a.re[i]! - b.re[i]!, a.im[i]! - b.im[i]!);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** Make a square matrix exactly Hermitian in place: `A <- (A + A^H) / 2`. */
export function chermitianizeInPlace(a: CMat): CMat {
  checkSquare("chermitianizeInPlace", a);
  const n = a.rows;
  for (let i = 0; i < n; i++) {
    a.im[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      const r = 0.5 * (a.re[i * n + j]! + a.re[j * n + i]!);
      const m = 0.5 * (a.im[i * n + j]! - a.im[j * n + i]!);
      a.re[i * n + j] = r;
      a.im[i * n + j] = m;
      a.re[j * n + i] = r;
      a.im[j * n + i] = -m;
    }
  }
  return a;
}

/** Throw unless `a` is square. */
export function checkSquare(where: string, a: CMat, name = "matrix"): void {
  if (a.rows !== a.cols) fail(where, `${name} must be square, got ${a.rows} x ${a.cols}`);
}

/** Throw unless `a` and `b` have the same size. */
export function checkSameSize(where: string, a: CMat, b: CMat): void {
  if (a.rows !== b.rows || a.cols !== b.cols) fail(where, `sizes differ: ${a.rows} x ${a.cols} vs ${b.rows} x ${b.cols}`);
}

/** Throw if any entry is NaN or infinite, naming the entry. */
export function checkCMatFinite(where: string, name: string, a: CMat): void {
  for (let i = 0; i < a.re.length; i++) {
    if (!Number.isFinite(a.re[i]!) || !Number.isFinite(a.im[i]!)) {
      const r = Math.floor(i / Math.max(a.cols, 1));
      fail(where, `${name} has a non-finite entry ${a.re[i]} + ${a.im[i]}i at [${r}, ${i - r * a.cols}]`);
    }
  }
}
