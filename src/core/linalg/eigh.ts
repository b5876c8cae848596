/**
 * Eigendecomposition of a complex Hermitian matrix, `A = V diag(lambda) V^H` with V unitary and
 * lambda real ascending.
 *
 * Method (the classical dense path, backward stable):
 * 1. Householder tridiagonalisation `A = Q T Q^H`. Step k maps `x = A[k+1:, k]` to `alpha e_1`
 *    with `alpha = -e^{i arg x_0} ||x||` by the reflector `H = I - tau v v^H`,
 *    `v = x - alpha e_1`, `tau = 2 / (v^H v)`; the trailing block is updated by the Hermitian
 *    rank-2 form `B <- B - v q^H - q v^H`, `p = tau B v`, `q = p - (tau/2)(v^H p) v`.
 * 2. T has a real diagonal and complex sub-diagonal `e_k`; the diagonal unitary
 *    `D = diag(delta)`, `delta_{k+1} = delta_k e_k / |e_k|`, makes `D^H T D` real symmetric with
 *    sub-diagonal `|e_k|`.
 * 3. Implicit QL with Wilkinson shifts on the real tridiagonal matrix `= Z Lambda Z^T`; the plane
 *    rotations accumulate in the real Z, and the eigenvectors are `V = Q D Z`.
 *
 * Cost about `(16/3 + 8) n^3` real flops with vectors; accurate to a few ulps times `||A||` in
 * the eigenvalues and in `||A V - V Lambda||` (tested up to n = 160 on random and ill-conditioned
 * matrices).
 */
import { fail } from "../errors.ts";
import { checkSquare, cmat, type CMat } from "./cmat.ts";
import { scratch } from "./scratch.ts";

/** Householder tridiagonalisation `A = Q D T D^H Q^H` (T real symmetric tridiagonal), in scratch buffers. */
interface Tridiagonal {
  readonly n: number;
  /** Diagonal of T (overwritten by QL with the eigenvalues). */
  readonly d: Float64Array;
  /** Off-diagonal of T, `e[k]` couples k and k+1. */
  readonly e: Float64Array;
  /** Reflector k in row k of (hvr, hvi), entries 0 .. n-k-2 (when kept). */
  readonly hvr: Float64Array;
  readonly hvi: Float64Array;
  readonly taus: Float64Array;
  /** The phases delta of D. */
  readonly dr: Float64Array;
  readonly di: Float64Array;
}

function tridiagonalize(a: CMat, keepReflectors: boolean, where: string): Tridiagonal {
  const n = a.rows;
  const wantVectors = keepReflectors;
  const br = scratch("eigh.br", n * n);
  const bi = scratch("eigh.bi", n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = 0.5 * (a.re[i * n + j]! + a.re[j * n + i]!);
      const y = 0.5 * (a.im[i * n + j]! - a.im[j * n + i]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) fail(where, `matrix has a non-finite entry at [${i}, ${j}]`);
      br[i * n + j] = x;
      bi[i * n + j] = y;
    }
  }
  const d = scratch("eigh.d", n);
  const e = scratch("eigh.e", n).fill(0); // e[k] couples k and k+1 (real after phase removal)
  const er = scratch("eigh.er", n).fill(0); // complex sub-diagonal before phase removal
  const ei = scratch("eigh.ei", n).fill(0);
  // Householder vectors v_k (length n-k-1) and their tau_k, kept for the accumulation of Q.
  const taus = scratch("eigh.taus", n).fill(0);
  const vr = scratch("eigh.vr", n);
  const vi = scratch("eigh.vi", n);
  const pr = scratch("eigh.pr", n);
  const pi = scratch("eigh.pi", n);
  // reflector k stored in row k of (hvr, hvi), entries 0 .. n-k-2
  const hvr = wantVectors ? scratch("eigh.hvr", n * n) : vr;
  const hvi = wantVectors ? scratch("eigh.hvi", n * n) : vi;

  for (let k = 0; k + 2 < n; k++) {
    const m = n - k - 1; // length of x
    // x_i = A[k+1+i, k] (lower triangle; only the lower triangle is kept up to date)
    let sig2 = 0;
    for (let i = 0; i < m; i++) {
      const xr = br[(k + 1 + i) * n + k]!;
      const xi = bi[(k + 1 + i) * n + k]!;
      vr[i] = xr;
      vi[i] = xi;
      sig2 += xr * xr + xi * xi;
    }
    const sigma = Math.sqrt(sig2);
    const x0r = vr[0]!;
    const x0i = vi[0]!;
    const x0abs = Math.hypot(x0r, x0i);
    // Already reduced (x has a zero tail, possibly x = 0): no reflector needed.
    if (sig2 === 0 || x0abs === sigma) {
      er[k] = x0r;
      ei[k] = x0i;
      taus[k] = 0;
      continue;
    }
    const phr = x0abs > 0 ? x0r / x0abs : 1;
    const phi = x0abs > 0 ? x0i / x0abs : 0;
    // alpha = -ph * sigma ; v0 = x0 - alpha = ph (|x0| + sigma)
    er[k] = -phr * sigma;
    ei[k] = -phi * sigma;
    vr[0] = phr * (x0abs + sigma);
    vi[0] = phi * (x0abs + sigma);
    const tau = 1 / (sigma * (sigma + x0abs)); // 2 / (v^H v), v^H v = 2 sigma (sigma + |x0|)
    taus[k] = tau;
    if (wantVectors) {
      hvr.set(vr.subarray(0, m), k * n);
      hvi.set(vi.subarray(0, m), k * n);
    }
    // p = tau B v over the trailing block B = A[k+1:, k+1:], reading its lower triangle only:
    // p_i += B[i, j] v_j and p_j += conj(B[i, j]) v_i for j < i, plus the real diagonal.
    const o = k + 1;
    pr.fill(0, 0, m);
    pi.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (o + i) * n + o;
      const ar = vr[i]!,
        ai = vi[i]!;
      let sr = 0;
      let si = 0;
      for (let j = 0; j < i; j++) {
        const xr = br[row + j]!,
          xi = bi[row + j]!;
        const yr = vr[j]!,
          yi = vi[j]!;
        sr += xr * yr - xi * yi;
        si += xr * yi + xi * yr;
        // conj(B[i, j]) v_i
        pr[j]! += xr * ar + xi * ai;
        pi[j]! += xr * ai - xi * ar;
      }
      const dd = br[row + i]!;
      pr[i]! += sr + dd * ar;
      pi[i]! += si + dd * ai;
    }
    let kr = 0; // v^H p (real for Hermitian B)
    for (let i = 0; i < m; i++) {
      pr[i]! *= tau;
      pi[i]! *= tau;
      kr += vr[i]! * pr[i]! + vi[i]! * pi[i]!;
    }
    const half = 0.5 * tau * kr;
    // q = p - half v  (store in p)
    for (let i = 0; i < m; i++) {
      pr[i]! -= half * vr[i]!;
      pi[i]! -= half * vi[i]!;
    }
    // B <- B - v q^H - q v^H on the lower triangle (j <= i)
    for (let i = 0; i < m; i++) {
      const row = (o + i) * n + o;
      const ar = vr[i]!,
        ai = vi[i]!;
      const cr = pr[i]!,
        ci = pi[i]!;
      for (let j = 0; j <= i; j++) {
        const qr = pr[j]!,
          qi = pi[j]!;
        const wr = vr[j]!,
          wi = vi[j]!;
        // v_i conj(q_j) + q_i conj(v_j)
        br[row + j]! -= ar * qr + ai * qi + cr * wr + ci * wi;
        bi[row + j]! -= ai * qr - ar * qi + ci * wr - cr * wi;
      }
    }
  }
  for (let i = 0; i < n; i++) d[i] = br[i * n + i]!;
  if (n >= 2) {
    er[n - 2] = br[(n - 1) * n + n - 2]!;
    ei[n - 2] = bi[(n - 1) * n + n - 2]!;
  }
  // Phase removal: delta_{k+1} = delta_k e_k / |e_k|.
  const dr = scratch("eigh.dr", n).fill(0);
  const di = scratch("eigh.di", n).fill(0);
  if (n > 0) dr[0] = 1;
  for (let k = 0; k + 1 < n; k++) {
    const ab = Math.hypot(er[k]!, ei[k]!);
    e[k] = ab;
    if (ab > 0) {
      const ur = er[k]! / ab;
      const ui = ei[k]! / ab;
      dr[k + 1] = dr[k]! * ur - di[k]! * ui;
      di[k + 1] = dr[k]! * ui + di[k]! * ur;
    } else {
      dr[k + 1] = 1;
      di[k + 1] = 0;
    }
  }

  return { n, d, e, hvr, hvi, taus, dr, di };
}

/** Result of {@link ceigh}. */
export interface Eigh {
  /** Eigenvalues, ascending, length n. */
  readonly values: Float64Array;
  /** Eigenvectors as columns (`A V = V diag(values)`), [n, n]; absent with `vectors: false`. */
  readonly vectors: CMat | null;
}

/**
 * Hermitian eigendecomposition.
 * @param a - Hermitian matrix [n, n], complex planar (not modified; `(A + A^H)/2` is used, so a
 *   matrix that is Hermitian up to round-off is fine)
 * @param opts.vectors - compute eigenvectors (default true)
 * @returns eigenvalues ascending and eigenvectors as columns
 * @throws LiquidwaveError on a non-finite entry, or if QL fails to converge (not seen in practice).
 */
export function ceigh(a: CMat, opts: { vectors?: boolean } = {}): Eigh {
  checkSquare("ceigh", a);
  const wantVectors = opts.vectors ?? true;
  const n = a.rows;
  const { d, e, hvr, hvi, taus, dr, di } = tridiagonalize(a, wantVectors, "ceigh");

  // Y = (Q D)^T = D Q^T, rows are what the QL rotations mix.
  let yr: Float64Array | null = null;
  let yi: Float64Array | null = null;
  if (wantVectors) {
    yr = scratch("eigh.yr", n * n).fill(0);
    yi = scratch("eigh.yi", n * n).fill(0);
    for (let i = 0; i < n; i++) yr[i * n + i] = 1;
    // Q^T = H_{n-3}^T ... H_0^T, built as Y <- Y H_k^T for k = n-3 .. 0 (rows and columns > k only).
    // Row r times H_k^T = (I - tau conj(v) v^T): y <- y - tau (y . conj(v)) v^T.
    for (let k = n - 3; k >= 0; k--) {
      const tau = taus[k]!;
      if (tau === 0) continue;
      const wo = k * n;
      const o = k + 1;
      const m = n - o;
      for (let r = o; r < n; r++) {
        const row = r * n + o;
        let sr = 0;
        let si = 0;
        for (let j = 0; j < m; j++) {
          const xr = yr[row + j]!,
            xi = yi[row + j]!;
          const wr = hvr[wo + j]!,
            wi = hvi[wo + j]!;
          sr += xr * wr + xi * wi;
          si += xi * wr - xr * wi;
        }
        sr *= tau;
        si *= tau;
        if (sr === 0 && si === 0) continue;
        for (let j = 0; j < m; j++) {
          const wr = hvr[wo + j]!,
            wi = hvi[wo + j]!;
          yr[row + j]! -= sr * wr - si * wi;
          yi[row + j]! -= sr * wi + si * wr;
        }
      }
    }
    // Y <- D Y: row i times delta_i.
    for (let i = 0; i < n; i++) {
      const cr = dr[i]!,
        ci = di[i]!;
      if (cr === 1 && ci === 0) continue;
      for (let j = 0; j < n; j++) {
        const xr = yr[i * n + j]!,
          xi = yi[i * n + j]!;
        yr[i * n + j] = xr * cr - xi * ci;
        yi[i * n + j] = xr * ci + xi * cr;
      }
    }
  }

  // Plane rotations accumulate in a real matrix (half the work of rotating complex rows); its
  // rows are the columns of Z, and the eigenvectors are the rows of Z^T Y.
  let zt: Float64Array | null = null;
  if (wantVectors) {
    zt = scratch("eigh.zt", n * n).fill(0);
    for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  }
  tridiagonalQL(d, e, n, zt);

  const order = ascendingOrder(d, n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = d[order[i]!]!;
  let vectors: CMat | null = null;
  if (wantVectors) {
    const tr = scratch("eigh.tr", n * n).fill(0);
    const ti = scratch("eigh.ti", n * n).fill(0);
    realTimesComplex(n, zt!, yr!, yi!, tr, ti);
    vectors = cmat(n, n);
    for (let c = 0; c < n; c++) {
      const src = order[c]! * n;
      for (let r = 0; r < n; r++) {
        vectors.re[r * n + c] = tr[src + r]!;
        vectors.im[r * n + c] = ti[src + r]!;
      }
    }
  }
  return { values, vectors };
}

/**
 * `sqrt(a^2 + b^2)` without the cost of the variadic `Math.hypot` (which dominated the QL loop);
 * falls back to it only when the plain formula over- or underflows.
 */
function hypot(a: number, b: number): number {
  const s = a * a + b * b;
  if (s < 1e300 && s > 1e-300) return Math.sqrt(s);
  return Math.hypot(a, b);
}

/** `T = Z Y` for real Z and complex Y, all n × n row-major; two rows of T at a time (axpy form). */
function realTimesComplex(n: number, z: Float64Array, yr: Float64Array, yi: Float64Array, tr: Float64Array, ti: Float64Array): void {
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const t0 = i * n;
    const t1 = t0 + n;
    for (let k = 0; k < n; k++) {
      const a0 = z[t0 + k]!;
      const a1 = z[t1 + k]!;
      if (a0 === 0 && a1 === 0) continue;
      const yk = k * n;
      for (let j = 0; j < n; j++) {
        const vr = yr[yk + j]!;
        const vi = yi[yk + j]!;
        tr[t0 + j]! += a0 * vr;
        ti[t0 + j]! += a0 * vi;
        tr[t1 + j]! += a1 * vr;
        ti[t1 + j]! += a1 * vi;
      }
    }
  }
  for (; i < n; i++) {
    const t0 = i * n;
    for (let k = 0; k < n; k++) {
      const a0 = z[t0 + k]!;
      if (a0 === 0) continue;
      const yk = k * n;
      for (let j = 0; j < n; j++) {
        tr[t0 + j]! += a0 * yr[yk + j]!;
        ti[t0 + j]! += a0 * yi[yk + j]!;
      }
    }
  }
}

/**
 * Implicit QL with Wilkinson shifts on the real symmetric tridiagonal matrix with diagonal `d` and
 * off-diagonal `e` (`e[i]` couples i and i+1). On return `d` holds the eigenvalues (unsorted).
 * Each plane rotation of columns (i, i+1) of the eigenvector matrix Z is applied to rows (i, i+1)
 * of `zt = Z^T` (contiguous) when given, so that zt ends as `Z^T zt_0`; likewise to the rows of the
 * complex matrix `sink` (any number of columns); and recorded in `log` when given.
 */
function tridiagonalQL(
  d: Float64Array,
  e: Float64Array,
  n: number,
  zt: Float64Array | null,
  sink: CMat | null = null,
  log: RotationLog | null = null,
): void {
  if (n === 0) return;
  e[n - 1] = 0;
  // Deflate when |e_m| is negligible relative to its neighbours or to the whole matrix: the
  // latter perturbs A by eps·||A|| (the accuracy the Householder step has anyway) and keeps QL from
  // chasing relative accuracy among round-off-sized eigenvalues (e.g. the null space of H^H H).
  let anorm = 0;
  for (let i = 0; i < n; i++) anorm = Math.max(anorm, Math.abs(d[i]!) + Math.abs(e[i]!) + (i > 0 ? Math.abs(e[i - 1]!) : 0));
  const absTol = 2.220446049250313e-16 * anorm;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= 2.220446049250313e-16 * dd || Math.abs(e[m]!) <= absTol) break;
      }
      if (m === l) break;
      if (++iter > 100) fail("ceigh", `QL iteration did not converge for eigenvalue ${l} of ${n}`);
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = hypot(f, g);
        e[i + 1] = r;
        if (r === 0) {
          d[i + 1]! -= p;
          e[m] = 0;
          underflow = true;
          break;
        }
        s = f / r;
        c = g / r;
        g = d[i + 1]! - p;
        r = (d[i]! - g) * s + 2 * c * b;
        p = s * r;
        d[i + 1] = g + p;
        g = c * r - b;
        if (zt) {
          const r0 = i * n;
          const r1 = r0 + n;
          for (let k = 0; k < n; k++) {
            const a = zt[r1 + k]!;
            const z = zt[r0 + k]!;
            zt[r1 + k] = s * z + c * a;
            zt[r0 + k] = c * z - s * a;
          }
        }
        if (sink) rotateRows(sink, i, c, s);
        if (log) {
          log.index.push(i);
          log.c.push(c);
          log.s.push(s);
        }
      }
      if (underflow) continue;
      d[l]! -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}

/** The plane rotations of a QL run, in order. */
interface RotationLog {
  readonly index: number[];
  readonly c: number[];
  readonly s: number[];
}

/** Rows (i, i+1) of a complex matrix: `(z, a) <- (c z - s a, s z + c a)`. */
function rotateRows(m: CMat, i: number, c: number, s: number): void {
  const w = m.cols;
  const r0 = i * w;
  const r1 = r0 + w;
  const re = m.re;
  const im = m.im;
  for (let k = 0; k < w; k++) {
    const zr = re[r0 + k]!,
      zi = im[r0 + k]!;
    const ar = re[r1 + k]!,
      ai = im[r1 + k]!;
    re[r0 + k] = c * zr - s * ar;
    im[r0 + k] = c * zi - s * ai;
    re[r1 + k] = s * zr + c * ar;
    im[r1 + k] = s * zi + c * ai;
  }
}

/** `Y <- H_k Y` (or `H_k^H Y`, the same: reflectors are Hermitian) on rows k+1.. of Y. */
function applyReflector(t: Tridiagonal, k: number, y: CMat): void {
  const tau = t.taus[k]!;
  if (tau === 0) return;
  const n = t.n;
  const w = y.cols;
  const o = k + 1;
  const m = n - o;
  const vo = k * n;
  for (let j = 0; j < w; j++) {
    // s = v^H y_j (column j, rows o..)
    let sr = 0;
    let si = 0;
    for (let i = 0; i < m; i++) {
      const vr = t.hvr[vo + i]!,
        vi = t.hvi[vo + i]!;
      const xr = y.re[(o + i) * w + j]!,
        xi = y.im[(o + i) * w + j]!;
      sr += vr * xr + vi * xi;
      si += vr * xi - vi * xr;
    }
    sr *= tau;
    si *= tau;
    for (let i = 0; i < m; i++) {
      const vr = t.hvr[vo + i]!,
        vi = t.hvi[vo + i]!;
      y.re[(o + i) * w + j]! -= vr * sr - vi * si;
      y.im[(o + i) * w + j]! -= vr * si + vi * sr;
    }
  }
}

/** Result of {@link ceighApply}. */
export interface EighApply {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** `V^H B` (n × r), row m belonging to eigenvalue m. */
  readonly projected: CMat;
  /** `Y -> V Y` for Y of shape n × r' in the same eigen-coordinates (a new matrix). */
  readonly expand: (y: CMat) => CMat;
}

/**
 * Hermitian eigendecomposition used through its action, without forming the eigenvectors:
 * returns the eigenvalues, `V^H B` and the map `Y -> V Y`. The Householder reflectors, the phase
 * diagonal and the QL plane rotations are applied to the thin matrices directly, which saves the
 * O(n^3) accumulation of V when only a few columns are needed (the WMMSE precoder step
 * `V diag(f(lambda)) V^H B` with B of width K·d).
 * @param a - Hermitian [n, n] (`(A + A^H)/2` is used)
 * @param b - [n, r]
 */
export function ceighApply(a: CMat, b: CMat): EighApply {
  checkSquare("ceighApply", a);
  const n = a.rows;
  if (b.rows !== n) fail("ceighApply", `B has ${b.rows} rows, expected ${n}`);
  const t = tridiagonalize(a, true, "ceighApply");
  // private copies of what the expand map needs (the scratch buffers are reused by other calls)
  const tri: Tridiagonal = {
    n,
    d: t.d,
    e: t.e,
    hvr: t.hvr.slice(),
    hvi: t.hvi.slice(),
    taus: t.taus.slice(),
    dr: t.dr.slice(),
    di: t.di.slice(),
  };
  // C = D^H Q^H B, Q^H = H_{n-3} ... H_0
  const c = cmat(n, b.cols);
  c.re.set(b.re);
  c.im.set(b.im);
  for (let k = 0; k + 2 < n; k++) applyReflector(tri, k, c);
  scaleRowsByPhase(c, tri.dr, tri.di, true);
  const log: RotationLog = { index: [], c: [], s: [] };
  tridiagonalQL(t.d, t.e, n, null, c, log);
  const order = ascendingOrder(t.d, n);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = t.d[order[i]!]!;
  const projected = cmat(n, b.cols);
  for (let i = 0; i < n; i++) {
    projected.re.set(c.re.subarray(order[i]! * b.cols, (order[i]! + 1) * b.cols), i * b.cols);
    projected.im.set(c.im.subarray(order[i]! * b.cols, (order[i]! + 1) * b.cols), i * b.cols);
  }
  const expand = (y: CMat): CMat => {
    if (y.rows !== n) fail("ceighApply.expand", `Y has ${y.rows} rows, expected ${n}`);
    const w = y.cols;
    const out = cmat(n, w);
    for (let i = 0; i < n; i++) {
      out.re.set(y.re.subarray(i * w, (i + 1) * w), order[i]! * w);
      out.im.set(y.im.subarray(i * w, (i + 1) * w), order[i]! * w);
    }
    // Z = R_1^T ... R_L^T: undo the rotations in reverse order
    for (let j = log.index.length - 1; j >= 0; j--) rotateRows(out, log.index[j]!, log.c[j]!, -log.s[j]!);
    scaleRowsByPhase(out, tri.dr, tri.di, false);
    for (let k = n - 3; k >= 0; k--) applyReflector(tri, k, out);
    return out;
  };
  return { values, projected, expand };
}

function scaleRowsByPhase(m: CMat, dr: Float64Array, di: Float64Array, conjugate: boolean): void {
  const w = m.cols;
  for (let i = 0; i < m.rows; i++) {
    const cr = dr[i]!;
    const ci = conjugate ? -di[i]! : di[i]!;
    if (cr === 1 && ci === 0) continue;
    for (let j = 0; j < w; j++) {
      const xr = m.re[i * w + j]!,
        xi = m.im[i * w + j]!;
      m.re[i * w + j] = xr * cr - xi * ci;
      m.im[i * w + j] = xr * ci + xi * cr;
    }
  }
}

function ascendingOrder(d: Float64Array, n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    // insertion sort by eigenvalue (n is small next to the n^3 work)
    let j = i;
    while (j > 0 && d[order[j - 1]!]! > d[i]!) {
      order[j] = order[j - 1]!;
      j--;
    }
    order[j] = i;
  }
  return order;
}

/**
 * Moore-Penrose pseudo-inverse of a Hermitian positive semi-definite matrix by eigendecomposition:
 * `A^+ = Q diag(1/lambda_i if lambda_i > rtol · lambda_max else 0) Q^H`. Negative round-off
 * eigenvalues count as zero. Used where a Gram matrix may be rank-deficient (e.g. users with
 * rank-one channels), so that the result is defined instead of exploding.
 * @param a - Hermitian PSD [n, n]
 * @param rtol - relative eigenvalue threshold (default 1e-12)
 * @returns `{ pinv, rank }`
 */
export function cpinvHermitian(a: CMat, rtol = 1e-12): { pinv: CMat; rank: number } {
  const n = a.rows;
  const { values, vectors } = ceigh(a);
  const q = vectors!;
  const top = Math.max(values[n - 1] ?? 0, 0);
  const out = cmat(n, n);
  let rank = 0;
  for (let m = 0; m < n; m++) {
    const lam = values[m]!;
    if (!(lam > rtol * top) || !(lam > 0)) continue;
    rank++;
    const f = 1 / lam;
    for (let i = 0; i < n; i++) {
      const xr = q.re[i * n + m]! * f;
      const xi = q.im[i * n + m]! * f;
      for (let j = 0; j < n; j++) {
        const yr = q.re[j * n + m]!;
        const yi = q.im[j * n + m]!;
        // x_i conj(y_j)
        out.re[i * n + j]! += xr * yr + xi * yi;
        out.im[i * n + j]! += xi * yr - xr * yi;
      }
    }
  }
  return { pinv: out, rank };
}
