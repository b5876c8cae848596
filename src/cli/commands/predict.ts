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
import {
  DEFAULT_MODELS,
  predictionConfigFromOptions,
  QUICK,
  runPrediction,
  type PredictionConfigInput,
  type PredictionResult,
  type PredictOptionsInput,
} from "../../experiments/prediction.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson } from "../output.ts";
import { flagName, floatArg, intArg, libraryOptions, nameListArg } from "../parse.ts";

/** Errors name the command and its flags. */
const NAMING = { where: "predict", option: flagName } as const;

/**
 * Build the experiment config from the command's options (camelCase flags): the library's
 * {@link predictionConfigFromOptions}, with errors naming the flags.
 */
export function predictConfigFromOptions(o: PredictOptionsInput): PredictionConfigInput {
  return predictionConfigFromOptions(o, NAMING);
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
    lines.push(
      `Clarke closed forms: hold ${r.reference.holdDb.map((v) => v.toFixed(1)).join(" ")} | Wiener-J0 ${r.reference.wienerDb.map((v) => v.toFixed(1)).join(" ")} dB`,
    );
  }
  return lines.join("\n");
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("channel prediction case study: P past noisy CSI samples → the next F, liquid models vs classical baselines")
    .option(
      "--preset <name>",
      `simulated channel: ${PRESET_NAMES.join(", ")} (case-study geometry: 4-antenna BS, 1-antenna users, 2 m/s, 2000 samples at 1 ms)`,
    )
    .option("--users <k>", "simulated users = independent trajectories (default 64)", intArg())
    .option("--samples <t>", "samples per simulated trajectory (default 2000)", intArg())
    .option("--antennas <m>", "BS antennas of the simulated channel (default 4)", intArg())
    .option("--data <file>", "channel dataset file (.npz/.mat/.h5; H [T, K, Nk, M] or another layout loadChannelDataset reads)")
    .option("--layout <name>", "dataset layout of --data (auto, liquidwave, glnn, deepmimo-v2, deepmimo-v3)")
    .option("--history <n>", "past samples per window P", intArg(), 20)
    .option("--horizon <n>", "future samples to predict F", intArg(), 5)
    .option("--snr-db <db>", "input SNR in dB w.r.t. each trajectory's mean power (default 20)", floatArg())
    .option("--noiseless", "noiseless inputs (meaningless as a benchmark, useful as a check)")
    .option("--dt <s>", "sampling interval in s (simulated: default 1 ms; data: default the file's)", floatArg())
    .option("--speed <mps>", "UE speed (simulated: default 2 m/s; data: gives the true Doppler f_D = v f_c / c)", floatArg())
    .option("--doppler-hz <hz>", "true maximum Doppler f_D (for wiener, kalman)", floatArg())
    .option("--carrier-ghz <f>", "carrier frequency (simulated: default the preset's; data: when the file does not record it)", floatArg())
    .option("--test-speed <mps>", "generalisation: test on another drop of the preset at this (unseen) speed", floatArg())
    .option("--max-gap <n>", "irregular sampling: random input gaps of 1…n samples", intArg())
    .option(
      "--jitter <x>",
      "jittered arrival: every input but the last moves by u·Δt, u uniform on [-x, x], 0 ≤ x < 0.5 (simulated channel, evaluated at the jittered times)",
      floatArg(),
    )
    .option("--oversample <r>", "simulated samples per Δt for --jitter (default 20; the jitter's time step is Δt/r)", intArg())
    .option(
      "--time-scale <x>",
      "elapsed time per sample interval fed to the liquid models' ODE (a number, or auto: chosen on the validation windows; default 0.02 for ltc, 0.3 for ltc-ncp, 1 for cfc and ncp)",
      (v: string) => (v === "auto" ? v : Number(v)),
    )
    .option("--segment <n>", "cut long tracks into segments of n samples (split units)", intArg())
    .option(
      "--models <list>",
      `comma-separated models (default ${DEFAULT_MODELS.join(",")}; also wiener-train, ltc-ncp, transformer and hybrids such as ltc+wiener-est, cfc+kalman, cfc+ridge, cfc+esprit)`,
      nameListArg,
    )
    .option("--epochs <n>", "maximum training epochs of the learned models", intArg())
    .option("--batch-size <n>", "training batch size", intArg())
    .option("--lr <x>", "Adam learning rate", floatArg())
    .option("--patience <n>", "early-stopping patience (epochs)", intArg())
    .option("--max-train-windows <n>", "train learned models on at most n windows", intArg())
    .option("--max-test-windows <n>", "score on at most n test windows", intArg())
    .option("--esprit-order <d>", "ESPRIT model order", intArg())
    .option("--ar-order <p>", "AR order of the per-window AR predictor", intArg())
    .option("--kalman-order <p>", "AR order of the Kalman state model", intArg())
    .option("--seed <n>", "seed (split, noise, initialisation)", intArg(), 0)
    .option(
      "--quick",
      `small fast run (${QUICK.epochs} epochs, ≤ ${QUICK.maxTrainWindows} training and ${QUICK.maxTestWindows} test windows)`,
    )
    .option("--config <file>", "options from a .json/.yaml file (flags override)")
    .option("--json", "print one JSON document")
    .action(async (_o: unknown, cmd: Command) => {
      const where = "predict";
      const opts = resolveOptions<Record<string, unknown>>(cmd);
      if ((opts["preset"] === undefined) === (opts["data"] === undefined))
        fail(where, "give exactly one channel source: --preset NAME or --data FILE");
      // The library's schema checks every value (the CLI has no ranges of its own).
      const options = libraryOptions(opts, ["json"]) as PredictOptionsInput;
      const config = predictConfigFromOptions(options);
      let datasets: ChannelDataset[] | undefined;
      if (options.data !== undefined)
        datasets = [await loadChannelDataset(options.data, options.layout ? { layout: options.layout as never } : {})];
      const result = runPrediction(config, { datasets, onProgress: info });
      if (opts["json"]) printJson(result);
      else process.stdout.write(formatPredictionTable(result) + "\n");
    });
}
