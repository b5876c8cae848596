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
import { lmmseCsiModel, wmmse, wmmseMultiStart, type WmmseSolver } from "./wmmse.ts";

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
  /** Iterations of an iterative design (0 for closed forms; summed over the starts of a multi-start design). */
  readonly iterations: number;
  /** False when an iterative design stopped at its iteration cap instead of its tolerance (true for closed forms). */
  readonly converged: boolean;
}

/** A design before scoring: the precoder and what the algorithm reports about itself. */
export interface Design {
  /** Precoder, M × K·d. */
  readonly V: CMat;
  /** Iterations (0 for closed forms). */
  readonly iterations: number;
  /** False when the iteration cap was hit. */
  readonly converged: boolean;
  /** The channel the design was made on (for the design-side rate). */
  readonly known: ChannelSample;
  /** For `upper`: the design that won on this sample (e.g. `wmmse<-rzf`, `random-17`, `zf`). */
  readonly source?: string;
}

/**
 * Score a design on the true channel of the sample (and on the channel it was designed on).
 * @param design - from {@link designAlgorithm}
 * @param sample - true channel H (N × M) and optional estimate
 * @returns per-user rates [K] and SE on the true channel (bit/s/Hz), design-side SE, power
 */
export function scoreDesign(design: Design, sample: CsiSample, sys: SystemParams): ScoredPrecoder {
  const onTrue = userRates(sample.H, design.V, sys);
  const onKnown = design.known === sample.H ? onTrue : userRates(design.known, design.V, sys);
  return {
    V: design.V,
    rates: onTrue.rates,
    se: onTrue.sumRate,
    seDesign: onKnown.sumRate,
    power: precoderPower(design.V),
    iterations: design.iterations,
    converged: design.converged,
  };
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
  const converged = "rows" in out ? true : ((out as { converged?: boolean }).converged ?? true);
  return scoreDesign({ V, iterations, converged, known }, sample, sys);
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

/**
 * Stopping rule of the iterative algorithms run by name: relative sum-rate change below 1e-6 or
 * 1000 iterations. The public codes' 1e-3 stops WMMSE far from convergence on the channels used
 * here (below ZF at large M); iteration counts and cap hits are reported per sample.
 */
export const ITERATIVE_DEFAULTS = { maxIter: 1000, relTol: 1e-6 } as const;

/** Initialisations of `wmmse` by name: the better of the runs from ZF and from RZF. */
export const WMMSE_STARTS = ["zf", "rzf"] as const;

/** Deterministic starts of `upper` besides its random restarts. */
export const UPPER_STARTS = ["zf", "rzf", "mf", "bd"] as const;

/** Options of {@link runAlgorithm}. */
export interface AlgorithmOptions {
  /** Streams per user (1..Nk) or "full"; default 1. */
  readonly streams?: number | "full";
  /** Random source for random initialisations (default `new Rng(0)`). */
  readonly rng?: Rng;
  /** Iteration cap of the iterative algorithms (default 1000, {@link ITERATIVE_DEFAULTS}). */
  readonly maxIter?: number;
  /** Relative sum-rate tolerance of the iterative algorithms (default 1e-6). */
  readonly relTol?: number;
  /** Random restarts of `upper` (default 10), on top of its deterministic starts. */
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

function closedForm(V: CMat, known: ChannelSample): Design {
  return { V, iterations: 0, converged: true, known };
}

/**
 * The best-known precoder of a sample on perfect CSI: the highest sum rate on `ch` over the closed
 * forms (ZF, RZF, MRT, BD), WMMSE from each of them, and WMMSE from `restarts` random starts.
 * Every WMMSE run uses the given stopping rule.
 */
function bestKnown(ch: ChannelSample, sys: SystemParams, opts: AlgorithmOptions, iter: { maxIter: number; relTol: number }): Design {
  const streams = opts.streams;
  const rng = opts.rng ?? new Rng(0);
  let best: CMat | null = null;
  let bestRate = -Infinity;
  let source = "";
  let iterations = 0;
  let converged = true;
  const offer = (V: CMat, name: string): void => {
    const r = userRates(ch, V, sys).sumRate;
    if (r > bestRate) {
      bestRate = r;
      best = V;
      source = name;
    }
  };
  const forms: [string, () => CMat][] = [
    ["zf", () => zf(ch, sys, { streams })],
    ["rzf", () => rzf(ch, sys, { streams })],
    ["mrt", () => mrt(ch, sys, { streams })],
    ["bd", () => bd(ch, sys, { streams })],
  ];
  for (const [name, make] of forms) {
    let V: CMat;
    try {
      V = make();
    } catch {
      continue; // BD needs M > (K-1)·Nk; the others always exist
    }
    offer(V, name);
    const r = wmmse(ch, sys, { streams, init: V, solver: opts.solver, ...iter });
    iterations += r.iterations;
    converged &&= r.converged;
    offer(r.V, `wmmse<-${name}`);
  }
  const R = opts.restarts ?? 10;
  if (!Number.isInteger(R) || R < 0) fail("upper", `restarts must be an integer >= 0, got ${opts.restarts}`);
  for (let i = 0; i < R; i++) {
    const r = wmmse(ch, sys, { streams, init: "random", rng: rng.fork(`restart-${i}`), solver: opts.solver, ...iter });
    iterations += r.iterations;
    converged &&= r.converged;
    offer(r.V, `random-${i}`);
  }
  return { V: best!, iterations, converged, known: ch, source };
}

/**
 * Design a classical beamformer by name on one sample (no scoring): on `Hest` if given, else on
 * `H`; `upper` always on the true H. Timing callers time this and score with {@link scoreDesign}.
 * @param sample - true channel H (N × M) and optional estimate
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @returns V (M × K·d), iterations, whether the cap was avoided, and the channel designed on
 */
export function designAlgorithm(name: ClassicalAlgorithm, sample: CsiSample, sys: SystemParams, opts: AlgorithmOptions = {}): Design {
  const streams = opts.streams;
  const rng = opts.rng ?? new Rng(0);
  const iter = { maxIter: opts.maxIter ?? ITERATIVE_DEFAULTS.maxIter, relTol: opts.relTol ?? ITERATIVE_DEFAULTS.relTol };
  if (sample.Hest && (sample.Hest.K !== sample.H.K || sample.Hest.N !== sample.H.N || sample.Hest.M !== sample.H.M)) {
    fail(
      "designAlgorithm",
      `estimate is ${sample.Hest.N} x ${sample.Hest.M} (K = ${sample.Hest.K}) but the channel is ${sample.H.N} x ${sample.H.M} (K = ${sample.H.K})`,
    );
  }
  const h = sample.Hest ?? sample.H;
  const it = (r: { V: CMat; iterations: number; converged: boolean }, known: ChannelSample = h): Design => ({
    V: r.V,
    iterations: r.iterations,
    converged: r.converged,
    known,
  });
  switch (name) {
    case "mrt":
      return closedForm(mrt(h, sys, { streams }), h);
    case "zf":
      return closedForm(zf(h, sys, { streams }), h);
    case "rzf":
      return closedForm(rzf(h, sys, { streams }), h);
    case "bd":
      return closedForm(bd(h, sys, { streams }), h);
    case "wmmse": {
      const r = wmmseMultiStart(h, sys, WMMSE_STARTS, { streams, rng, ...iter });
      return { V: r.V, iterations: r.iterationsTotal, converged: r.allConverged, known: h, source: `wmmse<-${r.init}` };
    }
    case "wmmse-eig":
    case "wmmse-naive":
      return it(wmmse(h, sys, { streams, rng, solver: name === "wmmse-eig" ? "eig" : "naive", ...iter }));
    case "rwmmse":
      return it(rwmmse(h, sys, { streams, rng, ...iter }));
    case "robust-wmmse": {
      if (!sample.Hest) {
        const r = wmmseMultiStart(h, sys, WMMSE_STARTS, { streams, rng, solver: opts.solver, ...iter });
        return { V: r.V, iterations: r.iterationsTotal, converged: r.allConverged, known: h };
      }
      let known: ChannelSample = sample.Hest;
      let errorVariance = opts.errorVariance;
      if (errorVariance === undefined) {
        if (opts.ceeDb === undefined)
          fail("robust-wmmse", "needs the CSI error statistics: give ceeDb (Hhat = H + E) or errorVariance (H = Hhat + E)");
        const model = lmmseCsiModel(sample.Hest, opts.ceeDb, opts.estimatePower);
        known = model.channel;
        errorVariance = model.errorVariance;
      }
      const r = wmmseMultiStart(known, sys, WMMSE_STARTS, { streams, rng, solver: opts.solver, errorVariance, ...iter });
      // the design-side rate is reported on the estimate the caller gave, not on the rescaled one
      return { V: r.V, iterations: r.iterationsTotal, converged: r.allConverged, known: sample.Hest };
    }
    case "upper":
      return bestKnown(sample.H, sys, opts, iter);
    default:
      return fail("beamforming", `unknown algorithm '${name as string}', valid options are ${CLASSICAL_ALGORITHMS.join(", ")}`);
  }
}

/**
 * Run a classical beamformer by name on one sample: designed on `Hest` (if given), scored on `H`.
 * `upper` is the best-known precoder on perfect CSI: the best of the closed forms, WMMSE from
 * each of them and `restarts` random-start WMMSE runs, on the *true* channel. `wmmse` is the
 * better of WMMSE from ZF and from RZF, run to a relative change of 1e-6 (1000 iterations at most).
 * `robust-wmmse` needs the error statistics (`ceeDb` or `errorVariance`) when an estimate is given;
 * with perfect CSI it is plain WMMSE.
 * @param sample - true channel H (N × M) and optional estimate
 * @param sys - noise variance σ², power budget P (same linear unit), user weights
 * @returns V (M × K·d), per-user rates [K] and SE on the true channel in bit/s/Hz, power ‖V‖_F², iterations
 */
export function runAlgorithm(name: ClassicalAlgorithm, sample: CsiSample, sys: SystemParams, opts: AlgorithmOptions = {}): ScoredPrecoder {
  return scoreDesign(designAlgorithm(name, sample, sys, opts), sample, sys);
}
