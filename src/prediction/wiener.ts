/**
 * Wiener / LMMSE prediction with the Clarke (Jakes) temporal correlation, per antenna.
 *
 * For a unit-power process with autocorrelation ρ(τ) = J0(2π f_D τ), observed as y = h + n with
 * normalised noise σ̃² = σ² / power at times τ_1 … τ_P, the MMSE linear predictor of h(τ_{P+k}) is
 *
 *   ĥ(τ_{P+k}) = r_kᵀ (R + σ̃² I)⁻¹ y,   R_ij = ρ(τ_i − τ_j),   r_k,i = ρ(τ_{P+k} − τ_i),
 *
 * with expected NMSE_k = 1 − r_kᵀ (R + σ̃² I)⁻¹ r_k. ρ is real, so the filter is real and is
 * applied to each antenna (no spatial correlation is assumed; a trained ridge predictor learns
 * the space–time covariance instead). The strongest classical baseline on dense channels.
 *
 * f_D can be the true value (`dopplerHz`), estimated on each window, or estimated once from the
 * training windows (see doppler.ts). A floor of 1e-9 on the diagonal keeps R + σ̃² I positive
 * definite for noiseless inputs (R of a band-limited process is numerically singular).
 */
import { checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { besselJ0 } from "../core/bessel.ts";
import { estimateDopplerPooled, estimateDopplerWindow } from "./doppler.ts";
import { applyLinearFilters, FilterCache, solveSpd, timesKey, windowTimes } from "./linear-filter.ts";
import type { Predictor } from "./predictor.ts";
import { timeResolution, type WindowSet } from "./windows.ts";

const DIAGONAL_FLOOR = 1e-9;

/** Solve the Wiener–Hopf equations for one time pattern; returns the solution X = (R + σ̃²I)⁻¹ [r_1 … r_F] and the r's. */
function wienerSolve(times: Float64Array, P: number, F: number, fdDt: number, noiseRatio: number): { x: Float64Array; r: Float64Array } {
  const w = 2 * Math.PI * fdDt;
  // The same lags recur (Toeplitz for regular sampling): evaluate J0 once per distinct lag.
  const memo = new Map<number, number>();
  const rho = (lag: number): number => {
    const key = Math.abs(lag);
    let v = memo.get(key);
    if (v === undefined) {
      v = besselJ0(w * key);
      memo.set(key, v);
    }
    return v;
  };
  const a = new Float64Array(P * P);
  for (let i = 0; i < P; i++) {
    for (let j = 0; j <= i; j++) {
      const v = rho(times[i]! - times[j]!);
      a[i * P + j] = v;
      a[j * P + i] = v;
    }
    a[i * P + i]! += noiseRatio + DIAGONAL_FLOOR;
  }
  const r = new Float64Array(P * F);
  for (let i = 0; i < P; i++) for (let k = 0; k < F; k++) r[i * F + k] = rho(times[P + k]! - times[i]!);
  return { x: solveSpd("wiener", a, r, P, F), r };
}

/**
 * The Wiener filter for one time pattern.
 * @param times - [P + F] in units of Δt (inputs then targets)
 * @param fdDt - f_D · Δt (normalised Doppler)
 * @param noiseRatio - σ̃² = σ² / power
 * @returns W [F, P] row-major
 */
export function wienerFilter(times: Float64Array, P: number, F: number, fdDt: number, noiseRatio: number): Float64Array {
  const { x } = wienerSolve(times, P, F, fdDt, noiseRatio);
  const W = new Float64Array(F * P);
  for (let k = 0; k < F; k++) for (let i = 0; i < P; i++) W[k * P + i] = x[i * F + k]!;
  return W;
}

/**
 * Expected NMSE of the Wiener predictor on a unit-power Clarke process, per step:
 * 1 − r_kᵀ (R + σ̃² I)⁻¹ r_k.
 * @param times - [P + F] in units of Δt
 * @returns shape [F], linear
 */
export function wienerTheoreticalNmse(times: Float64Array, P: number, F: number, fdDt: number, noiseRatio: number): Float64Array {
  const { x, r } = wienerSolve(times, P, F, fdDt, noiseRatio);
  const out = new Float64Array(F);
  for (let k = 0; k < F; k++) {
    let s = 0;
    for (let i = 0; i < P; i++) s += r[i * F + k]! * x[i * F + k]!;
    out[k] = 1 - s;
  }
  return out;
}

/**
 * Uniform times −(P−1) … 0, 1 … F (units of Δt).
 * @returns times [P + F] in units of Δt relative to the last input
 */
export function regularTimes(P: number, F: number): Float64Array {
  return Float64Array.from({ length: P + F }, (_, i) => (i < P ? i - (P - 1) : i - P + 1));
}

export interface WienerOptions {
  /** True maximum Doppler f_D in Hz; omit to estimate it. */
  readonly dopplerHz?: number;
  /** Estimate f_D on each window (`window`, default when no dopplerHz) or once from the training windows (`train`). */
  readonly estimate?: "window" | "train";
}

export class WienerPredictor implements Predictor {
  readonly name: string;
  private readonly mode: "true" | "window" | "train";
  private fd: number | null;
  private readonly cache = new FilterCache();
  /** f̂_D of every window of the last `predict` (window mode), Hz. */
  lastEstimates: Float64Array | null = null;
  private taps = 0;

  constructor(options: WienerOptions = {}, name?: string) {
    if (options.dopplerHz !== undefined) {
      this.fd = checkNumber("WienerPredictor", "dopplerHz", options.dopplerHz, 0);
      this.mode = "true";
    } else {
      this.fd = null;
      this.mode = options.estimate ?? "window";
    }
    this.name = name ?? (this.mode === "true" ? "wiener" : this.mode === "window" ? "wiener-est" : "wiener-train");
  }

  /** The f_D in use (true, or estimated from training data), Hz; null in window mode. */
  get dopplerHz(): number | null {
    return this.fd;
  }

  fit(train: WindowSet): void {
    if (this.mode === "train") this.fd = estimateDopplerPooled(train);
  }

  /** The P·F filter taps (one filter serves every regularly sampled window); 0 in window mode, which derives a new filter per window. */
  parameterCount(): number {
    return this.mode === "window" ? 0 : this.taps;
  }

  predict(ws: WindowSet): ComplexTensor {
    const P = ws.history,
      F = ws.horizon;
    if (this.mode !== "window" && this.fd === null)
      fail("WienerPredictor", "f_D is unknown: call fit() on training windows first (estimate: 'train')");
    const est = this.mode === "window" ? new Float64Array(ws.count) : null;
    // lag bins per Δt of the f_D estimate (jittered windows: their time grid)
    const B = est && !ws.regular ? timeResolution(ws, "WienerPredictor") : 1;
    const out = applyLinearFilters(ws, (w) => {
      const t = windowTimes(ws, w);
      const ratio = ws.power[w]! > 0 ? ws.noiseVar[w]! / ws.power[w]! : 0;
      if (est) {
        est[w] = estimateDopplerWindow(ws, w, undefined, B);
        return wienerFilter(t, P, F, est[w]! * ws.dt, ratio);
      }
      const fdDt = this.fd! * ws.dt;
      return this.cache.get(timesKey(t, fdDt, ratio), () => wienerFilter(t, P, F, fdDt, ratio));
    });
    this.lastEstimates = est;
    this.taps = P * F;
    return out;
  }
}
