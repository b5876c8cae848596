/** `liquidwave demo [--quick] [--out DIR] [--json]`: the main job, both case studies and a report. */
import { join } from "node:path";
import { checkOutputDir } from "../../core/fs.ts";
import type { Command } from "commander";
import { demoStudiesNote, runDemo } from "../../experiments/demo.ts";
import { writeDemoReport } from "../../report/demo.ts";
import { machineInfo } from "../../bench/suite.ts";
import { formatTable, info, printJson } from "../output.ts";
import { intArg } from "../parse.ts";
import { formatPredictionTable } from "./predict.ts";

export function registerDemo(program: Command): void {
  program
    .command("demo")
    .description("the main job: channel prediction and liquid beamforming vs WMMSE on the built-in simulator, with a report")
    .option("--quick", "smoke-test sizes (well under a minute)")
    .option("--seed <n>", "seed of everything", intArg(0), 1)
    .option("--out <dir>", "report folder (default results/demo-<timestamp>)")
    .option("--json", "print one JSON document")
    .action(async (o: { quick?: boolean; seed: number; out?: string; json?: boolean }) => {
      if (o.out !== undefined) checkOutputDir("demo", "--out", o.out);
      const t0 = Date.now();
      const dir = o.out ?? join("results", `demo-${new Date().toISOString().replace(/[:.]/g, "-")}`);
      const r = runDemo({ quick: o.quick, seed: o.seed, onProgress: (m) => info(m) });
      const m = machineInfo();
      const report = await writeDemoReport(dir, r, {
        command: `liquidwave demo${o.quick ? " --quick" : ""} --seed ${o.seed}`,
        date: new Date().toISOString(),
        seconds: Math.round((Date.now() - t0) / 1000),
        node: String(m["node"]),
        cpu: String(m["cpu"]),
      });
      if (o.json) {
        printJson({ report, prediction: r.prediction, beamforming: r.beamforming });
        return;
      }
      process.stdout.write(
        `\nCase study 1: channel prediction (umi-6ghz, ${r.prediction.config.history} -> ${r.prediction.config.horizon}, input SNR ${r.prediction.config.snrDb} dB)\n`,
      );
      process.stdout.write(formatPredictionTable(r.prediction) + "\n");
      process.stdout.write(`\nCase study 2: ${r.beamforming.title}\n`);
      process.stdout.write(formatTable(r.beamforming.table.header, r.beamforming.table.rows) + "\n");
      for (const n of r.beamforming.notes) process.stdout.write(`- ${n}\n`);
      process.stdout.write(`\n${demoStudiesNote()}\nreport: ${report}\n`);
    });
}
