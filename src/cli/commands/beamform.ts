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
import { loadChannelDataset } from "../../io/load.ts";
import type { DatasetLayout } from "../../io/dataset.ts";
import { checkAlgorithms, dbmToLinear, knownAlgorithms, runBeamformers } from "../../beamforming/index.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson, writeFileAtomic } from "../output.ts";
import { floatArg, intArg, nameListArg } from "../parse.ts";

const DEFAULT_ALGORITHMS = ["zf", "rzf", "mrt", "bd", "wmmse", "rwmmse"];

interface BeamformOptions {
  preset?: string;
  data?: string;
  layout?: string;
  estimateKey?: string;
  users?: number;
  antennas?: number;
  userAntennas?: number;
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
  normalize: string;
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

function scaled(t: ComplexTensor, c: number): ComplexTensor {
  return { shape: [...t.shape], re: t.re.map((x) => x * c), im: t.im.map((x) => x * c) };
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
    .option("--preset <name>", "channel simulator preset (rayleigh, clarke, umi-6ghz, o1-28ghz)")
    .option("--data <file>", "channel dataset: .npz/.npy/.mat/.h5 file or DeepMIMO v4 folder (layouts: liquidwave, glnn, deepmimo)")
    .option("--layout <name>", "dataset layout: auto, liquidwave, glnn, deepmimo-v2, deepmimo-v3, deepmimo-v4", "auto")
    .option("--estimate-key <suffix>", "GLNN layout: use HH_est_<suffix> as the estimate (e.g. 10dB)")
    .option("--users <K>", "users per sample (GLNN layout; simulator)", intArg(1))
    .option("--antennas <M>", "BS antennas (simulator)", intArg(1))
    .option("--user-antennas <Nk>", "antennas per user (simulator)", intArg(1))
    .option("--samples <T>", "number of samples to use (default: all; 20 with --quick)", intArg(1))
    .option("--start <n>", "first sample of the trajectory to use", intArg(0), 0)
    .option("--power-dbm <P>", "sum transmit power budget in dBm", floatArg(-200, 200), 10)
    .option("--noise-dbm <S>", "noise power per receive antenna in dBm", floatArg(-300, 200), 0)
    .option("--snr-db <dB>", "set the power budget to noise + SNR (overrides --power-dbm)", floatArg(-200, 200))
    .option("--cee <dB>", "CSI error (CEE) in dB: the error statistics robust-wmmse assumes (default: measured from the data's estimate)", floatArg(-200, 100))
    .option("--streams <d>", "streams per user: 1 or full (= user antennas)", "1")
    .option("--algorithms <list>", `comma-separated: ${knownAlgorithms().join(", ")}; online ones take options, e.g. glnn:legacy, glnn:chain:warm:steps=5, lagd:iters=100 (see src/beamforming/learned.ts)`, nameListArg, DEFAULT_ALGORITHMS)
    .option("--restarts <R>", "random restarts of the upper bound", intArg(1), 100)
    .option("--max-iter <n>", "iteration cap of the iterative algorithms", intArg(0), 100)
    .option("--tol <x>", "relative sum-rate tolerance of the iterative algorithms", floatArg(0, 1), 1e-3)
    .option("--normalize <how>", "channel scaling: none, or unit (mean |h|^2 of H = 1, the estimate scaled alike)", "none")
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
      if (o.normalize !== "none" && o.normalize !== "unit") fail(where, `--normalize must be 'none' or 'unit', got '${o.normalize}'`);
      if ((o.preset === undefined) === (o.data === undefined)) fail(where, "give exactly one channel source: --preset NAME or --data FILE");

      // ---- channels
      let H: ComplexTensor;
      let Hest: ComplexTensor | undefined;
      let source: Record<string, unknown>;
      if (o.preset !== undefined) {
        return fail(where, `--preset needs the channel simulator, which is not part of this build yet; use --data FILE (got --preset ${o.preset})`);
      } else {
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
      const measured = Hest ? measuredCeeDb(H, Hest) : undefined;
      let scale = 1;
      if (o.normalize === "unit") {
        const p = meanPower(H);
        if (!(p > 0)) fail(where, "the channel has no energy; cannot normalise");
        scale = 1 / Math.sqrt(p);
        H = scaled(H, scale);
        if (Hest) Hest = scaled(Hest, scale);
      }
      if (o.cee !== undefined && !Hest) {
        fail(where, "--cee: the data has no channel estimate; adding CSI error needs the channel simulator's error model, not part of this build yet");
      }

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
        ceeSource: o.cee !== undefined ? "flag" : measured !== undefined ? "measured" : null,
        normalize: o.normalize,
        channelScale: scale,
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
      if (mean < 1 && o.normalize === "none") {
        info(`beamform: mean SE ${mean.toFixed(3)} bit/s/Hz is tiny: raw path-loss channels at this noise level? try --normalize unit`);
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
