/**
 * Design on the estimated channel, score on the true one; and the registry of classical
 * beamformers by name (what the CLI and the experiments call).
 *
 * Imperfect-CSI protocol (docs/beamforming.md §9): the transmitter computes
 * V from `Hhat`; the reported rate is evaluated on the true H with that V (the user is assumed to
 * know its effective channel `H_k V` after downlink pilots). Evaluating on Hhat would overstate it.
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import type { CMat } from "../core/linalg/cmat.ts";
import { bd, mrt, rzf, zf } from "./precoders.ts";
import { precoderPower } from "./power.ts";
import { userRates } from "./rate.ts";
import { rwmmse } from "./rwmmse.ts";
import type { ChannelSample, SystemParams } from "./system.ts";
import { lmmseCsiModel, wmmse, wmmseBestOf, type WmmseSolver } from "./wmmse.ts";

/** A channel realisation with (optionally) the estimate the transmitter knows. */
export interface CsiSample {
  /** True channel (used for scoring). */
  readonly H: ChannelSample;
  /** Estimated channel (used for design); absent = perfect CSI. */
  readonly Hest?: ChannelSample;
}

/** A precoder design scored on the true channel. */
export interface ScoredPrecoder {
  /** Precoder, M × K·d. */
  readonly V: CMat;
  /** Per-user rates on the true channel (bit/s/Hz). */
  readonly rates: Float64Array;
  /** Weighted sum rate on the true channel (the reported SE). */
  readonly se: number;
  /** Weighted sum rate on the channel used for the design (optimistic under CSI error). */
  readonly seDesign: number;
  /** `||V||_F^2`. */
  readonly power: number;
  /** Iterations of an iterative design (0 for closed forms). */
  readonly iterations: number;
}

/**
 * Run any design function on the channel the transmitter knows and score it on the true channel.
 * @param design - maps the known channel to a precoder (and optionally an iteration count)
 * @param sample - true channel (scoring) and optional estimate (design), each N × M
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @returns V (M × K·d), per-user rates [K] and SE on the true channel in bit/s/Hz, power ‖V‖_F²
 */
export function runOnEstimate(
  sample: CsiSample,
  sys: SystemParams,
  design: (known: ChannelSample) => CMat | { V: CMat; iterations?: number },
): ScoredPrecoder {
  const known = sample.Hest ?? sample.H;
  if (sample.Hest && (sample.Hest.K !== sample.H.K || sample.Hest.N !== sample.H.N || sample.Hest.M !== sample.H.M)) {
    fail(
      "runOnEstimate",
      `estimate is ${sample.Hest.N} x ${sample.Hest.M} (K = ${sample.Hest.K}) but the channel is ${sample.H.N} x ${sample.H.M} (K = ${sample.H.K})`,
    );
  }
  const out = design(known);
  const V = "rows" in out ? out : out.V;
  const iterations = "rows" in out ? 0 : (out.iterations ?? 0);
  const onTrue = userRates(sample.H, V, sys);
  const onKnown = known === sample.H ? onTrue : userRates(known, V, sys);
  return { V, rates: onTrue.rates, se: onTrue.sumRate, seDesign: onKnown.sumRate, power: precoderPower(V), iterations };
}

/** Classical algorithms available by name. */
export const CLASSICAL_ALGORITHMS = [
  "mrt",
  "zf",
  "rzf",
  "bd",
  "wmmse",
  "wmmse-eig",
  "wmmse-naive",
  "rwmmse",
  "robust-wmmse",
  "upper",
] as const;
export type ClassicalAlgorithm = (typeof CLASSICAL_ALGORITHMS)[number];

/** Options of {@link runAlgorithm}. */
export interface AlgorithmOptions {
  /** Streams per user (1..Nk) or "full"; default 1. */
  readonly streams?: number | "full";
  /** Random source for random initialisations (default `new Rng(0)`). */
  readonly rng?: Rng;
  /** Iteration cap of the iterative algorithms (default 100). */
  readonly maxIter?: number;
  /** Relative sum-rate tolerance of the iterative algorithms (default 1e-3). */
  readonly relTol?: number;
  /** Restarts of `upper` (default 100). */
  readonly restarts?: number;
  /** Solver of the best-of-R runs of `upper` and of `robust-wmmse` (default "subspace"). */
  readonly solver?: WmmseSolver;
  /**
   * CSI error for `robust-wmmse`: the CEE in dB under the model `Hhat = H + E` (converted with
   * {@link lmmseCsiModel}, using `estimatePower` when given), or directly the error variance
   * (one, or one per user) of the model `H = Hhat + E`.
   */
  readonly ceeDb?: number;
  readonly errorVariance?: number | ArrayLike<number>;
  /** Long-term mean |hhat|^2 per entry of each user's estimate (for `ceeDb`; default: this sample's). */
  readonly estimatePower?: number | ArrayLike<number>;
}

/**
 * Run a classical beamformer by name on one sample: designed on `Hest` (if given), scored on `H`.
 * `upper` is the best of `restarts` WMMSE runs on the *true* channel (perfect CSI; the GLNN
 * paper's upper bound). `robust-wmmse` needs the error statistics (`ceeDb` or `errorVariance`)
 * when an estimate is given; with perfect CSI it is plain WMMSE.
 * @param sample - true channel H (N × M) and optional estimate
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @returns V (M × K·d), per-user rates [K] and SE on the true channel in bit/s/Hz, power ‖V‖_F², iterations
 */
export function runAlgorithm(name: ClassicalAlgorithm, sample: CsiSample, sys: SystemParams, opts: AlgorithmOptions = {}): ScoredPrecoder {
  const streams = opts.streams;
  const rng = opts.rng ?? new Rng(0);
  const iter = { maxIter: opts.maxIter, relTol: opts.relTol };
  switch (name) {
    case "mrt":
      return runOnEstimate(sample, sys, (h) => mrt(h, sys, { streams }));
    case "zf":
      return runOnEstimate(sample, sys, (h) => zf(h, sys, { streams }));
    case "rzf":
      return runOnEstimate(sample, sys, (h) => rzf(h, sys, { streams }));
    case "bd":
      return runOnEstimate(sample, sys, (h) => bd(h, sys, { streams }));
    case "wmmse":
    case "wmmse-eig":
    case "wmmse-naive": {
      const solver: WmmseSolver = name === "wmmse" ? "subspace" : name === "wmmse-eig" ? "eig" : "naive";
      return runOnEstimate(sample, sys, (h) => wmmse(h, sys, { streams, rng, solver, ...iter }));
    }
    case "rwmmse":
      return runOnEstimate(sample, sys, (h) => rwmmse(h, sys, { streams, rng, ...iter }));
    case "robust-wmmse": {
      if (!sample.Hest) return runOnEstimate(sample, sys, (h) => wmmse(h, sys, { streams, rng, solver: opts.solver, ...iter }));
      let known: ChannelSample = sample.Hest;
      let errorVariance = opts.errorVariance;
      if (errorVariance === undefined) {
        if (opts.ceeDb === undefined)
          fail("robust-wmmse", "needs the CSI error statistics: give ceeDb (Hhat = H + E) or errorVariance (H = Hhat + E)");
        const model = lmmseCsiModel(sample.Hest, opts.ceeDb, opts.estimatePower);
        known = model.channel;
        errorVariance = model.errorVariance;
      }
      const res = runOnEstimate({ H: sample.H, Hest: known }, sys, (h) =>
        wmmse(h, sys, { streams, rng, solver: opts.solver, errorVariance, ...iter }),
      );
      // report the design-side rate on the estimate the caller gave, not on the rescaled one
      return { ...res, seDesign: userRates(sample.Hest, res.V, sys).sumRate };
    }
    case "upper": {
      const r = wmmseBestOf(sample.H, sys, opts.restarts ?? 100, { streams, rng, solver: opts.solver, ...iter });
      return { V: r.V, rates: r.rates, se: r.sumRate, seDesign: r.sumRate, power: r.power, iterations: r.iterations };
    }
    default:
      return fail("beamforming", `unknown algorithm '${name as string}', valid options are ${CLASSICAL_ALGORITHMS.join(", ")}`);
  }
}
