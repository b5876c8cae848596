/**
 * Prediction windows: P past observations → the next F channel samples, cut from trajectories.
 *
 * Inputs are noisy observations y = h + n, n ~ CN(0, σ² I), with σ² = power · 10^{−SNR/10}
 * defined w.r.t. the trajectory's long-term mean power (never the instantaneous one, which would
 * correlate the noise with the fading); targets are the noiseless channel.
 *
 * Sampling: regular (every sample of the trajectory, spacing Δt) or irregular, where each input
 * step skips a random number of samples (gap g ∈ {1, …, maxGap}); the F targets always follow the
 * last input at Δt, 2Δt, … FΔt. `times` gives every sample's time relative to the last input.
 *
 * Jittered arrival: with a trajectory sampled R times per Δt (`oversample` R, spacing Δt/R) the
 * nominal input times t°_j (the Δt grid above, with or without gaps) are moved to
 *
 *     t_j = t°_j + u_j Δt,   u_j uniform on {−J, −J + 1/R, …, J}, J = ⌊jitter·R⌋ / R,  j < P − 1,
 *
 * the last input staying at t°_{P−1} = 0 (the origin of the prediction). The channel value of
 * input j is the trajectory sample at t_j exactly (no interpolation: t_j is a sample of the finer
 * grid); with jitter < ½ the inputs keep their order (consecutive gaps ≥ (1 − 2J)Δt > 0).
 * jitter = 0 and R = 1 reproduce the plain cutter bit for bit (no extra draws).
 */
import { checkInt, checkNumber, fail } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { Rng } from "../core/random.ts";
import type { Trajectory } from "./trajectories.ts";

/** A set of prediction windows. n windows, P inputs, F targets, M antennas. */
export interface WindowSet {
  readonly history: number;
  readonly horizon: number;
  readonly antennas: number;
  /** Number of windows n. */
  readonly count: number;
  /** Nominal sampling interval Δt in s (the spacing of the targets). */
  readonly dt: number;
  /** Whether all windows are regularly sampled (every input gap is Δt). */
  readonly regular: boolean;
  /** Noisy observations, shape [n, P, M], complex planar. */
  readonly inputs: ComplexTensor;
  /** Noiseless future channel, shape [n, F, M], complex planar. */
  readonly targets: ComplexTensor;
  /** Sample times relative to the last input, s, shape [n, P + F] (inputs then targets). */
  readonly times: Float64Array;
  /** Noise variance σ² per entry of the inputs, per window, shape [n]. */
  readonly noiseVar: Float64Array;
  /** Reference (trajectory mean) power per entry, per window, shape [n]. */
  readonly power: Float64Array;
  /** Split group of each window's trajectory, shape [n]. */
  readonly group: Int32Array;
  /**
   * Provenance [n, 3]: trajectory id, first and one-past-last sample index used (inputs and
   * targets), for leakage checks.
   */
  readonly origin: Int32Array;
}

/** Options of {@link makeWindows}. */
export interface WindowOptions {
  /** P past samples (≥ 1). */
  readonly history: number;
  /** F future samples to predict (≥ 1). */
  readonly horizon: number;
  /** Sampling interval Δt of the trajectories, s. */
  readonly dt: number;
  /** Input SNR in dB w.r.t. the trajectory's mean power; null: noiseless inputs. */
  readonly snrDb: number | null;
  /**
   * Trajectory samples between window starts. Default: the nominal window span
   * ((P − 1)·maxGap + F + 1)·R, so windows of one trajectory never share a sample (the jitter
   * moves an input by less than R/2 samples).
   */
  readonly stride?: number;
  /** Largest input gap in units of Δt (1: regular sampling). Default 1. */
  readonly maxGap?: number;
  /**
   * Trajectory samples per Δt, R ≥ 1 (the trajectories are sampled every Δt/R; `stride` and the
   * provenance count trajectory samples). Default 1.
   */
  readonly oversample?: number;
  /**
   * Timing jitter of the inputs as a fraction of Δt, 0 ≤ jitter < ½ (module header; needs
   * oversample R with ⌊jitter·R⌋ ≥ 1 when jitter > 0). Default 0.
   */
  readonly jitter?: number;
  /** Stop after this many windows per trajectory (default: all). */
  readonly maxPerTrajectory?: number;
  /** Noise (and gap) draws. */
  readonly rng: Rng;
}

/**
 * Cut windows out of trajectories, inject the input noise and record provenance.
 * Windows are produced trajectory by trajectory, in order; the draws are deterministic for the
 * generator's seed.
 * @param trajectories - each h of shape [T, M] with the same M
 * @returns the windows; a trajectory shorter than one window contributes none
 * @throws LiquidwaveError on bad options or mismatched antenna counts
 */
export function makeWindows(trajectories: readonly Trajectory[], options: WindowOptions): WindowSet {
  const where = "makeWindows";
  const P = checkInt(where, "history", options.history, 1);
  const F = checkInt(where, "horizon", options.horizon, 1);
  const dt = checkNumber(where, "dt", options.dt, Number.MIN_VALUE);
  const G = checkInt(where, "maxGap", options.maxGap ?? 1, 1);
  const R = checkInt(where, "oversample", options.oversample ?? 1, 1);
  const jitter = options.jitter ?? 0;
  if (!(jitter >= 0 && jitter < 0.5)) fail(where, `jitter must be in [0, 0.5) (a fraction of Δt), got ${jitter}`);
  // largest jitter in trajectory samples
  const J = Math.floor(jitter * R + 1e-9);
  if (jitter > 0 && J < 1)
    fail(where, `jitter ${jitter} needs trajectories sampled at least ${Math.ceil(1 / jitter)} times per Δt (oversample), got ${R}`);
  const snr = options.snrDb;
  if (snr !== null) checkNumber(where, "snrDb", snr, -100, 400);
  // span of a window in trajectory samples (the first input may move J samples earlier)
  const maxSpan = ((P - 1) * G + F) * R + J + 1;
  const stride = checkInt(where, "stride", options.stride ?? ((P - 1) * G + F + 1) * R, 1);
  const maxPer = options.maxPerTrajectory === undefined ? Infinity : checkInt(where, "maxPerTrajectory", options.maxPerTrajectory, 1);
  const M = trajectories[0]?.h.shape[1] ?? 0;
  const rng = options.rng;
  // First pass: window starts and gaps (the gaps are drawn here so the count is known).
  const plan: { tr: Trajectory; start: number; offsets: Int32Array }[] = [];
  for (const tr of trajectories) {
    const [T, m] = tr.h.shape as [number, number];
    if (m !== M) fail(where, `trajectory ${tr.id} has M = ${m} antennas, the first has ${M}`);
    let made = 0;
    for (let s = 0; s + maxSpan <= T && made < maxPer; s += stride, made++) {
      // offsets[j] = sample index of input j (relative to s); targets follow the last input.
      const offsets = new Int32Array(P);
      offsets[0] = J;
      for (let j = 1; j < P; j++) offsets[j] = offsets[j - 1]! + (G === 1 ? 1 : 1 + rng.int(G)) * R;
      if (J > 0) for (let j = 0; j < P - 1; j++) offsets[j]! += rng.int(2 * J + 1) - J;
      plan.push({ tr, start: s, offsets });
    }
  }
  const n = plan.length;
  const inRe = new Float64Array(n * P * M),
    inIm = new Float64Array(n * P * M);
  const tgRe = new Float64Array(n * F * M),
    tgIm = new Float64Array(n * F * M);
  const times = new Float64Array(n * (P + F));
  const noiseVar = new Float64Array(n);
  const power = new Float64Array(n);
  const group = new Int32Array(n);
  const origin = new Int32Array(n * 3);
  const noise = rng.fork("noise");
  let regular = true;
  plan.forEach(({ tr, start, offsets }, w) => {
    const h = tr.h;
    const last = offsets[P - 1]!;
    const sigma2 = snr === null ? 0 : tr.power * 10 ** (-snr / 10);
    const sd = Math.sqrt(sigma2 / 2);
    for (let j = 0; j < P; j++) {
      if (j > 0 && offsets[j]! - offsets[j - 1]! !== R) regular = false;
      const src = (start + offsets[j]!) * M;
      const dst = (w * P + j) * M;
      for (let m = 0; m < M; m++) {
        inRe[dst + m] = h.re[src + m]! + (sigma2 > 0 ? sd * noise.normal() : 0);
        inIm[dst + m] = h.im[src + m]! + (sigma2 > 0 ? sd * noise.normal() : 0);
      }
      times[w * (P + F) + j] = ((offsets[j]! - last) / R) * dt;
    }
    for (let k = 0; k < F; k++) {
      const src = (start + last + (k + 1) * R) * M;
      const dst = (w * F + k) * M;
      tgRe.set(h.re.subarray(src, src + M), dst);
      tgIm.set(h.im.subarray(src, src + M), dst);
      times[w * (P + F) + P + k] = (k + 1) * dt;
    }
    noiseVar[w] = sigma2;
    power[w] = tr.power;
    group[w] = tr.group;
    origin[w * 3] = tr.id;
    origin[w * 3 + 1] = start;
    origin[w * 3 + 2] = start + last + F * R + 1;
  });
  return {
    history: P,
    horizon: F,
    antennas: M,
    count: n,
    dt,
    regular,
    inputs: { shape: [n, P, M], re: inRe, im: inIm },
    targets: { shape: [n, F, M], re: tgRe, im: tgIm },
    times,
    noiseVar,
    power,
    group,
    origin,
  };
}

/**
 * The windows at `indices` (in that order), as a new set.
 * @param ws - windows (inputs [n, P, M], targets [n, F, M])
 * @param indices - window indices into `ws`
 * @returns a set of indices.length windows
 */
export function selectWindows(ws: WindowSet, indices: ArrayLike<number>): WindowSet {
  const n = indices.length;
  const { history: P, horizon: F, antennas: M } = ws;
  const take = (src: Float64Array, per: number): Float64Array => {
    const out = new Float64Array(n * per);
    for (let i = 0; i < n; i++) out.set(src.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
    return out;
  };
  const takeInt = (src: Int32Array, per: number): Int32Array => {
    const out = new Int32Array(n * per);
    for (let i = 0; i < n; i++) out.set(src.subarray(indices[i]! * per, (indices[i]! + 1) * per), i * per);
    return out;
  };
  for (let i = 0; i < n; i++) {
    const k = indices[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= ws.count) fail("selectWindows", `index ${k} out of range for ${ws.count} windows`);
  }
  const times = take(ws.times, P + F);
  let regular = true;
  for (let i = 0; i < n && regular; i++) {
    for (let j = 1; j < P; j++) {
      if (Math.abs(times[i * (P + F) + j]! - times[i * (P + F) + j - 1]! - ws.dt) > 1e-9 * ws.dt) {
        regular = false;
        break;
      }
    }
  }
  return {
    history: P,
    horizon: F,
    antennas: M,
    count: n,
    dt: ws.dt,
    regular,
    inputs: { shape: [n, P, M], re: take(ws.inputs.re, P * M), im: take(ws.inputs.im, P * M) },
    targets: { shape: [n, F, M], re: take(ws.targets.re, F * M), im: take(ws.targets.im, F * M) },
    times,
    noiseVar: take(ws.noiseVar, 1),
    power: take(ws.power, 1),
    group: takeInt(ws.group, 1),
    origin: takeInt(ws.origin, 3),
  };
}

/**
 * The coarsest time grid all windows lie on: the smallest B ∈ {1, …, 1024} such that every sample
 * time is a whole multiple of Δt/B (to 1e-6 of the step); B = 1 for regular and gapped windows.
 * @param ws - windows (times [n, P + F], s)
 * @param where - the calling function, for the error
 * @param strict - fail when there is no such grid (default); otherwise return 0
 * @returns B (time steps per Δt), or 0 (not strict, no grid)
 * @throws LiquidwaveError when the times lie on no such grid (strict)
 */
export function timeResolution(ws: WindowSet, where: string, strict = true): number {
  const L = ws.history + ws.horizon;
  const onGrid = (B: number): boolean => {
    for (let i = 0; i < ws.count * L; i++) {
      const t = (ws.times[i]! / ws.dt) * B;
      if (Math.abs(t - Math.round(t)) > 1e-6) return false;
    }
    return true;
  };
  if (onGrid(1)) return 1;
  for (let B = 2; B <= 1024; B++) if (onGrid(B)) return B;
  if (!strict) return 0;
  fail(where, "the sample times lie on no grid of Δt/B with B ≤ 1024 (jittered times must come from an oversampled trajectory)");
}

/** Fail unless the windows are regularly sampled (for predictors built on a fixed lag grid). */
export function requireRegular(ws: WindowSet, where: string): void {
  if (!ws.regular)
    fail(where, "needs regularly sampled windows (input gaps of exactly Δt); this window set has random gaps or jittered times");
}
