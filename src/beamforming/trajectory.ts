/**
 * Run classical beamformers over a channel trajectory: design on the estimate (if any), score on the
 * true channel, per sample; summary statistics, the largest transmit power used and the wall time
 * per sample. This is what `liquidwave beamform` and the beamforming experiments call.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import { Rng } from "../core/random.ts";
import { CLASSICAL_ALGORITHMS, runAlgorithm, type AlgorithmOptions, type ClassicalAlgorithm } from "./evaluate.ts";
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
  /** Mean wall time of the design per sample (ms), scoring excluded. */
  readonly msPerSample: number;
  /** Per-sample SE on the true channel. */
  readonly perSample: number[];
  /** Mean SE on the channel used for the design (equals seMean with perfect CSI). */
  readonly seDesignMean: number;
  /** Mean iterations (iterative algorithms; 0 for closed forms). */
  readonly iterationsMean: number;
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
    let seDesign = 0;
    let iters = 0;
    let maxPower = 0;
    let ms = 0;
    for (let t = 0; t < T; t++) {
      const sample = { H: trajectorySample(H, t), ...(Hest ? { Hest: trajectorySample(Hest, t) } : {}) };
      const rng = root.fork(`${name}/${t}`);
      const t0 = performance.now();
      const r = runAlgorithm(name, sample, sys, { ...opts, rng, ...(estimatePower !== undefined ? { estimatePower } : {}) });
      ms += performance.now() - t0;
      se.push(r.se);
      seDesign += r.seDesign;
      iters += r.iterations;
      maxPower = Math.max(maxPower, r.power);
      opts.onSample?.(name, t, T);
    }
    const mean = se.reduce((s, x) => s + x, 0) / T;
    const std = T > 1 ? Math.sqrt(se.reduce((s, x) => s + (x - mean) ** 2, 0) / (T - 1)) : 0;
    out.push({
      name,
      seMean: mean,
      seStd: std,
      maxPower,
      msPerSample: ms / T,
      perSample: se,
      seDesignMean: seDesign / T,
      iterationsMean: iters / T,
    });
  }
  return out;
}
