/**
 * `liquidwave beamform`: run beamforming algorithms over a channel trajectory (a dataset file, or a
 * simulator preset) and report the sum spectral efficiency on the true channel of precoders
 * designed on the estimated one. Thin: flags → {@link runBeamform}'s options (same names in
 * camelCase, validated by the same schema) → print. The run itself lives in experiments/beamform.ts.
 *
 * JSON document: `{ config, algorithms: [{ name, seMean, seStd, maxPower, msPerSample, perSample,
 * seDesignMean, iterationsMean, maxPowerDbm }] }`; powers in mW (linear, the unit of
 * `config.power`), dBm where the field says so.
 */
import type { Command } from "commander";
import { checkOutputPath } from "../../core/fs.ts";
import { fail } from "../../core/errors.ts";
import { NORMALISE_MODES, PRESET_NAMES } from "../../channel/index.ts";
import { knownAlgorithms } from "../../beamforming/index.ts";
import { BEAMFORM_DEFAULT_ALGORITHMS, parseBeamformConfig } from "../../experiments/beamform.ts";
import { runBeamformWithData } from "../../node/beamform.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson, summaryStream, writeOutput } from "../output.ts";
import { flagName, floatArg, intArg, libraryOptions, nameListArg, numberListArg } from "../parse.ts";

/** Errors name the command and its flags. */
const NAMING = { where: "beamform", option: flagName } as const;

export function registerBeamform(program: Command): void {
  program
    .command("beamform")
    .description("run beamforming algorithms over a channel trajectory: SE on the true channel of precoders designed on the estimate")
    .option("--preset <name>", `channel simulator preset: ${PRESET_NAMES.join(", ")}`)
    .option("--data <file>", "channel dataset: .npz/.npy/.mat/.h5 file or DeepMIMO v4 folder (layouts: liquidwave, glnn, deepmimo)")
    .option("--layout <name>", "dataset layout: auto, liquidwave, glnn, deepmimo-v2, deepmimo-v3, deepmimo-v4", "auto")
    .option("--estimate-key <suffix>", "GLNN layout: use HH_est_<suffix> as the estimate (e.g. 10dB)")
    .option("--users <K>", "users per sample (GLNN layout; simulator)", intArg())
    .option("--antennas <M>", "BS antennas (simulator)", intArg())
    .option("--user-antennas <Nk>", "antennas per user (simulator)", intArg())
    .option("--carrier-ghz <f>", "carrier frequency in GHz (simulator)", floatArg())
    .option("--speed <mps>", "user speed in m/s (simulator)", floatArg())
    .option("--speeds <list>", "speed phases in m/s, e.g. 6,15,30 (simulator, with --slots)", numberListArg)
    .option("--slots <list>", "samples per speed phase, e.g. 700,600,500 (simulator)", numberListArg)
    .option("--dt <s>", "sample interval in s (simulator)", floatArg())
    .option(
      "--samples <T>",
      "number of samples (default: all of the data or the preset's trajectory; 20 with --quick); a window of a preset with speed phases",
      intArg(),
    )
    .option("--start <n>", "first sample of the trajectory to use", intArg(), 0)
    .option("--power-dbm <P>", "sum transmit power budget in dBm", floatArg(), 10)
    .option("--noise-dbm <S>", "noise power per receive antenna in dBm", floatArg(), 0)
    .option("--snr-db <dB>", "set the power budget to noise + SNR (overrides --power-dbm)", floatArg())
    .option(
      "--cee <dB>",
      "CSI error (CEE) in dB: the estimate is H + E (simulator; or data without an estimate), and the statistics robust-wmmse assumes (default: measured from the data's estimate)",
      floatArg(),
    )
    .option("--streams <d>", "streams per user: 1 or full (= user antennas)", "1")
    .option(
      "--algorithms <list>",
      `comma-separated: ${knownAlgorithms().join(", ")}; online ones take options, e.g. glnn:legacy, glnn:chain:warm:steps=5, lagd:iters=100 (see src/beamforming/learned.ts)`,
      nameListArg,
      [...BEAMFORM_DEFAULT_ALGORITHMS],
    )
    .option("--restarts <R>", "random WMMSE restarts of the upper bound (besides its starts from ZF, RZF, MRT, BD)", intArg(), 10)
    .option("--max-iter <n>", "iteration cap of the iterative algorithms (hits are reported per sample)", intArg(), 1000)
    .option("--tol <x>", "relative sum-rate tolerance of the iterative algorithms", floatArg(), 1e-6)
    .option(
      "--csi <which>",
      "channel the algorithms design on: estimate (default) or true (perfect CSI, ignoring the file's estimate)",
      "estimate",
    )
    .option(
      "--normalize <how>",
      `channel scaling: ${NORMALISE_MODES.join(", ")} (global: mean |h|^2 = 1; per-user: each user's; the estimate scaled alike). Default: none for data, the preset's own for presets`,
    )
    .option("--seed <n>", "seed of the random initialisations", intArg(), 0)
    .option(
      "--legacy-normalization",
      "glnn/lstm: the GLNN reference code's power normalisation (transmit power P·||H^H X||_F, NOT P; for reproducing its numbers only)",
    )
    .option("--quick", "20 samples and at most 2 restarts (a smoke run)")
    .option("--out <file>", "also write the JSON document to this file")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (_opts: unknown, cmd: Command) => {
      const opts = resolveOptions<Record<string, unknown>>(cmd);
      const where = "beamform";
      if ((opts["preset"] === undefined) === (opts["data"] === undefined))
        fail(where, "give exactly one channel source: --preset NAME or --data FILE");
      if (opts["out"] !== undefined)
        checkOutputPath(where, "--out", String(opts["out"]), [
          ["--data", opts["data"] as string | undefined],
          ["--config", (cmd.opts() as { config?: string }).config],
        ]);
      // The library's schema checks every value (the CLI has no ranges of its own).
      const summary = summaryStream(where, opts["out"] as string | undefined, opts["json"] as boolean | undefined);
      const config = parseBeamformConfig(libraryOptions(opts, ["out", "json"]), NAMING);
      const doc = await runBeamformWithData(config, { onProgress: info, naming: NAMING });
      if (opts["out"]) await writeOutput(String(opts["out"]), JSON.stringify(doc, null, 2) + "\n");
      if (opts["json"]) {
        printJson(doc);
        return;
      }
      summary.write(
        formatTable(
          ["algorithm", "SE mean", "SE std", "SE on design CSI", "max power dBm", "ms/sample (median)", "iterations", "cap hits"],
          doc.algorithms.map((r) => [
            r.label,
            r.seMean,
            r.seStd,
            r.seDesignMean,
            10 * Math.log10(r.maxPower),
            r.msMedian,
            r.iterationsMean,
            r.capHits.length,
          ]),
        ) + "\n",
      );
    });
}
