/**
 * `liquidwave study`: config-driven sweeps (a task x a grid of options), on every core or across
 * machines, resumable, summarised with confidence intervals. See src/study/.
 *
 * - `study run FILE --out DIR [--workers N] [--queue redis://HOST:PORT]`
 * - `study worker --queue redis://HOST:PORT [--concurrency N]`
 * - `study summary DIR [--json]`: `{ study, total, finished, groupKeys, groups: [{ cell, n, seeds,
 *   metrics: { path: { n, mean, std, ci95: [low, high], halfWidth } } }] }`
 * - `study report DIR`: DIR/report/report.html with figures and summary.csv
 * - `study regimes DIR [--compact] [--json]`: a prediction study's per-regime tables (models' NMSE with 95 %
 *   intervals, paired gain over the best classical model, parameters, µs per prediction) and the
 *   verdict of the liquid models per regime (src/study/regimes.ts), as Markdown; for a beamforming
 *   study `[--liquid NAME] [--against NAME] [--params NAME=N]...` (sum SE with 95 % intervals, % of
 *   WMMSE, µs per slot, the paired verdict; src/study/beamform-regimes.ts)
 */
import { checkOutputDir } from "../../core/fs.ts";
import { Presets, SingleBar } from "cli-progress";
import type { Command } from "commander";
import { readStudyFile } from "../../study/schema.ts";
import { defaultWorkers } from "../../study/pool.ts";
import { checkQueueUrl, probeRedis, queueExecutor, runWorker } from "../../study/queue.ts";
import { runStudy } from "../../study/runner.ts";
import { groupLabel, summarizeStudy } from "../../study/summary.ts";
import { writeStudyReport } from "../../study/report.ts";
import { regimeMarkdown, regimesCompactMarkdown, regimeTables } from "../../study/regimes.ts";
import { beamformRegimesMarkdown, beamformRegimeTables } from "../../study/beamform-regimes.ts";
import { InvalidArgumentError } from "commander";
import { formatNumber, formatTable, info, printJson } from "../output.ts";
import { intArg } from "../parse.ts";

interface RunOptions {
  out: string;
  workers?: number;
  queue?: string;
  quiet?: boolean;
}

export function registerStudy(program: Command): void {
  const study = program
    .command("study")
    .description(
      "studies: a task over a grid of options (seeds x SNRs x ...), on every core or across machines, resumable, with confidence intervals",
    );

  study
    .command("run")
    .description("run (or resume) a study: every cell of the grid once, results appended to DIR/results.jsonl")
    .argument("<file>", "study file (YAML or JSON): task, base options, grid")
    .requiredOption("--out <dir>", "study folder (the same folder resumes the study)")
    .option("--workers <n>", `worker threads (default: all cores, ${defaultWorkers()} here)`, intArg(1, 1024))
    .option("--queue <url>", "put the cells on a BullMQ queue in Redis (redis://HOST:PORT) for `study worker`s instead of local threads")
    .option("--quiet", "no progress bar")
    .action(async (file: string, o: RunOptions) => {
      const where = "study run";
      checkOutputDir(where, "--out", o.out);
      if (o.queue !== undefined && o.workers !== undefined) {
        info(`${where}: --workers is ignored with --queue (each study worker has its own --concurrency)`);
      }
      const s = readStudyFile(file);
      const queue = o.queue !== undefined ? checkQueueUrl(o.queue, where) : undefined;
      let bar: SingleBar | null = null;
      const t0 = performance.now();
      const report = await runStudy(s, file, o.out, {
        workers: o.workers ?? defaultWorkers(),
        ...(queue !== undefined
          ? { executor: queueExecutor(queue, { onWarning: (m) => info(`${where}: ${m}`) }), beforeStart: () => probeRedis(queue, where) }
          : {}),
        onWarning: (m) => info(`${where}: warning: ${m}`),
        onStart: (total, finished, resumed) => {
          info(
            `${where}: ${total} cells${resumed ? `, ${finished} already finished (resuming)` : ""}; ${o.queue ? `queue ${o.queue}` : `${o.workers ?? defaultWorkers()} worker threads`}; results in ${o.out}/results.jsonl`,
          );
          if (o.quiet || finished === total) return;
          bar = new SingleBar(
            {
              format: "study [{bar}] {value}/{total} cells | ETA {eta_formatted}",
              stream: process.stderr,
              noTTYOutput: true,
              notTTYSchedule: 5000,
              hideCursor: false,
              etaBuffer: 20,
            },
            Presets.shades_classic,
          );
          bar.start(total, finished);
        },
        onCell: () => bar?.increment(),
      }).finally(() => (bar as SingleBar | null)?.stop());
      info(
        `${where}: done: ${report.ran} cells run, ${report.skipped} skipped (already finished) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    });

  study
    .command("worker")
    .description("serve a study queue: run cells put there by `study run --queue` (stop with Ctrl-C or SIGTERM)")
    .requiredOption("--queue <url>", "Redis URL, redis://HOST:PORT")
    .option("--concurrency <n>", `cells at once (worker threads; default all cores, ${defaultWorkers()} here)`, intArg(1, 1024))
    .option(
      "--lock-seconds <s>",
      "a crashed worker's cell goes back to the queue after about this long (twice this at most)",
      intArg(1, 86400),
      30,
    )
    .action(async (o: { queue: string; concurrency?: number; lockSeconds: number }) => {
      const url = checkQueueUrl(o.queue, "study worker");
      const ac = new AbortController();
      const stop = () => ac.abort();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      try {
        const r = await runWorker(url, {
          concurrency: o.concurrency ?? defaultWorkers(),
          lockMs: o.lockSeconds * 1000,
          signal: ac.signal,
          log: info,
        });
        info(`study worker: stopped after ${r.done} cells (${r.failed} failed)`);
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });

  study
    .command("summary")
    .description(
      "summarise a study folder: each metric as mean, std, n and 95 % confidence interval per group of cells (every grid key but seed)",
    )
    .argument("<dir>", "study folder")
    .option("--json", "print one JSON document")
    .action((dir: string, o: { json?: boolean }) => {
      const s = summarizeStudy(dir);
      if (o.json) {
        printJson(s);
        return;
      }
      const lines = [
        `${s.study.task}${s.study.experiment ? ` ${s.study.experiment}` : ""}: ${s.finished} of ${s.total} cells finished; groups by ${s.groupKeys.length ? s.groupKeys.join(", ") : "(none: seed is the only grid key)"}`,
      ];
      for (const g of s.groups) {
        lines.push("", `${groupLabel(g.cell)} (n = ${g.n})`);
        const rows = Object.entries(g.metrics).map(([p, m]) => [
          p,
          m.n,
          m.mean,
          m.std ?? "-",
          m.ci95 ? `[${formatNumber(m.ci95[0])}, ${formatNumber(m.ci95[1])}]` : "-",
        ]);
        if (rows.length) lines.push(formatTable(["metric", "n", "mean", "std", "95 % CI"], rows));
      }
      process.stdout.write(lines.join("\n") + "\n");
    });

  study
    .command("report")
    .description("write DIR/report/: report.html with figures (means with 95 % confidence error bars) and summary.csv")
    .argument("<dir>", "study folder")
    .action(async (dir: string) => {
      const path = await writeStudyReport(dir, summarizeStudy(dir));
      info(`study report: ${path}`);
    });

  study
    .command("regimes")
    .description(
      "a study's table per regime and the liquid models' verdict (wins, ties or loses): for prediction, mean NMSE with 95 % intervals, paired gain over the best classical model, parameters, µs per prediction; for beamforming, sum SE with 95 % intervals, % of WMMSE, µs per slot and the paired difference",
    )
    .argument("<dir>", "study folder of a `task: predict` or `task: beamform` study")
    .option("--json", "print one JSON document")
    .option("--compact", "prediction: one table for all regimes: mean NMSE with 95 % intervals per regime, the verdicts")
    .option("--liquid <name>", "beamforming: the algorithm whose verdict is given (default glnn)")
    .option("--against <name>", "beamforming: compare it with this algorithm instead of the best classical one")
    .option(
      "--params <name=N>",
      "beamforming: a parameter count to show for an algorithm (repeatable)",
      paramsArg,
      new Map<string, string>(),
    )
    .action((dir: string, o: { json?: boolean; compact?: boolean; liquid?: string; against?: string; params: Map<string, string> }) => {
      const summary = summarizeStudy(dir);
      if (summary.study.task === "beamform") {
        const options = {
          ...(o.liquid !== undefined ? { liquid: o.liquid } : {}),
          ...(o.against !== undefined ? { against: o.against } : {}),
        };
        const tables = beamformRegimeTables(dir, options);
        if (o.json) printJson(tables);
        else process.stdout.write(beamformRegimesMarkdown(tables, { ...options, params: o.params }));
        return;
      }
      const tables = regimeTables(summary, dir);
      if (o.json) {
        printJson(tables);
        return;
      }
      if (o.compact) {
        process.stdout.write(`${regimesCompactMarkdown(tables)}\n`);
        return;
      }
      process.stdout.write(`${tables.map((t) => `#### ${t.label}\n\n${regimeMarkdown(t)}`).join("\n\n")}\n`);
    });
}

/** `--params NAME=N` (repeatable; the name may itself contain `=`, the count follows the last one). */
function paramsArg(value: string, previous: Map<string, string>): Map<string, string> {
  const [k, v] = value.split(/=(?=[^=]*$)/);
  if (!k || !v) throw new InvalidArgumentError(`expected NAME=N, got '${value}'`);
  return new Map(previous).set(k, v);
}
