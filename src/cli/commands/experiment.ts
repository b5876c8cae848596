/**
 * `liquidwave experiment NAME [--quick] [--out DIR] [--json]`: run one of the papers' experiments
 * and write JSON + CSV + SVG/PNG. The JSON document: `{ name, series, files, config, table, notes }`.
 */
import { join } from "node:path";
import { checkOutputDir } from "../../core/fs.ts";
import type { Command } from "commander";
import { EXPERIMENTS, runExperiment } from "../../experiments/index.ts";
import { writeExperiment } from "../../report/experiment.ts";
import { resolveOptions } from "../config.ts";
import { formatTable, info, printJson } from "../output.ts";
import { flagName, intArg, nameListArg } from "../parse.ts";

interface ExperimentCliOptions {
  quick?: boolean;
  out?: string;
  json?: boolean;
  seed: number;
  samples?: number;
  algorithms?: string[];
  restarts?: number;
  lagdIterations?: number;
  preset?: "umi-28ghz" | "o1-28ghz";
}

function stamp(): string {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

export function registerExperiment(program: Command): void {
  program
    .command("experiment")
    .description(`run one of the papers' experiments and write JSON, CSV and an SVG/PNG plot: ${Object.keys(EXPERIMENTS).join(", ")}`)
    .argument("<name>", `experiment: ${Object.keys(EXPERIMENTS).join(", ")}`)
    .option("--quick", "small sizes (seconds): a smoke run")
    .option("--out <dir>", "output folder (default results/<name>-<timestamp>)")
    .option("--seed <n>", "seed of the channels and all random initialisations", intArg(), 1)
    .option("--samples <T>", "channel samples per point (sweeps, complexity) or trajectory length (dynamic)", intArg())
    .option("--algorithms <list>", "override the algorithm list (classical names or online specs such as glnn:chain:warm)", nameListArg)
    .option("--restarts <R>", "restarts of the upper bound (default 10; 2 with --quick)", intArg())
    .option("--lagd-iterations <n>", "LAGD iterations per sample (default 500; 50 with --quick)", intArg())
    .option("--preset <name>", "beamforming channel: umi-28ghz (default, 38.901 UMi) or o1-28ghz (specular canyon)")
    .option("--json", "print one JSON document")
    .option("--config <file>", "options from a JSON or YAML file")
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const o = resolveOptions<ExperimentCliOptions & Record<string, unknown>>(cmd);
      // Checked before the (long) run: an --out naming a file fails now, not after the experiment.
      if (o.out !== undefined) checkOutputDir("experiment", "--out", o.out);
      const t0 = performance.now();
      const result = runExperiment(
        name,
        {
          quick: o.quick ?? false,
          seed: o.seed,
          ...(o.samples !== undefined ? { samples: o.samples } : {}),
          ...(o.algorithms !== undefined ? { algorithms: o.algorithms } : {}),
          ...(o.restarts !== undefined ? { restarts: o.restarts } : {}),
          ...(o.lagdIterations !== undefined ? { lagdIterations: o.lagdIterations } : {}),
          ...(o.preset !== undefined ? { preset: o.preset } : {}),
          onProgress: (m) => info(m),
        },
        { where: "experiment", option: flagName },
      );
      const dir = o.out ?? join("results", `${name}-${stamp()}`);
      const files = await writeExperiment(result, dir);
      info(`experiment ${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s; files in ${dir}`);
      if (o.json) {
        printJson({ name: result.name, series: result.series, files, config: result.config, table: result.table, notes: result.notes });
        return;
      }
      process.stdout.write(
        `${result.title}\n${formatTable(result.table.header, result.table.rows)}\n\n${result.notes.map((n) => `- ${n}`).join("\n")}\n\nfiles:\n${files.map((f) => `  ${f}`).join("\n")}\n`,
      );
    });
}
