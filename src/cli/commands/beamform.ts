/**
 * `liquidwave beamform`: run beamforming algorithms over a channel trajectory (a dataset file, or a
 * simulator preset) and report the sum spectral efficiency on the true channel of precoders
 * designed on the estimated one.
 *
 * JSON document: `{ config, algorithms: [{ name, seMean, seStd, maxPower, msPerSample, perSample,
 * seDesignMean, iterationsMean, maxPowerDbm }] }`; powers in mW (linear, the unit of
 * `config.power`), dBm where the field says so.
 */
import type { Command } from "commander";
import { fail } from "../../core/errors.ts";
import type { ComplexTensor } from "../../core/complex.ts";
import { Rng } from "../../core/random.ts";
import { loadChannelDataset } from "../../io/load.ts";
import type { DatasetLayout } from "../../channel/dataset.ts";
import { addCsiError, configToJson, generateChannel, normalisationScales, presetDefaults, scaleUsers, PRESET_NAMES, NORMALISE_MODES } from "../../channel/index.ts";
import type { ChannelConfigInput, NormaliseMode, PresetName } from "../../channel/index.ts";
import { checkAlgorithms, dbmToLinear, knownAlgorithms, runBeamformers } from "../../beamforming/index.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson, writeFileAtomic } from "../output.ts";
import { floatArg, intArg, nameListArg, numberListArg } from "../parse.ts";

const DEFAULT_ALGORITHMS = ["zf", "rzf", "mrt", "bd", "wmmse", "rwmmse"];

interface BeamformOptions {
  preset?: string;
  data?: string;
  layout?: string;
  estimateKey?: string;
  users?: number;
  antennas?: number;
  userAntennas?: number;
  carrierGhz?: number;
  speed?: number;
  speeds?: number[];
  slots?: number[];
  dt?: number;
  samples?: number;
  start: number;
  powerDbm: number;
  noiseDbm: number;
  snrDb?: number;
  cee?: number;
  streams: string;
  algorithms: string[];
  restarts: number;
  maxIter: number;
  tol: number;
  normalize?: string;
  seed: number;
  legacyNormalization?: boolean;
  quick?: boolean;
  out?: string;
  json?: boolean;
}

/** Slice samples [start, start + count) of a [T, K, Nk, M] tensor (views, no copy). */
function sliceSamples(t: ComplexTensor, start: number, count: number): ComplexTensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { shape: [count, ...t.shape.slice(1)], re: t.re.subarray(start * per, (start + count) * per), im: t.im.subarray(start * per, (start + count) * per) };
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

export function registerBeamform(program: Command): void {
  program
    .command("beamform")
    .description("run beamforming algorithms over a channel trajectory: SE on the true channel of precoders designed on the estimate")
    .option("--preset <name>", `channel simulator preset: ${PRESET_NAMES.join(", ")}`)
    .option("--data <file>", "channel dataset: .npz/.npy/.mat/.h5 file or DeepMIMO v4 folder (layouts: liquidwave, glnn, deepmimo)")
    .option("--layout <name>", "dataset layout: auto, liquidwave, glnn, deepmimo-v2, deepmimo-v3, deepmimo-v4", "auto")
    .option("--estimate-key <suffix>", "GLNN layout: use HH_est_<suffix> as the estimate (e.g. 10dB)")
    .option("--users <K>", "users per sample (GLNN layout; simulator)", intArg(1))
    .option("--antennas <M>", "BS antennas (simulator)", intArg(1))
    .option("--user-antennas <Nk>", "antennas per user (simulator)", intArg(1))
    .option("--carrier-ghz <f>", "carrier frequency in GHz (simulator)", floatArg(0.1, 1000))
    .option("--speed <mps>", "user speed in m/s (simulator)", floatArg(0, 1000))
    .option("--speeds <list>", "speed phases in m/s, e.g. 6,15,30 (simulator, with --slots)", numberListArg)
    .option("--slots <list>", "samples per speed phase, e.g. 700,600,500 (simulator)", numberListArg)
    .option("--dt <s>", "sample interval in s (simulator)", floatArg(1e-9, 1e6))
    .option("--samples <T>", "number of samples (default: all of the data or the preset's trajectory; 20 with --quick); a window of a preset with speed phases", intArg(1))
    .option("--start <n>", "first sample of the trajectory to use", intArg(0), 0)
    .option("--power-dbm <P>", "sum transmit power budget in dBm", floatArg(-200, 200), 10)
    .option("--noise-dbm <S>", "noise power per receive antenna in dBm", floatArg(-300, 200), 0)
    .option("--snr-db <dB>", "set the power budget to noise + SNR (overrides --power-dbm)", floatArg(-200, 200))
    .option("--cee <dB>", "CSI error (CEE) in dB: the estimate is H + E (simulator; or data without an estimate), and the statistics robust-wmmse assumes (default: measured from the data's estimate)", floatArg(-200, 100))
    .option("--streams <d>", "streams per user: 1 or full (= user antennas)", "1")
    .option("--algorithms <list>", `comma-separated: ${knownAlgorithms().join(", ")}; online ones take options, e.g. glnn:legacy, glnn:chain:warm:steps=5, lagd:iters=100 (see src/beamforming/learned.ts)`, nameListArg, DEFAULT_ALGORITHMS)
    .option("--restarts <R>", "random restarts of the upper bound", intArg(1), 100)
    .option("--max-iter <n>", "iteration cap of the iterative algorithms", intArg(0), 100)
    .option("--tol <x>", "relative sum-rate tolerance of the iterative algorithms", floatArg(0, 1), 1e-3)
    .option("--normalize <how>", `channel scaling: ${NORMALISE_MODES.join(", ")} (global: mean |h|^2 = 1; per-user: each user's; the estimate scaled alike). Default: none for data, the preset's own for presets`)
    .option("--seed <n>", "seed of the random initialisations", intArg(0), 0)
    .option("--legacy-normalization", "glnn/lstm: the GLNN reference code's power normalisation (transmit power P·||H^H X||_F, NOT P; for reproducing its numbers only)")
    .option("--quick", "20 samples and 10 restarts (a smoke run)")
    .option("--out <file>", "also write the JSON document to this file")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (_opts: unknown, cmd: Command) => {
      const o = resolveOptions<BeamformOptions & Record<string, unknown>>(cmd);
      const where = "beamform";
      checkAlgorithms(o.algorithms);
      if (o.streams !== "1" && o.streams !== "full" && !/^[1-9]\d*$/.test(o.streams)) fail(where, `--streams must be 1, a positive integer or 'full', got '${o.streams}'`);
      if (o.normalize !== undefined && !(NORMALISE_MODES as readonly string[]).includes(o.normalize)) {
        fail(where, `--normalize must be one of ${NORMALISE_MODES.join(", ")}, got '${o.normalize}'`);
      }
      if ((o.preset === undefined) === (o.data === undefined)) fail(where, "give exactly one channel source: --preset NAME or --data FILE");

      // ---- channels
      let H: ComplexTensor;
      let Hest: ComplexTensor | undefined;
      let source: Record<string, unknown>;
      let simNormalise: string | undefined;
      const simulatorOnly = { carrierGhz: "--carrier-ghz", speed: "--speed", speeds: "--speeds", slots: "--slots", dt: "--dt" } as const;
      if (o.preset !== undefined) {
        if (!(PRESET_NAMES as readonly string[]).includes(o.preset)) fail(where, `unknown preset '${o.preset}', valid options are ${PRESET_NAMES.join(", ")}`);
        const input: Record<string, unknown> = { preset: o.preset as PresetName, seed: o.seed };
        if (o.users !== undefined) input["users"] = o.users;
        if (o.userAntennas !== undefined) input["userAntennas"] = o.userAntennas;
        if (o.antennas !== undefined) input["antennas"] = o.antennas;
        if (o.carrierGhz !== undefined) input["carrierGHz"] = o.carrierGhz;
        if (o.dt !== undefined) input["dt"] = o.dt;
        if (o.speed !== undefined) input["speed"] = o.speed;
        if (o.speeds !== undefined) input["speeds"] = o.speeds;
        if (o.slots !== undefined) input["slots"] = o.slots;
        if (o.normalize !== undefined) input["normalise"] = o.normalize;
        if (o.cee !== undefined) input["cee"] = o.cee;
        // A preset with speed phases (o1-28ghz: 700/600/500 slots) keeps its whole trajectory unless
        // the speeds are overridden; --start/--samples then take a window of it.
        const phased = presetDefaults(o.preset as PresetName).mobility.slots !== null;
        const ownSpeeds = o.speed !== undefined || o.speeds !== undefined || o.slots !== undefined;
        const wanted = o.samples ?? (o.quick ? 20 : undefined);
        if (wanted !== undefined && (!phased || ownSpeeds)) input["samples"] = wanted + o.start;
        const sim = generateChannel(input as ChannelConfigInput);
        H = sim.H;
        Hest = sim.Hest;
        source = { preset: o.preset, channel: configToJson(sim.config), notes: sim.meta.notes };
        simNormalise = sim.config.normalise;
      } else {
        for (const [k, flag] of Object.entries(simulatorOnly)) {
          if (o[k] !== undefined) fail(where, `${flag} applies to --preset only (the data fixes the channel)`);
        }
        if (o.normalize === "large-scale") fail(where, "--normalize large-scale needs the simulator's path gains; for data use none, global or per-user");
        const ds = await loadChannelDataset(o.data!, {
          layout: o.layout as DatasetLayout | "auto",
          ...(o.users !== undefined ? { users: o.users } : {}),
          ...(o.estimateKey !== undefined ? { cee: o.estimateKey } : {}),
        });
        H = ds.H;
        Hest = ds.Hest;
        source = { data: o.data, layout: ds.meta.layout, notes: ds.meta.notes };
        if (o.antennas !== undefined && o.antennas !== H.shape[3]) fail(where, `--antennas ${o.antennas} does not match the data (M = ${H.shape[3]})`);
        if (o.userAntennas !== undefined && o.userAntennas !== H.shape[2]) fail(where, `--user-antennas ${o.userAntennas} does not match the data (Nk = ${H.shape[2]})`);
      }
      const Ttotal = H.shape[0]!;
      const count = o.samples ?? (o.quick ? Math.min(20, Ttotal - o.start) : Ttotal - o.start);
      if (o.start >= Ttotal || count < 1 || o.start + count > Ttotal) {
        fail(where, `samples [${o.start}, ${o.start + count}) are out of range: the trajectory has ${Ttotal} samples`);
      }
      H = sliceSamples(H, o.start, count);
      if (Hest) Hest = sliceSamples(Hest, o.start, count);
      let normalize = simNormalise ?? o.normalize ?? "none";
      if (o.data !== undefined && o.normalize !== undefined && o.normalize !== "none") {
        // scale H and the estimate by the same per-user factors (computed on H)
        const scale = normalisationScales(H, o.normalize as NormaliseMode);
        H = scaledUsers(H, scale);
        if (Hest) Hest = scaledUsers(Hest, scale);
        normalize = o.normalize;
      }
      let ceeSource: string | null = null;
      if (o.data !== undefined && o.cee !== undefined && !Hest) {
        // the simulator's CSI-error model: E i.i.d. CN(0, 10^(CEE/10) P_k), P_k the user's mean power
        Hest = addCsiError(new Rng(o.seed).fork("cee"), H, o.cee, "per-user");
        ceeSource = "added";
      }
      const measured = Hest ? measuredCeeDb(H, Hest) : undefined;
      if (o.cee !== undefined) ceeSource ??= o.preset !== undefined ? "simulator" : "flag";
      else if (measured !== undefined) ceeSource = "measured";

      // ---- system
      const noise = dbmToLinear(o.noiseDbm);
      const powerDbm = o.snrDb !== undefined ? o.noiseDbm + o.snrDb : o.powerDbm;
      const power = dbmToLinear(powerDbm);
      const sys = { sigma2: noise, power };
      const streams = o.streams === "full" ? ("full" as const) : Number(o.streams);
      const ceeDb = o.cee ?? measured;
      const restarts = o.quick ? Math.min(10, o.restarts) : o.restarts;
      const config = {
        source,
        samples: count,
        start: o.start,
        shape: { K: H.shape[1], Nk: H.shape[2], M: H.shape[3] },
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
        legacyNormalization: o.legacyNormalization ?? false,
      };
      if (!o.json) info(`beamform: ${count} samples, K=${H.shape[1]}, Nk=${H.shape[2]}, M=${H.shape[3]}, P=${powerDbm} dBm, noise ${o.noiseDbm} dBm, ${Hest ? `estimate (CEE ${measured!.toFixed(2)} dB measured)` : "perfect CSI"}`);
      let lastStep = -1;
      const results = runBeamformers(H, Hest, sys, o.algorithms, {
        ...(o.legacyNormalization ? { glnn: { legacyNormalization: true } } : {}),
        streams,
        seed: o.seed,
        restarts,
        maxIter: o.maxIter,
        relTol: o.tol,
        ...(ceeDb !== undefined ? { ceeDb } : {}),
        // progress on stderr: every 10 % of long runs, and when an algorithm is done
        onSample: (name, t, T) => {
          const step = T >= 50 ? Math.floor(((t + 1) * 10) / T) : 0;
          if (t + 1 === T || step !== lastStep) {
            lastStep = t + 1 === T ? -1 : step;
            if (t + 1 === T || T >= 50) info(`[${name}] ${t + 1}/${T}`);
          }
        },
      });
      const doc = {
        config,
        algorithms: results.map((r) => ({ ...r, maxPowerDbm: 10 * Math.log10(r.maxPower) })),
      };
      const mean = results.length ? results.reduce((s, r) => s + r.seMean, 0) / results.length : 0;
      if (mean < 1 && normalize === "none") {
        info(`beamform: mean SE ${mean.toFixed(3)} bit/s/Hz is tiny: raw path-loss channels at this noise level? try --normalize global or per-user`);
      }
      for (const r of results) if (!r.equalPower) info(`beamform: ${r.label}: max transmit power ${(10 * Math.log10(r.maxPower)).toFixed(2)} dBm exceeds the budget ${powerDbm} dBm — NOT an equal-power comparison`);
      if (o.out) writeFileAtomic(o.out, JSON.stringify(doc, null, 2) + "\n");
      if (o.json) {
        printJson(doc);
        return;
      }
      process.stdout.write(
        formatTable(
          ["algorithm", "SE mean", "SE std", "SE on design CSI", "max power dBm", "ms/sample", "iterations"],
          results.map((r) => [r.name, r.seMean, r.seStd, r.seDesignMean, 10 * Math.log10(r.maxPower), r.msPerSample, r.iterationsMean]),
        ) + "\n",
      );
    });
}
