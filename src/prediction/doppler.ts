/**
 * Maximum-Doppler estimation for the Wiener predictor with estimated f_D (docs/prediction.md §4.5):
 * fit the Clarke autocorrelation ρ(τ) = J0(2π f_D τ) to the empirical one.
 *
 * Empirical normalised autocorrelation at integer lags l (in units of Δt, or of Δt/B for jittered
 * windows whose times lie on the grid Δt/B), pooled over antennas and all sample pairs of a window
 * (so random input gaps and jitter are handled):
 *
 *   r̂(l) = mean over pairs (i, j) with τ_i − τ_j = l of Re{ y(τ_i) y*(τ_j) },
 *   ρ̂(l) = r̂(l) / (r̂(0) − σ²)          (the noise only inflates lag 0),
 *
 * then f̂_D = argmin_{0 ≤ f ≤ f_max} Σ_{l=1..L} (ρ̂(l) − J0(2π f l Δt))², by a coarse grid and a
 * golden-section refinement of the best cell. f_max = 0.38/Δt keeps 2π f Δt inside J0's main
 * lobe at lag 1 (first zero 2.405), where the correlation identifies f_D uniquely.
 */
import { besselJ0 } from "../core/bessel.ts";
import { timeResolution, type WindowSet } from "./windows.ts";

/** Grid of the J0 table used by the fit: step 1/256 on [0, 32]. */
const TABLE_STEP = 1 / 256;
const TABLE_END = 32;
let j0Table: Float64Array | null = null;

/**
 * J0(x) by 4-point Lagrange interpolation in a table (step h = 1/256): error ≤ h⁴ max|J0⁗| / 24·(9/16)
 * < 1e-10, about 50× faster than {@link besselJ0}; exact J0 beyond the table. The fit evaluates J0
 * hundreds of times per window, the predictor itself always uses the exact function.
 */
export function besselJ0Interpolated(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < TABLE_END - 2 * TABLE_STEP)) return besselJ0(x);
  if (!j0Table) {
    const n = Math.round(TABLE_END / TABLE_STEP) + 1;
    j0Table = new Float64Array(n);
    for (let i = 0; i < n; i++) j0Table[i] = besselJ0(i * TABLE_STEP);
  }
  const u = ax / TABLE_STEP;
  const i = Math.max(1, Math.floor(u));
  const t = u - i; // in [0, 1) between nodes i and i+1 (nodes i-1 … i+2); J0 is even, so node -1 = node 1
  const f0 = j0Table[i - 1]!,
    f1 = j0Table[i]!,
    f2 = j0Table[i + 1]!,
    f3 = j0Table[i + 2]!;
  return (
    (-t * (t - 1) * (t - 2) * f0) / 6 +
    ((t + 1) * (t - 1) * (t - 2) * f1) / 2 -
    ((t + 1) * t * (t - 2) * f2) / 2 +
    ((t + 1) * t * (t - 1) * f3) / 6
  );
}

/** Pooled empirical autocorrelation accumulators at lags 0…maxLag. */
export interface Acf {
  /** Σ Re{y(τ_i) y*(τ_j)} per lag. */
  readonly sum: Float64Array;
  /** Number of (pair, antenna) terms per lag. */
  readonly count: Float64Array;
  /** Σ σ² over the lag-0 terms (to remove the noise power from r̂(0)). */
  noise: number;
}

export function emptyAcf(maxLag: number): Acf {
  return { sum: new Float64Array(maxLag + 1), count: new Float64Array(maxLag + 1), noise: 0 };
}

/**
 * Add window w's sample pairs to `acf`. Lags are the time differences rounded to whole Δt/B.
 * @param ws - windows, inputs [n, P, M]
 * @param w - window index
 * @param B - lag bins per Δt (default 1; jittered windows use their time grid, so no rounding)
 */
export function accumulateAcf(acf: Acf, ws: WindowSet, w: number, B = 1): void {
  const { history: P, horizon: F, antennas: M } = ws;
  const maxLag = acf.sum.length - 1;
  const base = w * (P + F);
  for (let i = 0; i < P; i++) {
    const ti = ws.times[base + i]!;
    for (let j = 0; j <= i; j++) {
      const lag = Math.round(((ti - ws.times[base + j]!) / ws.dt) * B);
      if (lag > maxLag) continue;
      const a = (w * P + i) * M,
        b = (w * P + j) * M;
      let s = 0;
      for (let m = 0; m < M; m++) s += ws.inputs.re[a + m]! * ws.inputs.re[b + m]! + ws.inputs.im[a + m]! * ws.inputs.im[b + m]!;
      acf.sum[lag]! += s;
      acf.count[lag]! += M;
    }
  }
  acf.noise += ws.noiseVar[w]! * P * M;
}

/**
 * Normalised autocorrelation ρ̂(l), l = 0…maxLag, from the accumulators (NaN where a lag had no
 * pairs). The noise power is removed from lag 0, floored at 5 % of r̂(0) so that a window
 * dominated by noise cannot blow the ratio up.
 * @returns ρ̂(l), shape [maxLag + 1], dimensionless
 */
export function normalisedAcf(acf: Acf): Float64Array {
  const out = new Float64Array(acf.sum.length);
  const r0 = acf.sum[0]! / acf.count[0]!;
  const signal = Math.max(r0 - acf.noise / acf.count[0]!, 0.05 * r0);
  for (let l = 0; l < out.length; l++) out[l] = acf.count[l]! > 0 ? acf.sum[l]! / acf.count[l]! / signal : NaN;
  return out;
}

/**
 * Least-squares fit of f_D to ρ̂(l) ≈ J0(2π f_D l Δt), l ≥ 1.
 * @param rho - ρ̂ at lags 0…L (lag 0 and NaN entries are ignored)
 * @param dt - Δt, s
 * @param maxHz - search range upper end (default 0.38/Δt)
 * @returns f̂_D in Hz (0 for a window without usable lags)
 */
export function fitClarkeDoppler(rho: Float64Array, dt: number, maxHz = 0.38 / dt): number {
  const lags: number[] = [];
  for (let l = 1; l < rho.length; l++) if (Number.isFinite(rho[l]!)) lags.push(l);
  if (lags.length === 0 || !(maxHz > 0)) return 0;
  const cost = (f: number): number => {
    let c = 0;
    for (const l of lags) c += (rho[l]! - besselJ0Interpolated(2 * Math.PI * f * l * dt)) ** 2;
    return c;
  };
  const cells = 32;
  let best = 0;
  let bestCost = Infinity;
  for (let i = 0; i <= cells; i++) {
    const c = cost((i / cells) * maxHz);
    if (c < bestCost) {
      bestCost = c;
      best = i;
    }
  }
  // Golden section on the cells around the best grid point.
  let lo = (Math.max(0, best - 1) / cells) * maxHz;
  let hi = (Math.min(cells, best + 1) / cells) * maxHz;
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo),
    x2 = lo + g * (hi - lo);
  let c1 = cost(x1),
    c2 = cost(x2);
  for (let it = 0; it < 40 && hi - lo > 1e-9 * maxHz; it++) {
    if (c1 <= c2) {
      hi = x2;
      x2 = x1;
      c2 = c1;
      x1 = hi - g * (hi - lo);
      c1 = cost(x1);
    } else {
      lo = x1;
      x1 = x2;
      c1 = c2;
      x2 = lo + g * (hi - lo);
      c2 = cost(x2);
    }
  }
  return (lo + hi) / 2;
}

/**
 * f̂_D from one window (lags up to ⌊P/2⌋, where the pair counts are still reasonable).
 * @param ws - windows, inputs [n, P, M], complex planar
 * @param w - window index
 * @param maxLag - largest lag in units of Δt
 * @returns f̂_D in Hz
 */
export function estimateDopplerWindow(
  ws: WindowSet,
  w: number,
  maxLag = Math.max(1, Math.floor(ws.history / 2)),
  B = ws.regular ? 1 : timeResolution(ws, "estimateDopplerWindow"),
): number {
  const acf = emptyAcf(maxLag * B);
  accumulateAcf(acf, ws, w, B);
  return fitClarkeDoppler(normalisedAcf(acf), ws.dt / B, 0.38 / ws.dt);
}

/**
 * f̂_D pooled over all windows of a set (e.g. the training windows).
 * @param ws - windows, inputs [n, P, M], complex planar
 * @param maxLag - largest lag in units of Δt (default P − 1)
 * @returns f̂_D in Hz
 */
export function estimateDopplerPooled(ws: WindowSet, maxLag = Math.max(1, ws.history - 1)): number {
  const B = ws.regular ? 1 : timeResolution(ws, "estimateDopplerPooled");
  const acf = emptyAcf(maxLag * B);
  for (let w = 0; w < ws.count; w++) accumulateAcf(acf, ws, w, B);
  return fitClarkeDoppler(normalisedAcf(acf), ws.dt / B, 0.38 / ws.dt);
}
