/**
 * `liquidwave model ...`: verify against ncps exports, import them, train, evaluate and run models.
 */
import type { Command } from "commander";
import { fail } from "../../core/errors.ts";
import { verifyNcpsDocument, type CaseReport } from "../../nn/ncps-verify.ts";
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
}
