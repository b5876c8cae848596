/**
 * The channel-prediction experiment: channel trajectories → split by trajectory group → noisy
 * windows → every selected predictor fitted on the training windows and scored on the test
 * windows (docs/prediction.md).
 *
 * `runPrediction(config, { datasets })` returns plain data; everything but the measured times
 * (`usPerPrediction`, `trainSeconds`) is a deterministic function of the config, its seed and
 * the channel data.
 */
import { z } from "zod";
import { fail, LiquidwaveError } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { choice, flag, parseConfig, rangedNumber, showValue } from "../core/validate.ts";
import { channelFields } from "../channel/config.ts";
import { libraryNaming, parseNaming, presetOption, type OptionNaming } from "./options.ts";
import { generateChannel, type ChannelSimulation } from "../channel/generate.ts";
import type { ChannelConfigInput } from "../channel/config.ts";
import type { ChannelDataset } from "../channel/dataset.ts";
import { besselJ0 } from "../core/bessel.ts";
import { EspritPredictor } from "../prediction/esprit.ts";
import { LEARNED_KINDS, LearnedPredictor, LIQUID_KINDS } from "../prediction/learned.ts";
import { meanNmseDb, mrtGain, nmsePerStep, predictionGainDb, toDb } from "../prediction/metrics.ts";
import type { Predictor } from "../prediction/predictor.ts";
import { CLASSICAL_PREDICTORS, createPredictor, PREDICTOR_NAMES } from "../prediction/registry.ts";
import {
  segmentTrajectories,
  splitByGroup,
  trajectoriesFromDatasets,
  type Trajectory,
  type TrajectorySplit,
} from "../prediction/trajectories.ts";
import { regularTimes, WienerPredictor, wienerTheoreticalNmse } from "../prediction/wiener.ts";
import { makeWindows, selectWindows, type WindowSet } from "../prediction/windows.ts";

/** Speed of light, m/s (f_D = v f_c / c). */
const SPEED_OF_LIGHT = 299_792_458;

export const DEFAULT_MODELS = [
  "hold",
  "linear",
  "ar",
  "wiener",
  "wiener-est",
  "kalman",
  "ridge",
  "esprit",
  "mlp",
  "gru",
  "lstm",
  "cfc",
  "ltc",
  "ncp",
] as const;

const posInt = rangedNumber(1, Number.MAX_SAFE_INTEGER, { integer: true });
const nonNegative = rangedNumber(0);
const positive = rangedNumber(0, Infinity, { exclusiveMin: true });
const jitterNumber = rangedNumber(0).refine((v) => v < 0.5, {
  error: (iss) => `must be >= 0 and < 0.5 (a fraction of Δt), got ${showValue(iss.input)}`,
});
/** Simulated samples per Δt when `jitter` > 0 and `oversample` is not given. */
export const DEFAULT_JITTER_OVERSAMPLE = 20;
const learnedSizes = z
  .object(
    Object.fromEntries(LEARNED_KINDS.map((k) => [k, posInt.optional()])) as Record<
      (typeof LEARNED_KINDS)[number],
      z.ZodOptional<typeof posInt>
    >,
  )
  .strict();

/**
 * The channel of the case study when no datasets are passed: the simulator's config (a preset
 * plus overrides, validated by `generateChannel`), merged over {@link PREDICTION_CHANNEL_DEFAULTS}.
 */
const channelSchema = z.record(z.string(), z.unknown()).refine((c) => typeof c["preset"] === "string", { message: "needs a preset name" });

/**
 * The case-study geometry (docs/prediction.md) applied to any preset unless overridden: a
 * 4-element BS ULA, single-antenna users on independent tracks at 2 m/s, 2000 samples at 1 ms.
 */
export const PREDICTION_CHANNEL_DEFAULTS = { users: 64, userAntennas: 1, antennas: 4, samples: 2000, dt: 1e-3, speed: 2 } as const;

export const predictionConfigSchema = z
  .object({
    /** Channel source when no datasets are given: `{ preset: "umi-6ghz", users: 64, ... }`. */
    channel: channelSchema.optional(),
    /**
     * Test on a different channel (generalisation): overrides of `channel` for the test set, e.g.
     * `{ speed: 4 }` (an unseen speed), simulated as another drop (seed + 1). All trajectories of
     * `channel` then go to training and validation.
     */
    testChannel: z.record(z.string(), z.unknown()).optional(),
    /** P past samples per window. */
    history: posInt.default(20),
    /** F future samples to predict. */
    horizon: posInt.default(5),
    /** Input SNR in dB w.r.t. each trajectory's mean power (null: noiseless inputs). */
    snrDb: rangedNumber(-50, 200).nullable().default(20),
    /** Sampling interval Δt of data files that do not record it, s (a simulated channel sets its own). */
    dt: positive.optional(),
    /** True maximum Doppler f_D, Hz (default: speed · f_c / c when both are known). */
    dopplerHz: nonNegative.optional(),
    /** UE speed of a data file, m/s (for f_D; a simulated channel knows its speed). */
    speed: nonNegative.optional(),
    /** Carrier frequency, Hz (for f_D when the dataset does not record it). */
    carrierHz: positive.optional(),
    /** Samples between window starts (default: the window span, no sample shared). */
    stride: posInt.optional(),
    /** Largest random input gap in samples (1: regular sampling). */
    maxGap: posInt.default(1),
    /**
     * Timing jitter of the inputs, a fraction of Δt in [0, 0.5): input j < P − 1 arrives at its
     * nominal time + u_j Δt, u_j uniform on [−jitter, jitter] in steps of Δt/oversample
     * (windows.ts). Needs a simulated channel, which is then simulated `oversample` times per Δt.
     */
    jitter: jitterNumber.default(0),
    /**
     * Simulated samples per Δt (the channel is simulated on the grid Δt/oversample and windows
     * take every oversample-th sample, moved by the jitter); default 20 with jitter, else 1.
     */
    oversample: rangedNumber(1, 1000, { integer: true }).optional(),
    /** Cut each trajectory into segments of this many samples, each its own split group. */
    segment: posInt.optional(),
    /** Fractions of trajectory groups for training, validation and test. */
    split: z
      .tuple([nonNegative, nonNegative, nonNegative], {
        error: (iss) => `expected [train, validation, test] fractions, got ${showValue(iss.input)}`,
      })
      .default([0.6, 0.2, 0.2]),
    /** Score on at most this many test windows (evenly spaced over the test set). */
    maxTestWindows: posInt.optional(),
    models: z
      .array(choice(PREDICTOR_NAMES))
      .min(1, { error: "expected at least one model" })
      .default([...DEFAULT_MODELS]),
    seed: channelFields.seed.default(0),
    /** Learned models. */
    epochs: posInt.default(30),
    /** Minibatch of the learned models (default: per kind, learned.ts DEFAULT_BATCH_SIZES). */
    batchSize: posInt.optional(),
    learningRate: positive.default(3e-3),
    patience: posInt.default(6),
    maxTrainWindows: posInt.optional(),
    sizes: learnedSizes.optional(),
    /**
     * Elapsed time per Δt fed to the liquid models (CfC, LTC, NCP) as their ODE time span: a number,
     * or "auto" (chosen on the validation windows); default per kind (learned.ts DEFAULT_TIME_SCALES).
     */
    timeScale: z.union([positive, z.literal("auto")]).optional(),
    /** Classical models. */
    arOrder: posInt.default(6),
    kalmanOrder: posInt.default(8),
    espritOrder: posInt.default(4),
    espritRows: posInt.optional(),
    ridge: nonNegative.default(1e-4),
    linearDegree: rangedNumber(0, 8, { integer: true }).default(1),
  })
  .strict();

export type PredictionConfigInput = z.input<typeof predictionConfigSchema>;
export type PredictionConfig = z.output<typeof predictionConfigSchema>;

/** One model's scores on the test windows. */
export interface ModelResult {
  name: string;
  /** NMSE per step k = 1…F, dB (ratio of sums over the test windows). */
  nmseDb: number[];
  /** 10 log10 of the mean over k of the linear NMSE_k. */
  meanNmseDb: number;
  /** Gain over sample-and-hold per step, dB (when hold is among the models). */
  gainDb?: number[];
  /**
   * Mean NMSE of this run's best classical model minus this model's, dB (positive: this model is
   * better; 0 for the best classical itself). Paired: both on the same channel, noise and windows.
   */
  vsBestClassicalDb?: number;
  /** Mean MRT beamforming gain |hᴴĥ|²/(‖h‖²‖ĥ‖²) per step. */
  mrtGain: number[];
  /** Real coefficients kept after fitting (see Predictor.parameterCount). */
  params: number;
  /** Measured wall time per window (F steps, M antennas) of a batched predict over the test set, µs. */
  usPerPrediction: number;
  /** Measured wall time of fit, s. */
  trainSeconds: number;
  /** Extra facts: epochs run, f_D estimates, fallbacks. */
  notes?: Record<string, number | string | null>;
}

export interface PredictionResult {
  /** The resolved config, with what the source and the split gave. */
  config: Omit<PredictionConfig, "dt" | "dopplerHz"> & {
    dt: number;
    dopplerHz: number | null;
    source: string[];
    /** With a separate test source: its description and the training channel's f_D. */
    testSource?: string[];
    trainDopplerHz?: number | null;
    windows: { train: number; validation: number; test: number };
    trajectories: { train: number; validation: number; test: number };
    regular: boolean;
  };
  models: ModelResult[];
  /** The classical model with the lowest mean NMSE in this run (the reference of `vsBestClassicalDb`). */
  bestClassical?: string;
  /** Models that refused this window set (e.g. irregular sampling) and were skipped, with the reason. */
  skipped?: { name: string; reason: string }[];
  /** Closed forms on a unit-power Clarke channel at this f_D, Δt, SNR (regular sampling only). */
  reference?: { holdDb: number[]; wienerDb: number[] };
}

export interface RunOptions {
  /** The channel source: one or more datasets (drops); default: simulate `config.channel`. */
  readonly datasets?: readonly ChannelDataset[];
  /** A separate test source (all its trajectories are test data); default: `config.testChannel` if set. */
  readonly testDatasets?: readonly ChannelDataset[];
  /** Progress lines (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
  /**
   * Called with each predictor once it is fitted and has predicted the test windows (skipped
   * models excluded), and those test windows: for callers that look inside a trained model (the
   * lab's neuron panel reuses the NCP). The result does not depend on it.
   */
  readonly onFitted?: (predictor: Predictor, test: WindowSet) => void;
}

/** Validate a config (one error line naming the offending field). */
export function parsePredictionConfig(value: PredictionConfigInput | undefined): PredictionConfig {
  const c = parseConfig("runPrediction", predictionConfigSchema, value ?? {});
  if (c.channel) {
    for (const key of ["dt", "speed", "carrierHz"] as const) {
      if (c[key] !== undefined)
        fail(
          "runPrediction",
          `config.${key} describes a data file; with a simulated channel set it inside config.channel (dt, speed, carrierGHz)`,
        );
    }
  }
  if (c.jitter > 0 && !c.channel)
    fail(
      "runPrediction",
      `config.jitter ${c.jitter} needs a simulated channel (config.channel), which is simulated on a finer grid; a data file is sampled only at Δt`,
    );
  if (c.oversample !== undefined && c.oversample > 1 && !c.channel)
    fail("runPrediction", `config.oversample ${c.oversample} needs a simulated channel (config.channel)`);
  if (c.jitter > 0 && Math.floor(c.jitter * (c.oversample ?? DEFAULT_JITTER_OVERSAMPLE) + 1e-9) < 1)
    fail(
      "runPrediction",
      `config.jitter ${c.jitter} is below one simulated step 1/${c.oversample}: raise config.oversample to at least ${Math.ceil(1 / c.jitter)}`,
    );
  if (c.split[0] <= 0 || c.split[2] <= 0)
    fail("runPrediction", `split needs positive training and test fractions, got [${c.split.join(", ")}]`);
  return c;
}

/** Δt of the source: config, else dataset meta, else the spacing of `t`. */
function resolveDt(config: PredictionConfig, datasets: readonly ChannelDataset[]): number {
  if (config.dt !== undefined) return config.dt;
  const ds = datasets[0]!;
  if (ds.meta.dt !== undefined && ds.meta.dt > 0) return ds.meta.dt;
  if (ds.t && ds.t.length >= 2 && ds.t[1]! > ds.t[0]!) return ds.t[1]! - ds.t[0]!;
  fail("runPrediction", `the sampling interval is unknown (${ds.meta.source} records neither dt nor t): pass --dt`);
}

function resolveDoppler(config: PredictionConfig, datasets: readonly ChannelDataset[]): number | null {
  if (config.dopplerHz !== undefined) return config.dopplerHz;
  const fc = config.carrierHz ?? datasets[0]!.meta.fc;
  let speed = config.speed;
  // A simulated channel knows its speed (one constant speed; speed phases have no single f_D).
  const sim = datasets[0] as Partial<ChannelSimulation>;
  if (speed === undefined && sim.config && sim.config.mobility.slots === null && sim.config.mobility.model !== "static")
    speed = sim.config.mobility.speeds[0];
  if (speed !== undefined && fc !== undefined) return (speed * fc) / SPEED_OF_LIGHT;
  return null;
}

/** The full channel config of the case study: defaults, then the user's overrides (seed: the experiment's). */
export function predictionChannelConfig(channel: Record<string, unknown>, seed: number): ChannelConfigInput {
  const c: Record<string, unknown> = { ...PREDICTION_CHANNEL_DEFAULTS, seed, ...channel };
  // Speed phases replace the constant speed.
  if (channel["speeds"] !== undefined || (channel["mobility"] as Record<string, unknown> | undefined)?.["speeds"] !== undefined)
    delete c["speed"];
  // A BS array given in full replaces the antenna-count shorthand.
  if ((channel["bsArray"] as Record<string, unknown> | undefined)?.["shape"] !== undefined && channel["antennas"] === undefined)
    delete c["antennas"];
  return c as unknown as ChannelConfigInput;
}

/** Simulated samples per Δt: `oversample`, else {@link DEFAULT_JITTER_OVERSAMPLE} with jitter, else 1. */
export function oversampleOf(config: PredictionConfig): number {
  return config.oversample ?? (config.jitter > 0 ? DEFAULT_JITTER_OVERSAMPLE : 1);
}

/**
 * The channel config on the grid Δt/R over the same duration: dt/R and samples·R samples, so
 * sample i·R of the fine simulation is at the time of sample i of the plain one (and the last
 * window of a trajectory keeps room for its jitter: the same windows per trajectory as without).
 * @throws LiquidwaveError with speed phases (their slots count samples of the plain grid)
 */
function oversampled(c: ChannelConfigInput, R: number): ChannelConfigInput {
  if (R === 1) return c;
  const r = c as unknown as Record<string, unknown>;
  if (r["slots"] !== undefined || (r["mobility"] as Record<string, unknown> | undefined)?.["slots"] !== undefined)
    fail("runPrediction", `config.oversample ${R} (jitter) cannot resample a speed schedule given in slots; use one constant speed`);
  const dt = r["dt"] as number,
    T = r["samples"] as number;
  return { ...r, dt: dt / R, samples: T * R } as unknown as ChannelConfigInput;
}

/** Time a batched predict: warm up on a few windows, then predict the whole set once. */
function timedPredict(p: Predictor, test: WindowSet, warm: WindowSet): { pred: ReturnType<Predictor["predict"]>; us: number } {
  p.predict(warm);
  const t0 = performance.now();
  const pred = p.predict(test);
  return { pred, us: ((performance.now() - t0) * 1000) / Math.max(1, test.count) };
}

/** The windows of an experiment and what the source gave. */
export interface PreparedWindows {
  readonly train: WindowSet;
  readonly validation: WindowSet;
  readonly test: WindowSet;
  readonly split: TrajectorySplit;
  readonly trajectories: number;
  readonly dt: number;
  /** True f_D of the test channel (what the f_D-aware baselines are given). */
  readonly dopplerHz: number | null;
  /** True f_D of the training channel when it differs (separate test source). */
  readonly trainDopplerHz: number | null;
  readonly datasets: readonly ChannelDataset[];
  readonly testDatasets: readonly ChannelDataset[] | null;
}

/**
 * Source → trajectories → split by group → noisy windows, exactly as {@link runPrediction} does
 * (exported so the split can be audited for leakage).
 */
export function preparePredictionWindows(config: PredictionConfig, options: RunOptions): PreparedWindows {
  const where = "runPrediction";
  const log = options.onProgress ?? (() => {});
  let datasets = options.datasets;
  const R = oversampleOf(config);
  if (R > 1 && (options.datasets || options.testDatasets))
    fail(where, `config.jitter/oversample need the channel simulated on a finer grid (config.channel); got datasets sampled at Δt`);
  // The nominal Δt of an oversampled simulation (its datasets are sampled every Δt/R).
  let nominalDt: number | null = null;
  if (!datasets) {
    if (!config.channel) fail(where, "no channel source: pass datasets or a channel config ({ preset: ... })");
    const cc = oversampled(predictionChannelConfig(config.channel, config.seed), R);
    nominalDt = (cc.dt as number) * R;
    log(
      `predict: simulating ${String(cc.preset)} (${cc.users} users × ${cc.samples} samples${R > 1 ? `, ${R} per Δt for the jitter` : ""})`,
    );
    datasets = [generateChannel(cc)];
  }
  if (datasets.length === 0) fail(where, "no channel data given");
  let testDatasets = options.testDatasets ?? null;
  if (!testDatasets && config.testChannel) {
    if (!config.channel) fail(where, "testChannel overrides a simulated channel: give config.channel too (or pass testDatasets)");
    const tc = oversampled(predictionChannelConfig({ ...config.channel, ...config.testChannel }, config.seed + 1), R);
    log(`predict: simulating the test channel ${JSON.stringify(config.testChannel)} (seed ${config.seed + 1})`);
    testDatasets = [generateChannel(tc)];
  }
  const dt = nominalDt ?? resolveDt(config, datasets);
  if (testDatasets) {
    const tdt = R > 1 ? resolveDt(config, testDatasets) * R : resolveDt(config, testDatasets);
    if (Math.abs(tdt - dt) > 1e-12 * dt)
      fail(where, `the test channel is sampled every ${tdt} s, the training channel every ${dt} s; they must agree`);
  }
  const trainDopplerHz = resolveDoppler(config, datasets);
  const dopplerHz = testDatasets ? resolveDoppler(config, testDatasets) : trainDopplerHz;
  const rng = new Rng(config.seed);
  let trajectories: Trajectory[] = trajectoriesFromDatasets(datasets);
  const span = (config.history - 1) * config.maxGap + config.horizon + 1;
  const segment = (trs: Trajectory[]): Trajectory[] => {
    if (config.segment === undefined) return trs;
    if (config.segment < span) fail(where, `segment ${config.segment} is shorter than one window (${span} samples)`);
    return R === 1 ? segmentTrajectories(trs, config.segment, span) : segmentTrajectories(trs, config.segment * R, span * R);
  };
  trajectories = segment(trajectories);
  let split: TrajectorySplit;
  if (testDatasets) {
    // Training source → train/validation only; the test source → test (ids and groups kept apart).
    const inner = splitByGroup(trajectories, [config.split[0], config.split[1], 0], rng.fork("split"));
    const idBase = trajectories.length,
      groupBase = Math.max(...trajectories.map((t) => t.group)) + 1;
    const test = segment(trajectoriesFromDatasets(testDatasets)).map((t) => ({ ...t, id: t.id + idBase, group: t.group + groupBase }));
    split = { train: inner.train, validation: inner.validation, test };
  } else split = splitByGroup(trajectories, config.split, rng.fork("split"));
  const windowsOf = (trs: Trajectory[], label: string): WindowSet =>
    makeWindows(trs, {
      history: config.history,
      horizon: config.horizon,
      dt,
      snrDb: config.snrDb,
      stride: config.stride === undefined ? undefined : config.stride * R,
      maxGap: config.maxGap,
      ...(R > 1 ? { oversample: R } : {}),
      ...(config.jitter > 0 ? { jitter: config.jitter } : {}),
      rng: rng.fork(`windows:${label}`),
    });
  const train = windowsOf(split.train, "train");
  const validation = windowsOf(split.validation, "validation");
  let test = windowsOf(split.test, "test");
  if (config.maxTestWindows !== undefined && test.count > config.maxTestWindows) {
    // Evenly spaced, so every test trajectory keeps its share.
    const n = config.maxTestWindows;
    test = selectWindows(
      test,
      Array.from({ length: n }, (_, i) => Math.floor((i * test.count) / n)),
    );
  }
  if (train.count === 0 || test.count === 0) {
    fail(
      where,
      `no complete window of ${span} samples in the ${train.count === 0 ? "training" : "test"} trajectories; use longer trajectories or a shorter history/horizon`,
    );
  }
  const fd = (x: number | null) => (x === null ? "unknown" : `${x.toFixed(2)} Hz`);
  log(
    `predict: ${trajectories.length + (testDatasets ? split.test.length : 0)} trajectories (${split.train.length}/${split.validation.length}/${split.test.length}), windows ${train.count}/${validation.count}/${test.count}, Δt ${dt * 1e3} ms, f_D ${testDatasets ? `train ${fd(trainDopplerHz)}, test ${fd(dopplerHz)}` : fd(dopplerHz)}, SNR ${config.snrDb ?? "∞"} dB`,
  );
  return { train, validation, test, split, trajectories: trajectories.length, dt, dopplerHz, trainDopplerHz, datasets, testDatasets };
}

/**
 * Run the prediction experiment.
 * @param configIn - see {@link predictionConfigSchema} (validated; defaults filled in)
 * @param options.datasets - channel source, H [T, K, Nk, M] per dataset (default: simulate config.channel)
 * @returns per-model NMSE per step (dB), mean, gain over hold, MRT gain, parameters, timings
 */
export function runPrediction(configIn: PredictionConfigInput, options: RunOptions = {}): PredictionResult {
  const config = parsePredictionConfig(configIn);
  const log = options.onProgress ?? (() => {});
  const { train, validation, test, split, dt, dopplerHz, trainDopplerHz, datasets, testDatasets } = preparePredictionWindows(
    config,
    options,
  );
  const warm = selectFirst(test, Math.min(16, test.count));
  const settings = {
    dopplerHz,
    linear: { degree: config.linearDegree },
    ar: { order: config.arOrder },
    kalman: { order: config.kalmanOrder },
    ridge: { ridge: config.ridge },
    esprit: { order: config.espritOrder, ...(config.espritRows !== undefined ? { rows: config.espritRows } : {}) },
    learned: {
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      patience: config.patience,
      seed: config.seed,
      ...(config.maxTrainWindows !== undefined ? { maxTrainWindows: config.maxTrainWindows } : {}),
      sizes: config.sizes ?? {},
      ...(config.timeScale !== undefined
        ? { timeScales: Object.fromEntries(LIQUID_KINDS.map((k) => [k, config.timeScale!])) as Record<string, number | "auto"> }
        : {}),
    },
  };
  // Build every predictor first so a bad name or a missing f_D fails before any training.
  const predictors = config.models.map((name) => createPredictor(name, settings));
  const models: ModelResult[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const p of predictors) {
    log(`predict: ${p.name}: fitting`);
    const t0 = performance.now();
    let timed: ReturnType<typeof timedPredict>;
    let trainSeconds: number;
    try {
      p.fit(train, validation.count > 0 ? validation : null, log);
      trainSeconds = (performance.now() - t0) / 1000;
      timed = timedPredict(p, test, warm);
    } catch (e) {
      // a model that cannot handle this window set (irregular sampling, too few windows) is
      // reported as skipped; the others still run
      if (!(e instanceof LiquidwaveError)) throw e;
      skipped.push({ name: p.name, reason: e.message });
      log(`predict: ${p.name}: skipped (${e.message})`);
      continue;
    }
    const { pred, us } = timed;
    options.onFitted?.(p, test);
    const nmse = nmsePerStep(pred, test.targets);
    const r: ModelResult = {
      name: p.name,
      nmseDb: toDb(nmse),
      meanNmseDb: meanNmseDb(nmse),
      mrtGain: Array.from(mrtGain(pred, test.targets)),
      params: p.parameterCount(),
      usPerPrediction: us,
      trainSeconds,
    };
    const notes = notesOf(p);
    if (notes) r.notes = notes;
    models.push(r);
    log(`predict: ${p.name}: mean NMSE ${r.meanNmseDb.toFixed(2)} dB`);
  }
  const hold = models.find((m) => m.name === "hold");
  if (hold) {
    const ref = hold.nmseDb.map((d) => 10 ** (d / 10));
    for (const m of models)
      m.gainDb = predictionGainDb(
        m.nmseDb.map((d) => 10 ** (d / 10)),
        ref,
      );
  }
  const classical = models.filter((m) => (CLASSICAL_PREDICTORS as readonly string[]).includes(m.name));
  const best = classical.length ? classical.reduce((a, b) => (b.meanNmseDb < a.meanNmseDb ? b : a)) : null;
  if (best) for (const m of models) m.vsBestClassicalDb = best.meanNmseDb - m.meanNmseDb;
  const result: PredictionResult = {
    ...(best ? { bestClassical: best.name } : {}),
    config: {
      ...config,
      dt,
      dopplerHz,
      ...(testDatasets ? { trainDopplerHz, testSource: testDatasets.map((d) => d.meta.source) } : {}),
      source: datasets.map((d) => d.meta.source),
      windows: { train: train.count, validation: validation.count, test: test.count },
      trajectories: { train: split.train.length, validation: split.validation.length, test: split.test.length },
      regular: test.regular && train.regular,
    },
    models,
    ...(skipped.length ? { skipped } : {}),
  };
  if (dopplerHz !== null && config.maxGap === 1 && config.jitter === 0) {
    const ratio = config.snrDb === null ? 0 : 10 ** (-config.snrDb / 10);
    const times = regularTimes(config.history, config.horizon);
    const fdDt = dopplerHz * dt;
    result.reference = {
      holdDb: Array.from({ length: config.horizon }, (_, k) => 10 * Math.log10(2 * (1 - clarke(fdDt * (k + 1))) + ratio)),
      wienerDb: toDb(wienerTheoreticalNmse(times, config.history, config.horizon, fdDt, ratio)),
    };
  }
  return result;
}

function clarke(lagTimesFd: number): number {
  return besselJ0(2 * Math.PI * lagTimesFd);
}

function selectFirst(ws: WindowSet, n: number): WindowSet {
  return selectWindows(
    ws,
    Array.from({ length: n }, (_, i) => i),
  );
}

function notesOf(p: Predictor): Record<string, number | string | null> | null {
  if (p instanceof LearnedPredictor && p.training) {
    return {
      ...(p.kind !== "mlp" ? { timeScale: p.timeScale as number } : {}),
      epochs: p.training.epochs,
      bestEpoch: p.training.bestEpoch,
      bestValLoss: p.training.bestValLoss,
      trainWindows: p.training.trainWindows,
    };
  }
  if (p instanceof WienerPredictor && p.lastEstimates) {
    const e = Array.from(p.lastEstimates).sort((a, b) => a - b);
    return { medianDopplerEstimateHz: e[Math.floor(e.length / 2)] ?? null };
  }
  if (p instanceof WienerPredictor && p.dopplerHz !== null) return { dopplerHz: p.dopplerHz };
  if (p instanceof EspritPredictor) return { fallbackWindows: p.fallbacks };
  return null;
}

// ---- The `predict` command's options (the CLI flags in camelCase) → a PredictionConfig.

/** The `quick` settings: a small, fast run (a minute or two on a laptop). */
export const QUICK = { epochs: 8, maxTrainWindows: 1500, maxTestWindows: 600 } as const;

/**
 * The options of `liquidwave predict` in camelCase, with their ranges (a simulated channel's
 * parameters share the simulator's ranges). {@link predictionConfigFromOptions} turns them into a
 * {@link PredictionConfigInput}; {@link runPredict} runs them.
 *
 * Channel source: `preset` (simulate; `users`, `samples`, `antennas`, `speed` m/s, `dt` s,
 * `carrierGhz` GHz override the case-study geometry) or datasets passed by the caller (`data`
 * and `layout` describe how it loaded them; `dt`, `speed`, `carrierGhz` then describe the data).
 */
export const predictOptionsSchema = z.strictObject(
  {
    preset: presetOption.optional(),
    /** Simulated users = independent trajectories (default 64; 24 with `quick`). */
    users: channelFields.users.optional(),
    /** Samples per simulated trajectory (default 2000). */
    samples: rangedNumber(2, 1e9, { integer: true }).optional(),
    /** BS antennas of the simulated channel (default 4). */
    antennas: channelFields.antennas.optional(),
    /** The dataset's file name (the caller loads it). */
    data: z.string().optional(),
    /** Dataset layout the caller loads with. */
    layout: z.string().optional(),
    /** Past samples per window P. */
    history: rangedNumber(1, 1e6, { integer: true }).default(20),
    /** Future samples to predict F. */
    horizon: rangedNumber(1, 1e6, { integer: true }).default(5),
    /** Input SNR in dB w.r.t. each trajectory's mean power (default 20). */
    snrDb: rangedNumber(-50, 200).optional(),
    /** Noiseless inputs (a check, not a benchmark); excludes `snrDb`. */
    noiseless: flag().optional(),
    /** Sampling interval, s (simulated: default 1 ms; data: default the file's). */
    dt: channelFields.dt.optional(),
    /** UE speed, m/s (simulated: default 2; data: gives the true Doppler f_D = v f_c / c). */
    speed: channelFields.speed.optional(),
    /** True maximum Doppler f_D, Hz (for wiener, kalman). */
    dopplerHz: rangedNumber(0, 1e9).optional(),
    /** Carrier frequency, GHz (simulated: default the preset's; data: when the file does not record it). */
    carrierGhz: channelFields.carrierGHz.optional(),
    /** Generalisation: test on another drop of the preset at this speed, m/s. */
    testSpeed: channelFields.speed.optional(),
    /** Irregular sampling: random input gaps of 1…maxGap samples. */
    maxGap: rangedNumber(1, 1e6, { integer: true }).optional(),
    /** Jittered arrival: each input but the last moves by u·Δt, u uniform on [−jitter, jitter], 0 ≤ jitter < 0.5 (simulated channel only). */
    jitter: jitterNumber.optional(),
    /** Simulated samples per Δt for the jitter (default 20 with jitter). */
    oversample: rangedNumber(1, 1000, { integer: true }).optional(),
    /** Elapsed time per Δt fed to the liquid models: a number > 0 or "auto" (default: per kind, learned.ts DEFAULT_TIME_SCALES). */
    timeScale: z.union([rangedNumber(1e-9, 1e9), z.literal("auto")]).optional(),
    /** Cut long tracks into segments of this many samples (split units). */
    segment: rangedNumber(2, 1e9, { integer: true }).optional(),
    /** Models (default {@link DEFAULT_MODELS}). */
    models: z
      .array(choice(PREDICTOR_NAMES), { error: (iss) => `expected a list of model names, got ${showValue(iss.input)}` })
      .min(1, { error: "expected at least one model" })
      .optional(),
    /** Maximum training epochs of the learned models (default 30; 8 with `quick`). */
    epochs: rangedNumber(1, 1e6, { integer: true }).optional(),
    batchSize: rangedNumber(1, 1e9, { integer: true }).optional(),
    /** Adam learning rate. */
    lr: rangedNumber(0, 1e3, { exclusiveMin: true }).optional(),
    /** Early-stopping patience, epochs. */
    patience: rangedNumber(1, 1e6, { integer: true }).optional(),
    maxTrainWindows: rangedNumber(1, 1e12, { integer: true }).optional(),
    maxTestWindows: rangedNumber(1, 1e12, { integer: true }).optional(),
    espritOrder: rangedNumber(1, 1e4, { integer: true }).optional(),
    arOrder: rangedNumber(1, 1e4, { integer: true }).optional(),
    kalmanOrder: rangedNumber(1, 1e4, { integer: true }).optional(),
    /** Seed of the split, the noise, the initialisations (and the simulated channel). */
    seed: channelFields.seed.default(0),
    /** Small fast run ({@link QUICK}). */
    quick: flag().optional(),
  },
  { error: (iss) => (iss.code === "unrecognized_keys" ? "unknown option" : `expected an object of options, got ${showValue(iss.input)}`) },
);

/** The `predict` options as users write them. */
export type PredictOptionsInput = z.input<typeof predictOptionsSchema>;
/** Validated `predict` options. */
export type PredictOptions = z.output<typeof predictOptionsSchema>;

/**
 * Build the prediction experiment's config from the `predict` options (the CLI flags in camelCase).
 * @param options - see {@link predictOptionsSchema}; `dt` in s, speeds in m/s, `carrierGhz` in GHz
 * @param naming - how errors name the function and options (default `runPredict`, `config.<name>`)
 * @returns a {@link PredictionConfigInput} for {@link runPrediction}
 * @throws LiquidwaveError (one line naming the option and value)
 */
export function predictionConfigFromOptions(options: PredictOptionsInput, naming?: OptionNaming): PredictionConfigInput {
  const { where, option: opt } = naming ?? libraryNaming("runPredict");
  const o = parseConfig(where, predictOptionsSchema, options ?? {}, parseNaming(naming));
  if (o.noiseless && o.snrDb !== undefined) fail(where, `${opt("noiseless")} and ${opt("snrDb")} exclude each other`);
  const quick = o.quick === true;
  const cfg: Record<string, unknown> = {
    history: o.history,
    horizon: o.horizon,
    snrDb: o.noiseless ? null : (o.snrDb ?? 20),
    seed: o.seed,
    models: o.models ?? [...DEFAULT_MODELS],
    epochs: o.epochs ?? (quick ? QUICK.epochs : 30),
  };
  const set = (key: string, v: unknown) => {
    if (v !== undefined) cfg[key] = v;
  };
  if (o.preset !== undefined) {
    const channel: Record<string, unknown> = { preset: o.preset };
    const ch = (key: string, v: unknown) => {
      if (v !== undefined) channel[key] = v;
    };
    ch("users", o.users ?? (quick ? 24 : undefined));
    ch("samples", o.samples);
    ch("antennas", o.antennas);
    ch("speed", o.speed);
    ch("dt", o.dt);
    ch("carrierGHz", o.carrierGhz);
    cfg["channel"] = channel;
    if (o.testSpeed !== undefined) cfg["testChannel"] = { speed: o.testSpeed };
  } else {
    if (o.testSpeed !== undefined) fail(where, `${opt("testSpeed")} needs a simulated channel (${opt("preset")})`);
    for (const key of ["users", "samples", "antennas"] as const) {
      if (o[key] !== undefined) fail(where, `${opt(key)} applies to a simulated channel (${opt("preset")}), not to a dataset`);
    }
    set("dt", o.dt);
    set("speed", o.speed);
    set("carrierHz", o.carrierGhz === undefined ? undefined : o.carrierGhz * 1e9);
  }
  set("dopplerHz", o.dopplerHz);
  set("maxGap", o.maxGap);
  if ((o.jitter !== undefined || o.oversample !== undefined) && o.preset === undefined)
    fail(
      where,
      `${opt(o.jitter !== undefined ? "jitter" : "oversample")} needs a simulated channel (${opt("preset")}): a data file is sampled only at Δt`,
    );
  set("jitter", o.jitter);
  set("oversample", o.oversample);
  set("timeScale", o.timeScale);
  set("segment", o.segment);
  set("batchSize", o.batchSize);
  set("learningRate", o.lr);
  set("patience", o.patience);
  set("maxTrainWindows", o.maxTrainWindows ?? (quick ? QUICK.maxTrainWindows : undefined));
  set("maxTestWindows", o.maxTestWindows ?? (quick ? QUICK.maxTestWindows : undefined));
  set("espritOrder", o.espritOrder);
  set("arOrder", o.arOrder);
  set("kalmanOrder", o.kalmanOrder);
  return cfg as PredictionConfigInput;
}

/**
 * Run the prediction case study from the `predict` options (the CLI flags in camelCase): the
 * library form of `liquidwave predict`. Exactly one source: `options.preset` or `run.datasets`.
 * @returns the same {@link PredictionResult} as {@link runPrediction} (what `predict --json` prints)
 */
export function runPredict(options: PredictOptionsInput, run: RunOptions = {}, naming?: OptionNaming): PredictionResult {
  const config = predictionConfigFromOptions(options, naming);
  const nm = naming ?? libraryNaming("runPredict");
  if ((options.preset === undefined) === (run.datasets === undefined))
    fail(nm.where, `give exactly one channel source: ${nm.option("preset")} or datasets`);
  return runPrediction(config, run);
}
