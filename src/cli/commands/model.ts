/**
 * `liquidwave model ...`: verify against ncps exports, import them, train, evaluate and run models.
 */
import type { Command } from "commander";
import { fail } from "../../core/errors.ts";
import { importNcpsModel } from "../../nn/ncps-import.ts";
import { verifyNcpsDocument, type CaseReport } from "../../nn/ncps-verify.ts";
import { loadModel, saveModel } from "../../nn/serialize.ts";
import { formatTable, info, printJson } from "../output.ts";
import { floatArg } from "../parse.ts";
import { readJsonFile } from "../read-json.ts";

interface VerifyResult {
  case: string;
  maxAbsErr: { outputs: number; states: number; gradients: number };
  wiringsMatch: boolean;
  pass: boolean;
  runs?: CaseReport["runs"];
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
      const doc = readJsonFile(file, where) as Record<string, unknown>;
      let result: VerifyResult;
      if (doc && doc["format"] === "ncps-golden/1") {
        const r = verifyNcpsDocument(doc, { rtol: opts.rtol, atol: opts.atol });
        result = { case: r.case, maxAbsErr: r.maxAbsErr, wiringsMatch: true, pass: r.pass, runs: r.runs };
      } else {
        fail(where, `${file}: unsupported format ${JSON.stringify(doc?.["format"])} (expected 'ncps-golden/1' or 'ncps-wirings-golden/1')`);
      }
      if (opts.json) printJson(result);
      else {
        const rows = (result.runs ?? []).map((r) => [r.name, r.outputs.maxAbsErr, r.states.maxAbsErr, r.gradients.maxAbsErr, r.pass ? "pass" : "FAIL"]);
        process.stdout.write(`${result.case}\n${formatTable(["run", "outputs", "states", "gradients", ""], rows)}\n`);
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
    .action((file: string, opts: { out: string; json?: boolean }) => {
      const where = "model import-ncps";
      const m = importNcpsModel(readJsonFile(file, where), where);
      saveModel(opts.out, m, { importedFrom: file });
      const params = m.net.params.reduce((n, p) => n + (p.trainable ? p.value.length : 0), 0);
      const doc = { out: opts.out, type: m.config.type, parameters: params };
      if (opts.json) printJson(doc);
      else process.stdout.write(`wrote ${opts.out}: ${m.config.type}, ${params} trainable parameters\n`);
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
        process.stdout.write(formatTable(["parameter", "shape", "trainable"], params.map((p) => [p.name, `[${p.shape.join(", ")}]`, p.trainable ? "yes" : "fixed"])) + "\n");
      }
    });
}
