/**
 * The runner of every beamformer: classical algorithms (`evaluate.ts`, through the trajectory
 * runner) and online ones (`learned.ts`) over one time-evolving channel, each designed on the
 * estimate (if any) and scored on the true channel, per sample. This is what `liquidwave
 * beamform` and the experiments call.
 */
import { fail, formatShape } from "../core/errors.ts";
import type { ComplexTensor } from "../core/complex.ts";
import type { CsiSample } from "./evaluate.ts";
import type { GlnnOptions } from "./glnn.ts";
import { createOnlineBeamformer, isClassical, parseLearnedSpec } from "./learned.ts";
import { precoderPower } from "./power.ts";
import { userRates } from "./rate.ts";
import { resolveSystem, trajectorySample, type SystemParams } from "./system.ts";
import { meanStd, runTrajectory, summarizeTrajectory, type TrajectoryOptions, type TrajectoryResult } from "./trajectory.ts";

/** Per-algorithm summary of {@link runBeamformers} (a {@link TrajectoryResult} plus power facts). */
export interface BeamformerResult extends TrajectoryResult {
  /** Label; for the legacy GLNN normalisation it says the power is not the budget. */
  readonly label: string;
  /** GLNN power normalisation ("power" | "legacy"), null for other algorithms. */
  readonly normalization: "power" | "legacy" | null;
  /** Power budget P (same unit as maxPower). */
  readonly powerBudget: number;
  /** Mean `||V||_F^2` over the samples (online algorithms; null for the classical ones). */
  readonly meanPower: number | null;
  /** Whether every precoder satisfied `||V||_F^2 <= P` (to 1e-9 relative). */
  readonly equalPower: boolean;
  /** `upper` only: samples on which another algorithm of the run scored higher and set the bound, by algorithm. */
  readonly improvedBy?: Record<string, number>;
}

/** Options of {@link runBeamformers}. */
export interface BeamformerRunOptions extends TrajectoryOptions {
  /** Extra GLNN options applied to every glnn/lstm spec (the spec's own tokens win). */
  readonly glnn?: GlnnOptions;
  /** Offline training channels of `lstm-offline` (design side), shape [T, K, Nk, M] like H. */
  readonly training?: ComplexTensor;
  /**
   * Offline training trajectories of `rwmmse-track:smooth=liquid`: each one's true channel and the
   * estimate the transmitter saw, both [T, K, Nk, M] (the estimate absent = perfect CSI).
   */
  readonly smoothingTraining?: readonly { readonly H: ComplexTensor; readonly Hest?: ComplexTensor }[];
}

/**
 * Run classical and online beamformers over a trajectory: design on the estimate (if any), score on
 * the true channel, per sample. Classical algorithms go through {@link runTrajectory} (same seeds
 * as running them alone); online ones see the samples in time order, one learner per algorithm.
 * @param H - true channel, shape [T, K, Nk, M], complex planar
 * @param Hest - estimate of the same shape, or undefined for perfect CSI
 * @param algorithms - classical names or online specs
 */
export function runBeamformers(
  H: ComplexTensor,
  Hest: ComplexTensor | undefined,
  sys: SystemParams,
  algorithms: readonly string[],
  opts: BeamformerRunOptions = {},
): BeamformerResult[] {
  const where = "runBeamformers";
  if (H.shape.length !== 4) fail(where, `H must have shape [T, K, Nk, M], got ${formatShape(H.shape)}`);
  if (Hest && formatShape(Hest.shape) !== formatShape(H.shape)) {
    fail(where, `Hest has shape ${formatShape(Hest.shape)}, expected ${formatShape(H.shape)} like H`);
  }
  const specs = algorithms.map((a) => (isClassical(a) ? null : parseLearnedSpec(a)));
  const [T, K, Nk] = H.shape as [number, number, number, number];
  if (T === 0) fail(where, "the trajectory has no samples");
  const rs = resolveSystem(sys, K, where);
  const streams = opts.streams === "full" ? Nk : (opts.streams ?? 1);
  const out: BeamformerResult[] = [];
  algorithms.forEach((name, i) => {
    const spec = specs[i];
    if (!spec) {
      const [r] = runTrajectory(H, Hest, sys, [name], opts);
      // runTrajectory reports the largest power only
      out.push({
        ...r!,
        label: name === "upper" ? UPPER_LABEL : name,
        normalization: null,
        powerBudget: rs.power,
        meanPower: null,
        equalPower: r!.maxPower <= rs.power * (1 + 1e-9),
      });
      return;
    }
    const withDefaults: typeof spec =
      spec.base === "glnn" || spec.base === "lstm" ? { ...spec, glnn: { ...opts.glnn, ...spec.glnn } } : spec;
    const sampleAt = (t: number): CsiSample => ({ H: trajectorySample(H, t), ...(Hest ? { Hest: trajectorySample(Hest, t) } : {}) });
    const training = opts.training
      ? Array.from({ length: opts.training.shape[0]! }, (_, t) => trajectorySample(opts.training!, t))
      : undefined;
    const cee = Hest ? opts.ceeDb : undefined;
    const smoothing =
      spec.trackSmoothing === "liquid" && spec.base === "rwmmse-track" && opts.smoothingTraining
        ? opts.smoothingTraining.map((st) => ({
            truths: Array.from({ length: st.H.shape[0]! }, (_, t) => trajectorySample(st.H, t).H),
            estimates: Array.from({ length: st.H.shape[0]! }, (_, t) => trajectorySample(st.Hest ?? st.H, t).H),
          }))
        : undefined;
    const make = () => createOnlineBeamformer(withDefaults, { K, Nk }, sys, opts.seed ?? 0, streams, training, cee, smoothing);
    const bf = make();
    const se: number[] = [];
    const times: number[] = [];
    let seDesign = 0;
    let iters = 0;
    let itersMax = 0;
    let maxPower = 0;
    let sumPower = 0;
    try {
      // untimed warm-up on a throw-away learner (the timed one starts from its own initial state);
      // a frozen offline-trained network has no state to disturb and warms up itself; one that can
      // reset (an offline-trained chooser: rebuilding would train it again) warms up and resets
      const warm = spec.base === "lstm-offline" || bf.reset ? bf : make();
      try {
        for (let w = 0; w < (opts.warmup ?? 2); w++) warm.design(sampleAt(0), w);
      } finally {
        if (warm !== bf) warm.dispose?.();
      }
      bf.reset?.();
      for (let t = 0; t < T; t++) {
        const sample = sampleAt(t);
        const t0 = performance.now();
        const d = bf.design(sample, t);
        times.push(performance.now() - t0);
        se.push(userRates(sample.H, d.V, sys).sumRate);
        seDesign += d.seDesign;
        iters += d.iterations;
        itersMax = Math.max(itersMax, d.iterations);
        const p = precoderPower(d.V);
        maxPower = Math.max(maxPower, p);
        sumPower += p;
        opts.onSample?.(name, t, T);
      }
    } finally {
      bf.dispose?.();
    }
    out.push({
      ...summarizeTrajectory(name, {
        se,
        times,
        seDesignSum: seDesign,
        iterationsSum: iters,
        iterationsMax: itersMax,
        maxPower,
        capHits: [],
      }),
      label: bf.label,
      normalization: bf.normalization,
      powerBudget: rs.power,
      meanPower: sumPower / T,
      equalPower: maxPower <= rs.power * (1 + 1e-9),
    });
  });
  const upper = out.findIndex((r) => r.name === "upper");
  if (upper >= 0) out[upper] = bestKnownOverRun(out[upper]!, out);
  return out;
}

/** Label of `upper` in every output. */
export const UPPER_LABEL = "best-known (perfect CSI)";

/**
 * `upper` as the best known sum SE of each sample: its own best-of search on perfect CSI, raised to
 * any algorithm of the same run that scored higher on that sample (a design on an estimate can
 * land on a better stationary point). `improvedBy` counts the samples each algorithm raised.
 */
export function bestKnownOverRun(upper: BeamformerResult, all: readonly BeamformerResult[]): BeamformerResult {
  const per = [...upper.perSample];
  const improvedBy: Record<string, number> = {};
  for (const r of all) {
    if (r === upper || !r.equalPower) continue; // a precoder above the budget is no bound at power P
    r.perSample.forEach((v, t) => {
      if (v > per[t]!) {
        per[t] = v;
        improvedBy[r.name] = (improvedBy[r.name] ?? 0) + 1;
      }
    });
  }
  const { mean, std } = meanStd(per);
  return { ...upper, perSample: per, seMean: mean, seStd: std, improvedBy };
}
