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
 *
 * Jittered (non-integer) gaps τ (in units of Δt): the state is still the lag vector
 * s(t) = [h(t), h(t − Δt), …, h(t − (p−1)Δt)]ᵀ, now anchored at the observation time, and it is
 * carried over τ by the Gaussian conditional of the stationary Clarke process,
 *
 *   s(t + τ) = A_τ s(t) + w,  A_τ = R_τ Σ⁻¹,  E w wᵀ = Q_τ = Σ − A_τ R_τᵀ,
 *   Σ = T_p + ε I,  R_τ[i, j] = ρ(τ − i + j) = E s_i(t + τ) s_j(t),
 *
 * (the same p-lag Markov approximation as the AR(p) model: for τ = 1 the first row of A_τ is the
 * Yule–Walker a and the other rows shift). Whole-Δt gaps keep the companion recursion, so
 * regular and gapped windows give the results they gave before; the targets follow the last input
 * at whole Δt. Gains are then per window (its gaps), and A_τ, Q_τ are cached per τ.
 */
import { checkInt, checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { besselJ0 } from "../core/bessel.ts";
import { solveSpd } from "./linear-filter.ts";
import { emptyPrediction, type Predictor } from "./predictor.ts";
import { timeResolution, type WindowSet } from "./windows.ts";

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

/** The transition over a non-integer gap τ (module header): A_τ [p, p] and Q_τ [p, p], row-major. */
export interface FractionalStep {
  readonly tau: number;
  readonly A: Float64Array;
  readonly Q: Float64Array;
}

/**
 * Transition of the p-lag state of the unit-power Clarke process over τ·Δt (module header).
 * @param fdDt - normalised Doppler f_D·Δt
 * @param p - state length (AR order)
 * @param loading - diagonal loading ε of Σ
 * @param tau - gap in units of Δt (> 0, any real)
 * @returns A_τ and Q_τ, each [p, p] row-major (Q_τ symmetrised)
 */
export function fractionalStep(fdDt: number, p: number, loading: number, tau: number): FractionalStep {
  const rho = (l: number): number => besselJ0(2 * Math.PI * fdDt * l);
  const S = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) S[i * p + j] = rho(i - j) + (i === j ? loading : 0);
  // Σ Aᵀ = R_τᵀ: the right-hand side's column i is row i of R_τ.
  const Rt = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) Rt[j * p + i] = rho(tau - i + j);
  const At = solveSpd("kalman", S, Rt, p, p);
  const A = new Float64Array(p * p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) A[i * p + j] = At[j * p + i]!;
  const Q = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j < p; j++) {
      let v = S[i * p + j]!;
      for (let k = 0; k < p; k++) v -= A[i * p + k]! * Rt[k * p + j]!;
      Q[i * p + j] = v;
    }
  for (let i = 0; i < p; i++) {
    Q[i * p + i] = Math.max(Q[i * p + i]!, 0);
    for (let j = 0; j < i; j++) Q[i * p + j] = Q[j * p + i] = (Q[i * p + j]! + Q[j * p + i]!) / 2;
  }
  return { tau, A, Q };
}

/** A gap before an observation: whole grid steps (companion recursion) or a fractional transition. */
type Gap = number | FractionalStep;

/**
 * Kalman gains for P observations (each a p-vector), from the model and σ̃²; data independent.
 * @param steps - the gap before each observation [P] (steps[0] ignored; all 1 for regular
 *   sampling): whole grid steps Δt propagate the covariance that many times (the unobserved grid
 *   points between two inputs are predicted without an update); a fractional step applies
 *   C ← A_τ C A_τᵀ + Q_τ
 */
function gains(a: Float64Array, q: number, rho: Float64Array, p: number, steps: ArrayLike<Gap>, noise: number): Float64Array {
  const P = steps.length;
  const K = new Float64Array(P * p);
  let C = new Float64Array(p * p); // state covariance
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) C[i * p + j] = rho[Math.abs(i - j)]!;
  const tmp = new Float64Array(p * p);
  for (let n = 0; n < P; n++) {
    const gap = n > 0 ? steps[n]! : 0;
    if (typeof gap !== "number") {
      // C ← A C Aᵀ + Q
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          let s = 0;
          for (let k = 0; k < p; k++) s += gap.A[i * p + k]! * C[k * p + j]!;
          tmp[i * p + j] = s;
        }
      const next = new Float64Array(p * p);
      for (let i = 0; i < p; i++)
        for (let j = 0; j < p; j++) {
          let s = gap.Q[i * p + j]!;
          for (let k = 0; k < p; k++) s += tmp[i * p + k]! * gap.A[j * p + k]!;
          next[i * p + j] = s;
        }
      C = next;
    }
    for (let g = 0; g < (typeof gap === "number" ? gap : 0); g++) {
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
  /** Fractional transitions by f_D·Δt and τ. */
  private readonly steps = new Map<string, FractionalStep>();

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
    const steps: Gap[] = new Array<Gap>(P + F).fill(0);
    const tr = new Float64Array(p),
      ti = new Float64Array(p);
    // jittered times on a grid Δt/B: gaps snapped to it, so equal gaps share one transition
    const B = ws.regular ? 1 : timeResolution(ws, "KalmanPredictor", false);
    for (let w = 0; w < n; w++) {
      const noise = ws.power[w]! > 0 ? ws.noiseVar[w]! / ws.power[w]! : 0;
      // gaps between consecutive input times, then from the last input to each target: whole
      // grid steps, or a fractional transition for a jittered gap
      const fdDt = this.dopplerHz * ws.dt;
      for (let j = 1; j < P + F; j++) {
        const raw = (ws.times[w * (P + F) + j]! - ws.times[w * (P + F) + j - 1]!) / ws.dt;
        const tau = B > 1 ? Math.round(raw * B) / B : raw;
        const g = Math.round(tau);
        if (Math.abs(tau - g) <= 1e-9 * Math.max(1, tau)) {
          if (!(g >= 1)) fail("KalmanPredictor", `window ${w}: sample ${j} is ${g} grid steps after the previous one, expected >= 1`);
          steps[j] = g;
        } else {
          if (!(tau > 0)) fail("KalmanPredictor", `window ${w}: sample ${j} is ${tau} Δt after the previous one, expected > 0`);
          const tk = `${fdDt}|${tau}`;
          let f = this.steps.get(tk);
          if (!f) {
            f = fractionalStep(fdDt, p, this.loading, tau);
            if (this.steps.size > 4096) this.steps.clear();
            this.steps.set(tk, f);
          }
          steps[j] = f;
        }
      }
      const inSteps = steps.slice(0, P);
      const key = `${ws.dt}|${noise}|${ws.regular ? P : inSteps.map((g) => (typeof g === "number" ? g : `f${g.tau}`)).join(",")}`;
      let model = this.cache.get(key);
      if (!model) {
        const m = clarkeArModel(fdDt, p, this.loading);
        model = { a: m.a, K: gains(m.a, m.q, m.rho, p, ws.regular ? new Array<Gap>(P).fill(1) : inSteps, noise) };
        if (this.cache.size > 4096) this.cache.clear();
        this.cache.set(key, model);
      }
      const { a, K } = model;
      for (let m = 0; m < M; m++) {
        sr.fill(0);
        si.fill(0);
        for (let t = 0; t < P; t++) {
          const gap = t > 0 ? steps[t]! : 0;
          if (typeof gap !== "number") {
            // s ← A_τ s
            for (let i = 0; i < p; i++) {
              let xr = 0,
                xi = 0;
              for (let k = 0; k < p; k++) {
                xr += gap.A[i * p + k]! * sr[k]!;
                xi += gap.A[i * p + k]! * si[k]!;
              }
              tr[i] = xr;
              ti[i] = xi;
            }
            sr.set(tr);
            si.set(ti);
          }
          for (let g = 0; g < (typeof gap === "number" ? gap : 0); g++) propagate(a, sr, si, p);
          const o = (w * P + t) * M + m;
          const er = ws.inputs.re[o]! - sr[0]!,
            ei = ws.inputs.im[o]! - si[0]!;
          for (let i = 0; i < p; i++) {
            sr[i]! += K[t * p + i]! * er;
            si[i]! += K[t * p + i]! * ei;
          }
        }
        for (let k = 0; k < F; k++) {
          const gap = steps[P + k]!;
          if (typeof gap !== "number")
            fail("KalmanPredictor", `window ${w}: target ${k + 1} is not a whole number of Δt after the previous sample`);
          for (let g = 0; g < gap; g++) propagate(a, sr, si, p);
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
