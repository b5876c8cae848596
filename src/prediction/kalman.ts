/**
 * Kalman-filter prediction with an AR(p) state model derived from the Clarke correlation, per
 * antenna (a Gauss–Markov model for p = 1).
 *
 * Model (unit power, Δt grid): the AR coefficients solve the Yule–Walker equations of
 * ρ(l) = J0(2π f_D l Δt),  (T_p + ε I) a = [ρ(1) … ρ(p)]ᵀ, T_p = Toeplitz(ρ(0…p−1)), with a small
 * loading ε (default 1e-6) because T_p of a band-limited process is numerically singular;
 * innovation power q = (1 + ε) − aᵀ[ρ(1) … ρ(p)] > 0. State s_n = [h(n), h(n−1), …, h(n−p+1)]ᵀ:
 *
 *   s_{n+1} = A s_n + [w_n, 0, …]ᵀ,  A = companion(a),  E|w|² = q,
 *   y_n = e_1ᵀ s_n + v_n,  E|v|² = σ̃² = σ² / power,
 *
 * started from s ~ CN(0, T_p) at the first input, filtered over the P inputs (predict, update),
 * then propagated k steps: ĥ(t + kΔt) = e_1ᵀ A^k ŝ. All model matrices are real, so one real
 * gain sequence (it depends on σ̃² only, cached) serves the real and imaginary parts of every
 * antenna. In steady state this is the Wiener predictor of the AR(p) model (docs/prediction.md §4.6).
 * Irregular sampling: the inputs lie on the Δt grid with gaps; the filter runs on the grid and
 * skips the update at unobserved points (the state and its covariance are propagated over the
 * actual gap), so the gains depend on the window's gap pattern (computed per pattern, cached).
 */
import { checkInt, checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { besselJ0 } from "../core/bessel.ts";
import { solveSpd } from "./linear-filter.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import type { WindowSet } from "./windows.ts";

export interface KalmanOptions {
  /** True maximum Doppler f_D, Hz. */
  readonly dopplerHz: number;
  /** AR order p (default 8; 1 = Gauss–Markov). */
  readonly order?: number;
  /** Yule–Walker diagonal loading ε (default 1e-6). */
  readonly loading?: number;
}

/**
 * AR(p) model of the Clarke process on a Δt grid.
 * @param fdDt - normalised Doppler f_D·Δt (dimensionless)
 * @param p - AR order
 * @param loading - Yule–Walker diagonal loading ε
 * @returns AR coefficients a [p], innovation power q and ρ(0…p) [p + 1] (unit-power process)
 */
export function clarkeArModel(fdDt: number, p: number, loading: number): { a: Float64Array; q: number; rho: Float64Array } {
  const rho = Float64Array.from({ length: p + 1 }, (_, l) => besselJ0(2 * Math.PI * fdDt * l));
  const T = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) T[i * p + j] = rho[Math.abs(i - j)]! + (i === j ? loading : 0);
  const a = solveSpd("kalman", T, rho.slice(1), p, 1);
  let q = 1 + loading;
  for (let i = 0; i < p; i++) q -= a[i]! * rho[i + 1]!;
  return { a, q: Math.max(q, 1e-15), rho };
}

/**
 * Kalman gains for P observations (each a p-vector), from the model and σ̃²; data independent.
 * @param steps - grid steps Δt before each observation [P] (steps[0] ignored; all 1 for regular
 *   sampling): the covariance is propagated that many times, i.e. the unobserved grid points
 *   between two inputs are predicted without an update
 */
function gains(a: Float64Array, q: number, rho: Float64Array, p: number, steps: ArrayLike<number>, noise: number): Float64Array {
  const P = steps.length;
  const K = new Float64Array(P * p);
  let C = new Float64Array(p * p); // state covariance
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * p + j] = rho[Math.abs(i - j)]!;
  const tmp = new Float64Array(p * p);
  for (let n = 0; n < P; n++) {
    for (let g = 0; g < (n > 0 ? steps[n]! : 0); g++) {
      // C ← A C Aᵀ + q e1 e1ᵀ, A = companion(a): (A X)[0, :] = aᵀ X, (A X)[i, :] = X[i−1, :].
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += a[k]! * C[k * p + j]!;
        tmp[j] = s;
        for (let i = 1; i < p; i++) tmp[i * p + j] = C[(i - 1) * p + j]!;
      }
      const next = new Float64Array(p * p);
      for (let i = 0; i < p; i++) {
        let s = 0;
        for (let k = 0; k < p; k++) s += tmp[i * p + k]! * a[k]!;
        next[i * p] = s;
        for (let j = 1; j < p; j++) next[i * p + j] = tmp[i * p + j - 1]!;
      }
      next[0]! += q;
      C = next;
    }
    // Update with y = e1ᵀ s + v: K = C e1 / (C00 + σ̃²), C ← C − K e1ᵀ C.
    const den = C[0]! + noise;
    for (let i = 0; i < p; i++) K[n * p + i] = den > 0 ? C[i * p]! / den : 0;
    const row0 = C.slice(0, p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * p + j]! -= K[n * p + i]! * row0[j]!;
  }
  return K;
}

export class KalmanPredictor implements Predictor {
  readonly name: string;
  readonly order: number;
  readonly dopplerHz: number;
  readonly loading: number;
  private readonly cache = new Map<string, { a: Float64Array; K: Float64Array }>();

  constructor(options: KalmanOptions, name = "kalman") {
    this.dopplerHz = checkNumber("KalmanPredictor", "dopplerHz", options.dopplerHz, 0);
    this.order = checkInt("KalmanPredictor", "order", options.order ?? 8, 1, 64);
    this.loading = checkNumber("KalmanPredictor", "loading", options.loading ?? 1e-6, 0);
    this.name = name;
  }

  fit(): void {}

  /** AR coefficients (p) and the innovation power. */
  parameterCount(): number {
    return this.order + 1;
  }

  predict(ws: WindowSet): ComplexTensor {
    const { count: n, history: P, horizon: F, antennas: M } = ws;
    const p = this.order;
    if (p > P) fail("KalmanPredictor", `order ${p} exceeds the history ${P}`);
    const out = emptyPrediction(ws);
    const sr = new Float64Array(p),
      si = new Float64Array(p);
    const steps = new Int32Array(P + F);
    for (let w = 0; w < n; w++) {
      const noise = ws.power[w]! > 0 ? ws.noiseVar[w]! / ws.power[w]! : 0;
      // grid steps between consecutive input times, then from the last input to each target
      for (let j = 1; j < P + F; j++) {
        const g = Math.round((ws.times[w * (P + F) + j]! - ws.times[w * (P + F) + j - 1]!) / ws.dt);
        if (!(g >= 1)) fail("KalmanPredictor", `window ${w}: sample ${j} is ${g} grid steps after the previous one, expected >= 1`);
        steps[j] = g;
      }
      const inSteps = steps.subarray(0, P);
      const key = `${ws.dt}|${noise}|${ws.regular ? P : inSteps.join(",")}`;
      let model = this.cache.get(key);
      if (!model) {
        const m = clarkeArModel(this.dopplerHz * ws.dt, p, this.loading);
        model = { a: m.a, K: gains(m.a, m.q, m.rho, p, ws.regular ? new Int32Array(P).fill(1) : inSteps, noise) };
        if (this.cache.size > 4096) this.cache.clear();
        this.cache.set(key, model);
      }
      const { a, K } = model;
      for (let m = 0; m < M; m++) {
        sr.fill(0);
        si.fill(0);
        for (let t = 0; t < P; t++) {
          for (let g = 0; g < (t > 0 ? steps[t]! : 0); g++) propagate(a, sr, si, p);
          const o = (w * P + t) * M + m;
          const er = ws.inputs.re[o]! - sr[0]!,
            ei = ws.inputs.im[o]! - si[0]!;
          for (let i = 0; i < p; i++) {
            sr[i]! += K[t * p + i]! * er;
            si[i]! += K[t * p + i]! * ei;
          }
        }
        for (let k = 0; k < F; k++) {
          for (let g = 0; g < steps[P + k]!; g++) propagate(a, sr, si, p);
          const dst = (w * F + k) * M + m;
          out.re[dst] = sr[0]!;
          out.im[dst] = si[0]!;
        }
      }
    }
    return out;
  }
}

/** s ← A s for the companion matrix of a (new head aᵀ s, the rest shifts down). */
function propagate(a: Float64Array, sr: Float64Array, si: Float64Array, p: number): void {
  let hr = 0,
    hi = 0;
  for (let i = 0; i < p; i++) {
    hr += a[i]! * sr[i]!;
    hi += a[i]! * si[i]!;
  }
  for (let i = p - 1; i > 0; i--) {
    sr[i] = sr[i - 1]!;
    si[i] = si[i - 1]!;
  }
  sr[0] = hr;
  si[0] = hi;
}
