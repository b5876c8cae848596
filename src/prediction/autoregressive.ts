/**
 * AR(p) prediction fitted on the window itself (Yule–Walker).
 *
 * The biased autocorrelation of the window, pooled over the M antennas (they share the Doppler
 * process),  r(l) = (1/(P M)) Σ_m Σ_{n=l}^{P−1} y_m(n) y_m*(n − l),  l = 0…p,
 * gives the Yule–Walker equations Σ_{i=1}^{p} a_i r(j − i) = r(j), j = 1…p (r(−l) = r(l)*),
 * solved by the Levinson–Durbin recursion (complex). The biased estimate makes the Toeplitz
 * matrix positive semi-definite, so the fitted model is stable (|reflection coefficients| ≤ 1).
 * Multi-step prediction iterates ĥ(n) = Σ_i a_i ĥ(n − i) from the last p observations.
 *
 * Fitted on 20 noisy samples this is a poor predictor (few lags, noisy estimates) — it is the
 * classic per-window baseline; fitted on training statistics AR(p) tends to the Wiener solution
 * (see {@link KalmanPredictor}). Needs regular sampling.
 */
import { checkInt, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import { requireRegular, type WindowSet } from "./windows.ts";

/**
 * Levinson–Durbin for Hermitian Toeplitz normal equations.
 * @param rRe - Re r(0…p)
 * @param rIm - Im r(0…p)
 * @returns AR coefficients a_1…a_p (planar) with Σ_i a_i r(j − i) = r(j), j = 1…p, and the final
 *   prediction-error power; a zero or non-positive r(0) gives all-zero coefficients
 * @param p - model order
 */
export function levinsonDurbin(rRe: Float64Array, rIm: Float64Array, p: number): { re: Float64Array; im: Float64Array; error: number } {
  const aRe = new Float64Array(p),
    aIm = new Float64Array(p);
  let err = rRe[0]!;
  if (!(err > 0)) return { re: aRe, im: aIm, error: 0 };
  const tRe = new Float64Array(p),
    tIm = new Float64Array(p);
  for (let m = 0; m < p; m++) {
    // k = (r(m+1) − Σ_{i<m} a_i r(m − i)) / err   (a_i is the coefficient of lag i+1)
    let nr = rRe[m + 1]!,
      ni = rIm[m + 1]!;
    for (let i = 0; i < m; i++) {
      const lr = rRe[m - i]!,
        li = rIm[m - i]!;
      nr -= aRe[i]! * lr - aIm[i]! * li;
      ni -= aRe[i]! * li + aIm[i]! * lr;
    }
    const kr = nr / err,
      ki = ni / err;
    // a_i ← a_i − k · conj(a_{m−1−i}), a_m ← k
    for (let i = 0; i < m; i++) {
      const br = aRe[m - 1 - i]!,
        bi = -aIm[m - 1 - i]!;
      tRe[i] = aRe[i]! - (kr * br - ki * bi);
      tIm[i] = aIm[i]! - (kr * bi + ki * br);
    }
    for (let i = 0; i < m; i++) {
      aRe[i] = tRe[i]!;
      aIm[i] = tIm[i]!;
    }
    aRe[m] = kr;
    aIm[m] = ki;
    err *= 1 - (kr * kr + ki * ki);
    if (!(err > 0)) {
      // A perfectly predictable window (e.g. noiseless, fewer tones than p): keep what we have.
      err = 0;
      for (let i = m + 1; i < p; i++) aRe[i] = aIm[i] = 0;
      break;
    }
  }
  return { re: aRe, im: aIm, error: err };
}

export interface AutoregressiveOptions {
  /** Model order p (default 6). */
  readonly order?: number;
}

export class AutoregressivePredictor implements Predictor {
  readonly name: string;
  readonly order: number;
  constructor(options: AutoregressiveOptions = {}, name = "ar") {
    this.order = checkInt("AutoregressivePredictor", "order", options.order ?? 6, 1);
    this.name = name;
  }
  fit(): void {}
  parameterCount(): number {
    return 0;
  }
  predict(ws: WindowSet): ComplexTensor {
    requireRegular(ws, "AutoregressivePredictor");
    const { count: n, history: P, horizon: F, antennas: M } = ws;
    const p = this.order;
    if (p >= P) fail("AutoregressivePredictor", `order ${p} needs a history longer than ${p}, got ${P}`);
    const out = emptyPrediction(ws);
    const rRe = new Float64Array(p + 1),
      rIm = new Float64Array(p + 1);
    // Running buffer of the last p values (most recent last) per antenna.
    const bRe = new Float64Array(p + F),
      bIm = new Float64Array(p + F);
    const { re: yr, im: yi } = ws.inputs;
    for (let w = 0; w < n; w++) {
      const base = w * P * M;
      for (let l = 0; l <= p; l++) {
        let sr = 0,
          si = 0;
        for (let t = l; t < P; t++) {
          const a = base + t * M,
            b = base + (t - l) * M;
          for (let m = 0; m < M; m++) {
            // y(t) conj(y(t − l))
            sr += yr[a + m]! * yr[b + m]! + yi[a + m]! * yi[b + m]!;
            si += yi[a + m]! * yr[b + m]! - yr[a + m]! * yi[b + m]!;
          }
        }
        rRe[l] = sr / (P * M);
        rIm[l] = si / (P * M);
      }
      const a = levinsonDurbin(rRe, rIm, p);
      for (let m = 0; m < M; m++) {
        for (let i = 0; i < p; i++) {
          bRe[i] = yr[base + (P - p + i) * M + m]!;
          bIm[i] = yi[base + (P - p + i) * M + m]!;
        }
        for (let k = 0; k < F; k++) {
          let sr = 0,
            si = 0;
          for (let i = 0; i < p; i++) {
            // a_{i+1} multiplies the sample i+1 steps back
            const xr = bRe[p + k - 1 - i]!,
              xi = bIm[p + k - 1 - i]!;
            sr += a.re[i]! * xr - a.im[i]! * xi;
            si += a.re[i]! * xi + a.im[i]! * xr;
          }
          bRe[p + k] = sr;
          bIm[p + k] = si;
          const dst = (w * F + k) * M + m;
          out.re[dst] = sr;
          out.im[dst] = si;
        }
      }
    }
    return out;
  }
}
