/**
 * Run classical beamformers over a channel trajectory: design on the estimate (if any), score on the
 * true channel, per sample; summary statistics, the largest transmit power used and the wall time
 * per sample. This is what `liquidwave beamform` and the beamforming experiments call.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { Rng } from "../core/random.ts";
import { CLASSICAL_ALGORITHMS, designAlgorithm, scoreDesign, type AlgorithmOptions, type ClassicalAlgorithm } from "./evaluate.ts";
import { trajectorySample, type SystemParams } from "./system.ts";

/** Mean |h|^2 per entry of each user over a [T, K, Nk, M] tensor. */
function perUserMeanPower(h: ComplexTensor): Float64Array {
  const [T, K, Nk, M] = h.shape as [number, number, number, number];
  const per = Nk * M;
  const out = new Float64Array(K);
  for (let t = 0; t < T; t++) {
    for (let k = 0; k < K; k++) {
      const o = (t * K + k) * per;
      for (let i = 0; i < per; i++) out[k]! += h.re[o + i]! ** 2 + h.im[o + i]! ** 2;
    }
  }
  return out.map((x) => x / (T * per));
}

/** Options of {@link runTrajectory}. */
export interface TrajectoryOptions extends Omit<AlgorithmOptions, "rng"> {
  /** Seed of all random initialisations (each algorithm and sample gets its own forked stream). */
  readonly seed?: number;
  /** Untimed warm-up designs on the first sample before an algorithm is timed (default 2). */
  readonly warmup?: number;
  /** Called after each sample (progress). */
  readonly onSample?: (algorithm: string, t: number, T: number) => void;
}

/** Per-algorithm summary over a trajectory. */
export interface TrajectoryResult {
  readonly name: string;
  /** Mean sum SE on the true channel (bit/s/Hz). */
  readonly seMean: number;
  /** Sample standard deviation of the per-sample SE (0 for one sample). */
  readonly seStd: number;
  /** Largest `||V||_F^2` over the samples (same unit as P). */
  readonly maxPower: number;
  /** Mean wall time of the design per sample (ms), scoring excluded, after an untimed warm-up. */
  readonly msPerSample: number;
  /** Median and interquartile range of the design time per sample (ms). */
  readonly msMedian: number;
  readonly msIqr: number;
  /** Per-sample SE on the true channel. */
  readonly perSample: number[];
  /** Mean SE on the channel used for the design (equals seMean with perfect CSI). */
  readonly seDesignMean: number;
  /** Mean iterations (iterative algorithms; 0 for closed forms; summed over the starts of multi-start designs). */
  readonly iterationsMean: number;
  /** Largest iteration count over the samples. */
  readonly iterationsMax: number;
  /** Samples (indices) on which an iterative design stopped at its cap instead of its tolerance. */
  readonly capHits: number[];
}

/** Median and interquartile range (linear interpolation between order statistics) of a non-empty list. */
export function medianIqr(values: readonly number[]): { median: number; iqr: number } {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const x = p * (s.length - 1);
    const lo = Math.floor(x);
    const hi = Math.min(lo + 1, s.length - 1);
    return s[lo]! + (x - lo) * (s[hi]! - s[lo]!);
  };
  return { median: q(0.5), iqr: q(0.75) - q(0.25) };
}

/** Mean and sample standard deviation (0 for one value) of a non-empty list. */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const T = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / T;
  const std = T > 1 ? Math.sqrt(values.reduce((s, x) => s + (x - mean) ** 2, 0) / (T - 1)) : 0;
  return { mean, std };
}

/** What a run over a trajectory collects per sample, summed or listed (see {@link summarizeTrajectory}). */
export interface TrajectoryTally {
  /** Per-sample SE on the true channel (bit/s/Hz). */
  readonly se: number[];
  /** Per-sample design time (ms). */
  readonly times: number[];
  /** Sum over the samples of the SE on the design channel. */
  readonly seDesignSum: number;
  /** Sum and maximum over the samples of the iterations. */
  readonly iterationsSum: number;
  readonly iterationsMax: number;
  /** Largest ‖V‖_F² over the samples. */
  readonly maxPower: number;
  /** Samples whose iterative design hit its cap. */
  readonly capHits: number[];
}

/** The {@link TrajectoryResult} of one algorithm from its per-sample tally (T = number of samples). */
export function summarizeTrajectory(name: string, tally: TrajectoryTally): TrajectoryResult {
  const T = tally.se.length;
  const { mean, std } = meanStd(tally.se);
  const { median, iqr } = medianIqr(tally.times);
  return {
    name,
    seMean: mean,
    seStd: std,
    maxPower: tally.maxPower,
    msPerSample: tally.times.reduce((a, b) => a + b, 0) / T,
    msMedian: median,
    msIqr: iqr,
    perSample: tally.se,
    seDesignMean: tally.seDesignSum / T,
    iterationsMean: tally.iterationsSum / T,
    iterationsMax: tally.iterationsMax,
    capHits: tally.capHits,
  };
}

/**
 * Run each algorithm over every sample of a trajectory.
 * @param H - true channel, shape [T, K, Nk, M], complex planar
 * @param Hest - estimated channel of the same shape (design side), or undefined for perfect CSI
 * @param algorithms - names from {@link CLASSICAL_ALGORITHMS}
 */
export function runTrajectory(
  H: ComplexTensor,
  Hest: ComplexTensor | undefined,
  sys: SystemParams,
  algorithms: readonly string[],
  opts: TrajectoryOptions = {},
): TrajectoryResult[] {
  if (H.shape.length !== 4) fail("runTrajectory", `H must have shape [T, K, Nk, M], got ${formatShape(H.shape)}`);
  if (Hest && formatShape(Hest.shape) !== formatShape(H.shape)) {
    fail("runTrajectory", `Hest has shape ${formatShape(Hest.shape)}, expected ${formatShape(H.shape)} like H`);
  }
  for (const a of algorithms) {
    if (!(CLASSICAL_ALGORITHMS as readonly string[]).includes(a)) {
      fail("runTrajectory", `unknown algorithm '${a}', valid options are ${CLASSICAL_ALGORITHMS.join(", ")}`);
    }
  }
  const T = H.shape[0]!;
  if (T === 0) fail("runTrajectory", "the trajectory has no samples");
  // long-term mean power per entry of each user's estimate (the robust model's g_k, see lmmseCsiModel)
  const estimatePower = opts.estimatePower ?? (Hest ? perUserMeanPower(Hest) : undefined);
  const root = new Rng(opts.seed ?? 0);
  const out: TrajectoryResult[] = [];
  for (const name of algorithms as readonly ClassicalAlgorithm[]) {
    const se: number[] = [];
    const times: number[] = [];
    const capHits: number[] = [];
    let seDesign = 0;
    let iters = 0;
    let itersMax = 0;
    let maxPower = 0;
    const algOpts = (t: number): AlgorithmOptions => ({
      ...opts,
      rng: root.fork(`${name}/${t}`),
      ...(estimatePower !== undefined ? { estimatePower } : {}),
    });
    const sampleAt = (t: number) => ({ H: trajectorySample(H, t), ...(Hest ? { Hest: trajectorySample(Hest, t) } : {}) });
    // untimed warm-up on the first sample (JIT, caches), so the first algorithm is not timed cold
    for (let w = 0; w < (opts.warmup ?? 2); w++) designAlgorithm(name, sampleAt(0), sys, algOpts(0));
    for (let t = 0; t < T; t++) {
      const sample = sampleAt(t);
      const o = algOpts(t);
      const t0 = performance.now();
      const d = designAlgorithm(name, sample, sys, o);
      times.push(performance.now() - t0);
      const r = scoreDesign(d, sample, sys);
      se.push(r.se);
      seDesign += r.seDesign;
      iters += r.iterations;
      itersMax = Math.max(itersMax, r.iterations);
      if (!r.converged) capHits.push(t);
      maxPower = Math.max(maxPower, r.power);
      opts.onSample?.(name, t, T);
    }
    out.push(
      summarizeTrajectory(name, { se, times, seDesignSum: seDesign, iterationsSum: iters, iterationsMax: itersMax, maxPower, capHits }),
    );
  }
  return out;
}
