/**
 * `liquidwave model ...`: verify against ncps exports, import them, train, evaluate and run models.
 */
import type { Command } from "commander";
import { createHash } from "node:crypto";
import { fail, LiquidwaveError } from "../../core/errors.ts";
import { checkOutputDir, checkOutputPath, readJsonOrYamlFile } from "../../core/fs.ts";
import { loadCheckpoint, saveCheckpoint } from "../../node/checkpoint-files.ts";
import type { Tensor } from "../../core/tensor.ts";
import { importNcpsModel } from "../../nn/ncps-import.ts";
import { verifyModelWiring, verifyWiringsDocument, WIRINGS_GOLDEN_FORMAT } from "../../wirings/golden.ts";
import { verifyNcpsDocument, type CaseReport } from "../../nn/ncps-verify.ts";
import { encodeModel, loadModel } from "../../node/model-files.ts";
import { tensorToNd } from "../../core/ndarray.ts";
import { encodeNpyParts } from "../../io/npy.ts";
import { buildModel, parseModelConfig } from "../../nn/models.ts";
import { checkModelBudget } from "../../nn/model-budget.ts";
import { evaluate, fit, predict } from "../../training/fit.ts";
import { resolveOptions } from "../config.ts";
import { readTensors } from "../model-data.ts";
import { formatTable, info, printJson, STDOUT_OUT, summaryStream, writeOutput } from "../output.ts";
import { floatArg, intArg } from "../parse.ts";
import { progressBar } from "../progress.ts";

interface VerifyResult {
  case: string;
  maxAbsErr: { outputs: number; states: number; gradients: number };
  wiringsMatch: boolean;
  pass: boolean;
  runs?: CaseReport["runs"];
  /** For wirings documents: each wiring's verdict. */
  wirings?: { name: string; pass: boolean }[];
  rngStreamsMatch?: boolean;
}

export function registerModel(program: Command): void {
  const model = program.command("model").description("verify, import, train, evaluate and run models");

  model
    .command("verify")
    .argument("<file>", "an ncps export (ncps-golden/1) or a wirings document (ncps-wirings-golden/1)")
    .description("check liquidwave against an ncps reference: outputs, every hidden state, gradients, wiring")
    .option("--rtol <x>", "relative tolerance", floatArg(0), 1e-9)
    .option("--atol <x>", "absolute tolerance near zero", floatArg(0), 1e-12)
    .option("--json", "print one JSON document")
    .action((file: string, opts: { rtol: number; atol: number; json?: boolean }) => {
      const where = "model verify";
      const doc = readJsonOrYamlFile(file, where) as Record<string, unknown>;
      let result: VerifyResult;
      if (doc && doc["format"] === "ncps-golden/1") {
        const r = verifyNcpsDocument(doc, { rtol: opts.rtol, atol: opts.atol });
        // The wiring is rebuilt from its class, constructor arguments and seed and compared with
        // the matrices in the file (unwired models have nothing to compare).
        const w = verifyModelWiring(doc);
        for (const m of w.mismatches) info(`model verify: wiring: ${m}`);
        result = { case: r.case, maxAbsErr: r.maxAbsErr, wiringsMatch: w.pass, pass: r.pass && w.pass, runs: r.runs };
      } else if (doc && doc["format"] === WIRINGS_GOLDEN_FORMAT) {
        const r = verifyWiringsDocument(doc);
        for (const c of r.cases) for (const m of c.mismatches) info(`model verify: ${c.name}: ${m}`);
        for (const s of r.rngStreams) if (s.checked && !s.pass) info(`model verify: rng stream ${s.name}: ${s.detail ?? "differs"}`);
        result = {
          case: file,
          maxAbsErr: { outputs: 0, states: 0, gradients: 0 },
          wiringsMatch: r.pass,
          pass: r.pass,
          wirings: r.cases.map((c) => ({ name: c.name, pass: c.pass })),
          rngStreamsMatch: r.rngStreamsMatch,
        };
      } else {
        fail(
          where,
          `${file}: unsupported format ${JSON.stringify(doc?.["format"])} (expected 'ncps-golden/1' or '${WIRINGS_GOLDEN_FORMAT}')`,
        );
      }
      if (opts.json) printJson(result);
      else {
        if (result.runs) {
          const rows = result.runs.map((r) => [
            r.name,
            r.outputs.maxAbsErr,
            r.states.maxAbsErr,
            r.gradients.maxAbsErr,
            r.pass ? "pass" : "FAIL",
          ]);
          process.stdout.write(`${result.case}\n${formatTable(["run", "outputs", "states", "gradients", ""], rows)}\n`);
        }
        if (result.wirings) {
          process.stdout.write(
            `${formatTable(
              ["wiring", ""],
              result.wirings.map((w) => [w.name, w.pass ? "pass" : "FAIL"]),
            )}\n`,
          );
          process.stdout.write(`rng streams match: ${result.rngStreamsMatch}\n`);
        }
        process.stdout.write(`wirings match: ${result.wiringsMatch}\n${result.pass ? "PASS" : "FAIL"}\n`);
      }
      if (!result.pass) {
        info(`model verify: ${result.case} does not match the reference within rtol ${opts.rtol}, atol ${opts.atol}`);
        process.exitCode = 1;
      }
    });

  model
    .command("import-ncps")
    .argument("<file>", "an ncps export (ncps-golden/1, e.g. written by tools/ncps_export.py)")
    .description("convert an ncps model to liquidwave's native format (liquidwave-model/1)")
    .requiredOption("--out <file>", "output model file (.json)")
    .option("--json", "print one JSON document")
    .action(async (file: string, opts: { out: string; json?: boolean }) => {
      const where = "model import-ncps";
      checkOutputPath(where, "--out", opts.out, [["<file>", file]]);
      const summary = summaryStream(where, opts.out, opts.json);
      const m = importNcpsModel(readJsonOrYamlFile(file, where), where);
      await writeOutput(opts.out, encodeModel(m, { importedFrom: file }));
      const params = m.net.params.reduce((n, p) => n + (p.trainable ? p.value.length : 0), 0);
      const doc = { out: opts.out, type: m.config.type, parameters: params };
      if (opts.json) printJson(doc);
      else summary.write(`wrote ${opts.out === STDOUT_OUT ? "stdout" : opts.out}: ${m.config.type}, ${params} trainable parameters\n`);
    });

  model
    .command("info")
    .argument("<file>", "a liquidwave model file (liquidwave-model/1)")
    .description("show a model's configuration and parameter shapes")
    .option("--json", "print one JSON document")
    .action((file: string, opts: { json?: boolean }) => {
      const m = loadModel(file);
      const params = m.net.params.map((p) => ({ name: p.name, shape: p.shape, trainable: p.trainable }));
      const total = m.net.params.reduce((n, p) => n + (p.trainable ? p.value.length : 0), 0);
      if (opts.json) printJson({ file, config: m.config, trainableParameters: total, parameters: params });
      else {
        process.stdout.write(`${file}: ${m.config.type}, ${total} trainable parameters\n`);
        process.stdout.write(
          formatTable(
            ["parameter", "shape", "trainable"],
            params.map((p) => [p.name, `[${p.shape.join(", ")}]`, p.trainable ? "yes" : "fixed"]),
          ) + "\n",
        );
      }
    });

  model
    .command("train")
    .description("train a model (config file) on arrays from a data file (.npy/.npz/.mat/.h5)")
    .requiredOption("--model-config <file>", 'model config (.json or .yaml), e.g. {"type": "cfc", "inputSize": 2, "units": 16}')
    .requiredOption("--data <file>", "data file holding the arrays")
    .option("--inputs <var>", "inputs variable, [N, L, I] (or [N, F] for an MLP)", "inputs")
    .option("--targets <var>", "targets variable, [N, L, O] or [N, O]", "targets")
    .option("--timespans <var>", "elapsed times variable, [N, L]")
    .option("--epochs <n>", "epochs", intArg(1), 20)
    .option("--batch-size <n>", "batch size", intArg(1), 32)
    .option("--lr <x>", "Adam learning rate", floatArg(0), 1e-3)
    .option("--clip <x>", "clip the global gradient norm", floatArg(0))
    .option("--val-split <x>", "validation fraction (the last samples)", floatArg(0, 0.9), 0.1)
    .option("--patience <n>", "early stopping patience (epochs)", intArg(1))
    .option("--truncation <n>", "truncated BPTT length (steps)", intArg(1))
    .option("--seed <n>", "seed for initialisation, shuffling and dropout", intArg(0), 0)
    .requiredOption("--out <file>", "trained model file (.json)")
    .option("--checkpoint <dir>", "write a checkpoint (weights, optimiser and RNG state, epoch) atomically to DIR/checkpoint.json")
    .option("--checkpoint-every <n>", "epochs between checkpoints (and after the last)", intArg(1), 1)
    .option("--resume", "continue from the checkpoint in --checkpoint DIR (bit-identical to an uninterrupted run)")
    .option("--timings", "also store per-epoch times in the model file (then identical runs differ)")
    .option("--config <file>", "options from a .json/.yaml file (flags override)")
    .option("--json", "print one JSON document")
    .action(async (_o: unknown, cmd: Command) => {
      const where = "model train";
      const o = resolveOptions<{
        modelConfig: string;
        data: string;
        inputs: string;
        targets: string;
        timespans?: string;
        epochs: number;
        batchSize: number;
        lr: number;
        clip?: number;
        valSplit: number;
        patience?: number;
        truncation?: number;
        seed: number;
        out: string;
        checkpoint?: string;
        checkpointEvery: number;
        resume?: boolean;
        timings?: boolean;
        json?: boolean;
      }>(cmd);
      // Every output path is checked before any work: never an input, never a link, pipe or device.
      const inputs = [
        ["--data", o.data],
        ["--model-config", o.modelConfig],
        ["--config", (cmd.opts() as { config?: string }).config],
      ] as const;
      checkOutputPath(where, "--out", o.out, inputs);
      const summary = summaryStream(where, o.out, o.json);
      if (o.resume && !o.checkpoint) fail(where, "--resume needs --checkpoint DIR");
      if (o.checkpoint) {
        checkOutputDir(where, "--checkpoint", o.checkpoint);
        checkOutputPath(where, "--checkpoint", `${o.checkpoint}/checkpoint.json`, [...inputs, ["--out", o.out]]);
      }
      const cfg = readJsonOrYamlFile(o.modelConfig, where);
      const parsed = parseModelConfig(cfg, where);
      checkModelBudget(parsed, `${where}: ${o.modelConfig}`);
      const m = buildModel(parsed, { seed: o.seed });
      const t = await readTensors(o.data, { inputs: o.inputs, targets: o.targets, timespans: o.timespans }, where);
      const fitOptions = {
        batchSize: o.batchSize,
        learningRate: o.lr,
        clipNorm: o.clip ?? null,
        validationSplit: o.valSplit,
        patience: o.patience ?? null,
        truncation: o.truncation ?? null,
        seed: o.seed,
      };
      const fingerprint = o.checkpoint ? runFingerprint(m.config, fitOptions, [t["inputs"]!, t["targets"]!, t["timespans"] ?? null]) : "";
      const resume = o.checkpoint && o.resume ? loadCheckpoint(o.checkpoint, fingerprint) : null;
      if (o.resume && !resume) info(`${where}: no checkpoint in ${o.checkpoint} yet; starting from epoch 1`);
      else if (resume) info(`${where}: resuming after epoch ${resume.epoch} from ${o.checkpoint}`);
      let lastSaved: number | null = resume?.epoch ?? null;
      const bar = progressBar("train", o.epochs, { quiet: false });
      for (let e = 0; e < Math.min(resume?.epoch ?? 0, o.epochs); e++) bar.tick("(resumed)");
      let res: ReturnType<typeof fit>;
      try {
        res = fit(
          m,
          { inputs: t["inputs"]!, targets: t["targets"]!, timespans: t["timespans"] },
          {
            ...fitOptions,
            epochs: o.epochs,
            resume,
            checkpointEvery: o.checkpoint ? o.checkpointEvery : null,
            onCheckpoint: o.checkpoint
              ? (cp) => {
                  saveCheckpoint(o.checkpoint!, cp, fingerprint);
                  lastSaved = cp.epoch;
                }
              : null,
            onEpoch: (l) =>
              bar.tick(`loss ${l.trainLoss.toExponential(3)}${l.valLoss !== null ? ` val ${l.valLoss.toExponential(3)}` : ""}`),
          },
        );
      } catch (e) {
        if (e instanceof LiquidwaveError && o.checkpoint && lastSaved !== null) {
          fail(where, `${e.message}; the last good checkpoint (epoch ${lastSaved}) is kept in ${o.checkpoint}`);
        }
        throw e;
      } finally {
        bar.stop();
      }
      // Identical runs write identical files: the timings are left out unless --timings asks for them.
      const history = res.history.map(({ ms: _ms, ...h }) => h);
      const meta: Record<string, unknown> = { trainedOn: o.data, seed: o.seed, history };
      if (o.timings) meta["timingsMs"] = res.history.map((h) => h.ms);
      await writeOutput(o.out, encodeModel(m, meta));
      const doc = {
        out: o.out,
        epochs: res.history.length,
        bestEpoch: res.bestEpoch,
        bestValLoss: res.bestValLoss,
        stoppedEarly: res.stoppedEarly,
        history: res.history,
      };
      if (o.json) printJson(doc);
      else {
        summary.write(
          formatTable(
            ["epoch", "train MSE", "val MSE", "ms"],
            res.history.map((h) => [h.epoch, h.trainLoss, h.valLoss ?? "-", h.ms]),
          ) + "\n",
        );
        summary.write(
          `best epoch ${res.bestEpoch}${res.stoppedEarly ? " (stopped early)" : ""}; wrote ${o.out === STDOUT_OUT ? "stdout" : o.out}\n`,
        );
      }
    });

  model
    .command("eval")
    .description("mean squared error of a trained model on arrays from a data file")
    .requiredOption("--model <file>", "model file (liquidwave-model/1)")
    .requiredOption("--data <file>", "data file")
    .option("--inputs <var>", "inputs variable", "inputs")
    .option("--targets <var>", "targets variable", "targets")
    .option("--timespans <var>", "elapsed times variable, [N, L]")
    .option("--json", "print one JSON document")
    .action(async (o: { model: string; data: string; inputs: string; targets: string; timespans?: string; json?: boolean }) => {
      const where = "model eval";
      const m = loadModel(o.model);
      const t = await readTensors(o.data, { inputs: o.inputs, targets: o.targets, timespans: o.timespans }, where);
      const mse = evaluate(m, { inputs: t["inputs"]!, targets: t["targets"]!, timespans: t["timespans"] });
      let power = 0;
      for (const v of t["targets"]!.data) power += v * v;
      power /= t["targets"]!.data.length;
      const doc = { model: o.model, samples: t["inputs"]!.shape[0], mse, nmseDb: 10 * Math.log10(mse / power) };
      if (o.json) printJson(doc);
      else process.stdout.write(`MSE ${doc.mse.toExponential(4)}, NMSE ${doc.nmseDb.toFixed(2)} dB over ${doc.samples} samples\n`);
    });

  model
    .command("run")
    .description("run a trained model on inputs from a data file and write the outputs as .npy")
    .requiredOption("--model <file>", "model file (liquidwave-model/1)")
    .requiredOption("--data <file>", "data file")
    .option("--inputs <var>", "inputs variable", "inputs")
    .option("--timespans <var>", "elapsed times variable, [N, L]")
    .requiredOption("--out <file>", "output .npy")
    .option("--json", "print one JSON document")
    .action(async (o: { model: string; data: string; inputs: string; timespans?: string; out: string; json?: boolean }) => {
      checkOutputPath("model run", "--out", o.out, [
        ["--model", o.model],
        ["--data", o.data],
      ]);
      const summary = summaryStream("model run", o.out, o.json);
      const m = loadModel(o.model);
      const t = await readTensors(o.data, { inputs: o.inputs, timespans: o.timespans }, "model run");
      const y = predict(m, t["inputs"]!, { timespans: t["timespans"] });
      await writeOutput(o.out, encodeNpyParts(tensorToNd(y), "model run"));
      const doc = { out: o.out, shape: y.shape, dtype: "float64" };
      if (o.json) printJson(doc);
      else summary.write(`wrote ${o.out === STDOUT_OUT ? "stdout" : o.out} [${y.shape.join(", ")}] float64\n`);
    });
}

/** A digest of what determines a training run (model config, options, data), stored in its checkpoints. */
function runFingerprint(config: unknown, options: Record<string, unknown>, tensors: readonly (Tensor | null)[]): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ config, options }));
  for (const t of tensors) {
    if (!t) {
      h.update("none");
      continue;
    }
    h.update(JSON.stringify(t.shape));
    h.update(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
  }
  return h.digest("hex");
}
