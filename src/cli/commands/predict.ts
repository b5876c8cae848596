/**
 * `liquidwave predict`: the channel-prediction case study. Loads (or generates) channel
 * trajectories, runs `runPrediction` and prints a table of NMSE per step (stdout) or one JSON
 * document (`--json`); progress goes to stderr.
 */
import type { Command } from "commander";
import { fail } from "../../core/errors.ts";
import { loadChannelDataset } from "../../io/load.ts";
import type { ChannelDataset } from "../../channel/dataset.ts";
import { PRESET_NAMES } from "../../channel/presets.ts";
import { DEFAULT_MODELS, runPrediction, type PredictionConfigInput, type PredictionResult } from "../../experiments/prediction.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson } from "../output.ts";
import { floatArg, intArg, nameListArg } from "../parse.ts";

interface PredictOptions {
  preset?: string;
  users?: number;
  samples?: number;
  antennas?: number;
  data?: string;
  layout?: string;
  history: number;
  horizon: number;
  snrDb?: number;
  noiseless?: boolean;
  dt?: number;
  speed?: number;
  dopplerHz?: number;
  carrierGhz?: number;
  maxGap?: number;
  testSpeed?: number;
  segment?: number;
  models?: string[];
  epochs?: number;
  batchSize?: number;
  lr?: number;
  patience?: number;
  maxTrainWindows?: number;
  maxTestWindows?: number;
  espritOrder?: number;
  arOrder?: number;
  kalmanOrder?: number;
  seed: number;
  quick?: boolean;
  json?: boolean;
}

/** The `--quick` settings: a small, fast run (a minute or two on a laptop). */
export const QUICK = { epochs: 8, maxTrainWindows: 1500, maxTestWindows: 600 } as const;

/** Build the experiment config from the command's options. */
export function predictConfigFromOptions(o: PredictOptions): PredictionConfigInput {
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
    if (o.testSpeed !== undefined) fail("predict", "--test-speed needs a simulated channel (--preset)");
    for (const [flag, v] of [["--users", o.users], ["--samples", o.samples], ["--antennas", o.antennas]] as const) {
      if (v !== undefined) fail("predict", `${flag} applies to a simulated channel (--preset), not to --data`);
    }
    set("dt", o.dt);
    set("speed", o.speed);
    set("carrierHz", o.carrierGhz === undefined ? undefined : o.carrierGhz * 1e9);
  }
  set("dopplerHz", o.dopplerHz);
  set("maxGap", o.maxGap);
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

/** The human table: one row per model, NMSE per step and mean (dB), gain, params, µs. */
export function formatPredictionTable(r: PredictionResult): string {
  const F = r.config.horizon;
  const header = ["model", ...Array.from({ length: F }, (_, k) => `k=${k + 1}`), "mean dB", "gain dB", "params", "µs/pred"];
  const rows = r.models.map((m) => [
    m.name,
    ...m.nmseDb.map((v) => v.toFixed(1)),
    m.meanNmseDb.toFixed(2),
    m.gainDb ? (m.gainDb.reduce((a, b) => a + b, 0) / F).toFixed(2) : "-",
    m.params,
    m.usPerPrediction.toFixed(1),
  ]);
  const lines = [formatTable(header, rows)];
  if (r.reference) {
    lines.push(`Clarke closed forms: hold ${r.reference.holdDb.map((v) => v.toFixed(1)).join(" ")} | Wiener-J0 ${r.reference.wienerDb.map((v) => v.toFixed(1)).join(" ")} dB`);
  }
  return lines.join("\n");
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("channel prediction case study: P past noisy CSI samples → the next F, liquid models vs classical baselines")
    .option("--preset <name>", `simulated channel: ${PRESET_NAMES.join(", ")} (case-study geometry: 4-antenna BS, 1-antenna users, 2 m/s, 2000 samples at 1 ms)`)
    .option("--users <k>", "simulated users = independent trajectories (default 64)", intArg(1))
    .option("--samples <t>", "samples per simulated trajectory (default 2000)", intArg(2))
    .option("--antennas <m>", "BS antennas of the simulated channel (default 4)", intArg(1))
    .option("--data <file>", "channel dataset file (.npz/.mat/.h5; H [T, K, Nk, M] or another layout loadChannelDataset reads)")
    .option("--layout <name>", "dataset layout of --data (auto, liquidwave, glnn, deepmimo-v2, deepmimo-v3)")
    .option("--history <n>", "past samples per window P", intArg(1), 20)
    .option("--horizon <n>", "future samples to predict F", intArg(1), 5)
    .option("--snr-db <db>", "input SNR in dB w.r.t. each trajectory's mean power (default 20)", floatArg(-50, 200))
    .option("--noiseless", "noiseless inputs (meaningless as a benchmark, useful as a check)")
    .option("--dt <s>", "sampling interval in s (simulated: default 1 ms; data: default the file's)", floatArg(1e-9))
    .option("--speed <mps>", "UE speed (simulated: default 2 m/s; data: gives the true Doppler f_D = v f_c / c)", floatArg(0))
    .option("--doppler-hz <hz>", "true maximum Doppler f_D (for wiener, kalman)", floatArg(0))
    .option("--carrier-ghz <f>", "carrier frequency (simulated: default the preset's; data: when the file does not record it)", floatArg(1e-6))
    .option("--test-speed <mps>", "generalisation: test on another drop of the preset at this (unseen) speed", floatArg(0))
    .option("--max-gap <n>", "irregular sampling: random input gaps of 1…n samples", intArg(1))
    .option("--segment <n>", "cut long tracks into segments of n samples (split units)", intArg(2))
    .option("--models <list>", `comma-separated models (default ${DEFAULT_MODELS.join(",")}; also wiener-train, ltc-ncp and hybrids such as cfc+ridge, cfc+esprit)`, nameListArg)
    .option("--epochs <n>", "maximum training epochs of the learned models", intArg(1))
    .option("--batch-size <n>", "training batch size", intArg(1))
    .option("--lr <x>", "Adam learning rate", floatArg(1e-12))
    .option("--patience <n>", "early-stopping patience (epochs)", intArg(1))
    .option("--max-train-windows <n>", "train learned models on at most n windows", intArg(1))
    .option("--max-test-windows <n>", "score on at most n test windows", intArg(1))
    .option("--esprit-order <d>", "ESPRIT model order", intArg(1))
    .option("--ar-order <p>", "AR order of the per-window AR predictor", intArg(1))
    .option("--kalman-order <p>", "AR order of the Kalman state model", intArg(1))
    .option("--seed <n>", "seed (split, noise, initialisation)", intArg(0), 0)
    .option("--quick", `small fast run (${QUICK.epochs} epochs, ≤ ${QUICK.maxTrainWindows} training and ${QUICK.maxTestWindows} test windows)`)
    .option("--config <file>", "options from a .json/.yaml file (flags override)")
    .option("--json", "print one JSON document")
    .action(async (_o: unknown, cmd: Command) => {
      const where = "predict";
      const o = resolveOptions<Record<string, unknown>>(cmd) as unknown as PredictOptions;
      if ((o.preset === undefined) === (o.data === undefined)) fail(where, "give exactly one channel source: --preset NAME or --data FILE");
      if (o.noiseless && o.snrDb !== undefined) fail(where, "--noiseless and --snr-db exclude each other");
      if (o.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(o.preset)) {
        fail(where, `unknown preset '${o.preset}', valid presets are ${PRESET_NAMES.map((p) => `'${p}'`).join(", ")}`);
      }
      const config = predictConfigFromOptions(o);
      let datasets: ChannelDataset[] | undefined;
      if (o.data !== undefined) datasets = [await loadChannelDataset(o.data, o.layout ? { layout: o.layout as never } : {})];
      const result = runPrediction(config, { datasets, onProgress: info });
      if (o.json) printJson(result);
      else process.stdout.write(formatPredictionTable(result) + "\n");
    });
}
