/**
 * Eigenvalues of a general (non-Hermitian) complex square matrix, for small matrices such as the
 * d × d rotation operator of ESPRIT.
 *
 * Method (the classical dense path):
 * 1. Householder reduction to upper Hessenberg form `H = Q^H A Q` (similar, same spectrum). Step
 *    k maps `x = A[k+1:, k]` to `alpha e_1`, `alpha = -e^{i arg x_0} ||x||`, with the reflector
 *    `I - tau v v^H`, `v = x - alpha e_1`, `tau = 2 / (v^H v)`, applied from both sides.
 * 2. Single-shift complex QR iteration on the active block `H[l..h, l..h]`:
 *    `H - mu I = Q R`, `H <- R Q + mu I`, with `Q` a product of complex Givens rotations and `mu`
 *    the Wilkinson shift (the eigenvalue of the trailing 2 × 2 block nearer to `H[h, h]`); an
 *    exceptional shift every 10 iterations without deflation breaks rare cycles.
 *    A sub-diagonal entry is set to zero once `|H[i, i-1]| <= eps (|H[i, i]| + |H[i-1, i-1]|)`
 *    and the problem splits; a 1 × 1 block is an eigenvalue.
 *
 * Eigenvalues only (no vectors): rotations touch the active block alone. Backward stable: the
 * computed eigenvalues are exact for a matrix within a few ulps times `||A||` of `A`; an
 * eigenvalue's forward error is that times its condition number.
 */
import { fail } from "../errors.ts";
import { checkCMatFinite, checkSquare, type CMat } from "./cmat.ts";

/** Eigenvalues of {@link ceigvals}: planar, length n, in the order they deflated (unsorted). */
export interface EigenvaluesC {
  readonly re: Float64Array;
  readonly im: Float64Array;
}

const EPS = 2.220446049250313e-16;

/** Reduce a copy of `a` (n × n, planar row-major) to upper Hessenberg form in place. */
function hessenberg(n: number, hr: Float64Array, hi: Float64Array): void {
  const vr = new Float64Array(n);
  const vi = new Float64Array(n);
  for (let k = 0; k < n - 2; k++) {
    let norm2 = 0;
    for (let i = k + 1; i < n; i++) norm2 += hr[i * n + k]! ** 2 + hi[i * n + k]! ** 2;
    const x0r = hr[(k + 1) * n + k]!;
    const x0i = hi[(k + 1) * n + k]!;
    const tail = norm2 - x0r * x0r - x0i * x0i;
    if (tail === 0) continue; // already zero below the sub-diagonal
    const norm = Math.sqrt(norm2);
    const a0 = Math.hypot(x0r, x0i);
    // alpha = -e^{i arg x0} ||x|| avoids cancellation in v0 = x0 - alpha.
    const pr = a0 === 0 ? 1 : x0r / a0;
    const pi = a0 === 0 ? 0 : x0i / a0;
    const alphaR = -pr * norm;
    const alphaI = -pi * norm;
    for (let i = k + 1; i < n; i++) {
      vr[i] = hr[i * n + k]!;
      vi[i] = hi[i * n + k]!;
    }
    vr[k + 1] = x0r - alphaR;
    vi[k + 1] = x0i - alphaI;
    let vv = 0;
    for (let i = k + 1; i < n; i++) vv += vr[i]! ** 2 + vi[i]! ** 2;
    const tau = 2 / vv;
    // Left: A <- (I - tau v v^H) A on rows k+1.., columns k..
    for (let j = k; j < n; j++) {
      let sr = 0,
        si = 0; // v^H A[:, j]
      for (let i = k + 1; i < n; i++) {
        const ar = hr[i * n + j]!,
          ai = hi[i * n + j]!;
        sr += vr[i]! * ar + vi[i]! * ai;
        si += vr[i]! * ai - vi[i]! * ar;
      }
      sr *= tau;
      si *= tau;
      for (let i = k + 1; i < n; i++) {
        hr[i * n + j] = hr[i * n + j]! - (vr[i]! * sr - vi[i]! * si);
        hi[i * n + j] = hi[i * n + j]! - (vr[i]! * si + vi[i]! * sr);
      }
    }
    // Right: A <- A (I - tau v v^H) on all rows, columns k+1..
    for (let i = 0; i < n; i++) {
      let sr = 0,
        si = 0; // A[i, :] v
      for (let j = k + 1; j < n; j++) {
        const ar = hr[i * n + j]!,
          ai = hi[i * n + j]!;
        sr += ar * vr[j]! - ai * vi[j]!;
        si += ar * vi[j]! + ai * vr[j]!;
      }
      sr *= tau;
      si *= tau;
      for (let j = k + 1; j < n; j++) {
        // subtract (A v) v_j^*
        hr[i * n + j] = hr[i * n + j]! - (sr * vr[j]! + si * vi[j]!);
        hi[i * n + j] = hi[i * n + j]! - (si * vr[j]! - sr * vi[j]!);
      }
    }
    // Exact zeros below the sub-diagonal (they are round-off now).
    hr[(k + 1) * n + k] = alphaR;
    hi[(k + 1) * n + k] = alphaI;
    for (let i = k + 2; i < n; i++) {
      hr[i * n + k] = 0;
      hi[i * n + k] = 0;
    }
  }
}

/** Complex square root, principal branch. */
function csqrt(re: number, im: number): [number, number] {
  const r = Math.hypot(re, im);
  if (r === 0) return [0, 0];
  const sr = Math.sqrt((r + Math.abs(re)) / 2);
  if (re >= 0) return [sr, im / (2 * sr)];
  return [Math.abs(im) / (2 * sr), im >= 0 ? sr : -sr];
}

/**
 * Eigenvalues of a complex square matrix.
 * @param a - [n, n], complex planar (not modified)
 * @param opts.maxIterations - QR sweeps allowed per eigenvalue (default 60)
 * @returns the n eigenvalues (with multiplicity), planar, unsorted
 * @throws LiquidwaveError on a non-square or non-finite matrix, or if QR fails to converge
 */
export function ceigvals(a: CMat, opts: { maxIterations?: number } = {}): EigenvaluesC {
  const where = "ceigvals";
  checkSquare(where, a);
  checkCMatFinite(where, "matrix", a);
  const n = a.rows;
  const maxIt = opts.maxIterations ?? 60;
  const hr = a.re.slice();
  const hi = a.im.slice();
  hessenberg(n, hr, hi);
  const outR = new Float64Array(n);
  const outI = new Float64Array(n);
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm = Math.max(norm, Math.abs(hr[i]!) + Math.abs(hi[i]!));
  const tiny = Number.MIN_VALUE / EPS;
  const cs = new Float64Array(n);
  const snr = new Float64Array(n);
  const sni = new Float64Array(n);
  let h = n - 1;
  let iter = 0;
  while (h >= 0) {
    // Find the active block [l, h]: the largest l with a negligible sub-diagonal at l.
    let l = h;
    while (l > 0) {
      const sub = Math.abs(hr[l * n + l - 1]!) + Math.abs(hi[l * n + l - 1]!);
      let diag =
        Math.abs(hr[l * n + l]!) + Math.abs(hi[l * n + l]!) + Math.abs(hr[(l - 1) * n + l - 1]!) + Math.abs(hi[(l - 1) * n + l - 1]!);
      if (diag === 0) diag = norm;
      if (sub <= EPS * diag || sub <= tiny) {
        hr[l * n + l - 1] = 0;
        hi[l * n + l - 1] = 0;
        break;
      }
      l--;
    }
    if (l === h) {
      outR[h] = hr[h * n + h]!;
      outI[h] = hi[h * n + h]!;
      h--;
      iter = 0;
      continue;
    }
    iter++;
    if (iter > maxIt)
      fail(where, `QR iteration did not converge for the eigenvalue at index ${h} of a ${n} x ${n} matrix after ${maxIt} sweeps`);
    // Shift.
    let mur: number, mui: number;
    if (iter % 10 === 0) {
      // Exceptional shift: perturb by the size of the last sub-diagonal.
      mur = hr[h * n + h]! + 0.75 * Math.abs(hr[h * n + h - 1]!);
      mui = hi[h * n + h]! + 0.75 * Math.abs(hi[h * n + h - 1]!);
    } else {
      // Wilkinson: eigenvalue of [[a, b], [c, d]] nearer to d.
      const ar = hr[(h - 1) * n + h - 1]!,
        ai = hi[(h - 1) * n + h - 1]!;
      const br = hr[(h - 1) * n + h]!,
        bi = hi[(h - 1) * n + h]!;
      const cr = hr[h * n + h - 1]!,
        ci = hi[h * n + h - 1]!;
      const dr = hr[h * n + h]!,
        di = hi[h * n + h]!;
      const er = (ar - dr) / 2,
        ei = (ai - di) / 2; // (a - d)/2
      const discR = er * er - ei * ei + (br * cr - bi * ci);
      const discI = 2 * er * ei + (br * ci + bi * cr);
      const [sr, si] = csqrt(discR, discI);
      // mu = (a + d)/2 ± s; pick the one closer to d: d + e ± s, minimise |e ± s|.
      const p1 = Math.hypot(er + sr, ei + si);
      const p2 = Math.hypot(er - sr, ei - si);
      if (p1 <= p2) {
        mur = dr + er + sr;
        mui = di + ei + si;
      } else {
        mur = dr + er - sr;
        mui = di + ei - si;
      }
    }
    // QR step on H[l..h, l..h] - mu I.
    for (let k = l; k <= h; k++) {
      hr[k * n + k] = hr[k * n + k]! - mur;
      hi[k * n + k] = hi[k * n + k]! - mui;
    }
    for (let k = l; k < h; k++) {
      const xr = hr[k * n + k]!,
        xi = hi[k * n + k]!;
      const yr = hr[(k + 1) * n + k]!,
        yi = hi[(k + 1) * n + k]!;
      const ax = Math.hypot(xr, xi);
      const nrm = Math.hypot(ax, Math.hypot(yr, yi));
      let c: number, sRe: number, sIm: number;
      if (nrm === 0) {
        c = 1;
        sRe = 0;
        sIm = 0;
      } else if (ax === 0) {
        c = 0;
        sRe = 1;
        sIm = 0;
      } else {
        // G = [c s; -conj(s) c], c = |x|/r, s = (x/|x|) conj(y) / r maps (x, y) to ((x/|x|) r, 0).
        c = ax / nrm;
        const pr = xr / ax,
          pi = xi / ax;
        sRe = (pr * yr + pi * yi) / nrm;
        sIm = (pi * yr - pr * yi) / nrm;
      }
      cs[k] = c;
      snr[k] = sRe;
      sni[k] = sIm;
      for (let j = k; j <= h; j++) {
        const ur = hr[k * n + j]!,
          ui = hi[k * n + j]!;
        const wr = hr[(k + 1) * n + j]!,
          wi = hi[(k + 1) * n + j]!;
        // row_k <- c u + s w ; row_{k+1} <- -conj(s) u + c w
        hr[k * n + j] = c * ur + (sRe * wr - sIm * wi);
        hi[k * n + j] = c * ui + (sRe * wi + sIm * wr);
        hr[(k + 1) * n + j] = -(sRe * ur + sIm * ui) + c * wr;
        hi[(k + 1) * n + j] = -(sRe * ui - sIm * ur) + c * wi;
      }
    }
    for (let k = l; k < h; k++) {
      const c = cs[k]!,
        sRe = snr[k]!,
        sIm = sni[k]!;
      const top = Math.min(k + 2, h);
      for (let i = l; i <= top; i++) {
        const ur = hr[i * n + k]!,
          ui = hi[i * n + k]!;
        const wr = hr[i * n + k + 1]!,
          wi = hi[i * n + k + 1]!;
        // [u, w] <- [u, w] G^H = [c u + conj(s) w, -s u + c w]
        hr[i * n + k] = c * ur + (sRe * wr + sIm * wi);
        hi[i * n + k] = c * ui + (sRe * wi - sIm * wr);
        hr[i * n + k + 1] = -(sRe * ur - sIm * ui) + c * wr;
        hi[i * n + k + 1] = -(sRe * ui + sIm * ur) + c * wi;
      }
    }
    for (let k = l; k <= h; k++) {
      hr[k * n + k] = hr[k * n + k]! + mur;
      hi[k * n + k] = hi[k * n + k]! + mui;
    }
  }
  return { re: outR, im: outI };
}
