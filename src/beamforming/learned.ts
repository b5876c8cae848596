/**
 * Online (stateful) beamformers — GLNN, the LSTM baseline in the GLNN loop, LAGD, and WMMSE warm
 * started from the previous sample — by name. `run.ts` runs them beside the classical algorithms
 * of `evaluate.ts` along a trajectory.
 *
 * Algorithm specs: `name[:option[=value]]...`, e.g. `glnn`, `glnn:legacy`, `glnn:chain:warm:steps=5`,
 * `lstm`, `lagd:iters=100`, `wmmse-track:iters=3`. Options (GLNN family, see {@link GlnnOptions}):
 *
 * | token | option |
 * |---|---|
 * | `legacy` | legacyNormalization (reference code's power bug: power P·‖H^H X‖_F, not P) |
 * | `chain`, `warm`, `best`, `reset` | chain, warmStart, selectBest, resetState |
 * | `norm-in`, `scale-out`, `per-user` | normalizeInput, scaleOutput, encoding = "per-user" |
 * | `gd-base`, `zero-out`, `precond` | gdBase (network learns a correction to the step `-gd·G`), zeroOutput, precondition |
 * | `steps=N`, `units=N`, `command=N`, `seed=N` | tuningSteps, units, commandNeurons (e.g. `glnn:command=30`, the paper's 30-neuron command layer), seed |
 * | `lr=x`, `decay=x`, `lrmin=x` | learningRate, lrDecay, lrMin |
 * | `net=ncp-cfc|lstm|cfc|ltc|gd`, `init=random|mf|rzf|zf`, `gd=x` | network, init, gdStep |
 * | `beta=x`, `gamma=x`, `lambda=x` | loss weights |
 *
 * LAGD: `iters=N` (the N_e inner steps; default 500 as in the LAGD script, `lagd:iters=3` is the
 * GLNN paper's N_e = 3), `hidden=N`, `lr=x`, `project=always|end`. `lstm-offline` (direct.ts: the
 * GLNN paper's LSTM baseline, Ĥ → W, trained offline on `train=N` channels, default 200, drawn from
 * another seed of the same preset, then frozen): `units=N`, `epochs=N`, `lr=x`, `seed=N`. WMMSE tracking (`wmmse-track`: WMMSE
 * warm-started from the previous sample's precoder, `iters=N` iterations per sample, default 3, output
 * rescaled to the budget): the classical counterpart of the warm-started GLNN variants.
 * `rwmmse-track` (track.ts: R-WMMSE warm-started from the previous slot, restarted from RZF when
 * that is better on the new channel; `iters=N` per slot, default 2; `smooth=β` channel smoothing,
 * `smooth=auto`: the Kalman smoother of the slot correlation measured on the estimates and the CEE the run is given;
 * `smooth=liquid`: the same smoother with its gain set per slot by a small liquid network trained
 * offline on another seed's trajectory of the same preset, smooth-liquid.ts: `cell=cfc|ncp|ltc`,
 * `units=N` (default 8), `epochs=N` (default 60), `lr=x` (default 0.01), `seed=N` (default 1),
 * `train=N` training slots per trajectory (default 400), `trajs=N` training trajectories (default 4), `loss=phase|mse` (default phase: each user's error up to a common phase)).
 *
 * Every result says whether the precoders stayed within the power budget (`equalPower`) and, for
 * the legacy normalisation, carries a label that says the comparison is NOT at equal power.
 */
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import type { CMat } from "../core/linalg/cmat.ts";
import { CLASSICAL_ALGORITHMS, type CsiSample } from "./evaluate.ts";
import { GLNN_INITS, GLNN_NETWORKS, GlnnBeamformer, type GlnnInit, type GlnnNetwork, type GlnnOptions } from "./glnn.ts";
import { lagd, type LagdOptions } from "./lagd.ts";
import type { SystemParams } from "./system.ts";
import { wmmse } from "./wmmse.ts";
import { RwmmseTracker } from "./track.ts";
import { DirectLstmBeamformer, type DirectLstmOptions } from "./direct.ts";
import type { ChannelSample } from "./system.ts";
import {
  LiquidSmoothing,
  SMOOTH_CELLS,
  SMOOTH_LOSSES,
  type LiquidSmoothingOptions,
  type SmoothCell,
  type SmoothLoss,
  type SmoothingTrajectory,
} from "./smooth-liquid.ts";

/** The integer options of `rwmmse-track:smooth=liquid`: the field each sets and its bounds. */
const LIQUID_INT_OPTIONS = {
  units: { field: "units", min: 1, max: 256 },
  epochs: { field: "epochs", min: 0, max: 100_000 },
  seed: { field: "seed", min: 0, max: Number.MAX_SAFE_INTEGER },
  train: { field: "train", min: 2, max: 1_000_000 },
  trajs: { field: "trajectories", min: 1, max: 64 },
} as const;

/** Online algorithms by base name. */
export const LEARNED_ALGORITHMS = ["glnn", "lstm", "lstm-offline", "lagd", "wmmse-track", "rwmmse-track"] as const;
export type LearnedAlgorithm = (typeof LEARNED_ALGORITHMS)[number];

/** A parsed online-algorithm spec. */
export interface LearnedSpec {
  /** The spec as written (used as the result name). */
  readonly spec: string;
  readonly base: LearnedAlgorithm;
  /** GLNN options (glnn, lstm). */
  readonly glnn: GlnnOptions;
  /** LAGD options. */
  readonly lagd: Omit<LagdOptions, "rng">;
  /** lstm-offline: network options and the number of offline training channels (default 200). */
  readonly direct: DirectLstmOptions & { readonly train: number };
  /** Iterations per sample of wmmse-track (default 3) and rwmmse-track (default 2). */
  readonly trackIterations: number;
  /**
   * Channel smoothing β of rwmmse-track (default 0), "auto" (the Kalman smoother of the measured
   * slot correlation and the given CEE) or "liquid" (its gain chosen by a trained network).
   */
  readonly trackSmoothing: number | "auto" | "liquid";
  /** `smooth=liquid`: the chooser's options, its training slots per trajectory (default 400) and trajectories (default 4). */
  readonly liquid: LiquidSmoothingOptions & { readonly train: number; readonly trajectories: number };
}

/** Whether a name (or spec) is a classical algorithm of `evaluate.ts`. */
export function isClassical(spec: string): boolean {
  return (CLASSICAL_ALGORITHMS as readonly string[]).includes(spec);
}

/** All algorithm names a spec may start with. */
export function knownAlgorithms(): string[] {
  return [...CLASSICAL_ALGORITHMS, ...LEARNED_ALGORITHMS];
}

/**
 * Parse an online-algorithm spec (`glnn:chain:steps=5`).
 * @throws LiquidwaveError naming the unknown algorithm, token or bad value
 */
export function parseLearnedSpec(spec: string): LearnedSpec {
  const where = "algorithm";
  const [base, ...tokens] = spec.split(":");
  if (!(LEARNED_ALGORITHMS as readonly string[]).includes(base!)) {
    fail(where, `unknown algorithm '${base}' in '${spec}', valid options are ${knownAlgorithms().join(", ")}`);
  }
  const b = base as LearnedAlgorithm;
  const glnn: { -readonly [K in keyof GlnnOptions]: GlnnOptions[K] } = b === "lstm" ? { network: "lstm" } : {};
  const loss: { beta?: number; gamma?: number; lambda?: number } = {};
  const lg: { -readonly [K in keyof Omit<LagdOptions, "rng">]: LagdOptions[K] } = {};
  const direct: { -readonly [K in keyof DirectLstmOptions]: DirectLstmOptions[K] } & { train: number } = { train: 200 };
  let trackIterations = b === "rwmmse-track" ? 2 : 3;
  let trackSmoothing: number | "auto" | "liquid" = 0;
  const liquid: { -readonly [K in keyof LiquidSmoothingOptions]: LiquidSmoothingOptions[K] } & { train: number; trajectories: number } = {
    train: 400,
    trajectories: 4,
  };
  const liquidTokens: string[] = [];
  const num = (tok: string, v: string | undefined, integer: boolean): number => {
    const x = Number(v);
    if (v === undefined || v.trim() === "" || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
      fail(where, `option '${tok}' of '${spec}' needs ${integer ? "an integer" : "a number"} value`);
    }
    return x;
  };
  for (const tok of tokens) {
    const [key, value] = tok.split("=") as [string, string | undefined];
    const bad = () => fail(where, `unknown option '${tok}' for ${b} in '${spec}'`);
    if (b === "glnn" || b === "lstm") {
      switch (key) {
        case "legacy":
          glnn.legacyNormalization = true;
          break;
        case "chain":
          glnn.chain = true;
          break;
        case "warm":
          glnn.warmStart = true;
          break;
        case "best":
          glnn.selectBest = true;
          break;
        case "reset":
          glnn.resetState = true;
          break;
        case "norm-in":
          glnn.normalizeInput = true;
          break;
        case "scale-out":
          glnn.scaleOutput = true;
          break;
        case "per-user":
          glnn.encoding = "per-user";
          break;
        case "gd-base":
          glnn.gdBase = true;
          break;
        case "zero-out":
          glnn.zeroOutput = true;
          break;
        case "precond":
          glnn.precondition = true;
          break;
        case "steps":
          glnn.tuningSteps = num(tok, value, true);
          break;
        case "units":
          glnn.units = num(tok, value, true);
          break;
        case "command":
          glnn.commandNeurons = num(tok, value, true);
          break;
        case "seed":
          glnn.seed = num(tok, value, true);
          break;
        case "lr":
          glnn.learningRate = num(tok, value, false);
          break;
        case "decay":
          glnn.lrDecay = num(tok, value, false);
          break;
        case "lrmin":
          glnn.lrMin = num(tok, value, false);
          break;
        case "gd":
          glnn.gdStep = num(tok, value, false);
          break;
        case "beta":
          loss.beta = num(tok, value, false);
          break;
        case "gamma":
          loss.gamma = num(tok, value, false);
          break;
        case "lambda":
          loss.lambda = num(tok, value, false);
          break;
        case "net":
          if (!(GLNN_NETWORKS as readonly string[]).includes(value ?? ""))
            fail(where, `net=${value} in '${spec}': valid networks are ${GLNN_NETWORKS.join(", ")}`);
          glnn.network = value as GlnnNetwork;
          break;
        case "init":
          if (!(GLNN_INITS as readonly string[]).includes(value ?? ""))
            fail(where, `init=${value} in '${spec}': valid inits are ${GLNN_INITS.join(", ")}`);
          glnn.init = value as GlnnInit;
          break;
        default:
          bad();
      }
    } else if (b === "lstm-offline") {
      switch (key) {
        case "units":
          direct.units = num(tok, value, true);
          break;
        case "epochs":
          direct.epochs = num(tok, value, true);
          break;
        case "lr":
          direct.learningRate = num(tok, value, false);
          break;
        case "seed":
          direct.seed = num(tok, value, true);
          break;
        case "train":
          direct.train = num(tok, value, true);
          if (!(direct.train >= 1)) fail(where, `train=${value} in '${spec}': needs at least one training channel`);
          break;
        default:
          bad();
      }
    } else if (b === "lagd") {
      switch (key) {
        case "iters":
          lg.iterations = num(tok, value, true);
          break;
        case "hidden":
          lg.hidden = num(tok, value, true);
          break;
        case "lr":
          lg.learningRate = num(tok, value, false);
          break;
        case "project":
          if (value !== "always" && value !== "end") fail(where, `project=${value} in '${spec}': valid values are always, end`);
          lg.project = value;
          break;
        default:
          bad();
      }
    } else {
      if (key === "iters") trackIterations = num(tok, value, true);
      else if (key === "smooth" && b === "rwmmse-track") {
        if (value === "auto" || value === "liquid") trackSmoothing = value;
        else {
          const x = value === undefined || value.trim() === "" ? Number.NaN : Number(value);
          if (!(x >= 0 && x < 1)) fail(where, `smooth=${value} in '${spec}': must be in [0, 1), 'auto' or 'liquid'`);
          trackSmoothing = x;
        }
      } else if (b === "rwmmse-track" && (key === "cell" || key === "lr" || key === "loss" || Object.hasOwn(LIQUID_INT_OPTIONS, key))) {
        liquidTokens.push(tok);
        if (key === "cell") {
          if (!(SMOOTH_CELLS as readonly string[]).includes(value ?? ""))
            fail(where, `cell=${value} in '${spec}': valid cells are ${SMOOTH_CELLS.join(", ")}`);
          liquid.cell = value as SmoothCell;
        } else if (key === "loss") {
          if (!(SMOOTH_LOSSES as readonly string[]).includes(value ?? ""))
            fail(where, `loss=${value} in '${spec}': valid losses are ${SMOOTH_LOSSES.join(", ")}`);
          liquid.loss = value as SmoothLoss;
        } else if (key === "lr") {
          liquid.learningRate = num(tok, value, false);
          if (!(liquid.learningRate >= 0)) fail(where, `lr=${value} in '${spec}': must be >= 0`);
        } else {
          const x = num(tok, value, true);
          const { field, min, max } = LIQUID_INT_OPTIONS[key as keyof typeof LIQUID_INT_OPTIONS];
          if (!(x >= min && x <= max)) fail(where, `${key}=${value} in '${spec}': must be an integer in [${min}, ${max}]`);
          liquid[field] = x;
        }
      } else bad();
    }
  }
  if (liquidTokens.length > 0 && trackSmoothing !== "liquid")
    fail(where, `option '${liquidTokens[0]}' in '${spec}' applies to smooth=liquid only`);
  if (liquid.cell !== undefined && liquid.cell !== "cfc" && liquid.units !== undefined && liquid.units < 4)
    fail(where, `units=${liquid.units} in '${spec}': the ${liquid.cell} chooser's AutoNCP wiring needs at least 4 units`);
  if (Object.keys(loss).length) glnn.loss = loss;
  if (!(trackIterations >= 1)) fail(where, `iters must be >= 1 in '${spec}'`);
  return { spec, base: b, glnn, lagd: lg, direct, trackIterations, trackSmoothing, liquid };
}

/** Check a list of algorithm specs (classical names or online specs); returns them unchanged. */
export function checkAlgorithms(specs: readonly string[]): string[] {
  for (const s of specs) if (!isClassical(s)) parseLearnedSpec(s);
  return [...specs];
}

/** One design of an online beamformer. */
export interface OnlineDesign {
  readonly V: CMat;
  /** Weighted sum rate on the channel used for the design. */
  readonly seDesign: number;
  readonly iterations: number;
}

/** A stateful beamformer that is fed the samples of a trajectory in time order. */
export interface OnlineBeamformer {
  readonly name: string;
  /** Human label; says when the power normalisation is not the budget. */
  readonly label: string;
  /** "power" (exactly P), "legacy" (the reference code's P·‖W'‖_F) or null (not a GLNN). */
  readonly normalization: "power" | "legacy" | null;
  /** Design from the sample's known channel (the estimate if any). */
  design(sample: CsiSample, t: number): OnlineDesign;
  /**
   * Forget the samples seen (the next design is as from a fresh learner with the same trained
   * weights); present where rebuilding would repeat an offline training (`smooth=liquid`).
   */
  reset?(): void;
  /** Release what the beamformer owns (a network's memory); present where there is something to release. */
  dispose?(): void;
}

/** Offline training data of `rwmmse-track:smooth=liquid`: other trajectories' estimates and true channels, slot by slot. */
export type SmoothingTrainingData = readonly SmoothingTrajectory[];

/**
 * Build an online beamformer.
 * @param spec - parsed spec
 * @param shape - K users × Nk antennas
 * @param seed - default seed (a spec's `seed=` wins for GLNN)
 * @param training - offline training channels of `lstm-offline` (design side)
 * @param csiErrorDb - the CSI error (CEE, dB) `rwmmse-track:smooth=auto|liquid` assumes; absent = perfect CSI
 * @param smoothing - offline training trajectory of `rwmmse-track:smooth=liquid` (its first `train=` slots are used)
 */
export function createOnlineBeamformer(
  spec: LearnedSpec,
  shape: { K: number; Nk: number },
  sys: SystemParams,
  seed: number,
  streams = 1,
  training?: readonly ChannelSample[],
  csiErrorDb?: number,
  smoothing?: SmoothingTrainingData,
): OnlineBeamformer {
  const root = new Rng(seed);
  switch (spec.base) {
    case "lstm-offline": {
      if (streams !== 1) fail("lstm-offline", `supports one stream per user, got streams = ${streams}`);
      if (!training || training.length === 0)
        fail(
          "lstm-offline",
          "needs offline training channels (a simulator preset: the run draws them from another seed of the same preset)",
        );
      const net = new DirectLstmBeamformer({ ...shape, M: training[0]!.M }, sys, { seed, ...spec.direct });
      const fit = net.train(training.slice(0, spec.direct.train));
      return {
        name: spec.spec,
        label: `${spec.spec} (Ĥ → W, trained offline on ${Math.min(training.length, spec.direct.train)} channels, ${fit.updates} steps)`,
        normalization: null,
        design: (sample) => {
          const r = net.design(sample.Hest ?? sample.H);
          return { V: r.V, seDesign: r.seDesign, iterations: 0 };
        },
      };
    }
    case "glnn":
    case "lstm": {
      const g = new GlnnBeamformer(shape, sys, { seed, streams, ...spec.glnn });
      const legacy = g.options.legacyNormalization;
      return {
        name: spec.spec,
        label: legacy ? `${spec.spec} (reference-code normalisation: power P·||H^H X||_F, NOT the budget P)` : spec.spec,
        normalization: legacy ? "legacy" : "power",
        design: (sample) => {
          const r = g.step(sample.Hest ?? sample.H);
          return { V: r.V, seDesign: r.seDesign, iterations: r.iterations };
        },
      };
    }
    case "lagd":
      return {
        name: spec.spec,
        label: spec.spec,
        normalization: null,
        design: (sample, t) => {
          const r = lagd(sample.Hest ?? sample.H, sys, { streams, ...spec.lagd, rng: root.fork(`${spec.spec}/${t}`) });
          return { V: r.V, seDesign: r.sumRate, iterations: r.iterations };
        },
      };
    case "rwmmse-track": {
      if (streams !== 1) fail("rwmmse-track", `supports one stream per user, got streams = ${streams}`);
      if (spec.trackSmoothing === "liquid") return liquidTracker(spec, shape, sys, csiErrorDb, smoothing);
      const tracker = new RwmmseTracker(shape, sys, {
        iterations: spec.trackIterations,
        smoothing: spec.trackSmoothing,
        ...(csiErrorDb !== undefined ? { csiErrorDb } : {}),
      });
      return {
        name: spec.spec,
        label: spec.spec,
        normalization: null,
        design: (sample) => {
          const r = tracker.step(sample.Hest ?? sample.H);
          return { V: r.V, seDesign: r.sumRate, iterations: r.iterations };
        },
      };
    }
    case "wmmse-track": {
      let prev: CMat | null = null;
      return {
        name: spec.spec,
        label: spec.spec,
        normalization: null,
        design: (sample, t) => {
          const known = sample.Hest ?? sample.H;
          const r = wmmse(known, sys, {
            streams,
            init: prev ?? "random",
            rng: root.fork(`${spec.spec}/${t}`),
            maxIter: spec.trackIterations,
            relTol: 0,
            // Shi's power constraint is inactive in early iterations; a tracker that runs only a
            // few of them per sample would otherwise transmit below the budget for a long time
            fillPower: true,
          });
          prev = r.V;
          return { V: r.V, seDesign: r.sumRate, iterations: r.iterations };
        },
      };
    }
  }
}

/** `rwmmse-track:smooth=liquid`: train the chooser on the offline trajectory, then track with it. */
function liquidTracker(
  spec: LearnedSpec,
  shape: { K: number; Nk: number },
  sys: SystemParams,
  csiErrorDb: number | undefined,
  data: SmoothingTrainingData | undefined,
): OnlineBeamformer {
  const where = "rwmmse-track:smooth=liquid";
  if (!data || data.length === 0 || data[0]!.estimates.length < 2)
    fail(where, "needs offline training trajectories (a simulator preset: the run draws them from other seeds of the same preset)");
  const count = Math.min(spec.liquid.train, data[0]!.estimates.length);
  const trajs = Math.min(spec.liquid.trajectories, data.length);
  const chooser = new LiquidSmoothing(spec.liquid);
  try {
    const fit = chooser.train(
      data.slice(0, trajs).map((d) => ({ estimates: d.estimates.slice(0, count), truths: d.truths.slice(0, count) })),
      csiErrorDb,
      shape.Nk,
    );
    const tracker = new RwmmseTracker(shape, sys, {
      iterations: spec.trackIterations,
      smoothing: chooser,
      ...(csiErrorDb !== undefined ? { csiErrorDb } : {}),
    });
    const l0 = fit.loss[0]!;
    const lb = fit.loss[fit.bestEpoch]!;
    return {
      name: spec.spec,
      label: `${spec.spec} (${chooser.cell}, ${chooser.parameterCount} parameters, trained offline on ${trajs} x ${count} slots: smoothing NMSE ${l0.toPrecision(4)} -> ${lb.toPrecision(4)} at epoch ${fit.bestEpoch} of ${fit.updates})`,
      normalization: null,
      design: (sample) => {
        const r = tracker.step(sample.Hest ?? sample.H);
        return { V: r.V, seDesign: r.sumRate, iterations: r.iterations };
      },
      reset: () => tracker.reset(),
      dispose: () => chooser.dispose(),
    };
  } catch (e) {
    chooser.dispose();
    throw e;
  }
}
