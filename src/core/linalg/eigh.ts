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
  const br = new Float64Array(n * n);
  const bi = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = 0.5 * (a.re[i * n + j]! + a.re[j * n + i]!);
      const y = 0.5 * (a.im[i * n + j]! - a.im[j * n + i]!);
      if (!Number.isFinite(x) || !Number.isFinite(y)) fail("ceigh", `matrix has a non-finite entry at [${i}, ${j}]`);
      br[i * n + j] = x;
      bi[i * n + j] = y;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n); // e[k] couples k and k+1 (real after phase removal)
  const er = new Float64Array(n); // complex sub-diagonal before phase removal
  const ei = new Float64Array(n);
  // Householder vectors v_k (length n-k-1) and their tau_k, kept for the accumulation of Q.
  const taus = new Float64Array(n);
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  const vsR: Float64Array[] = [];
  const vsI: Float64Array[] = [];

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
      vsR.push(new Float64Array(0));
      vsI.push(new Float64Array(0));
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
    vsR.push(vr.slice(0, m));
    vsI.push(vi.slice(0, m));
    // p = tau B v over the trailing block B = A[k+1:, k+1:], reading its lower triangle only:
    // p_i += B[i, j] v_j and p_j += conj(B[i, j]) v_i for j < i, plus the real diagonal.
    const o = k + 1;
    pr.fill(0, 0, m);
    pi.fill(0, 0, m);
    for (let i = 0; i < m; i++) {
      const row = (o + i) * n + o;
      const ar = vr[i]!, ai = vi[i]!;
      let sr = 0;
      let si = 0;
      for (let j = 0; j < i; j++) {
        const xr = br[row + j]!, xi = bi[row + j]!;
        const yr = vr[j]!, yi = vi[j]!;
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
      const ar = vr[i]!, ai = vi[i]!;
      const cr = pr[i]!, ci = pi[i]!;
      for (let j = 0; j <= i; j++) {
        const qr = pr[j]!, qi = pi[j]!;
        const wr = vr[j]!, wi = vi[j]!;
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
  const dr = new Float64Array(n);
  const di = new Float64Array(n);
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

  // Y = (Q D)^T = D Q^T, rows are what the QL rotations mix.
  let yr: Float64Array | null = null;
  let yi: Float64Array | null = null;
  if (wantVectors) {
    yr = new Float64Array(n * n);
    yi = new Float64Array(n * n);
    for (let i = 0; i < n; i++) yr[i * n + i] = 1;
    // Q^T = H_{n-3}^T ... H_0^T, built as Y <- Y H_k^T for k = n-3 .. 0 (rows and columns > k only).
    // Row r times H_k^T = (I - tau conj(v) v^T): y <- y - tau (y . conj(v)) v^T.
    for (let k = n - 3; k >= 0; k--) {
      const tau = taus[k]!;
      if (tau === 0) continue;
      const wr = vsR[k]!;
      const wi = vsI[k]!;
      const o = k + 1;
      const m = n - o;
      for (let r = o; r < n; r++) {
        const row = r * n + o;
        let sr = 0;
        let si = 0;
        for (let j = 0; j < m; j++) {
          const xr = yr[row + j]!, xi = yi[row + j]!;
          sr += xr * wr[j]! + xi * wi[j]!;
          si += xi * wr[j]! - xr * wi[j]!;
        }
        sr *= tau;
        si *= tau;
        if (sr === 0 && si === 0) continue;
        for (let j = 0; j < m; j++) {
          yr[row + j]! -= sr * wr[j]! - si * wi[j]!;
          yi[row + j]! -= sr * wi[j]! + si * wr[j]!;
        }
      }
    }
    // Y <- D Y: row i times delta_i.
    for (let i = 0; i < n; i++) {
      const cr = dr[i]!, ci = di[i]!;
      if (cr === 1 && ci === 0) continue;
      for (let j = 0; j < n; j++) {
        const xr = yr[i * n + j]!, xi = yi[i * n + j]!;
        yr[i * n + j] = xr * cr - xi * ci;
        yi[i * n + j] = xr * ci + xi * cr;
      }
    }
  }

  // Plane rotations accumulate in a real matrix (half the work of rotating complex rows); its
  // rows are the columns of Z, and the eigenvectors are the rows of Z^T Y.
  let zt: Float64Array | null = null;
  if (wantVectors) {
    zt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) zt[i * n + i] = 1;
  }
  tridiagonalQL(d, e, n, zt);

  // Sort ascending.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => d[p]! - d[q]!);
  const values = Float64Array.from(order, (i) => d[i]!);
  let vectors: CMat | null = null;
  if (wantVectors) {
    const tr = new Float64Array(n * n);
    const ti = new Float64Array(n * n);
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
 * of `zt = Z^T` (contiguous) when given.
 */
function tridiagonalQL(d: Float64Array, e: Float64Array, n: number, zt: Float64Array | null): void {
  if (n === 0) return;
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    for (;;) {
      let m = l;
      for (; m < n - 1; m++) {
        const dd = Math.abs(d[m]!) + Math.abs(d[m + 1]!);
        if (Math.abs(e[m]!) <= 2.220446049250313e-16 * dd) break;
      }
      if (m === l) break;
      if (++iter > 60) fail("ceigh", `QL iteration did not converge for eigenvalue ${l} of ${n}`);
      let g = (d[l + 1]! - d[l]!) / (2 * e[l]!);
      let r = Math.hypot(g, 1);
      g = d[m]! - d[l]! + e[l]! / (g + (g >= 0 ? r : -r));
      let s = 1;
      let c = 1;
      let p = 0;
      let i = m - 1;
      let underflow = false;
      for (; i >= l; i--) {
        const f = s * e[i]!;
        const b = c * e[i]!;
        r = Math.hypot(f, g);
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
      }
      if (underflow) continue;
      d[l]! -= p;
      e[l] = g;
      e[m] = 0;
    }
  }
}
