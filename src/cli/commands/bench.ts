/** `liquidwave bench [--filter RE] [--time-ms N] [--json]`: the benchmark suite. */
import type { Command } from "commander";
import { allCases } from "../../bench/cases.ts";
import { machineInfo, runSuite } from "../../bench/suite.ts";
import { fail } from "../../core/errors.ts";
import { formatTable, info, printJson } from "../output.ts";
import { intArg } from "../parse.ts";

export function registerBench(program: Command): void {
  program
    .command("bench")
    .description("run the benchmark suite (medians per call, one thread)")
    .option("--filter <regex>", "only cases whose name matches")
    .option("--time-ms <n>", "measuring time per case in ms", intArg(50), 1500)
    .option("--list", "list the cases and exit")
    .option("--json", "print one JSON document")
    .action((opts: { filter?: string; timeMs: number; list?: boolean; json?: boolean }) => {
      let filter: RegExp | undefined;
      if (opts.filter !== undefined) {
        try {
          filter = new RegExp(opts.filter);
        } catch {
          fail("bench", `--filter is not a valid regular expression: '${opts.filter}'`);
        }
      }
      const cases = allCases();
      if (opts.list) {
        for (const c of cases) process.stdout.write(`${c.name}\t${c.description}\n`);
        return;
      }
      const results = runSuite(cases, {
        filter,
        timeMs: opts.timeMs,
        onCase: (name, i, n) => info(`[${i + 1}/${n}] ${name}`),
      });
      if (filter && results.length === 0) fail("bench", `no case matches --filter '${opts.filter}'`);
      const doc = { machine: machineInfo(), results };
      if (opts.json) printJson(doc);
      else {
        process.stdout.write(
          formatTable(
            ["case", "median ms", "min ms", "max ms", "runs", "workload"],
            results.map((r) => [r.name, r.medianMs, r.minMs, r.maxMs, r.runs, r.description]),
          ) + "\n",
        );
      }
    });
}
