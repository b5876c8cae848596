/**
 * The beamforming run behind `liquidwave beamform`: beamforming algorithms over one channel
 * trajectory (a dataset, or a simulator preset), designed on the estimated channel and scored on
 * the true one (sum spectral efficiency, bit/s/Hz).
 *
 * `runBeamform(config, { dataset })` takes the CLI's options in camelCase (`powerDbm`,
 * `userAntennas`, `cee`, `samples`, `seed`, `algorithms`, ...) and returns the JSON document the
 * CLI prints: `{ config, algorithms: [{ name, seMean, seStd, maxPower, msPerSample, perSample,
 * seDesignMean, iterationsMean, maxPowerDbm, ... }] }`; powers in mW (linear, the unit of
 * `config.power`), dBm where the field says so. Browser-safe: the caller loads dataset files.
 */
import { z } from "zod";
import type { ComplexTensor } from "../core/complex.ts";
import { fail } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { choice, flag, parseConfig, rangedNumber, showValue } from "../core/validate.ts";
import { channelFields, configToJson, type ChannelConfigInput } from "../channel/config.ts";
import type { ChannelDataset, DatasetLayout } from "../channel/dataset.ts";
import { generateChannel } from "../channel/generate.ts";
import { addCsiError, normalisationScales, NORMALISE_MODES, scaleUsers, type NormaliseMode } from "../channel/normalise.ts";
import { presetDefaults } from "../channel/presets.ts";
import { checkAlgorithms, isClassical, parseLearnedSpec } from "../beamforming/learned.ts";
import { runBeamformers, type BeamformerResult } from "../beamforming/run.ts";
import { dbmToLinear } from "../beamforming/system.ts";
import { parseNaming, presetOption, type OptionNaming } from "./options.ts";
import { machineInfo, type MachineInfo } from "./machine.ts";

/** The algorithms of a run that names none. */
export const BEAMFORM_DEFAULT_ALGORITHMS = ["zf", "rzf", "mrt", "bd", "wmmse", "rwmmse"] as const;

/** Dataset layouts a caller may load (`auto` detects). */
export const BEAMFORM_LAYOUTS = ["auto", "liquidwave", "glnn", "deepmimo-v2", "deepmimo-v3", "deepmimo-v4"] as const;

const streamsSchema = z
  .union([z.literal("full"), z.number(), z.string()], {
    error: (iss) => `must be 1, a positive integer or 'full', got ${showValue(iss.input)}`,
  })
  .transform((v, ctx): "full" | number => {
    if (v === "full") return "full";
    const n = typeof v === "number" ? v : /^[1-9]\d*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      ctx.issues.push({ code: "custom", message: `must be 1, a positive integer or 'full', got '${String(v)}'`, input: v });
      return z.NEVER;
    }
    return n;
  });

/**
 * The options of a beamforming run (the `beamform` command's flags in camelCase). Channel
 * parameters share their ranges with the simulator ({@link channelFields}), so the CLI and the
 * library reject the same values.
 *
 * Channel source: `preset` (simulate) or a dataset passed to {@link runBeamform} (`data`, `layout`,
 * `estimateKey` and `users` describe how the caller loaded it; `data` is echoed as the source).
 */
/** Seed offset of the trajectory `lstm-offline` trains on (disjoint from the evaluated one). */
export const OFFLINE_SEED_OFFSET = 100_000;

export const beamformConfigSchema = z.strictObject(
  {
    /** Simulator preset (exclusive with a dataset). */
    preset: presetOption.optional(),
    /** The dataset's file name (echoed in the document; the caller loads the file). */
    data: z.string().optional(),
    /** Dataset layout the caller loads with (`auto` detects). */
    layout: choice(BEAMFORM_LAYOUTS).default("auto"),
    /** GLNN layout: use `HH_est_<suffix>` as the estimate (e.g. `10dB`). */
    estimateKey: z.string().optional(),
    /** Users K (simulator; with the GLNN layout, users per sample). */
    users: channelFields.users.optional(),
    /** BS antennas M (simulator; with a dataset, must match it). */
    antennas: channelFields.antennas.optional(),
    /** Antennas per user Nk (simulator; with a dataset, must match it). */
    userAntennas: channelFields.userAntennas.optional(),
    /** Carrier frequency, GHz (simulator). */
    carrierGhz: channelFields.carrierGHz.optional(),
    /** Constant user speed, m/s (simulator). */
    speed: channelFields.speed.optional(),
    /** Speed phases, m/s (simulator, with `slots`). */
    speeds: channelFields.speeds.optional(),
    /** Samples per speed phase (simulator). */
    slots: channelFields.slots.optional(),
    /** Sample interval Δt, s (simulator). */
    dt: channelFields.dt.optional(),
    /** Samples T of the run (default: the whole trajectory from `start`; 20 with `quick`). */
    samples: channelFields.samples.optional(),
    /** First sample of the trajectory to use. */
    start: rangedNumber(0, 1e9, { integer: true }).default(0),
    /** Sum transmit power budget, dBm. */
    powerDbm: rangedNumber(-200, 200).default(10),
    /** Noise power per receive antenna, dBm. */
    noiseDbm: rangedNumber(-300, 200).default(0),
    /** Power budget = noise + SNR, dB (overrides `powerDbm`). */
    snrDb: rangedNumber(-200, 200).optional(),
    /**
     * CSI error (CEE), dB: the estimate is H + E (simulator; or data without an estimate), and the
     * statistics robust-wmmse assumes (default: measured from the data's estimate).
     */
    cee: rangedNumber(-300, 100).optional(),
    /** Streams per user: a positive integer or `full` (= user antennas). */
    streams: streamsSchema.default(1),
    /** Classical names or online specs (`glnn:chain:warm:steps=5`, `lagd:iters=100`). */
    algorithms: z
      .array(z.string(), { error: (iss) => `expected a list of algorithm names, got ${showValue(iss.input)}` })
      .min(1, { error: "expected at least one algorithm" })
      .default([...BEAMFORM_DEFAULT_ALGORITHMS]),
    /** Random WMMSE restarts of the upper bound (besides its deterministic starts). */
    restarts: rangedNumber(0, 1e6, { integer: true }).default(10),
    /** Iteration cap of the iterative algorithms (hits are reported per sample in `capHits`). */
    maxIter: rangedNumber(0, 1e7, { integer: true }).default(1000),
    /** Relative sum-rate tolerance of the iterative algorithms. */
    tol: rangedNumber(0, 1).default(1e-6),
    /** Channel the algorithms design on: the estimate (default), or `true` for perfect CSI (the estimate ignored). */
    csi: choice(["estimate", "true"] as const).default("estimate"),
    /** Channel scaling (default: none for data, the preset's own for presets). */
    normalize: z
      .enum(NORMALISE_MODES, {
        error: (iss) =>
          `must be one of ${NORMALISE_MODES.join(", ")}, got ${typeof iss.input === "string" ? `'${iss.input}'` : showValue(iss.input)}`,
      })
      .optional(),
    /** Seed of the channel (simulator), the CSI error and the random initialisations. */
    seed: channelFields.seed.default(0),
    /** glnn/lstm: the GLNN reference code's power normalisation (for reproducing its numbers only). */
    legacyNormalization: flag().default(false),
    /** 20 samples and at most 2 restarts (a smoke run). */
    quick: flag().default(false),
  },
  {
    error: (iss) =>
      iss.code === "unrecognized_keys"
        ? `unknown option (valid options: ${BEAMFORM_OPTION_NAMES.join(", ")})`
        : `expected an object of options, got ${showValue(iss.input)}`,
  },
);

const BEAMFORM_OPTION_NAMES: readonly string[] = Object.keys(beamformConfigSchema.shape);

/** Options of a beamforming run as users write them (see {@link beamformConfigSchema}). */
export type BeamformConfigInput = z.input<typeof beamformConfigSchema>;
/** A validated beamforming config (defaults filled in). */
export type BeamformConfig = z.output<typeof beamformConfigSchema>;

/** One algorithm's row of the document. */
export type BeamformAlgorithmResult = BeamformerResult & {
  /** Largest transmit power over the samples, dBm. */
  readonly maxPowerDbm: number;
};

/** The document of a run (what `liquidwave beamform --json` prints). */
export interface BeamformDocument {
  readonly config: {
    /** `{ preset, channel, notes }` (simulator) or `{ data, layout, notes }` (dataset). */
    readonly source: Record<string, unknown>;
    readonly samples: number;
    readonly start: number;
    readonly shape: { readonly K: number; readonly Nk: number; readonly M: number };
    /** Power budget and noise, dBm; `power`, `noise` the same in mW. */
    readonly powerDbm: number;
    readonly noiseDbm: number;
    readonly power: number;
    readonly noise: number;
    readonly snrDb: number;
    readonly streams: "full" | number;
    readonly csi: "estimate" | "perfect";
    readonly ceeDb: number | null;
    readonly ceeMeasuredDb: number | null;
    /** `simulator`, `flag` (given), `added` (drawn onto data), `measured`, or null. */
    readonly ceeSource: string | null;
    readonly normalize: string;
    /** Mean |h|² over the used samples (after normalisation). */
    readonly meanChannelPower: number;
    readonly restarts: number;
    readonly maxIter: number;
    readonly tol: number;
    readonly seed: number;
    readonly algorithms: string[];
    readonly legacyNormalization: boolean;
    /** Where the timings were measured (CPU count, load averages when the host tells). */
    readonly machine: MachineInfo;
  };
  readonly algorithms: BeamformAlgorithmResult[];
}

/** Options of {@link runBeamform} besides the config. */
export interface RunBeamformOptions {
  /** The channel source when `config.preset` is not set: H [T, K, Nk, M] and optionally Hest. */
  readonly dataset?: ChannelDataset;
  /** Progress and warning lines (stderr in the CLI). */
  readonly onProgress?: (message: string) => void;
  /**
   * How errors name the function and the options (default `runBeamform` and `config.<name>`; the
   * CLI passes `beamform` and its flags).
   */
  readonly naming?: OptionNaming;
}

/** Slice samples [start, start + count) of a [T, K, Nk, M] tensor (views, no copy). */
function sliceSamples(t: ComplexTensor, start: number, count: number): ComplexTensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    shape: [count, ...t.shape.slice(1)],
    re: t.re.subarray(start * per, (start + count) * per),
    im: t.im.subarray(start * per, (start + count) * per),
  };
}

function meanPower(t: ComplexTensor): number {
  let s = 0;
  for (let i = 0; i < t.re.length; i++) s += t.re[i]! * t.re[i]! + t.im[i]! * t.im[i]!;
  return s / t.re.length;
}

/** A copy of a [T, K, Nk, M] tensor with user k scaled by `scale[k]`. */
function scaledUsers(t: ComplexTensor, scale: Float64Array): ComplexTensor {
  const out = { shape: [...t.shape], re: t.re.slice(), im: t.im.slice() };
  scaleUsers(out, scale);
  return out;
}

/** Empirical CEE in dB, 10 log10(sum |Hest - H|^2 / sum |H|^2). */
function measuredCeeDb(h: ComplexTensor, hest: ComplexTensor): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < h.re.length; i++) {
    num += (hest.re[i]! - h.re[i]!) ** 2 + (hest.im[i]! - h.im[i]!) ** 2;
    den += h.re[i]! ** 2 + h.im[i]! ** 2;
  }
  return 10 * Math.log10(num / den);
}

/**
 * Validate beamforming options (one error line naming the option and its value, e.g.
 * `runBeamform: config.dt: must be > 0 and <= 3600, got 7200`).
 * @param naming - how errors name the function and options (the CLI names its flags)
 */
export function parseBeamformConfig(value: unknown, naming?: RunBeamformOptions["naming"]): BeamformConfig {
  const where = naming?.where ?? "runBeamform";
  const c = parseConfig(where, beamformConfigSchema, value ?? {}, parseNaming(naming));
  checkAlgorithms(c.algorithms);
  return c;
}

/**
 * Run beamforming algorithms over one channel trajectory: channel from `config.preset` (simulated
 * with the config's seed) or `options.dataset`; samples [start, start + samples); optional
 * normalisation (the estimate scaled alike) and CSI error; every algorithm designed on the
 * estimate (perfect CSI without one) and scored on the true channel at the power budget.
 * @param config - options in the CLI's names (see {@link beamformConfigSchema}); powers in dBm,
 *   `dt` in s, speeds in m/s, `cee` in dB
 * @param options.dataset - H [T, K, Nk, M] complex (and Hest of the same shape) when no preset
 * @returns the document `liquidwave beamform --json` prints: the resolved config and per
 *   algorithm the SE per sample and its mean/std (bit/s/Hz), powers (mW, and dBm), ms per sample
 * @throws LiquidwaveError (one line naming the option and value) for bad options or a dataset
 *   that does not fit them
 */
export function runBeamform(config: BeamformConfigInput, options: RunBeamformOptions = {}): BeamformDocument {
  const o = parseBeamformConfig(config, options.naming);
  const where = options.naming?.where ?? "runBeamform";
  const opt = options.naming?.option ?? ((name: string) => `config.${name}`);
  const log = options.onProgress ?? (() => {});
  const ds = options.dataset;
  if ((o.preset === undefined) === (ds === undefined)) fail(where, `give exactly one channel source: ${opt("preset")} or a dataset`);

  // ---- channels
  let H: ComplexTensor;
  let Hest: ComplexTensor | undefined;
  let source: Record<string, unknown>;
  let simNormalise: string | undefined;
  let training: ComplexTensor | undefined;
  let smoothingTraining: { H: ComplexTensor; Hest?: ComplexTensor }[] | undefined;
  if (o.preset !== undefined) {
    const input: Record<string, unknown> = { preset: o.preset, seed: o.seed };
    const set = (key: string, v: unknown): void => {
      if (v !== undefined) input[key] = v;
    };
    set("users", o.users);
    set("userAntennas", o.userAntennas);
    set("antennas", o.antennas);
    set("carrierGHz", o.carrierGhz);
    set("dt", o.dt);
    set("speed", o.speed);
    set("speeds", o.speeds);
    set("slots", o.slots);
    set("normalise", o.normalize);
    set("cee", o.cee);
    // A preset with speed phases (o1-28ghz: 700/600/500 slots) keeps its whole trajectory unless
    // the speeds are overridden; start/samples then take a window of it.
    const phased = presetDefaults(o.preset).mobility.slots !== null;
    const ownSpeeds = o.speed !== undefined || o.speeds !== undefined || o.slots !== undefined;
    const wanted = o.samples ?? (o.quick ? 20 : undefined);
    if (wanted !== undefined && (!phased || ownSpeeds)) input["samples"] = wanted + o.start;
    const sim = generateChannel(input as ChannelConfigInput);
    H = sim.H;
    Hest = sim.Hest;
    const offline = o.algorithms.filter((a) => a.split(":")[0] === "lstm-offline");
    if (offline.length > 0) {
      // lstm-offline's training set: the estimates of another trajectory of the same preset and
      // settings (seed + OFFLINE_SEED_OFFSET), as many slots as its largest `train=`
      // (a preset with speed phases keeps its phases: the first `count` slots of its trajectory)
      const count = Math.max(...offline.map((a) => parseLearnedSpec(a).direct.train));
      const trInput = { ...input, seed: o.seed + OFFLINE_SEED_OFFSET, ...(phased && !ownSpeeds ? {} : { samples: count }) };
      const tr = generateChannel(trInput as ChannelConfigInput);
      const known = o.csi === "true" ? tr.H : (tr.Hest ?? tr.H);
      if (known.shape[0]! < count)
        fail(where, `lstm-offline: train=${count} needs ${count} training slots, the preset gives ${known.shape[0]}`);
      training = sliceSamples(known, 0, count);
    }
    const liquid = o.algorithms.filter((a) => !isClassical(a) && parseLearnedSpec(a).trackSmoothing === "liquid");
    if (liquid.length > 0) {
      // rwmmse-track:smooth=liquid's training trajectories: the true channel and the estimate of
      // other trajectories of the same preset and settings (seeds seed + j·OFFLINE_SEED_OFFSET,
      // j = 1..trajs), as many slots as its largest `train=` (a phased preset keeps its phases)
      const specs = liquid.map((a) => parseLearnedSpec(a).liquid);
      const count = Math.max(...specs.map((l) => l.train));
      const trajs = Math.max(...specs.map((l) => l.trajectories));
      smoothingTraining = [];
      for (let j = 1; j <= trajs; j++) {
        const trInput = { ...input, seed: o.seed + j * OFFLINE_SEED_OFFSET, ...(phased && !ownSpeeds ? {} : { samples: count }) };
        const tr = generateChannel(trInput as ChannelConfigInput);
        const slots = Math.min(count, tr.H.shape[0]!);
        smoothingTraining.push({
          H: sliceSamples(tr.H, 0, slots),
          ...(o.csi !== "true" && tr.Hest ? { Hest: sliceSamples(tr.Hest, 0, slots) } : {}),
        });
      }
    }
    source = { preset: o.preset, channel: configToJson(sim.config), notes: sim.meta.notes };
    simNormalise = sim.config.normalise;
  } else {
    const simulatorOnly = ["carrierGhz", "speed", "speeds", "slots", "dt"] as const;
    for (const k of simulatorOnly) {
      if (o[k] !== undefined) fail(where, `${opt(k)} applies to ${opt("preset")} only (the data fixes the channel)`);
    }
    if (o.normalize === "large-scale")
      fail(where, `${opt("normalize")} large-scale needs the simulator's path gains; for data use none, global or per-user`);
    H = ds!.H;
    Hest = ds!.Hest;
    source = { data: o.data ?? ds!.meta.source, layout: ds!.meta.layout, notes: ds!.meta.notes };
    if (H.shape.length !== 4) fail(where, `the dataset's H must have shape [T, K, Nk, M], got [${H.shape.join(", ")}]`);
    if (o.antennas !== undefined && o.antennas !== H.shape[3])
      fail(where, `${opt("antennas")} ${o.antennas} does not match the data (M = ${H.shape[3]})`);
    if (o.userAntennas !== undefined && o.userAntennas !== H.shape[2])
      fail(where, `${opt("userAntennas")} ${o.userAntennas} does not match the data (Nk = ${H.shape[2]})`);
  }
  const Ttotal = H.shape[0]!;
  const count = o.samples ?? (o.quick ? Math.min(20, Ttotal - o.start) : Ttotal - o.start);
  if (o.start >= Ttotal || count < 1 || o.start + count > Ttotal) {
    fail(where, `samples [${o.start}, ${o.start + count}) are out of range: the trajectory has ${Ttotal} samples`);
  }
  H = sliceSamples(H, o.start, count);
  if (Hest) Hest = sliceSamples(Hest, o.start, count);
  let normalize = simNormalise ?? o.normalize ?? "none";
  if (ds !== undefined && o.normalize !== undefined && o.normalize !== "none") {
    // scale H and the estimate by the same per-user factors (computed on H)
    const scale = normalisationScales(H, o.normalize as NormaliseMode);
    H = scaledUsers(H, scale);
    if (Hest) Hest = scaledUsers(Hest, scale);
    normalize = o.normalize;
  }
  let ceeSource: string | null = null;
  if (ds !== undefined && o.cee !== undefined && !Hest) {
    // the simulator's CSI-error model: E i.i.d. CN(0, 10^(CEE/10) P_k), P_k the user's mean power
    Hest = addCsiError(new Rng(o.seed).fork("cee"), H, o.cee, "per-user");
    ceeSource = "added";
  }
  if (o.csi === "true") Hest = undefined;
  const measured = Hest ? measuredCeeDb(H, Hest) : undefined;
  if (o.cee !== undefined) ceeSource ??= o.preset !== undefined ? "simulator" : "flag";
  else if (measured !== undefined) ceeSource = "measured";

  // ---- system
  const noise = dbmToLinear(o.noiseDbm);
  const powerDbm = o.snrDb !== undefined ? o.noiseDbm + o.snrDb : o.powerDbm;
  const power = dbmToLinear(powerDbm);
  const sys = { sigma2: noise, power };
  const streams = o.streams;
  const ceeDb = o.cee ?? measured;
  const restarts = o.quick ? Math.min(2, o.restarts) : o.restarts;
  const docConfig: BeamformDocument["config"] = {
    source,
    samples: count,
    start: o.start,
    shape: { K: H.shape[1]!, Nk: H.shape[2]!, M: H.shape[3]! },
    powerDbm,
    noiseDbm: o.noiseDbm,
    power,
    noise,
    snrDb: powerDbm - o.noiseDbm,
    streams,
    csi: Hest ? "estimate" : "perfect",
    ceeDb: ceeDb ?? null,
    ceeMeasuredDb: measured ?? null,
    ceeSource,
    normalize,
    meanChannelPower: meanPower(H),
    restarts,
    maxIter: o.maxIter,
    tol: o.tol,
    seed: o.seed,
    algorithms: o.algorithms,
    legacyNormalization: o.legacyNormalization,
    machine: machineInfo(),
  };
  log(
    `beamform: ${count} samples, K=${H.shape[1]}, Nk=${H.shape[2]}, M=${H.shape[3]}, P=${powerDbm} dBm, noise ${o.noiseDbm} dBm, ${Hest ? `estimate (CEE ${measured!.toFixed(2)} dB measured)` : "perfect CSI"}`,
  );
  let lastStep = -1;
  const results = runBeamformers(H, Hest, sys, o.algorithms, {
    ...(training ? { training } : {}),
    ...(smoothingTraining ? { smoothingTraining } : {}),
    ...(o.legacyNormalization ? { glnn: { legacyNormalization: true } } : {}),
    streams,
    seed: o.seed,
    restarts,
    maxIter: o.maxIter,
    relTol: o.tol,
    ...(ceeDb !== undefined ? { ceeDb } : {}),
    // progress: every 10 % of long runs, and when an algorithm is done
    onSample: (name, t, T) => {
      const step = T >= 50 ? Math.floor(((t + 1) * 10) / T) : 0;
      if (t + 1 === T || step !== lastStep) {
        lastStep = t + 1 === T ? -1 : step;
        if (t + 1 === T || T >= 50) log(`[${name}] ${t + 1}/${T}`);
      }
    },
  });
  const mean = results.length ? results.reduce((s, r) => s + r.seMean, 0) / results.length : 0;
  if (mean < 1 && normalize === "none") {
    log(
      `beamform: mean SE ${mean.toFixed(3)} bit/s/Hz is tiny: raw path-loss channels at this noise level? try ${opt("normalize")} global or per-user`,
    );
  }
  for (const r of results)
    if (!r.equalPower)
      log(
        `beamform: ${r.label}: max transmit power ${(10 * Math.log10(r.maxPower)).toFixed(2)} dBm exceeds the budget ${powerDbm} dBm — NOT an equal-power comparison`,
      );
  return { config: docConfig, algorithms: results.map((r) => ({ ...r, maxPowerDbm: 10 * Math.log10(r.maxPower) })) };
}

/** The layouts type, for callers that load datasets. */
export type BeamformLayout = DatasetLayout | "auto";
